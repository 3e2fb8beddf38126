#include "metricsdrilldown.h"

#include <QDateTime>
#include <QLocale>

namespace tg {

namespace {

QString localTime(qint64 ns)
{
    return QLocale().toString(QDateTime::fromMSecsSinceEpoch(ns / 1'000'000), QLocale::ShortFormat);
}

} // namespace

MetricsDrillDown metricsDrillDown(const MetricsSeries &series, int bucket, int seriesIndex)
{
    MetricsDrillDown out;
    const MetricsQuery &q = series.query;
    TraceFilter &f = out.filter;
    f.sourceIds = q.sourceIds;
    if (bucket >= 0 && bucket < series.bucketCount()) {
        f.fromNs = std::max(series.bucketStart(bucket), q.fromNs);
        f.toNs = std::min(series.bucketEnd(bucket), q.toNs);
    } else {
        f.fromNs = q.fromNs;
        f.toNs = q.toNs;
    }
    // The query's own filters, where the trace list can express them.
    if (q.filter.traceNames.size() == 1)
        f.name = q.filter.traceNames.front();
    if (q.filter.userIds.size() == 1)
        f.userId = q.filter.userIds.front();
    f.environments = q.filter.environments;
    if (q.filter.tags.size() == 1)
        f.tags = q.filter.tags;
    if (q.filter.models.size() == 1)
        f.model = q.filter.models.front();
    out.exact = q.filter.traceNames.size() <= 1 && q.filter.userIds.size() <= 1 && q.filter.tags.size() <= 1
        && q.filter.models.size() <= 1;
    if (q.measure == Measure::ErrorCount || q.measure == Measure::ErrorRate)
        f.minLevel = Level::Error;

    QStringList parts;
    if (seriesIndex >= 0 && static_cast<size_t>(seriesIndex) < series.series.size()) {
        const MetricsSeriesData &s = series.series[static_cast<size_t>(seriesIndex)];
        if (s.isOther || (s.key.isEmpty() && q.groupBy != Dimension::None)) {
            out.exact = false;
        } else {
            switch (q.groupBy) {
            case Dimension::None:
                break;
            case Dimension::Source:
                f.sourceIds = { s.key.toLongLong() };
                break;
            case Dimension::Model:
                f.model = s.key;
                break;
            case Dimension::TraceName:
                f.name = s.key;
                break;
            case Dimension::User:
                f.userId = s.key;
                break;
            case Dimension::Environment:
                f.environments = { s.key };
                break;
            case Dimension::Tag:
                f.tags = { s.key };
                break;
            }
        }
        if (q.groupBy != Dimension::None)
            parts << s.label;
    }
    if (f.minLevel)
        parts << QStringLiteral("with errors");
    parts << QStringLiteral("%1 – %2").arg(localTime(*f.fromNs), localTime(*f.toNs));
    out.description = parts.join(QStringLiteral(" · "));
    return out;
}

} // namespace tg
