#pragma once

#include "domain/records.h"
#include "domain/rows.h"
#include "store/sqlite.h"
#include "store/tracequery.h"

#include <QString>

#include <vector>

namespace tg {

class StoreReader;

/// One stored trace as records again: what export and forwarding write out. Fields the store
/// never had are null/empty, exactly as a record that did not carry them.
struct TraceBundle
{
    TraceRow row; ///< list fields and derived totals (latency, cost, counts, source)
    TraceRecord trace;
    std::vector<ObservationRecord> observations; ///< by start time, then id
    std::vector<qint64> observationSeqs; ///< commit sequence of each observation's last write
    std::vector<ScoreRecord> scores;
};

/// Bulk reads for export and forwarding: whole traces with every observation and its payloads in
/// a few statements, prepared once and reused. Use on one thread, with a reader lease.
class ExportReader
{
public:
    explicit ExportReader(StoreReader &reader);

    /// Row keys of the traces a query matches, oldest first; empty and `error` on failure.
    std::vector<qint64> traceRowKeys(const TraceQuery &query, QString *error = nullptr);
    /// Row keys of a session's traces, oldest first.
    std::vector<qint64> sessionTraceRowKeys(qint64 sourceId, const QString &sessionId);

    /// Reads a trace; false when it no longer exists. With `afterSeq` > 0 only observations written
    /// after that commit are read, plus (with `keepRoots`) every observation without a parent.
    bool readTrace(
        qint64 traceRk, TraceBundle &out, qint64 afterSeq = 0, bool keepRoots = true, bool withScores = true);

private:
    StoreReader &m_reader;
    sql::Statement m_row; ///< the list fields (StoreReader::trace would prepare per call)
    sql::Statement m_trace;
    sql::Statement m_observations;
    sql::Statement m_scores;
};

} // namespace tg
