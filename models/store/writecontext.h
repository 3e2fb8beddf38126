#pragma once

#include "domain/records.h"
#include "store/compactid.h"
#include "store/observationtracecache.h"
#include "store/sqlite.h"
#include "store/storechange.h"

#include <QHash>
#include <QSet>
#include <QString>

#include <optional>

namespace tg {

/// Work done on the submitting thread, so that the single writer thread mostly binds and steps:
/// compact ids and the serialised usage and cost of each observation of a batch.
struct ObservationPrep
{
    CompactId id;
    CompactId parent;
    QByteArray usageJson;
    QByteArray costJson;
    qint64 inputTokens = 0;
    qint64 outputTokens = 0;
    qint64 totalTokens = 0;
    double cost = 0.0;
};

std::vector<ObservationPrep> prepareObservations(const std::vector<ObservationRecord> &observations);

/// The writer thread's side of the store: prepared statements, id caches and the upsert logic
/// that merges incoming records into stored rows. Used only on the writer thread, inside the
/// transaction and savepoint the writer opened.
class WriteContext
{
public:
    explicit WriteContext(sql::Database &db);

    bool prepare(QString *error);
    sql::Database &db() { return m_db; }

    /// Starts a transaction: rows written from now carry `seq`.
    void beginTransaction(qint64 seq);
    /// Marks the start of one task (one savepoint) so that discardTask() can undo its bookkeeping.
    void beginTask();
    /// Stores one batch. Trace totals and sessions are brought up to date by finishTask().
    bool applyBatch(const WriteBatch &batch, const std::vector<ObservationPrep> &preps, QString *error);
    /// Folds the observation deltas collected so far into trace totals and recomputes touched
    /// sessions (once per task, or once per transaction when tasks are not isolated).
    bool finishTask(QString *error);
    /// Forgets everything the failed task did (its savepoint was rolled back).
    void discardTask();
    /// What the transaction changed so far; reset by beginTransaction().
    const StoreChange &change() const { return m_change; }
    StoreChange &change() { return m_change; }

    /// Row key of a trace. A new trace gets its row key at once but its row only when the task is
    /// finished (finishTask()), written once with its fields and totals.
    qint64 traceRowKey(qint64 sourceId, const QString &traceId, bool *created = nullptr);
    /// Marks a session for recomputation at the end of the task (after deletes).
    void noteSessionChanged(qint64 sourceId, const QString &sessionId);
    /// Marks a trace as changed (for tasks that edit rows directly).
    void touchTrace(qint64 traceRk);
    /// Records the commit sequence and row-key high-water marks in the open transaction.
    bool saveCounters(QString *error);
    /// Row key of the newest payload row written.
    qint64 lastPayloadRk() const { return m_nextPayloadRk - 1; }
    /// Drops id caches; needed after deletes and rollbacks.
    void invalidateCaches();

private:
    /// The summed totals of a trace, or a change to them.
    struct TraceCounts
    {
        qint64 observations = 0;
        qint64 inputTokens = 0;
        qint64 outputTokens = 0;
        qint64 totalTokens = 0;
        double cost = 0.0;
        qint64 errors = 0;
        qint64 warnings = 0;

        void add(const TraceCounts &other);
    };

    /// What a task's observations change in their trace's totals.
    struct TraceDelta : TraceCounts
    {
        std::optional<qint64> minStart;
        std::optional<qint64> maxEnd;
        QStringList models;
    };

    /// The columns of a trace row that records set (its totals come from observations).
    struct TraceFields
    {
        QString name, userId, sessionId, release, version, environment, tags, agent;
        std::optional<qint64> tsGiven, isPublic;
        qint64 payloadRk = 0;
    };

    /// A trace created in this task: its fields until finishTask() inserts its row.
    struct NewTrace
    {
        qint64 sourceId = 0;
        QString traceId;
        CompactId id;
        TraceFields fields;
    };

    /// A trace's totals columns (zero for a new trace) and what derives from them.
    struct TraceTotals : TraceCounts
    {
        std::optional<qint64> start, end, latency, ts;
        Level level = Level::Default;
        QString models; ///< newline-separated
    };

