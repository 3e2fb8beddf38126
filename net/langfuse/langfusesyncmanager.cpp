#include "langfusesyncmanager.h"

#include "remotetracefetcher.h"
#include "store/storereader.h"
#include "store/tracestore.h"

#include <QLocale>

namespace tg {

LangfuseSyncManager::LangfuseSyncManager(TraceStore *store, QObject *parent)
    : LangfuseSyncManager(store, Options(), parent)
{
}

LangfuseSyncManager::LangfuseSyncManager(TraceStore *store, const Options &options, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_options(options)
    , m_registry(new ConnectionRegistry(options.registry, this))
    , m_transport(new LangfuseTransport(options.transport, this))
    , m_fetcher(new RemoteTraceFetcher(store, this, this))
{
    connect(m_registry, &ConnectionRegistry::connectionSaved, this, [this](const QString &id) {
        if (m_started)
            startSync(id);
    });
    connect(m_registry, &ConnectionRegistry::connectionRemoved, this, &LangfuseSyncManager::stopSync);
    m_refreshTimer.setInterval(60'000);
    connect(&m_refreshTimer, &QTimer::timeout, this, [this] {
        for (LangfuseSync *sync : std::as_const(m_syncs))
            publish(sync);
    });
}

LangfuseSyncManager::~LangfuseSyncManager()
{
    // Syncs before the transport (their clients use it) and before the store goes.
    const QList<LangfuseSync *> syncs = m_syncs.values();
    m_syncs.clear();
    qDeleteAll(syncs);
}

void LangfuseSyncManager::start()
{
    if (m_started)
        return;
    m_started = true;
    m_registry->load();
    for (const LangfuseConnection &c : m_registry->savedConnections())
        startSync(c.id);
    m_refreshTimer.start();
    emit summaryChanged();
}

QList<LangfuseSync *> LangfuseSyncManager::syncs() const
{
    QList<LangfuseSync *> out;
    for (const LangfuseConnection &c : m_registry->connections()) {
        if (LangfuseSync *s = m_syncs.value(c.id))
            out << s;
    }
    return out;
}

LangfuseSync *LangfuseSyncManager::sync(const QString &connectionId) const
{
    return m_syncs.value(connectionId);
}

LangfuseSync *LangfuseSyncManager::syncForSource(qint64 sourceId) const
{
    if (sourceId <= 0)
        return nullptr;
    for (LangfuseSync *s : m_syncs) {
        if (s->sourceId() == sourceId)
            return s;
    }
    return nullptr;
}

void LangfuseSyncManager::startSync(const QString &connectionId)
{
    stopSync(connectionId);
    const std::optional<LangfuseConnection> connection = m_registry->connection(connectionId);
    if (!connection || connection->fromEnvironment)
        return;
    m_registry->secret(connectionId, this, [this, connectionId](const CredentialResult &secret) {
        // The connection may have been edited or removed while the keychain answered.
        const std::optional<LangfuseConnection> current = m_registry->connection(connectionId);
        if (!current || m_syncs.contains(connectionId))
            return;
        auto *sync = new LangfuseSync(
            m_store, m_transport, *current, secret.ok() ? secret.secret : QString(), m_options.sync, this);
        m_syncs.insert(connectionId, sync);
        connect(sync, &LangfuseSync::stateTextChanged, this, [this, sync] { publish(sync); });
        connect(sync, &LangfuseSync::sourceReady, this, [this, sync] { publish(sync); });
        connect(sync, &LangfuseSync::stateChanged, this, &LangfuseSyncManager::summaryChanged);
        connect(sync, &LangfuseSync::backfillProgressed, this,
            [this, connectionId](double fraction, qint64 traces, qint64) {
                emit backfillProgressed(connectionId, fraction, traces);
            });
        connect(sync, &LangfuseSync::backfillFinished, this,
            [this, connectionId](bool ok, bool cancelled, const QString &message) {
                emit backfillFinished(connectionId, ok, cancelled, message);
            });
        emit syncAdded(sync);
        sync->start();
        emit summaryChanged();
    });
}

void LangfuseSyncManager::stopSync(const QString &connectionId)
{
    LangfuseSync *sync = m_syncs.take(connectionId);
    if (!sync)
        return;
    const qint64 sourceId = sync->sourceId();
    delete sync;
    if (sourceId > 0)
        emit sourceStateChanged(sourceId, QString());
    emit syncRemoved(connectionId);
    emit summaryChanged();
}

void LangfuseSyncManager::publish(LangfuseSync *sync)
{
    if (sync->sourceId() > 0)
        emit sourceStateChanged(sync->sourceId(), sync->stateText());
}

void LangfuseSyncManager::syncAll()
{
    for (LangfuseSync *sync : std::as_const(m_syncs))
        sync->syncNow();
}

void LangfuseSyncManager::removeConnection(
    const QString &connectionId, bool deleteCachedData, QObject *context, ConnectionRegistry::Done done)
{
    stopSync(connectionId);
    if (deleteCachedData && connectionId != QLatin1String(ConnectionRegistry::kEnvironmentId)) {
        TraceStore *store = m_store;
        const QString prefix = LangfuseSync::sourceKeyPrefix(connectionId);
        // A source holds every cached trace of the project: deleting it is store work, off this thread.
        m_tasks.run(
            this,
            [store, prefix] {
                QList<qint64> ids;
                {
                    ReaderLease reader = store->reader();
                    if (reader) {
                        for (const Source &s : reader->sources(false)) {
                            if (s.kind == SourceKind::Langfuse && s.key.startsWith(prefix))
                                ids << s.id;
                        }
                    }
                }
                for (qint64 id : std::as_const(ids))
                    store->removeSource(id);
                return int(ids.size());
            },
            [](int) {});
    }
    m_registry->remove(connectionId, context, std::move(done));
}

QString LangfuseSyncManager::summaryText() const
{
    if (m_syncs.isEmpty())
        return {};
    int offline = 0;
    int failing = 0;
    int syncing = 0;
    for (LangfuseSync *s : m_syncs) {
        switch (s->state()) {
        case LangfuseSync::State::Offline:
            ++offline;
            break;
        case LangfuseSync::State::AuthFailed:
        case LangfuseSync::State::Failed:
        case LangfuseSync::State::NoSecret:
            ++failing;
            break;
        case LangfuseSync::State::Syncing:
            ++syncing;
            break;
        default:
            break;
        }
    }
    QString text = tr("Langfuse: %n connection(s)", nullptr, int(m_syncs.size()));
    if (syncing)
        text += tr(", %n syncing", nullptr, syncing);
    if (offline)
        text += tr(", %n offline", nullptr, offline);
    if (failing)
        text += tr(", %n need attention", nullptr, failing);
    return text;
}

} // namespace tg
