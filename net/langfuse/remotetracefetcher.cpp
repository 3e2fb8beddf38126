#include "remotetracefetcher.h"

#include "itemmodels/backgroundtask.h"
#include "langfusesyncmanager.h"
#include "store/storereader.h"
#include "store/tracestore.h"

namespace tg {

namespace {

struct TraceInfo
{
    bool found = false;
    qint64 sourceId = 0;
    QString traceId;
    int observations = 0;
};

} // namespace

RemoteTraceFetcher::RemoteTraceFetcher(TraceStore *store, LangfuseSyncManager *manager, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_manager(manager)
{
    m_debounce.setSingleShot(true);
    m_debounce.setInterval(150);
    connect(&m_debounce, &QTimer::timeout, this, [this] { check(m_traceRk, m_refresh); });
}

void RemoteTraceFetcher::traceOpened(qint64 traceRk)
{
    if (traceRk == m_traceRk && (m_current || m_debounce.isActive()))
        return;
    delete m_current; // the user moved on
    ++m_generation;
    m_traceRk = traceRk;
    m_refresh = false;
    if (traceRk <= 0) {
        m_debounce.stop();
        return;
    }
    m_debounce.start();
}

void RemoteTraceFetcher::refresh(qint64 traceRk)
{
    delete m_current;
    ++m_generation;
    m_traceRk = traceRk;
    m_refresh = true;
    m_debounce.stop();
    if (traceRk > 0)
        check(traceRk, true);
}

void RemoteTraceFetcher::check(qint64 traceRk, bool refresh)
{
    const quint64 generation = m_generation;
    std::shared_ptr<ReaderPool> pool = m_store->readerPool();
    runInBackground(
        this,
        [pool, traceRk] {
            TraceInfo info;
            ReaderLease reader = pool->lease();
            if (!reader)
                return info;
            const std::optional<TraceRow> row = reader->trace(traceRk);
            if (!row)
                return info;
            info.found = true;
            info.sourceId = row->sourceId;
            info.traceId = row->id;
            info.observations = row->observationCount;
            return info;
        },
        [this, generation, traceRk, refresh](const TraceInfo &info) {
            if (generation != m_generation || !info.found || !m_manager)
                return;
            LangfuseSync *sync = m_manager->syncForSource(info.sourceId);
            if (!sync)
                return; // not a Langfuse trace, or its connection is gone: nothing to fetch
            if (info.observations > 0 && !refresh) {
                emit servedFromCache(traceRk);
                return;
            }
            auto *context = new QObject(this);
            m_current = context;
            emit fetchStarted(
                traceRk, tr("Downloading trace %1 from %2…").arg(info.traceId, sync->connection().name));
            sync->fetchTrace(
                info.traceId, context, [this, context, traceRk](bool ok, const QString &message) {
                    if (m_current == context)
                        m_current = nullptr;
                    context->deleteLater();
                    emit fetchFinished(traceRk, ok, message);
                });
        });
}

} // namespace tg
