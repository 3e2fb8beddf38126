#include "metricsaccumulator.h"

#include <algorithm>
#include <array>
#include <numeric>

namespace tg {

namespace {

constexpr std::array<Percentile, 4> kAllPercentiles { Percentile::P50, Percentile::P90, Percentile::P95,
    Percentile::P99 };
constexpr double kNsPerMs = 1e6;

} // namespace

void selectPercentiles(qint64 *begin, qint64 *end, const double *fractions, double *out, int count)
{
    const std::ptrdiff_t n = end - begin;
    if (n <= 0) {
        for (int i = 0; i < count; ++i)
            out[i] = MetricsSeries::kNoValue;
        return;
    }
    // Ascending fractions let each selection work on what lies right of the previous one.
    qint64 *from = begin;
    for (int i = 0; i < count; ++i) {
        const double h = static_cast<double>(n - 1) * std::clamp(fractions[i], 0.0, 1.0);
        const auto k = static_cast<std::ptrdiff_t>(h);
        qint64 *kth = begin + k;
        if (kth >= from) {
            std::nth_element(from, kth, end);
            from = kth;
        }
        const double lower = static_cast<double>(*kth);
        double upper = lower;
        if (k + 1 < n)
            upper = static_cast<double>(*std::min_element(kth + 1, end));
        out[i] = lower + (h - static_cast<double>(k)) * (upper - lower);
    }
}

void MetricsAccumulator::mergeFrom(const MetricsAccumulator &other, const std::vector<int> &groupMap)
{
    for (int g = 0; g < other.m_groups; ++g) {
        const int target = groupMap.at(static_cast<size_t>(g));
        if (!ensureGroup(target))
            return;
        for (int b = 0; b < m_buckets; ++b) {
            const size_t from = static_cast<size_t>(g) * other.m_buckets + b;
            const size_t to = static_cast<size_t>(target) * m_buckets + b;
            m_sums[to] += other.m_sums[from];
            m_counts[to] += other.m_counts[from];
        }
    }
    m_overflow = m_overflow || other.m_overflow;
    m_samples.reserve(m_samples.size() + other.m_samples.size());
    for (const Sample &s : other.m_samples) {
        const int g = static_cast<int>(s.cell / static_cast<quint32>(other.m_buckets));
        const int b = static_cast<int>(s.cell % static_cast<quint32>(other.m_buckets));
        m_samples.push_back(
            { static_cast<quint32>(groupMap[static_cast<size_t>(g)] * m_buckets + b), s.value });
    }
}

void MetricsAccumulator::placeSamples()
{
    const size_t cells = static_cast<size_t>(m_groups) * static_cast<size_t>(m_buckets);
    m_offsets.assign(cells + 1, 0);
    for (const Sample &s : m_samples)
        ++m_offsets[s.cell + 1];
    std::partial_sum(m_offsets.begin(), m_offsets.end(), m_offsets.begin());
    m_placed.resize(m_samples.size());
    std::vector<size_t> cursor(m_offsets.begin(), m_offsets.end() - 1);
    for (const Sample &s : m_samples)
        m_placed[cursor[s.cell]++] = s.value;
    std::vector<Sample>().swap(m_samples);
}

MetricsSeries MetricsAccumulator::finish(const MetricsQuery &query, const std::vector<qint64> &edges,
    const std::function<GroupInfo(int)> &groupInfo)
{
    MetricsSeries result;
    result.query = query;
    result.edges = edges;
    if (query.measure == Measure::Latency)
        return finishPercentiles(std::move(result), groupInfo);

    const bool rate = query.measure == Measure::ErrorRate;
    const auto buckets = static_cast<size_t>(m_buckets);
    std::vector<double> groupSum(static_cast<size_t>(m_groups), 0.0);
    std::vector<qint64> groupCount(static_cast<size_t>(m_groups), 0);
    for (int g = 0; g < m_groups; ++g) {
        for (int b = 0; b < m_buckets; ++b) {
            groupSum[static_cast<size_t>(g)] += sumAt(g, b);
            groupCount[static_cast<size_t>(g)] += countAt(g, b);
        }
    }
    const bool ranked = query.groupBy != Dimension::None;
    std::vector<int> order;
    for (int g = 0; g < m_groups; ++g) {
        if (!ranked || groupCount[static_cast<size_t>(g)] > 0) // unsplit series show even when empty
            order.push_back(g);
    }
    if (ranked) {
        std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
            const auto ua = static_cast<size_t>(a);
            const auto ub = static_cast<size_t>(b);
            if (!rate && groupSum[ua] != groupSum[ub])
                return groupSum[ua] > groupSum[ub];
            if (groupCount[ua] != groupCount[ub])
                return groupCount[ua] > groupCount[ub];
            return groupInfo(a).label < groupInfo(b).label;
        });
    }
    const size_t keep
        = ranked ? std::min(order.size(), static_cast<size_t>(std::max(query.topN, 1))) : order.size();

    auto makeSeries = [&](const std::vector<int> &groups, const GroupInfo &info, bool other) {
        MetricsSeriesData s;
        s.key = info.key;
        s.label = info.label;
        s.isOther = other;
        s.values.assign(buckets, 0.0);
        s.samples.assign(buckets, 0);
        double sum = 0.0;
        for (size_t b = 0; b < buckets; ++b) {
            double cellSum = 0.0;
            qint64 cellCount = 0;
            for (const int g : groups) {
                cellSum += sumAt(g, static_cast<int>(b));
                cellCount += countAt(g, static_cast<int>(b));
            }
            s.samples[b] = cellCount;
            s.values[b] = rate
                ? (cellCount > 0 ? cellSum / static_cast<double>(cellCount) : MetricsSeries::kNoValue)
                : cellSum;
            sum += cellSum;
            s.totalSamples += cellCount;
        }
        s.total = rate
            ? (s.totalSamples > 0 ? sum / static_cast<double>(s.totalSamples) : MetricsSeries::kNoValue)
            : sum;
        return s;
    };
    for (size_t i = 0; i < keep; ++i)
        result.series.push_back(makeSeries({ order[i] }, groupInfo(order[i]), false));
    if (keep < order.size()) {
        const std::vector<int> rest(order.begin() + static_cast<std::ptrdiff_t>(keep), order.end());
        result.series.push_back(makeSeries(rest, { QString(), QStringLiteral("Other") }, true));
    }
    return result;
}

