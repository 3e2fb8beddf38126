#pragma once

#include "metrics/metricsseries.h"

#include <QString>

#include <cstdint>
#include <functional>
#include <vector>

namespace tg {

/// Linear-interpolation percentiles (numpy's default, "type 7"): the p-quantile of n sorted
/// values x is x[h] + (h - floor h) * (x[h + 1] - x[h]) with h = (n - 1) * p. Reorders
/// [begin, end) (partial selection, no full sort); `fractions` must be ascending.
void selectPercentiles(qint64 *begin, qint64 *end, const double *fractions, double *out, int count);

/// Sums, counts and raw samples per (group, bucket) cell, dense by group. The scan loops feed
/// it; finish() turns it into series. Sums and counts are flat arrays (cell = group * buckets +
/// bucket), samples a flat list placed by cell at the end (counting sort), so the hot path never
/// allocates per row.
class MetricsAccumulator
{
public:
    /// Cells beyond this (groups × buckets) fail the query instead of eating the memory.
    static constexpr qint64 kMaxCells = 16'000'000;

    explicit MetricsAccumulator(int buckets = 0)
        : m_buckets(buckets)
    {
    }

    int buckets() const { return m_buckets; }
    int groups() const { return m_groups; }
    bool overflowed() const { return m_overflow; }

    /// Makes group ids up to `group` valid; false (and overflowed()) past kMaxCells.
    bool ensureGroup(int group)
    {
        if (group < m_groups)
            return true;
        if (static_cast<qint64>(group + 1) * m_buckets > kMaxCells) {
            m_overflow = true;
            return false;
        }
        m_groups = group + 1;
        m_sums.resize(static_cast<size_t>(m_groups) * static_cast<size_t>(m_buckets), 0.0);
        m_counts.resize(m_sums.size(), 0);
        return true;
    }
    void add(int group, int bucket, double value)
    {
        if (!ensureGroup(group))
            return;
        const size_t cell
            = static_cast<size_t>(group) * static_cast<size_t>(m_buckets) + static_cast<size_t>(bucket);
        m_sums[cell] += value;
        m_counts[cell] += 1;
    }
    void addSample(int group, int bucket, qint64 value)
    {
        if (!ensureGroup(group))
            return;
        const auto cell = static_cast<quint32>(group * m_buckets + bucket);
        m_counts[cell] += 1;
        m_samples.push_back({ cell, value });
    }
    void reserveSamples(size_t n) { m_samples.reserve(n); }

    /// Adds `other` into this; `groupMap[g]` is this accumulator's id for other's group g.
    void mergeFrom(const MetricsAccumulator &other, const std::vector<int> &groupMap);

    struct GroupInfo
    {
        QString key;
        QString label;
    };
    /// Builds the series for `query`: one per group (top N + Other), or, without a group-by, per
    /// token kind / percentile as the query asks. `groupInfo(g)` names group g.
    MetricsSeries finish(const MetricsQuery &query, const std::vector<qint64> &edges,
        const std::function<GroupInfo(int)> &groupInfo);

private:
    struct Sample
    {
        quint32 cell;
        qint64 value;
    };
    double sumAt(int g, int b) const { return m_sums[static_cast<size_t>(g) * m_buckets + b]; }
    qint64 countAt(int g, int b) const { return m_counts[static_cast<size_t>(g) * m_buckets + b]; }
    void placeSamples();
    MetricsSeries finishPercentiles(MetricsSeries result, const std::function<GroupInfo(int)> &groupInfo);

    int m_buckets = 0;
    int m_groups = 0;
    bool m_overflow = false;
    std::vector<double> m_sums;
    std::vector<qint64> m_counts;
    std::vector<Sample> m_samples;
    std::vector<qint64> m_placed; ///< samples ordered by cell (after placeSamples)
    std::vector<size_t> m_offsets; ///< cell -> first index into m_placed (size cells + 1)
};

} // namespace tg
