#pragma once

#include "store/tracequery.h"

#include <QString>
#include <QStringList>

#include <variant>
#include <vector>

namespace tg {

namespace sql {
class Statement;
}

/// SQL text with its parameters, bound in order as ?1, ?2, ...
struct BoundSql
{
    QString sql;
    std::vector<std::variant<qint64, double, QString>> binds;

    void bindAll(sql::Statement &statement) const;
};

/// Columns of a TraceRow, in the order readTraceRow() expects.
extern const char *const kTraceRowColumns;
struct TraceRow;
TraceRow readTraceRow(const sql::Statement &statement);

/// Name matches resolved beforehand from the small trace_names table.
struct ResolvedNames
{
    QStringList names;
    qint64 traceCount = 0; ///< how many traces carry these names
};

/// Most full-text matches a list filter considers (newest first).
inline constexpr int kMaxFullTextMatchesForFilter = 20'000;

/// Builds the WHERE clause of a trace filter (without "WHERE"); empty when unconstrained.
/// `names` is used when the filter has nameContains.
QString traceWhereClause(
    const TraceFilter &filter, const ResolvedNames &names, bool hasFullText, BoundSql &out);
BoundSql traceListSql(
    const TraceQuery &query, const ResolvedNames &names, bool hasFullText, int offset, int limit);
BoundSql traceCountSql(const TraceFilter &filter, const ResolvedNames &names, bool hasFullText);

} // namespace tg