MetricsSeries MetricsAccumulator::finishPercentiles(
    MetricsSeries result, const std::function<GroupInfo(int)> &groupInfo)
{
    placeSamples();
    const MetricsQuery &query = result.query;
    const auto buckets = static_cast<size_t>(m_buckets);
    auto cellBegin = [this](int g, int b) {
        return m_placed.data() + m_offsets[static_cast<size_t>(g) * m_buckets + b];
    };
    auto cellEnd = [this](int g, int b) {
        return m_placed.data() + m_offsets[static_cast<size_t>(g) * m_buckets + b + 1];
    };
    auto groupSamples
        = [&](int g) { return static_cast<qint64>(cellEnd(g, m_buckets - 1) - cellBegin(g, 0)); };

    if (query.groupBy == Dimension::None && query.percentile == Percentile::All) {
        std::array<double, 4> fractions {};
        for (size_t i = 0; i < kAllPercentiles.size(); ++i)
            fractions[i] = percentileFraction(kAllPercentiles[i]);
        std::vector<MetricsSeriesData> list(kAllPercentiles.size());
        for (size_t i = 0; i < list.size(); ++i) {
            list[i].key = percentileName(kAllPercentiles[i]);
            list[i].label = list[i].key;
            list[i].values.assign(buckets, MetricsSeries::kNoValue);
            list[i].samples.assign(buckets, 0);
        }
        if (m_groups > 0) {
            std::array<double, 4> out {};
            for (int b = 0; b < m_buckets; ++b) {
                qint64 *begin = cellBegin(0, b);
                qint64 *end = cellEnd(0, b);
                if (begin == end)
                    continue;
                selectPercentiles(begin, end, fractions.data(), out.data(), 4);
                for (size_t i = 0; i < list.size(); ++i) {
                    list[i].values[static_cast<size_t>(b)] = out[i] / kNsPerMs;
                    list[i].samples[static_cast<size_t>(b)] = end - begin;
                }
            }
            selectPercentiles(cellBegin(0, 0), cellEnd(0, m_buckets - 1), fractions.data(), out.data(), 4);
            for (size_t i = 0; i < list.size(); ++i) {
                list[i].total = out[i] / kNsPerMs;
                list[i].totalSamples = groupSamples(0);
            }
        } else {
            for (MetricsSeriesData &s : list)
                s.total = MetricsSeries::kNoValue;
        }
        result.series = std::move(list);
        return result;
    }

    const double fraction = percentileFraction(query.effectivePercentile());
    std::vector<int> order;
    for (int g = 0; g < m_groups; ++g) {
        if (groupSamples(g) > 0)
            order.push_back(g);
    }
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
        if (groupSamples(a) != groupSamples(b))
            return groupSamples(a) > groupSamples(b);
        return groupInfo(a).label < groupInfo(b).label;
    });
    const bool ranked = query.groupBy != Dimension::None;
    const size_t keep
        = ranked ? std::min(order.size(), static_cast<size_t>(std::max(query.topN, 1))) : order.size();
    std::vector<qint64> scratch;
    auto makeSeries = [&](const std::vector<int> &groups, const GroupInfo &info, bool other) {
        MetricsSeriesData s;
        s.key = info.key;
        s.label = info.label;
        s.isOther = other;
        s.values.assign(buckets, MetricsSeries::kNoValue);
        s.samples.assign(buckets, 0);
        for (int b = 0; b < m_buckets; ++b) {
            double out = MetricsSeries::kNoValue;
            if (groups.size() == 1) {
                qint64 *begin = cellBegin(groups[0], b);
                qint64 *end = cellEnd(groups[0], b);
                selectPercentiles(begin, end, &fraction, &out, 1);
                s.samples[static_cast<size_t>(b)] = end - begin;
            } else {
                scratch.clear();
                for (const int g : groups)
                    scratch.insert(scratch.end(), cellBegin(g, b), cellEnd(g, b));
                selectPercentiles(scratch.data(), scratch.data() + scratch.size(), &fraction, &out, 1);
                s.samples[static_cast<size_t>(b)] = static_cast<qint64>(scratch.size());
            }
            if (MetricsSeries::hasValue(out))
                s.values[static_cast<size_t>(b)] = out / kNsPerMs;
            s.totalSamples += s.samples[static_cast<size_t>(b)];
        }
        scratch.clear();
        for (const int g : groups)
            scratch.insert(scratch.end(), cellBegin(g, 0), cellEnd(g, m_buckets - 1));
        double total = MetricsSeries::kNoValue;
        selectPercentiles(scratch.data(), scratch.data() + scratch.size(), &fraction, &total, 1);
        s.total = MetricsSeries::hasValue(total) ? total / kNsPerMs : total;
        return s;
    };
    if (!ranked && order.empty()) {
        // No group-by and no samples: still one (empty) series, so the chart shows its axes.
        MetricsSeriesData s;
        s.key = percentileName(query.effectivePercentile());
        s.label = s.key;
        s.values.assign(buckets, MetricsSeries::kNoValue);
        s.samples.assign(buckets, 0);
        s.total = MetricsSeries::kNoValue;
        result.series.push_back(std::move(s));
        return result;
    }
    for (size_t i = 0; i < keep; ++i)
        result.series.push_back(makeSeries({ order[i] }, groupInfo(order[i]), false));
    if (keep < order.size()) {
        const std::vector<int> rest(order.begin() + static_cast<std::ptrdiff_t>(keep), order.end());
        result.series.push_back(makeSeries(rest, { QString(), QStringLiteral("Other") }, true));
    }
    return result;
}

} // namespace tg
