#include "metricsquery.h"

#include <QJsonArray>

#include <array>
#include <utility>

namespace tg {

namespace {

template<typename Enum, size_t N> using NameTable = std::array<std::pair<Enum, const char *>, N>;

template<typename Enum, size_t N> QString nameOf(const NameTable<Enum, N> &table, Enum value)
{
    for (const auto &[e, name] : table) {
        if (e == value)
            return QString::fromLatin1(name);
    }
    return {};
}

template<typename Enum, size_t N>
std::optional<Enum> fromName(const NameTable<Enum, N> &table, QStringView text)
{
    for (const auto &[e, name] : table) {
        if (text.compare(QLatin1String(name), Qt::CaseInsensitive) == 0)
            return e;
    }
    return std::nullopt;
}

constexpr NameTable<Measure, 6> kMeasures { {
    { Measure::Cost, "cost" },
    { Measure::Tokens, "tokens" },
    { Measure::Latency, "latency" },
    { Measure::TraceCount, "traceCount" },
    { Measure::ErrorCount, "errorCount" },
    { Measure::ErrorRate, "errorRate" },
} };

constexpr NameTable<TokenKind, 6> kTokenKinds { {
    { TokenKind::All, "all" },
    { TokenKind::Input, "input" },
    { TokenKind::Output, "output" },
    { TokenKind::Cached, "cached" },
    { TokenKind::Reasoning, "reasoning" },
    { TokenKind::Total, "total" },
} };

constexpr NameTable<LatencyScope, 3> kScopes { {
    { LatencyScope::Traces, "traces" },
    { LatencyScope::Generations, "generations" },
    { LatencyScope::Observations, "observations" },
} };

constexpr NameTable<Percentile, 5> kPercentiles { {
    { Percentile::All, "all" },
    { Percentile::P50, "p50" },
    { Percentile::P90, "p90" },
    { Percentile::P95, "p95" },
    { Percentile::P99, "p99" },
} };

constexpr NameTable<Dimension, 7> kDimensions { {
    { Dimension::None, "none" },
    { Dimension::Source, "source" },
    { Dimension::Model, "model" },
    { Dimension::TraceName, "traceName" },
    { Dimension::User, "user" },
    { Dimension::Environment, "environment" },
    { Dimension::Tag, "tag" },
} };

constexpr NameTable<Granularity, 6> kGranularities { {
    { Granularity::Auto, "auto" },
    { Granularity::Minute, "minute" },
    { Granularity::Hour, "hour" },
    { Granularity::Day, "day" },
    { Granularity::Week, "week" },
    { Granularity::Total, "total" },
} };

constexpr NameTable<RangePreset, 8> kPresets { {
    { RangePreset::Last15Minutes, "15m" },
    { RangePreset::LastHour, "1h" },
    { RangePreset::Last6Hours, "6h" },
    { RangePreset::Last24Hours, "24h" },
    { RangePreset::Last7Days, "7d" },
    { RangePreset::Last30Days, "30d" },
    { RangePreset::Last90Days, "90d" },
    { RangePreset::Custom, "custom" },
} };

QJsonArray toArray(const QStringList &list)
{
    return QJsonArray::fromStringList(list);
}

QStringList fromArray(const QJsonValue &value)
{
    QStringList out;
    for (const QJsonValue &v : value.toArray()) {
        if (v.isString())
            out.append(v.toString());
    }
    return out;
}

template<typename Enum, size_t N>
bool readEnum(
    const QJsonObject &object, const char *key, const NameTable<Enum, N> &table, Enum &out, QString *error)
{
    const QJsonValue value = object.value(QLatin1String(key));
    if (value.isUndefined() || value.isNull())
        return true; // keep the default
    const auto parsed = fromName(table, value.toString());
    if (!parsed) {
        if (error)
            *error = QStringLiteral("unknown %1 \"%2\"").arg(QLatin1String(key), value.toString());
        return false;
    }
    out = *parsed;
    return true;
}

} // namespace

TokenKind MetricsQuery::effectiveTokenKind() const
{
    return (tokenKind == TokenKind::All && groupBy != Dimension::None) ? TokenKind::Total : tokenKind;
}

Percentile MetricsQuery::effectivePercentile() const
{
    return (percentile == Percentile::All && groupBy != Dimension::None) ? Percentile::P95 : percentile;
}

bool MetricsQuery::isObservationMeasure() const
{
    switch (measure) {
    case Measure::Cost:
    case Measure::Tokens:
        return true;
    case Measure::Latency:
        return latencyScope != LatencyScope::Traces;
    case Measure::TraceCount:
    case Measure::ErrorCount:
    case Measure::ErrorRate:
        return false;
    }
    return false;
}

QJsonObject MetricsQuery::toJson() const
{
    QJsonObject o;
    QJsonArray sources;
    for (const qint64 id : sourceIds)
        sources.append(static_cast<double>(id));
    o.insert(QStringLiteral("sources"), sources);
    o.insert(QStringLiteral("from"), QString::number(fromNs));
    o.insert(QStringLiteral("to"), QString::number(toNs));
    o.insert(QStringLiteral("granularity"), granularityName(granularity));
    o.insert(QStringLiteral("measure"), measureName(measure));
    o.insert(QStringLiteral("tokenKind"), tokenKindName(tokenKind));
    o.insert(QStringLiteral("latencyScope"), latencyScopeName(latencyScope));
    o.insert(QStringLiteral("percentile"), percentileName(percentile));
    o.insert(QStringLiteral("groupBy"), dimensionName(groupBy));
    o.insert(QStringLiteral("topN"), topN);
    QJsonObject f;
    f.insert(QStringLiteral("traceNames"), toArray(filter.traceNames));
    f.insert(QStringLiteral("userIds"), toArray(filter.userIds));
    f.insert(QStringLiteral("environments"), toArray(filter.environments));
    f.insert(QStringLiteral("tags"), toArray(filter.tags));
    f.insert(QStringLiteral("models"), toArray(filter.models));
    o.insert(QStringLiteral("filter"), f);
    if (!timeZone.isEmpty())
        o.insert(QStringLiteral("timeZone"), QString::fromLatin1(timeZone));
    return o;
}

std::optional<MetricsQuery> MetricsQuery::fromJson(const QJsonObject &o, QString *error)
{
    MetricsQuery q;
    for (const QJsonValue &v : o.value(QStringLiteral("sources")).toArray()) {
        if (!v.isDouble()) {
            if (error)
                *error = QStringLiteral("source ids must be numbers");
            return std::nullopt;
        }
        q.sourceIds.append(static_cast<qint64>(v.toDouble()));
    }
    // Nanosecond times do not fit a JSON double exactly, so they travel as strings.
    bool okFrom = true;
    bool okTo = true;
    if (o.contains(QStringLiteral("from")))
        q.fromNs = o.value(QStringLiteral("from")).toString().toLongLong(&okFrom);
    if (o.contains(QStringLiteral("to")))
        q.toNs = o.value(QStringLiteral("to")).toString().toLongLong(&okTo);
    if (!okFrom || !okTo || q.toNs < q.fromNs) {
        if (error)
            *error = QStringLiteral("bad time range");
        return std::nullopt;
    }
    if (!readEnum(o, "granularity", kGranularities, q.granularity, error)
        || !readEnum(o, "measure", kMeasures, q.measure, error)
        || !readEnum(o, "tokenKind", kTokenKinds, q.tokenKind, error)
        || !readEnum(o, "latencyScope", kScopes, q.latencyScope, error)
        || !readEnum(o, "percentile", kPercentiles, q.percentile, error)
        || !readEnum(o, "groupBy", kDimensions, q.groupBy, error))
        return std::nullopt;
    q.topN = qBound(1, o.value(QStringLiteral("topN")).toInt(q.topN), 50);
    const QJsonObject f = o.value(QStringLiteral("filter")).toObject();
    q.filter.traceNames = fromArray(f.value(QStringLiteral("traceNames")));
    q.filter.userIds = fromArray(f.value(QStringLiteral("userIds")));
    q.filter.environments = fromArray(f.value(QStringLiteral("environments")));
    q.filter.tags = fromArray(f.value(QStringLiteral("tags")));
    q.filter.models = fromArray(f.value(QStringLiteral("models")));
    q.timeZone = o.value(QStringLiteral("timeZone")).toString().toLatin1();
    return q;
}

QString measureName(Measure measure)
{
    return nameOf(kMeasures, measure);
}

std::optional<Measure> measureFromName(QStringView name)
{
    return fromName(kMeasures, name);
}

QString measureTitle(Measure measure)
{
    switch (measure) {
    case Measure::Cost:
        return QStringLiteral("Cost");
    case Measure::Tokens:
        return QStringLiteral("Tokens");
    case Measure::Latency:
        return QStringLiteral("Latency");
    case Measure::TraceCount:
        return QStringLiteral("Traces");
    case Measure::ErrorCount:
        return QStringLiteral("Traces with errors");
    case Measure::ErrorRate:
        return QStringLiteral("Error rate");
    }
    return {};
}

QString tokenKindName(TokenKind kind)
{
    return nameOf(kTokenKinds, kind);
}

std::optional<TokenKind> tokenKindFromName(QStringView name)
{
    return fromName(kTokenKinds, name);
}

QString tokenKindTitle(TokenKind kind)
{
    switch (kind) {
    case TokenKind::All:
        return QStringLiteral("All kinds");
    case TokenKind::Input:
        return QStringLiteral("Input");
    case TokenKind::Output:
        return QStringLiteral("Output");
    case TokenKind::Cached:
        return QStringLiteral("Cached input");
    case TokenKind::Reasoning:
        return QStringLiteral("Reasoning");
    case TokenKind::Total:
        return QStringLiteral("Total");
    }
    return {};
}

QString latencyScopeName(LatencyScope scope)
{
    return nameOf(kScopes, scope);
}

std::optional<LatencyScope> latencyScopeFromName(QStringView name)
{
    return fromName(kScopes, name);
}

QString percentileName(Percentile p)
{
    return nameOf(kPercentiles, p);
}

std::optional<Percentile> percentileFromName(QStringView name)
{
    return fromName(kPercentiles, name);
}

double percentileFraction(Percentile p)
{
    switch (p) {
    case Percentile::P50:
        return 0.50;
    case Percentile::P90:
        return 0.90;
    case Percentile::P95:
        return 0.95;
    case Percentile::P99:
        return 0.99;
    case Percentile::All:
        break;
    }
    return 0.0;
}

QString dimensionName(Dimension dimension)
{
    return nameOf(kDimensions, dimension);
}

std::optional<Dimension> dimensionFromName(QStringView name)
{
    return fromName(kDimensions, name);
}

QString dimensionTitle(Dimension dimension)
{
    switch (dimension) {
    case Dimension::None:
        return QStringLiteral("Nothing");
    case Dimension::Source:
        return QStringLiteral("Project");
    case Dimension::Model:
        return QStringLiteral("Model");
    case Dimension::TraceName:
        return QStringLiteral("Trace name");
    case Dimension::User:
        return QStringLiteral("User");
    case Dimension::Environment:
        return QStringLiteral("Environment");
    case Dimension::Tag:
        return QStringLiteral("Tag");
    }
    return {};
}

QString granularityName(Granularity granularity)
{
    return nameOf(kGranularities, granularity);
}

std::optional<Granularity> granularityFromName(QStringView name)
{
    return fromName(kGranularities, name);
}

QString rangePresetName(RangePreset preset)
{
    return nameOf(kPresets, preset);
}

std::optional<RangePreset> rangePresetFromName(QStringView name)
{
    return fromName(kPresets, name);
}

QString rangePresetTitle(RangePreset preset)
{
    switch (preset) {
    case RangePreset::Last15Minutes:
        return QStringLiteral("Last 15 minutes");
    case RangePreset::LastHour:
        return QStringLiteral("Last hour");
    case RangePreset::Last6Hours:
        return QStringLiteral("Last 6 hours");
    case RangePreset::Last24Hours:
        return QStringLiteral("Last 24 hours");
    case RangePreset::Last7Days:
        return QStringLiteral("Last 7 days");
    case RangePreset::Last30Days:
        return QStringLiteral("Last 30 days");
    case RangePreset::Last90Days:
        return QStringLiteral("Last 90 days");
    case RangePreset::Custom:
        return QStringLiteral("Custom range");
    }
    return {};
}

qint64 rangePresetLengthNs(RangePreset preset)
{
    constexpr qint64 minute = 60'000'000'000LL;
    constexpr qint64 hour = 60 * minute;
    constexpr qint64 day = 24 * hour;
    switch (preset) {
    case RangePreset::Last15Minutes:
        return 15 * minute;
    case RangePreset::LastHour:
        return hour;
    case RangePreset::Last6Hours:
        return 6 * hour;
    case RangePreset::Last24Hours:
        return day;
    case RangePreset::Last7Days:
        return 7 * day;
    case RangePreset::Last30Days:
        return 30 * day;
    case RangePreset::Last90Days:
        return 90 * day;
    case RangePreset::Custom:
        break;
    }
    return 0;
}

void applyRangePreset(MetricsQuery &query, RangePreset preset, qint64 nowNs)
{
    const qint64 length = rangePresetLengthNs(preset);
    if (length <= 0)
        return;
    query.toNs = nowNs;
    query.fromNs = nowNs - length;
}

} // namespace tg
