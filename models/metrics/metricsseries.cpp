#include "metricsseries.h"

#include "domain/timeformat.h"

#include <QHash>
#include <QLocale>

#include <algorithm>
#include <numeric>

namespace tg {

namespace {

QByteArray csvField(const QString &text)
{
    QByteArray utf8 = text.toUtf8();
    if (utf8.contains(',') || utf8.contains('"') || utf8.contains('\n') || utf8.contains('\r')) {
        utf8.replace("\"", "\"\"");
        return '"' + utf8 + '"';
    }
    return utf8;
}

QByteArray csvNumber(double v)
{
    if (!MetricsSeries::hasValue(v))
        return {};
    return QByteArray::number(v, 'g', 12);
}

// Additive series rank by total, others (percentiles, rates) by how many samples they rest on.
bool rankGreater(const MetricsSeriesData &a, const MetricsSeriesData &b, bool byTotal)
{
    const double ta = MetricsSeries::hasValue(a.total) ? a.total : -1e300;
    const double tb = MetricsSeries::hasValue(b.total) ? b.total : -1e300;
    if (byTotal && ta != tb)
        return ta > tb;
    if (a.totalSamples != b.totalSamples)
        return a.totalSamples > b.totalSamples;
    return a.label < b.label;
}

void addInto(MetricsSeriesData &into, const MetricsSeriesData &from)
{
    if (into.values.size() < from.values.size()) {
        into.values.resize(from.values.size(), 0.0);
        into.samples.resize(from.values.size(), 0);
    }
    for (size_t i = 0; i < from.values.size(); ++i) {
        if (MetricsSeries::hasValue(from.values[i]))
            into.values[i]
                = (MetricsSeries::hasValue(into.values[i]) ? into.values[i] : 0.0) + from.values[i];
        if (i < from.samples.size())
            into.samples[i] += from.samples[i];
    }
    into.total += from.total;
    into.totalSamples += from.totalSamples;
}

} // namespace

bool MetricsSeries::isEmpty() const
{
    for (const MetricsSeriesData &s : series) {
        if (s.totalSamples > 0)
            return false;
    }
    return true;
}

bool MetricsSeries::isAdditive() const
{
    return query.measure != Measure::Latency && query.measure != Measure::ErrorRate;
}

double MetricsSeries::bucketTotal(int bucket) const
{
    double sum = 0.0;
    for (const MetricsSeriesData &s : series) {
        const double v = s.values[static_cast<size_t>(bucket)];
        if (hasValue(v))
            sum += v;
    }
    return sum;
}

QByteArray MetricsSeries::toCsv() const
{
    QByteArray out = "bucket_start,bucket_end";
    for (const MetricsSeriesData &s : series)
        out += ',' + csvField(s.label);
    out += '\n';
    for (int b = 0; b < bucketCount(); ++b) {
        out += formatIsoTimestamp(bucketStart(b)).toUtf8();
        out += ',';
        out += formatIsoTimestamp(bucketEnd(b)).toUtf8();
        for (const MetricsSeriesData &s : series) {
            out += ',';
            if (static_cast<size_t>(b) < s.values.size())
                out += csvNumber(s.values[static_cast<size_t>(b)]);
        }
        out += '\n';
    }
    return out;
}

QString MetricsSeries::unit() const
{
    switch (query.measure) {
    case Measure::Cost:
        return QStringLiteral("USD");
    case Measure::Tokens:
        return QStringLiteral("tokens");
    case Measure::Latency:
        return QStringLiteral("ms");
    case Measure::TraceCount:
    case Measure::ErrorCount:
        return QStringLiteral("traces");
    case Measure::ErrorRate:
        return QStringLiteral("%");
    }
    return {};
}

QString MetricsSeries::formatValue(double value) const
{
    if (!hasValue(value))
        return QStringLiteral("–");
    const QLocale locale;
    switch (query.measure) {
    case Measure::Cost:
        if (value != 0.0 && std::abs(value) < 0.01)
            return QStringLiteral("$") + locale.toString(value, 'f', 5);
        return QStringLiteral("$") + locale.toString(value, 'f', 2);
    case Measure::Tokens:
    case Measure::TraceCount:
    case Measure::ErrorCount:
        return locale.toString(static_cast<qint64>(std::llround(value)));
    case Measure::Latency:
        return formatDuration(static_cast<qint64>(std::llround(value * 1e6)));
    case Measure::ErrorRate:
        return locale.toString(value * 100.0, 'f', value * 100.0 < 10 ? 2 : 1) + QStringLiteral("%");
    }
    return locale.toString(value);
}

void limitToTopN(MetricsSeries &result, int topN)
{
    std::vector<MetricsSeriesData> &list = result.series;
    const bool byTotal = result.isAdditive();
    std::stable_sort(
        list.begin(), list.end(), [byTotal](const MetricsSeriesData &a, const MetricsSeriesData &b) {
            if (a.isOther != b.isOther)
                return b.isOther; // "Other" last
            return rankGreater(a, b, byTotal);
        });
    topN = std::max(topN, 1);
    int regular = 0;
    for (const MetricsSeriesData &s : list)
        regular += s.isOther ? 0 : 1;
    if (regular <= topN)
        return;
    const bool additive = result.isAdditive();
    MetricsSeriesData other;
    auto existing = std::find_if(list.begin(), list.end(), [](const auto &s) { return s.isOther; });
    if (existing != list.end())
        other = *existing;
    other.isOther = true;
    other.label = QStringLiteral("Other");
    other.key.clear();
    if (other.values.empty()) {
        other.values.assign(static_cast<size_t>(result.bucketCount()), 0.0);
        other.samples.assign(static_cast<size_t>(result.bucketCount()), 0);
    }
    std::vector<MetricsSeriesData> kept(list.begin(), list.begin() + topN);
    if (additive) {
        for (auto it = list.begin() + topN; it != list.end(); ++it) {
            if (!it->isOther)
                addInto(other, *it);
        }
        kept.push_back(std::move(other));
    } else if (existing != list.end()) {
        kept.push_back(*existing);
    }
    list = std::move(kept);
}

MetricsSeries mergeMetricsSeries(const std::vector<MetricsSeries> &parts, const QStringList &prefixes)
{
    if (parts.empty())
        return {};
    if (parts.size() == 1)
        return parts.front();
    MetricsSeries merged;
    merged.query = parts.front().query;
    merged.edges = parts.front().edges;
    const size_t buckets = merged.edges.empty() ? 0 : merged.edges.size() - 1;
    QStringList notices;
    for (const MetricsSeries &p : parts) {
        if (!p.notice.isEmpty() && !notices.contains(p.notice))
            notices << p.notice;
        if (p.origin != parts.front().origin)
            merged.origin = MetricsOrigin::Mixed;
    }
    if (merged.origin != MetricsOrigin::Mixed)
        merged.origin = parts.front().origin;
    merged.notice = notices.join(QStringLiteral(" "));

    const Measure measure = merged.query.measure;
    const bool groupedBySource = merged.query.groupBy == Dimension::Source;
    if (merged.isAdditive() || measure == Measure::ErrorRate || groupedBySource) {
        // Additive series add up by key; rates add up as errors over traces; series split by
        // source never collide. Sizes are checked so a malformed part cannot overrun.
        QHash<QString, size_t> byKey;
        std::vector<MetricsSeriesData> errorsPerKey;
        for (const MetricsSeries &p : parts) {
            if (p.edges != merged.edges)
                continue;
            for (const MetricsSeriesData &s : p.series) {
                if (s.values.size() != buckets)
                    continue;
                const QString key = s.isOther ? QStringLiteral("\x01other") : s.key;
                auto it = byKey.constFind(key);
                if (groupedBySource && !merged.isAdditive() && measure != Measure::ErrorRate) {
                    merged.series.push_back(s); // percentiles per source: side by side
                    continue;
                }
                MetricsSeriesData contribution = s;
                if (measure == Measure::ErrorRate) {
                    for (size_t i = 0; i < buckets; ++i) {
                        const double v = s.values[i];
                        const qint64 n = i < s.samples.size() ? s.samples[i] : 0;
                        contribution.values[i]
                            = MetricsSeries::hasValue(v) ? v * static_cast<double>(n) : 0.0;
                    }
                    contribution.total = MetricsSeries::hasValue(s.total)
                        ? s.total * static_cast<double>(s.totalSamples)
                        : 0.0;
                }
                if (it == byKey.constEnd()) {
                    byKey.insert(key, merged.series.size());
                    merged.series.push_back(std::move(contribution));
                } else {
                    addInto(merged.series[*it], contribution);
                }
            }
        }
        if (measure == Measure::ErrorRate) {
            for (MetricsSeriesData &s : merged.series) {
                for (size_t i = 0; i < buckets; ++i)
                    s.values[i] = s.samples[i] > 0 ? s.values[i] / static_cast<double>(s.samples[i])
                                                   : MetricsSeries::kNoValue;
                s.total = s.totalSamples > 0 ? s.total / static_cast<double>(s.totalSamples)
                                             : MetricsSeries::kNoValue;
            }
        }
        limitToTopN(merged, merged.query.topN);
        return merged;
    }
    // Percentiles cannot be combined from parts: keep each part's series, labelled by source.
    for (size_t i = 0; i < parts.size(); ++i) {
        if (parts[i].edges != merged.edges)
            continue;
        for (MetricsSeriesData s : parts[i].series) {
            if (s.values.size() != buckets)
                continue;
            if (i < static_cast<size_t>(prefixes.size()) && !prefixes[static_cast<qsizetype>(i)].isEmpty())
                s.label = prefixes[static_cast<qsizetype>(i)] + QStringLiteral(" · ") + s.label;
            merged.series.push_back(std::move(s));
        }
    }
    return merged;
}

} // namespace tg
