#pragma once

#include "metrics/metricsquery.h"

#include <QString>
#include <QTimeZone>

#include <optional>
#include <vector>

namespace tg {

/// The time buckets of a chart: bucket i is [edge(i), edge(i + 1)). Minute and hour buckets are
/// aligned in UTC; day and week buckets start at local midnight in the given zone (weeks on
/// Monday), so a day can last 23 or 25 hours across a DST change. The first and last buckets
/// cover the aligned boundaries around the range; callers still count only what lies in range.
class TimeBuckets
{
public:
    static constexpr int kMaxBuckets = 200'000;
    /// Auto picks the finest granularity that gives at most this many buckets.
    static constexpr int kAutoMaxBuckets = 400;

    /// nullopt and `error` when the range is empty or needs more than kMaxBuckets buckets.
    static std::optional<TimeBuckets> create(
        qint64 fromNs, qint64 toNs, Granularity granularity, const QTimeZone &zone, QString *error = nullptr);
    /// For a query: its range, granularity and zone (empty zone = system zone).
    static std::optional<TimeBuckets> forQuery(const MetricsQuery &query, QString *error = nullptr);
    /// The granularity Auto stands for over this range.
    static Granularity resolveAuto(qint64 fromNs, qint64 toNs);
    /// The zone a query means (its IANA id, or the system zone; UTC if the id is unknown).
    static QTimeZone zoneFor(const QByteArray &ianaId);

    Granularity granularity() const { return m_granularity; }
    int count() const { return static_cast<int>(m_edges.size()) - 1; }
    qint64 start(int bucket) const { return m_edges[static_cast<size_t>(bucket)]; }
    qint64 end(int bucket) const { return m_edges[static_cast<size_t>(bucket) + 1]; }
    const std::vector<qint64> &edges() const { return m_edges; }
    /// The bucket holding `ns`, or -1 outside every bucket.
    int indexOf(qint64 ns) const
    {
        if (ns < m_edges.front() || ns >= m_edges.back())
            return -1;
        if (m_width > 0 && m_uniform)
            return static_cast<int>((ns - m_edges.front()) / m_width);
        return indexOfSlow(ns);
    }

private:
    TimeBuckets() = default;
    int indexOfSlow(qint64 ns) const;

    Granularity m_granularity = Granularity::Total;
    std::vector<qint64> m_edges;
    qint64 m_width = 0; ///< nominal width (exact when m_uniform)
    bool m_uniform = false;
};

} // namespace tg
