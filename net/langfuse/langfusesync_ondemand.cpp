// LangfuseSync's on-demand work: backfill, the traces list paging back, opened traces and
// sessions.

#include "langfusesync.h"
#include "langfusesync_p.h"
#include "store/tracestore.h"
#include "syncoperation.h"

#include <QLocale>

#include <algorithm>

namespace tg {

using namespace langfusesync;

void LangfuseSync::backfill(const TimeWindow &window)
{
    if (isBackfilling())
        return;
    if (m_sourceId == 0 || !window.isValid()) {
        QMetaObject::invokeMethod(
            this,
            [this, valid = window.isValid()] {
                emit backfillFinished(false, false,
                    valid ? tr("“%1” is not connected yet.").arg(m_connection.name)
                          : tr("The backfill window is empty."));
            },
            Qt::QueuedConnection);
        return;
    }
    SyncOperation *op = makeWindowOperation(window, true);
    m_backfill = op;
    connect(op, &SyncOperation::progressed, this, [this, op] {
        emit backfillProgressed(op->progress(), op->counts().traces, op->counts().observations);
        emit stateTextChanged(stateText());
    });
    connect(op, &SyncOperation::finished, this, [this, op, window](bool ok, const LangfuseError &error) {
        const SyncOperation::Counts counts = op->counts();
        op->deleteLater();
        m_backfill = nullptr;
        // A backfill that reaches the covered range extends it (the traces list pages on from there).
        if (ok && m_coveredFrom.isValid() && window.to >= m_coveredFrom && window.from < m_coveredFrom) {
            m_coveredFrom = window.from;
            TraceStore *store = m_store;
            const qint64 sourceId = m_sourceId;
            const QString coveredFrom = m_coveredFrom.toString(Qt::ISODateWithMs);
            m_tasks->run(
                this,
                [store, sourceId, coveredFrom] {
                    return store->setSyncState(sourceId, QLatin1String(kCoveredFromKey), coveredFrom);
                },
                [](bool) {});
        }
        noteResult(error);
        emit backfillFinished(ok, false,
            ok ? tr("Backfill done: %1 traces, %2 observations")
                     .arg(QLocale().toString(counts.traces), QLocale().toString(counts.observations))
               : error.message);
        emit stateTextChanged(stateText());
    });
    op->start();
    emit stateTextChanged(stateText());
}

void LangfuseSync::cancelBackfill()
{
    SyncOperation *op = m_backfill.data();
    if (!op)
        return;
    const SyncOperation::Counts counts = op->counts();
    m_backfill = nullptr;
    delete op;
    emit backfillFinished(false, true,
        tr("Backfill cancelled after %1 traces; what arrived is kept.")
            .arg(QLocale().toString(counts.traces)));
    emit stateTextChanged(stateText());
}

void LangfuseSync::loadMoreTraces()
{
    if (m_sourceId == 0 || m_list.exhausted || m_list.op)
        return;
    if (!m_list.window.isValid()) {
        // Page on from where sync already listed everything: no request for what is cached.
        const QDateTime to = m_coveredFrom.isValid() ? m_coveredFrom : QDateTime::currentDateTimeUtc();
        m_list.window = { to.addDays(-std::max(1, m_connection.lookbackDays)), to };
        m_list.token = {};
    }
    runListPage();
}

void LangfuseSync::runListPage()
{
    auto *op = new SyncOperation(m_store, m_sourceId, this);
    LangfuseClient *client = m_client;
    const TimeWindow window = m_list.window;
    SyncOperation::Step step;
    step.window = window;
    step.maxPages = 1;
    step.start = m_list.token;
    step.fetch = [client, window](const PageToken &token, QObject *ctx, LangfuseClient::PageCallback done) {
        client->listTraces(window, token, RequestPriority::Interactive, ctx, std::move(done));
    };
    op->addStep(std::move(step));
    m_list.op = op;
    connect(op, &SyncOperation::finished, this, [this, op](bool ok, const LangfuseError &error) {
        op->deleteLater();
        m_list.op = nullptr;
        noteResult(error);
        if (!ok) {
            emit tracesListed(0, false);
            return;
        }
        const int traces = int(op->counts().traces);
        if (op->lastHasMore()) {
            m_list.token = op->lastToken();
        } else {
            // This window is done: the next page comes from the window before it.
            const qint64 days = std::max(1, m_connection.lookbackDays);
            m_list.window = { m_list.window.from.addDays(-days), m_list.window.from };
            m_list.token = {};
        }
        m_list.emptyWindows = traces > 0 ? 0 : m_list.emptyWindows + (op->lastHasMore() ? 0 : 1);
        m_list.exhausted = m_list.emptyWindows >= m_options.emptyWindowsToStop;
        emit tracesListed(traces, m_list.exhausted);
        if (traces == 0 && !m_list.exhausted)
            runListPage(); // nothing in that window: keep going so the user's scroll gets an answer
    });
    op->start();
}

void LangfuseSync::fetchTrace(
    const QString &traceId, QObject *context, std::function<void(bool ok, const QString &message)> done)
{
    if (m_sourceId == 0) {
        QMetaObject::invokeMethod(
            context ? context : this,
            [done, name = m_connection.name] { done(false, tr("“%1” is not connected yet.").arg(name)); },
            Qt::QueuedConnection);
        return;
    }
    auto *op = new SyncOperation(m_store, m_sourceId, this);
    op->setAccumulate(true); // complete in the store, or not there: a half trace would look cached
    LangfuseClient *client = m_client;
    SyncOperation::Step step;
    step.fetch = [client, traceId](const PageToken &token, QObject *ctx, LangfuseClient::PageCallback cb) {
        client->fetchTrace(traceId, token, RequestPriority::Interactive, ctx, std::move(cb));
    };
    op->addStep(std::move(step));
    // GET /traces/{id} (v1) holds the scores already; with v2 they are a listing of their own.
    if (client->transport()->supports(client->credentials().host, LangfuseFeature::ObservationsV2)) {
        SyncOperation::Step scores;
        scores.lane = 1;
        scores.fetch
            = [client, traceId](const PageToken &token, QObject *ctx, LangfuseClient::PageCallback cb) {
                  LangfuseScoreQuery query;
                  query.traceId = traceId;
                  client->listScores(query, token, RequestPriority::Interactive, ctx, std::move(cb));
              };
        op->addStep(std::move(scores));
    }
    if (context)
        connect(context, &QObject::destroyed, op, &QObject::deleteLater);
    QPointer<QObject> ctx = context;
    const bool hasContext = context != nullptr;
    connect(op, &SyncOperation::finished, this,
        [this, op, done, ctx, hasContext](bool ok, const LangfuseError &error) {
            const SyncOperation::Counts counts = op->counts();
            op->deleteLater();
            if (error.isOffline() || ok)
                noteResult(error);
            if (hasContext && !ctx)
                return;
            done(ok,
                ok ? tr("%n observation(s) downloaded", nullptr, int(counts.observations))
                   : error.fullText());
        });
    op->start();
}

void LangfuseSync::fetchSession(const QString &sessionId, bool refresh)
{
    if (m_sourceId == 0 || sessionId.isEmpty() || m_sessionOp)
        return;
    if (!refresh && m_fetchedSessions.contains(sessionId))
        return;
    auto *op = new SyncOperation(m_store, m_sourceId, this);
    LangfuseClient *client = m_client;
    SyncOperation::Step step;
    step.fetch = [client, sessionId](const PageToken &token, QObject *ctx, LangfuseClient::PageCallback cb) {
        client->fetchSession(sessionId, token, RequestPriority::Interactive, ctx, std::move(cb));
    };
    op->addStep(std::move(step));
    m_sessionOp = op;
    connect(op, &SyncOperation::finished, this, [this, op, sessionId](bool ok, const LangfuseError &error) {
        op->deleteLater();
        m_sessionOp = nullptr;
        if (ok)
            m_fetchedSessions.insert(sessionId);
        if (error.isOffline() || ok)
            noteResult(error);
        emit sessionFetched(sessionId, ok, ok ? QString() : error.fullText());
    });
    op->start();
}

} // namespace tg
