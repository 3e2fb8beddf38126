#pragma once

#include "domain/rows.h"
#include "domain/source.h"
#include "store/facetkind.h"
#include "store/sqlite.h"
#include "store/tracequery.h"

#include <QString>
#include <QStringList>

#include <optional>
#include <vector>

namespace tg {

/// One full-text match: a trace's own payload (observationRk == 0) or an observation's.
struct FullTextHit
{
    qint64 traceRk = 0;
    qint64 observationRk = 0;
};

struct FullTextResult
{
    std::vector<FullTextHit> hits; ///< newest first
    bool truncated = false; ///< more matches exist than were returned
    qint64 backlog = 0; ///< payload rows not yet indexed; > 0 means "still catching up"
    QString error; ///< set when the query could not run (e.g. bad syntax)
};

/// A read connection to the store. Queries never read payload columns unless their name says
/// "detail". Belongs to one thread at a time; obtain one with TraceStore::reader().
class StoreReader
{
public:
    StoreReader() = default;
    bool open(const QString &storePath, const QString &fullTextPath, QString *error);

    std::vector<Source> sources(bool withCounts = true);
    std::optional<Source> source(qint64 sourceId);
    std::optional<Source> sourceByKey(const QString &key);

    std::vector<TraceRow> traces(const TraceQuery &query, int offset, int limit, QString *error = nullptr);
    qint64 countTraces(const TraceFilter &filter);
    std::optional<TraceRow> trace(qint64 traceRk);
    std::optional<TraceRow> traceById(qint64 sourceId, const QString &traceId);
    std::optional<TraceDetail> traceDetail(qint64 traceRk);
    /// Traces by row key, in the order given (missing ones skipped).
    std::vector<TraceRow> tracesByRowKeys(const QList<qint64> &traceRks);

    /// Observations of one trace; with `afterSeq` > 0 only those written after that commit.
    std::vector<ObservationRow> observations(qint64 traceRk, qint64 afterSeq = 0);
    std::optional<ObservationDetail> observationDetail(qint64 observationRk);

    std::vector<SessionRow> sessions(const SessionFilter &filter, int offset, int limit);
    qint64 countSessions(const SessionFilter &filter);
    std::optional<SessionRow> session(qint64 sourceId, const QString &sessionId);
    std::vector<TraceRow> sessionTraces(qint64 sourceId, const QString &sessionId);

    std::vector<ScoreRow> scoresForTrace(qint64 sourceId, const QString &traceId);
    std::vector<ScoreRow> scoresForSession(qint64 sourceId, const QString &sessionId);

    /// Full-text search over names, inputs and outputs (all traces, or one trace).
    FullTextResult search(const QString &text, int limit, std::optional<qint64> traceRk = std::nullopt);
    /// Builds an FTS5 query from what a user typed: every word must occur, the last as a prefix.
    static QString fullTextQuery(const QString &text);

    QString syncState(qint64 sourceId, const QString &key);
    /// Distinct trace names / users / sessions / tags / facet values starting with `prefix`.
    QStringList traceNames(const QString &prefix, int limit);
    QStringList userIds(const QString &prefix, int limit);
    QStringList sessionIds(const QString &prefix, int limit);
    QStringList tags(const QString &prefix, int limit);
    QStringList facetValues(FacetKind kind, const QString &prefix, int limit);

    /// Payload rows written / indexed (for "still catching up" messages).
    qint64 payloadHead();
    qint64 fullTextIndexedRk();

    sql::Database &db() { return m_db; }

private:
    bool prepareTraceStatement(const QString &sql);
    QStringList distinctStrings(const char *sql, const QString &prefix, int limit, int kind = -1);

    sql::Database m_db;
    bool m_hasFullText = false;
};

} // namespace tg
