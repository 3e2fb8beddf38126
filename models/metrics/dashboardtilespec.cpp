#include "dashboardtilespec.h"

#include <QJsonArray>

namespace tg {

namespace {

DashboardTileSpec kpi(const QString &title, Measure measure)
{
    DashboardTileSpec t;
    t.kind = DashboardTileSpec::Kind::Kpi;
    t.title = title;
    t.columnSpan = 1;
    t.query.measure = measure;
    t.query.granularity = Granularity::Total;
    t.query.tokenKind = TokenKind::Total;
    if (measure == Measure::Latency)
        t.query.percentile = Percentile::P95;
    return t;
}

DashboardTileSpec chart(
    const QString &title, Measure measure, Dimension groupBy, Granularity granularity, int topN = 8)
{
    DashboardTileSpec t;
    t.kind = DashboardTileSpec::Kind::Chart;
    t.title = title;
    t.columnSpan = 2;
    t.query.measure = measure;
    t.query.groupBy = groupBy;
    t.query.granularity = granularity;
    t.query.topN = topN;
    if (measure == Measure::Latency)
        t.query.percentile = Percentile::P95;
    return t;
}

} // namespace

QJsonObject DashboardTileSpec::toJson() const
{
    QJsonObject o;
    o.insert(QStringLiteral("kind"), kind == Kind::Kpi ? QStringLiteral("kpi") : QStringLiteral("chart"));
    o.insert(QStringLiteral("title"), title);
    QJsonObject q = query.toJson();
    q.remove(QStringLiteral("from"));
    q.remove(QStringLiteral("to"));
    q.remove(QStringLiteral("sources"));
    o.insert(QStringLiteral("query"), q);
    QJsonArray ids;
    for (const qint64 id : sources)
        ids.append(static_cast<double>(id));
    o.insert(QStringLiteral("sources"), ids);
    o.insert(QStringLiteral("span"), columnSpan);
    return o;
}

std::optional<DashboardTileSpec> DashboardTileSpec::fromJson(const QJsonObject &o)
{
    const QString kind = o.value(QStringLiteral("kind")).toString();
    if (kind != QLatin1String("kpi") && kind != QLatin1String("chart"))
        return std::nullopt;
    const auto q = MetricsQuery::fromJson(o.value(QStringLiteral("query")).toObject());
    if (!q)
        return std::nullopt;
    DashboardTileSpec t;
    t.kind = kind == QLatin1String("kpi") ? Kind::Kpi : Kind::Chart;
    t.title = o.value(QStringLiteral("title")).toString();
    t.query = *q;
    for (const QJsonValue &v : o.value(QStringLiteral("sources")).toArray()) {
        if (v.isDouble())
            t.sources.append(static_cast<qint64>(v.toDouble()));
    }
    t.columnSpan = std::clamp(o.value(QStringLiteral("span")).toInt(t.kind == Kind::Kpi ? 1 : 2), 1, 4);
    return t;
}

QJsonArray DashboardTileSpec::listToJson(const std::vector<DashboardTileSpec> &tiles)
{
    QJsonArray array;
    for (const DashboardTileSpec &t : tiles)
        array.append(t.toJson());
    return array;
}

std::vector<DashboardTileSpec> DashboardTileSpec::listFromJson(const QJsonArray &array)
{
    std::vector<DashboardTileSpec> tiles;
    for (const QJsonValue &v : array) {
        if (auto t = fromJson(v.toObject()))
            tiles.push_back(*t);
    }
    return tiles;
}

std::vector<DashboardTileSpec> DashboardTileSpec::defaults()
{
    return {
        kpi(QStringLiteral("Total cost"), Measure::Cost),
        kpi(QStringLiteral("Traces"), Measure::TraceCount),
        kpi(QStringLiteral("p95 trace latency"), Measure::Latency),
        kpi(QStringLiteral("Error rate"), Measure::ErrorRate),
        chart(QStringLiteral("Cost per project per day"), Measure::Cost, Dimension::Source, Granularity::Day),
        chart(QStringLiteral("p95 latency per project"), Measure::Latency, Dimension::Source,
            Granularity::Auto),
        chart(QStringLiteral("Ten most expensive trace names"), Measure::Cost, Dimension::TraceName,
            Granularity::Total, 10),
        chart(QStringLiteral("Error rate per project"), Measure::ErrorRate, Dimension::Source,
            Granularity::Auto),
    };
}

std::vector<DashboardTileSpec> DashboardTileSpec::catalogue()
{
    std::vector<DashboardTileSpec> all = defaults();
    all.push_back(kpi(QStringLiteral("Total tokens"), Measure::Tokens));
    all.push_back(kpi(QStringLiteral("Traces with errors"), Measure::ErrorCount));
    all.push_back(chart(QStringLiteral("Cost by model"), Measure::Cost, Dimension::Model, Granularity::Auto));
    all.push_back(
        chart(QStringLiteral("Tokens by kind"), Measure::Tokens, Dimension::None, Granularity::Auto));
    all.push_back(
        chart(QStringLiteral("Latency percentiles"), Measure::Latency, Dimension::None, Granularity::Auto));
    all.back().query.percentile = Percentile::All;
    all.push_back(chart(
        QStringLiteral("Traces per project"), Measure::TraceCount, Dimension::Source, Granularity::Auto));
    all.push_back(chart(
        QStringLiteral("Cost by environment"), Measure::Cost, Dimension::Environment, Granularity::Auto));
    all.push_back(chart(
        QStringLiteral("Ten biggest users by cost"), Measure::Cost, Dimension::User, Granularity::Total, 10));
    return all;
}

MetricsQuery DashboardTileSpec::resolve(
    RangePreset range, const QList<qint64> &dashboardSources, qint64 nowNs) const
{
    MetricsQuery q = query;
    q.sourceIds = sources.isEmpty() ? dashboardSources : sources;
    applyRangePreset(q, range == RangePreset::Custom ? RangePreset::Last7Days : range, nowNs);
    if (q.granularity == Granularity::Auto) {
        // Small charts: the finest granularity that gives at most 60 buckets.
        constexpr qint64 minute = 60'000'000'000LL;
        const qint64 span = q.toNs - q.fromNs;
        q.granularity = span <= 60 * minute ? Granularity::Minute
            : span <= 60 * 60 * minute      ? Granularity::Hour
            : span <= 60 * 24 * 60 * minute ? Granularity::Day
                                            : Granularity::Week;
    }
    return q;
}

MetricsQuery DashboardTileSpec::previousPeriod(const MetricsQuery &query)
{
    MetricsQuery q = query;
    const qint64 length = query.toNs - query.fromNs;
    q.fromNs -= length;
    q.toNs -= length;
    return q;
}

} // namespace tg
