#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QMetaType>
#include <QString>
#include <QStringList>

#include <optional>

namespace tg {

/// What a chart measures. Cost and tokens are sums over observations; latency is a percentile
/// (of traces, generations or all observations); the counts and the rate are over traces.
enum class Measure : quint8 {
    Cost, ///< USD, sum of observation cost
    Tokens, ///< sum of observation tokens of one kind (or every kind as its own series)
    Latency, ///< percentiles, milliseconds
    TraceCount, ///< traces started in the bucket
    ErrorCount, ///< traces with at least one ERROR observation
    ErrorRate, ///< ErrorCount / TraceCount, 0..1
};

/// Token kinds. Input and output are the totals the rest of the app shows (cached input counts
/// as input, reasoning as output); Cached and Reasoning are the parts of them.
enum class TokenKind : quint8 { All, Input, Output, Cached, Reasoning, Total };

enum class LatencyScope : quint8 {
    Traces, ///< first observation start to last observation end
    Generations, ///< observations of type GENERATION
    Observations, ///< every observation with an end (the Langfuse metrics API's "latency")
};

enum class Percentile : quint8 { All, P50, P90, P95, P99 };

/// What series a chart splits into.
enum class Dimension : quint8 { None, Source, Model, TraceName, User, Environment, Tag };

/// Bucket width. Minute and hour buckets are aligned in UTC; day and week buckets start at local
/// midnight (weeks on Monday) in the query's time zone. Total is one bucket over the whole range.
enum class Granularity : quint8 { Auto, Minute, Hour, Day, Week, Total };

/// Relative ranges for pages and dashboards; Custom means "use the stored from/to".
enum class RangePreset : quint8 {
    Last15Minutes,
    LastHour,
    Last6Hours,
    Last24Hours,
    Last7Days,
    Last30Days,
    Last90Days,
    Custom
};

/// Restrictions on what is aggregated: every non-empty list must match (any of its values).
struct MetricsFilter
{
    QStringList traceNames;
    QStringList userIds;
    QStringList environments;
    QStringList tags; ///< the trace has any of these tags
    QStringList models; ///< observation measures: the observation's model; trace measures: any model used

    bool isEmpty() const
    {
        return traceNames.isEmpty() && userIds.isEmpty() && environments.isEmpty() && tags.isEmpty()
            && models.isEmpty();
    }
    bool operator==(const MetricsFilter &other) const = default;
};

/// One chart's question: which sources, which time range in which buckets, what to measure and
/// how to split it. A value type; pages, dashboards and the cache key all use it.
struct MetricsQuery
{
    QList<qint64> sourceIds; ///< empty = every source
    qint64 fromNs = 0; ///< inclusive
    qint64 toNs = 0; ///< exclusive
    Granularity granularity = Granularity::Auto;
    Measure measure = Measure::Cost;
    TokenKind tokenKind = TokenKind::All;
    LatencyScope latencyScope = LatencyScope::Traces;
    Percentile percentile = Percentile::All;
    Dimension groupBy = Dimension::None;
    int topN = 8; ///< groups beyond the N largest are summed into "Other"
    MetricsFilter filter;
    QByteArray timeZone; ///< IANA id for day and week buckets; empty = the system zone

    bool operator==(const MetricsQuery &other) const = default;

    /// Tokens with a group-by show one kind: All means Total there.
    TokenKind effectiveTokenKind() const;
    /// Latency with a group-by shows one percentile: All means P95 there.
    Percentile effectivePercentile() const;
    /// True when every observation must be read (cost, tokens, generation/observation latency).
    bool isObservationMeasure() const;

    QJsonObject toJson() const;
    /// Reads what toJson() wrote; unknown enum names and bad ranges are errors.
    static std::optional<MetricsQuery> fromJson(const QJsonObject &object, QString *error = nullptr);
};

QString measureName(Measure measure); ///< "cost", "tokens", ... (stable, for JSON)
std::optional<Measure> measureFromName(QStringView name);
QString measureTitle(Measure measure); ///< "Cost", "Tokens", ... (for people)
QString tokenKindName(TokenKind kind);
std::optional<TokenKind> tokenKindFromName(QStringView name);
QString tokenKindTitle(TokenKind kind);
QString latencyScopeName(LatencyScope scope);
std::optional<LatencyScope> latencyScopeFromName(QStringView name);
QString percentileName(Percentile p); ///< "p95"
std::optional<Percentile> percentileFromName(QStringView name);
double percentileFraction(Percentile p); ///< 0.95 for P95; 0 for All
QString dimensionName(Dimension dimension);
std::optional<Dimension> dimensionFromName(QStringView name);
QString dimensionTitle(Dimension dimension);
QString granularityName(Granularity granularity);
std::optional<Granularity> granularityFromName(QStringView name);
QString rangePresetName(RangePreset preset);
std::optional<RangePreset> rangePresetFromName(QStringView name);
QString rangePresetTitle(RangePreset preset);
/// Length of a relative preset in nanoseconds (0 for Custom).
qint64 rangePresetLengthNs(RangePreset preset);
/// Puts a relative preset's window ending at `nowNs` into `query` (Custom leaves it alone).
void applyRangePreset(MetricsQuery &query, RangePreset preset, qint64 nowNs);

} // namespace tg

Q_DECLARE_METATYPE(tg::MetricsQuery)
