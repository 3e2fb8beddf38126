#include "langfusesync.h"

#include "langfusesync_p.h"
#include "store/storereader.h"
#include "store/tracestore.h"
#include "syncoperation.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>

#include <algorithm>

namespace tg {

using namespace langfusesync;

namespace {

QString relativeTime(const QDateTime &when)
{
    const qint64 seconds = when.secsTo(QDateTime::currentDateTimeUtc());
    if (seconds < 60)
        return LangfuseSync::tr("just now");
    if (seconds < 3600)
        return LangfuseSync::tr("%n min ago", nullptr, int(seconds / 60));
    if (seconds < 86400)
        return LangfuseSync::tr("%n h ago", nullptr, int(seconds / 3600));
    return QLocale().toString(when.toLocalTime(), QLocale::ShortFormat);
}

struct CachedSource
{
    qint64 id = 0;
    QString name;
    QDateTime watermark;
    QDateTime lastSync;
    QDateTime coveredFrom;
};

CachedSource readSyncState(StoreReader &reader, qint64 sourceId)
{
    CachedSource out;
    out.id = sourceId;
    out.watermark
        = QDateTime::fromString(reader.syncState(sourceId, QLatin1String(kWatermarkKey)), Qt::ISODateWithMs);
    out.lastSync
        = QDateTime::fromString(reader.syncState(sourceId, QLatin1String(kLastSyncKey)), Qt::ISODateWithMs);
    out.coveredFrom = QDateTime::fromString(
        reader.syncState(sourceId, QLatin1String(kCoveredFromKey)), Qt::ISODateWithMs);
    return out;
}

} // namespace

LangfuseSync::LangfuseSync(TraceStore *store, LangfuseTransport *transport,
    const LangfuseConnection &connection, const QString &secretKey, QObject *parent)
    : LangfuseSync(store, transport, connection, secretKey, Options(), parent)
{
}

LangfuseSync::LangfuseSync(TraceStore *store, LangfuseTransport *transport,
    const LangfuseConnection &connection, const QString &secretKey, const Options &options, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_connection(connection)
    , m_options(options)
    , m_client(new LangfuseClient(transport, this))
    , m_tasks(std::make_unique<StoreTasks>())
{
    LangfuseCredentials credentials;
    credentials.host = connection.host;
    credentials.publicKey = connection.publicKey;
    credentials.secretKey = secretKey;
    credentials.tier = connection.effectiveTier();
    m_client->setCredentials(credentials);
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, [this] {
        if (!m_sourceId || m_project.id.isEmpty())
            connectToProject();
        else
            syncNow();
    });
}

LangfuseSync::~LangfuseSync()
{
    // Operations first (they wait for their own submits), then the store tasks.
    delete m_sync;
    delete m_backfill;
    delete m_list.op;
    delete m_sessionOp;
    m_tasks.reset(); // waits for ensureSource / setSyncState still running on the pool
}

QString LangfuseSync::sourceKey(const QString &connectionId, const QString &projectId)
{
    return sourceKeyPrefix(connectionId) + projectId;
}

QString LangfuseSync::sourceKeyPrefix(const QString &connectionId)
{
    return QStringLiteral("langfuse:") + connectionId + u'/';
}

bool LangfuseSync::isSyncing() const
{
    const SyncOperation *op = m_sync.data();
    return op && op->isRunning();
}

bool LangfuseSync::isBackfilling() const
{
    const SyncOperation *op = m_backfill.data();
    return op && op->isRunning();
}

double LangfuseSync::backfillProgress() const
{
    const SyncOperation *op = m_backfill.data();
    return op ? op->progress() : 0.0;
}

QString LangfuseSync::stateText() const
{
    QString text;
    switch (m_state) {
    case State::Starting:
        text = tr("connecting…");
        break;
    case State::Idle:
        text = m_lastSync.isValid() ? tr("synced %1").arg(relativeTime(m_lastSync)) : tr("connected");
        break;
    case State::Syncing: {
        const SyncOperation *op = m_sync.data();
        const qint64 rows = op ? op->counts().observations + op->counts().traces : 0;
        text = rows > 0 ? tr("syncing… %1 records").arg(QLocale().toString(rows)) : tr("syncing…");
        break;
    }
    case State::Offline:
        text = tr("offline — showing cached data");
        break;
    case State::AuthFailed:
        text = m_lastError.kind == LangfuseError::Kind::Forbidden
            ? tr("access denied (403) — edit the connection")
            : tr("keys rejected (401) — edit the connection");
        break;
    case State::Failed:
        text = tr("sync failed — will retry");
        break;
    case State::NoSecret:
        text = tr("no secret key — edit the connection");
        break;
    }
    if (isBackfilling())
        text += tr(" · backfill %1%").arg(int(backfillProgress() * 100));
    return text;
}

void LangfuseSync::setState(State state, const LangfuseError &error)
{
    if (!error.ok())
        m_lastError = error;
    else if (state == State::Idle || state == State::Syncing)
        m_lastError = {};
    if (m_state != state) {
        m_state = state;
        emit stateChanged(state);
    }
    emit stateTextChanged(stateText());
}

void LangfuseSync::noteResult(const LangfuseError &error)
{
    if (error.ok()) {
        m_offlineDelayMs = 0;
        if (m_state == State::Offline || m_state == State::Failed || m_state == State::Starting)
            setState(isSyncing() ? State::Syncing : State::Idle);
        return;
    }
    if (error.kind == LangfuseError::Kind::Cancelled)
        return;
    if (error.isOffline())
        setState(State::Offline, error);
    else if (error.isAuthFailure())
        setState(State::AuthFailed, error);
    else if (m_state != State::Offline)
        setState(State::Failed, error);
}

void LangfuseSync::scheduleNext()
{
    m_timer.stop();
    if (m_state == State::AuthFailed || m_state == State::NoSecret || !m_options.autoSync)
        return;
    const int intervalMs = m_connection.syncIntervalMinutes * 60'000;
    if (m_state == State::Offline || m_project.id.isEmpty()) {
        m_offlineDelayMs = m_offlineDelayMs == 0 ? m_options.offlineRetryMs : m_offlineDelayMs * 2;
        if (intervalMs > 0)
            m_offlineDelayMs = std::min(m_offlineDelayMs, intervalMs);
        m_offlineDelayMs = std::min(m_offlineDelayMs, 30 * 60'000);
        m_timer.start(m_offlineDelayMs);
        return;
    }
    if (intervalMs > 0)
        m_timer.start(intervalMs);
}

void LangfuseSync::start()
{
    if (m_started)
        return;
    m_started = true;
    if (m_client->credentials().secretKey.isEmpty()) {
        setState(State::NoSecret,
            LangfuseError::make(LangfuseError::Kind::NoSecret,
                tr("No secret key is stored for “%1”. Edit the connection and enter it.")
                    .arg(m_connection.name)));
        return;
    }
    setState(State::Starting);
    // Data cached by an earlier run is browsable (and named in the sidebar) before the host answers.
    const QString prefix = sourceKeyPrefix(m_connection.id);
    std::shared_ptr<ReaderPool> pool = m_store->readerPool();
    m_tasks->run(
        this,
        [pool, prefix] {
            CachedSource found;
            ReaderLease reader = pool->lease();
            if (!reader)
                return found;
            for (const Source &s : reader->sources(false)) {
                if (s.kind == SourceKind::Langfuse && s.key.startsWith(prefix)) {
                    found = readSyncState(*reader, s.id);
                    found.name = s.name;
                    break;
                }
            }
            return found;
        },
        [this](const CachedSource &found) {
            if (found.id > 0 && m_sourceId == 0) {
                m_watermark = found.watermark;
                m_lastSync = found.lastSync;
                m_coveredFrom = found.coveredFrom;
                setSource(found.id);
                emit stateTextChanged(stateText());
            }
        });
    connectToProject();
}

void LangfuseSync::connectToProject()
{
    if (m_connecting)
        return;
    m_connecting = new QObject(this);
    m_client->project(
        m_connecting,
        [this](const LangfuseProjectInfo &info) {
            delete m_connecting;
            onProject(info);
        },
        RequestPriority::Background);
}

void LangfuseSync::onProject(const LangfuseProjectInfo &info)
{
    if (!info.ok()) {
        noteResult(info.error);
        scheduleNext();
        return;
    }
    m_project = info;
    m_client->setOrganization(info.organizationId);
    const QString key = sourceKey(m_connection.id, info.id);
    const QString name
        = m_connection.name + QStringLiteral(" / ") + (info.name.isEmpty() ? info.id : info.name);
    const QString detail
        = QString::fromUtf8(QJsonDocument(QJsonObject {
                                              { QStringLiteral("host"), m_connection.host },
                                              { QStringLiteral("connectionId"), m_connection.id },
                                              { QStringLiteral("projectId"), info.id },
                                              { QStringLiteral("projectName"), info.name },
                                              { QStringLiteral("organizationId"), info.organizationId },
                                              { QStringLiteral("organizationName"), info.organizationName },
                                          })
                                .toJson(QJsonDocument::Compact));
    TraceStore *store = m_store;
    m_tasks->run(
        this,
        [store, key, name, detail] {
            CachedSource out;
            QString error;
            out.id = store->ensureSource(SourceKind::Langfuse, key, name, detail, &error);
            if (out.id <= 0) {
                out.name = error;
                out.id = 0;
                return out;
            }
            ReaderLease reader = store->reader();
            if (reader) {
                const std::optional<Source> existing = reader->source(out.id);
                if (existing && existing->name != name)
                    store->renameSource(out.id, name);
                const CachedSource state = readSyncState(*reader, out.id);
                out.watermark = state.watermark;
                out.lastSync = state.lastSync;
                out.coveredFrom = state.coveredFrom;
            }
            return out;
        },
        [this](const CachedSource &source) {
            if (source.id == 0) {
                setState(State::Failed,
                    LangfuseError::make(LangfuseError::Kind::InvalidResponse,
                        tr("The local store refused the source: %1").arg(source.name)));
                return;
            }
            if (source.id != m_sourceId) {
                // Another project behind the same keys than last time: start that one fresh.
                m_watermark = source.watermark;
                m_lastSync = source.lastSync;
                m_coveredFrom = source.coveredFrom;
                m_list = {};
            }
            setSource(source.id);
            noteResult({});
            setState(State::Idle);
            if (m_options.autoSync)
                syncNow();
        });
}

void LangfuseSync::setSource(qint64 sourceId)
{
    if (m_sourceId == sourceId)
        return;
    m_sourceId = sourceId;
    emit sourceReady(sourceId);
}

SyncOperation *LangfuseSync::makeWindowOperation(const TimeWindow &window, bool withObservations)
{
    auto *op = new SyncOperation(m_store, m_sourceId, this);
    LangfuseClient *client = m_client;
    SyncOperation::Step main;
    main.window = window;
    if (withObservations) {
        main.fetch
            = [client, window](const PageToken &token, QObject *ctx, LangfuseClient::PageCallback done) {
                  client->listObservations(window, token, RequestPriority::Background, ctx, std::move(done));
              };
        // v1 observation pages carry no traces: list those too when the server is legacy.
        auto tracesAdded = std::make_shared<bool>(false);
        op->setPageHook([client, window, tracesAdded](SyncOperation &o, LangfusePage &page) {
            if (!page.legacy || *tracesAdded || page.endpoint != LangfuseEndpoint::ObservationsV1)
                return;
            *tracesAdded = true;
            SyncOperation::Step traces;
            traces.window = window;
            traces.lane = 2;
            traces.fetch
                = [client, window](const PageToken &token, QObject *ctx, LangfuseClient::PageCallback done) {
                      client->listTraces(window, token, RequestPriority::Background, ctx, std::move(done));
                  };
            o.addStep(std::move(traces));
        });
    } else {
        main.fetch
            = [client, window](const PageToken &token, QObject *ctx, LangfuseClient::PageCallback done) {
                  client->listTraces(window, token, RequestPriority::Background, ctx, std::move(done));
              };
    }
    op->addStep(std::move(main));
    // Scores are a listing of their own: fetched alongside, not after.
    SyncOperation::Step scores;
    scores.window = window;
    scores.lane = 1;
    scores.fetch = [client, window](const PageToken &token, QObject *ctx, LangfuseClient::PageCallback done) {
        LangfuseScoreQuery query;
        query.window = window;
        client->listScores(query, token, RequestPriority::Background, ctx, std::move(done));
    };
    op->addStep(std::move(scores));
    return op;
}

void LangfuseSync::syncNow()
{
    if (m_state == State::AuthFailed || m_state == State::NoSecret)
        return;
    if (m_sourceId == 0 || m_project.id.isEmpty()) {
        connectToProject();
        return;
    }
    if (m_sync)
        return;
    m_timer.stop();
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QDateTime from = now.addDays(-std::max(1, m_connection.lookbackDays));
    if (m_watermark.isValid())
        from = std::max(from, m_watermark.addSecs(-60LL * m_options.overlapMinutes));
    if (from >= now)
        from = now.addSecs(-60);
    const TimeWindow window { from, now };
    SyncOperation *op = makeWindowOperation(window, m_connection.syncObservations);
    m_sync = op;
    connect(op, &SyncOperation::progressed, this, [this] { emit stateTextChanged(stateText()); });
    connect(op, &SyncOperation::finished, this,
        [this, op, window](bool ok, const LangfuseError &error) { finishSync(op, window, ok, error); });
    setState(State::Syncing);
    op->start();
}

void LangfuseSync::finishSync(
    SyncOperation *op, const TimeWindow &window, bool ok, const LangfuseError &error)
{
    const SyncOperation::Counts counts = op->counts();
    op->deleteLater();
    m_sync = nullptr;
    if (!ok) {
        if (m_state == State::Syncing)
            m_state = State::Idle; // noteResult decides what it becomes
        noteResult(error);
        emit syncFinished(false, error.message);
        scheduleNext();
        return;
    }
    m_watermark = window.to;
    m_lastSync = QDateTime::currentDateTimeUtc();
    if (!m_coveredFrom.isValid() || window.from < m_coveredFrom)
        m_coveredFrom = window.from;
    TraceStore *store = m_store;
    const qint64 sourceId = m_sourceId;
    const QString watermark = window.to.toString(Qt::ISODateWithMs);
    const QString lastSync = m_lastSync.toString(Qt::ISODateWithMs);
    const QString coveredFrom = m_coveredFrom.toString(Qt::ISODateWithMs);
    noteResult({});
    setState(State::Idle);
    const QString summary
        = tr("%1 traces, %2 observations, %3 scores")
              .arg(QLocale().toString(counts.traces), QLocale().toString(counts.observations),
                  QLocale().toString(counts.scores));
    // After the data: the writer runs tasks in order, so the watermark never gets ahead of it.
    // syncFinished waits for it, so whoever reacts sees the watermark stored.
    m_tasks->run(
        this,
        [store, sourceId, watermark, lastSync, coveredFrom] {
            return store->setSyncState(sourceId, QLatin1String(kWatermarkKey), watermark)
                && store->setSyncState(sourceId, QLatin1String(kLastSyncKey), lastSync)
                && store->setSyncState(sourceId, QLatin1String(kCoveredFromKey), coveredFrom);
        },
        [this, summary](bool stored) {
            emit syncFinished(stored, stored ? summary : tr("The sync state could not be stored."));
        });
    scheduleNext();
}

} // namespace tg