    bool upsertTrace(qint64 sourceId, const TraceRecord &record, QString *error);
    bool readTraceFields(qint64 rk, TraceFields *fields);
    /// Binds `fields` to `first` and the ten parameters after it (name ... payload_rk).
    static void bindTraceFields(sql::Statement &st, int first, const TraceFields &fields);
    /// `stored` with a task's delta folded in; ts, latency and level derived again.
    static TraceTotals withDelta(TraceTotals stored, const TraceDelta &d, std::optional<qint64> tsGiven);
    /// Binds `totals` to `first` and the twelve parameters after it (obs_count ... models).
    static void bindTraceTotals(sql::Statement &st, int first, const TraceTotals &totals);
    /// Inserts the row of a trace created in this task, with its totals.
    bool insertNewTrace(qint64 rk, const NewTrace &trace, const TraceTotals &totals, QString *error);
    bool upsertObservation(
        qint64 sourceId, const ObservationRecord &record, const ObservationPrep &prep, QString *error);
    bool upsertScore(qint64 sourceId, const ScoreRecord &record, QString *error);
    /// Writes a new payload row replacing `oldPayloadRk` (0 = none); returns its row key.
    qint64 writePayload(qint64 traceRk, qint64 obsRk, const QString &name, const QByteArray &input,
        const QByteArray &output, const QByteArray &metadata, qint64 oldPayloadRk, bool *ok);
    bool readPayload(qint64 payloadRk, QByteArray *input, QByteArray *output, QByteArray *metadata);
    /// writePayload() of the stored payload `oldPayloadRk` (0 = none) with a record's parts laid over
    /// it: a given input or output replaces, metadata merges (into `*metadata`, if asked for).
    qint64 rewritePayload(qint64 traceRk, qint64 obsRk, const QString &name, qint64 oldPayloadRk,
        const QByteArray &input, const QByteArray &output, const QByteArray &metadataUpdate,
        QByteArray *metadata, bool *ok);
    void adjustNameCount(qint64 sourceId, const QString &oldName, const QString &newName);
    bool recomputeSession(qint64 sourceId, const QString &sessionId);
    /// What the traces created in a task add to their session: folded into the stored row
    /// without reading the session's other traces.
    struct SessionAddition
    {
        std::optional<qint64> first, last;
        qint64 traces = 0;
        QString user;
        qint64 tokens = 0;
        double cost = 0.0;
        qint64 errors = 0;
    };
    bool addToSession(qint64 sourceId, const QString &sessionId, const SessionAddition &addition);
    static void foldIntoSession(
        SessionAddition &addition, const TraceFields &trace, const TraceTotals &totals);
    void reloadRowKeys();
    void noteFacet(int kind, const QString &value);
    TraceDelta &delta(qint64 traceRk);

    sql::Database &m_db;
    qint64 m_seq = 0;
    qint64 m_nextTraceRk = 1;
    qint64 m_nextObservationRk = 1;
    qint64 m_nextPayloadRk = 1;

    sql::Statement m_selectTraceRk;
    sql::Statement m_selectTraceForMerge;
    sql::Statement m_insertTrace;
    sql::Statement m_updateTraceFields;
    sql::Statement m_selectTraceTotals;
    sql::Statement m_updateTraceTotals;
    sql::Statement m_insertTag;
    sql::Statement m_incrementName;
    sql::Statement m_decrementName;
    sql::Statement m_selectObservation;
    sql::Statement m_insertObservation;
    sql::Statement m_updateObservation;
    sql::Statement m_insertPayload;
    sql::Statement m_selectPayload;
    sql::Statement m_deletePayload;
    sql::Statement m_selectScore;
    sql::Statement m_insertScore;
    sql::Statement m_updateScore;
    sql::Statement m_selectSessionTotals;
    sql::Statement m_upsertSession;
    sql::Statement m_addToSession;
    sql::Statement m_deleteSession;
    sql::Statement m_insertFacet;
    QSet<QPair<int, QString>> m_knownFacets;

    // (source id, trace id) -> trace row key, for the stream of observations of one trace.
    QHash<QPair<qint64, QString>, qint64> m_traceRks;
    // The last answer of traceRowKey(): a batch's observations come trace by trace.
    struct TraceRowKeyAnswer
    {
        qint64 sourceId = -1;
        QString traceId;
        qint64 rk = 0;
    } m_lastTraceRk;
    // hash(source id, observation id) -> trace row key, for updates that omit the trace id.
    ObservationTraceCache m_observationTraces;

    QHash<qint64, NewTrace> m_newTraces; // created, row not yet inserted (until finishTask())
    QHash<qint64, QSet<QByteArray>> m_freshTraces; // per transaction: new trace -> ids written
    QHash<qint64, TraceDelta> m_deltas; // per task
    QSet<QPair<qint64, QString>> m_staleSessions; // per task
    QSet<qint64> m_insertedTraces; // per transaction
    QSet<qint64> m_updatedTraces; // per transaction
    QSet<qint64> m_sources; // per transaction
    StoreChange m_change;

    struct Snapshot
    {
        QSet<qint64> inserted;
        QSet<qint64> updated;
        QSet<qint64> sources;
        StoreChange change;
    } m_taskStart;
};

/// Merges JSON object text `update` into `base` key by key (nested objects recursively).
/// When either side is not an object, a non-empty `update` replaces `base`.
QByteArray mergeJsonObjects(const QByteArray &base, const QByteArray &update);

/// Agent name from tags ("agent:Name") or metadata ("agent_name" / "agentName"); empty if none.
QString agentNameFrom(const QStringList &tags, const QByteArray &metadata);

} // namespace tg
