#pragma once

#include "metrics/metricsseries.h"
#include "store/tracequery.h"

#include <QString>

namespace tg {

/// The traces behind one point or bar of a chart, as a trace-list filter, plus a line saying
/// what it shows.
struct MetricsDrillDown
{
    TraceFilter filter;
    QString description; ///< "gpt-4o · 2026-03-28 00:00 – 2026-03-29 00:00"
    bool exact = true; ///< false when the group cannot be expressed ("Other", "(none)")
};

/// Builds the drill-down for bucket `bucket` of series `seriesIndex` (-1 = every series). The
/// time window is the bucket within the query's range (trace timestamps; observation measures
/// bucket by observation start, which is within the trace for all but long traces).
MetricsDrillDown metricsDrillDown(const MetricsSeries &series, int bucket, int seriesIndex);

} // namespace tg
