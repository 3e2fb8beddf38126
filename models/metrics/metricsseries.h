#pragma once

#include "metrics/metricsquery.h"

#include <QByteArray>
#include <QMetaType>
#include <QString>

#include <cmath>
#include <limits>
#include <vector>

namespace tg {

/// One line, area or bar row of a chart: a value per bucket.
struct MetricsSeriesData
{
    QString key; ///< the group value ("gpt-4o", a source id, "p95", "input"); empty for "(none)"
    QString label; ///< what the legend shows
    bool isOther = false; ///< the sum of the groups beyond the top N
    std::vector<double> values; ///< per bucket; NaN where a percentile or rate has no samples
    std::vector<qint64> samples; ///< observations or traces behind each value
    double total = 0.0; ///< over the whole range (sum, or the percentile/rate of all samples)
    qint64 totalSamples = 0;
};

/// Where a result came from, for the notice under a chart.
enum class MetricsOrigin : quint8 {
    Local, ///< aggregated from the local store
    Remote, ///< computed by the Langfuse server (metrics API v2)
    RemoteCache, ///< a cached metrics-API answer
    LocalFallback, ///< the API was unavailable; the local copy of the project was used
    Mixed, ///< several sources with different origins
};

/// A chart's data: buckets × series. Values are in the measure's unit: USD, tokens,
/// milliseconds, counts, or a 0..1 rate.
struct MetricsSeries
{
    MetricsQuery query; ///< as asked, with the granularity resolved
    std::vector<qint64> edges; ///< bucket i is [edges[i], edges[i + 1])
    std::vector<MetricsSeriesData> series;
    MetricsOrigin origin = MetricsOrigin::Local;
    QString notice; ///< e.g. "metrics API unavailable (404): showing local data"
    QString error; ///< set when nothing could be computed

    static constexpr double kNoValue = std::numeric_limits<double>::quiet_NaN();
    static bool hasValue(double v) { return !std::isnan(v); }

    int bucketCount() const { return edges.empty() ? 0 : static_cast<int>(edges.size()) - 1; }
    qint64 bucketStart(int i) const { return edges[static_cast<size_t>(i)]; }
    qint64 bucketEnd(int i) const { return edges[static_cast<size_t>(i) + 1]; }
    bool isEmpty() const;
    /// True for sums and counts (series may be stacked and summed across sources).
    bool isAdditive() const;
    /// Sum of all series in a bucket (additive measures), for tooltips and KPIs.
    double bucketTotal(int bucket) const;
    /// One row per bucket: bucket start (ISO UTC), bucket end, then a column per series.
    /// Empty values are empty cells.
    QByteArray toCsv() const;
    /// Unit suffix for axis titles ("USD", "tokens", "ms", "traces", "%").
    QString unit() const;
    /// The value formatted for people in the measure's unit ("$1.23", "1.2 s", "12.5%").
    QString formatValue(double value) const;
};

/// Sum-merges several results over the same buckets: series with the same key are added
/// (additive measures only), then the top N by total are kept and the rest become "Other".
/// Non-additive results are kept side by side with `prefixes` (one per part) on their labels.
MetricsSeries mergeMetricsSeries(const std::vector<MetricsSeries> &parts, const QStringList &prefixes);

/// Keeps the `topN` series with the largest totals and sums the rest into "Other" (additive
/// measures only; others keep their top N and drop the rest).
void limitToTopN(MetricsSeries &series, int topN);

} // namespace tg

Q_DECLARE_METATYPE(tg::MetricsSeries)
