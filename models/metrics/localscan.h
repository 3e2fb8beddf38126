#pragma once
// Private to LocalAggregator: the scan context and the SQL scans that feed a MetricsAccumulator.

#include "metrics/keyinterner.h"
#include "metrics/metricsaccumulator.h"
#include "metrics/timebuckets.h"

#include <QHash>

#include <atomic>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

struct sqlite3;

namespace tg::metricsscan {

using StringSet = std::unordered_set<std::string_view>;

struct Context
{
    MetricsQuery query;
    std::optional<TimeBuckets> buckets;
    KeyInterner groups; ///< group values (trace fields, source ids, models)
    QHash<qint64, QString> sourceNames;
    std::vector<std::string> filterStorage;
    StringSet tagFilter;
    StringSet modelFilter;

    // Per trace (index rk - minRk), for observation scans that need trace fields: -1 excluded,
    // else the first of traceGroupCount[i] group ids in traceGroupList.
    bool haveTraceTable = false;
    qint64 minRk = 0;
    std::vector<qint32> traceGroupFirst;
    std::vector<quint16> traceGroupCount;
    std::vector<qint32> traceGroupList;

    bool traceDimension() const
    {
        switch (query.groupBy) {
        case Dimension::Source:
        case Dimension::TraceName:
        case Dimension::User:
        case Dimension::Environment:
        case Dimension::Tag:
            return true;
        case Dimension::None:
        case Dimension::Model:
            return false;
        }
        return false;
    }
    const char *traceTextColumn() const
    {
        switch (query.groupBy) {
        case Dimension::TraceName:
            return "name";
        case Dimension::User:
            return "user_id";
        case Dimension::Environment:
            return "environment";
        default:
            return nullptr;
        }
    }
    QString sourceLabel(qint64 id) const
    {
        const QString name = sourceNames.value(id);
        return name.isEmpty() ? QStringLiteral("Source %1").arg(id) : name;
    }
};

/// Trace measures: one pass over the traces in range.
bool scanTraces(
    sqlite3 *db, Context &ctx, MetricsAccumulator &acc, const std::atomic<bool> *cancel, QString *error);
/// Reads the trace fields an observation scan needs into ctx's per-trace table.
bool readTraceTable(sqlite3 *db, Context &ctx, QString *error);
/// Observation measures over observation rows [rkFrom, rkTo]; `models` interns model names for
/// this worker, every other group id comes from ctx's trace table.
bool scanObservations(sqlite3 *db, const Context &ctx, qint64 rkFrom, qint64 rkTo, MetricsAccumulator &acc,
    KeyInterner &models, const std::atomic<bool> *cancel, QString *error);
/// min(rk), max(rk) of the observations table; max < min when it is empty.
std::pair<qint64, qint64> observationRkRange(sqlite3 *db);

} // namespace tg::metricsscan
