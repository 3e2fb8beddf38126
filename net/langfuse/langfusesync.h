#pragma once

#include "langfuseclient.h"
#include "langfuseconnection.h"

#include <QDateTime>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QTimer>

#include <functional>
#include <memory>

namespace tg {

class StoreTasks;
class SyncOperation;
class TraceStore;

/// Keeps one connection's project in the local store: one source per connection and project
/// (key "langfuse:<connection-id>/<project-id>"), filled by
/// - incremental sync in the background every syncIntervalMinutes: everything that started since
///   the watermark (minus an overlap for late data), at most lookbackDays back; the watermark
///   (sync_state "watermark") moves only once all pages are committed;
/// - the traces list paging back in time as the user scrolls (loadMoreTraces), from where sync
///   already listed everything (sync_state "coveredFrom");
/// - fetchTrace when the user opens a trace that has no observations cached (all pages and its
///   scores, written in one batch);
/// - backfill on demand, with progress and cancel.
/// The store's upsert makes overlaps harmless: later versions replace earlier ones, metadata
/// objects are merged. When the host cannot be reached the state is Offline, cached data stays
/// browsable, and sync retries with backoff.
class LangfuseSync : public QObject
{
    Q_OBJECT

public:
    enum class State : quint8 {
        Starting, ///< asking /projects which project the key belongs to
        Idle, ///< connected; waiting for the next sync
        Syncing,
        Offline, ///< the host is unreachable; cached data only
        AuthFailed, ///< 401/403: the keys need fixing; no retries
        Failed, ///< another error; retried at the next interval
        NoSecret, ///< no secret key (keychain entry missing or unreadable)
    };
    Q_ENUM(State)

    struct Options
    {
        int overlapMinutes = 15; ///< v2 data from older SDKs can lag 10-15 minutes
        int offlineRetryMs = 30'000; ///< first retry when offline; doubles up to the sync interval
        int emptyWindowsToStop = 4; ///< the traces list stops paging back after this many empty windows
        bool autoSync = true; ///< sync once connected and then every interval
    };

    LangfuseSync(TraceStore *store, LangfuseTransport *transport, const LangfuseConnection &connection,
        const QString &secretKey, QObject *parent = nullptr);
    LangfuseSync(TraceStore *store, LangfuseTransport *transport, const LangfuseConnection &connection,
        const QString &secretKey, const Options &options, QObject *parent = nullptr);
    ~LangfuseSync() override;

    const LangfuseConnection &connection() const { return m_connection; }
    LangfuseClient *client() const { return m_client; }
    /// 0 until the source is known (from the store's cache, or once /projects answered).
    qint64 sourceId() const { return m_sourceId; }
    const LangfuseProjectInfo &project() const { return m_project; }
    State state() const { return m_state; }
    /// For the sources sidebar: "synced 2 min ago", "syncing… 1,200 observations", "offline — cached data".
    QString stateText() const;
    const LangfuseError &lastError() const { return m_lastError; }
    QDateTime watermark() const { return m_watermark; }
    QDateTime lastSync() const { return m_lastSync; }
    bool isSyncing() const;
    bool isBackfilling() const;
    double backfillProgress() const;

    /// Connects (/projects), finds or creates the source, then syncs when autoSync is on.
    void start();
    /// Why the secret key is missing (e.g. the keychain's answer), shown in the NoSecret state.
    void setMissingSecretReason(const QString &reason) { m_missingSecretReason = reason; }
    /// Incremental sync now (ignored while one runs).
    void syncNow();
    /// Everything that started in `window`, as a cancellable background job.
    void backfill(const TimeWindow &window);
    void cancelBackfill();
    /// The next page of the traces list, older than what was listed so far.
    void loadMoreTraces();
    bool tracesListExhausted() const { return m_list.exhausted; }
    /// Downloads one trace with all its observations and scores. `context` (optional) cancels it
    /// when destroyed; `done` runs unless it was cancelled.
    void fetchTrace(
        const QString &traceId, QObject *context, std::function<void(bool ok, const QString &message)> done);
    /// Downloads the traces of one session, once per run (or again with `refresh`).
    void fetchSession(const QString &sessionId, bool refresh = false);

    static QString sourceKey(const QString &connectionId, const QString &projectId);
    static QString sourceKeyPrefix(const QString &connectionId);

Q_SIGNALS:
    void stateChanged(tg::LangfuseSync::State state);
    void stateTextChanged(const QString &text);
    void sourceReady(qint64 sourceId);
    void syncFinished(bool ok, const QString &message);
    void backfillProgressed(double fraction, qint64 traces, qint64 observations);
    void backfillFinished(bool ok, bool cancelled, const QString &message);
    void tracesListed(int traces, bool exhausted);
    void sessionFetched(const QString &sessionId, bool ok, const QString &message);

private:
    void connectToProject();
    void onProject(const LangfuseProjectInfo &project);
    void setSource(qint64 sourceId);
    void setState(State state, const LangfuseError &error = {});
    void noteResult(const LangfuseError &error);
    void scheduleNext();
    void finishSync(SyncOperation *op, const TimeWindow &window, bool ok, const LangfuseError &error);
    SyncOperation *makeWindowOperation(const TimeWindow &window, bool withObservations);
    void runListPage();

    TraceStore *m_store;
    LangfuseConnection m_connection;
    Options m_options;
    LangfuseClient *m_client;
    std::unique_ptr<StoreTasks> m_tasks; ///< store work on the pool, waited for on destruction
    LangfuseProjectInfo m_project;
    qint64 m_sourceId = 0;
    State m_state = State::Starting;
    LangfuseError m_lastError;
    QDateTime m_watermark;
    QDateTime m_lastSync;
    QDateTime m_coveredFrom; ///< the oldest start that incremental sync or backfill listed completely
    QTimer m_timer;
    int m_offlineDelayMs = 0;
    bool m_started = false;
    QPointer<SyncOperation> m_sync;
    QPointer<SyncOperation> m_backfill;
    QPointer<QObject> m_connecting;
    struct ListState
    {
        TimeWindow window;
        PageToken token;
        bool exhausted = false;
        int emptyWindows = 0;
        QPointer<SyncOperation> op;
    } m_list;
    QSet<QString> m_fetchedSessions;
    QString m_missingSecretReason;
    QPointer<SyncOperation> m_sessionOp;
};

} // namespace tg
