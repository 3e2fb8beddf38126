#include "metricsapiquery.h"

#include "domain/timeformat.h"

#include <QDateTime>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>

#include <array>

namespace tg {

namespace {

constexpr std::array<Percentile, 4> kAllPercentiles { Percentile::P50, Percentile::P90, Percentile::P95,
    Percentile::P99 };

const char *dimensionField(Dimension d)
{
    switch (d) {
    case Dimension::Model:
        return "providedModelName";
    case Dimension::TraceName:
        return "traceName";
    case Dimension::Environment:
        return "environment";
    case Dimension::Tag:
        return "tags";
    case Dimension::None:
    case Dimension::Source:
    case Dimension::User:
        break;
    }
    return nullptr;
}

QJsonObject metric(const QString &measure, const QString &aggregation)
{
    return QJsonObject { { QStringLiteral("measure"), measure },
        { QStringLiteral("aggregation"), aggregation } };
}

QJsonObject optionsFilter(const QString &column, const QStringList &values, const QString &type)
{
    return QJsonObject {
        { QStringLiteral("column"), column },
        { QStringLiteral("operator"), QStringLiteral("any of") },
        { QStringLiteral("value"), QJsonArray::fromStringList(values) },
        { QStringLiteral("type"), type },
    };
}

QJsonObject rootFilter()
{
    return QJsonObject {
        { QStringLiteral("column"), QStringLiteral("isRootObservation") },
        { QStringLiteral("operator"), QStringLiteral("=") },
        { QStringLiteral("value"), true },
        { QStringLiteral("type"), QStringLiteral("boolean") },
    };
}

// What each metric key of a query becomes when there is no group-by.
struct MetricSpec
{
    QString measure;
    QString aggregation;
    QString seriesKey; ///< "p95", "input", or the measure name
    QString seriesLabel;
};

std::vector<MetricSpec> metricSpecs(const MetricsQuery &q, QString *unsupported)
{
    std::vector<MetricSpec> specs;
    auto refuse = [&](const QString &why) {
        if (unsupported)
            *unsupported = why;
        return std::vector<MetricSpec> {};
    };
    switch (q.measure) {
    case Measure::Cost:
        specs.push_back({ QStringLiteral("totalCost"), QStringLiteral("sum"), measureName(q.measure),
            measureTitle(q.measure) });
        break;
    case Measure::Tokens: {
        const TokenKind kind = q.effectiveTokenKind();
        auto tokens = [&](TokenKind k, const char *measure) {
            specs.push_back(
                { QLatin1String(measure), QStringLiteral("sum"), tokenKindName(k), tokenKindTitle(k) });
        };
        switch (kind) {
        case TokenKind::All:
            tokens(TokenKind::Input, "inputTokens");
            tokens(TokenKind::Output, "outputTokens");
            break;
        case TokenKind::Input:
            tokens(kind, "inputTokens");
            break;
        case TokenKind::Output:
            tokens(kind, "outputTokens");
            break;
        case TokenKind::Total:
            tokens(kind, "totalTokens");
            break;
        case TokenKind::Cached:
        case TokenKind::Reasoning:
            return refuse(QStringLiteral("the Langfuse metrics API has no %1 tokens")
                              .arg(tokenKindTitle(kind).toLower()));
        }
        break;
    }
    case Measure::Latency: {
        const Percentile p = q.effectivePercentile();
        if (p == Percentile::All) {
            for (const Percentile each : kAllPercentiles)
                specs.push_back({ QStringLiteral("latency"), percentileName(each), percentileName(each),
                    percentileName(each) });
        } else {
            specs.push_back(
                { QStringLiteral("latency"), percentileName(p), percentileName(p), percentileName(p) });
        }
        break;
    }
    case Measure::TraceCount:
    case Measure::ErrorCount:
    case Measure::ErrorRate:
        specs.push_back({ QStringLiteral("count"), QStringLiteral("count"), measureName(q.measure),
            measureTitle(q.measure) });
        break;
    }
    return specs;
}

double numberOf(const QJsonValue &v)
{
    if (v.isDouble())
        return v.toDouble();
    if (v.isString()) {
        bool ok = false;
        const double d = v.toString().toDouble(&ok);
        if (ok)
            return d;
    }
    return MetricsSeries::kNoValue;
}

QStringList groupValues(const QJsonValue &v, bool split)
{
    if (v.isArray()) {
        QStringList out;
        for (const QJsonValue &e : v.toArray())
            out << (e.isString()
                    ? e.toString()
                    : QString::fromUtf8(QJsonDocument(QJsonArray { e }).toJson(QJsonDocument::Compact))
                          .mid(1)
                          .chopped(1));
        if (out.isEmpty())
            return { QString() };
        return split ? out : QStringList { out.join(QStringLiteral(", ")) };
    }
    if (v.isString())
        return { v.toString() };
    if (v.isDouble())
        return { QString::number(v.toDouble()) };
    if (v.isBool())
        return { v.toBool() ? QStringLiteral("true") : QStringLiteral("false") };
    return { QString() };
}

} // namespace

QStringList MetricsApiQuery::metricKeys(const MetricsQuery &query)
{
    QStringList keys;
    for (const MetricSpec &spec : metricSpecs(query, nullptr))
        keys << spec.aggregation + u'_' + spec.measure;
    return keys;
}

std::optional<QJsonObject> MetricsApiQuery::build(
    const MetricsQuery &q, Granularity granularity, QString *unsupported)
{
    auto refuse = [&](const QString &why) -> std::optional<QJsonObject> {
        if (unsupported)
            *unsupported = why;
        return std::nullopt;
    };
    if (q.toNs <= q.fromNs)
        return refuse(QStringLiteral("the time range is empty"));
    if (q.groupBy == Dimension::User)
        return refuse(QStringLiteral("the Langfuse metrics API cannot group by user"));
    const std::vector<MetricSpec> specs = metricSpecs(q, unsupported);
    if (specs.empty())
        return std::nullopt;

    QJsonArray metrics;
    for (const MetricSpec &spec : specs)
        metrics.append(metric(spec.measure, spec.aggregation));
    QJsonArray dimensions;
    if (const char *field = dimensionField(q.groupBy))
        dimensions.append(QJsonObject { { QStringLiteral("field"), QLatin1String(field) } });
    if (q.measure == Measure::ErrorRate)
        dimensions.append(QJsonObject { { QStringLiteral("field"), QStringLiteral("level") } });

    QJsonArray filters;
    if (!q.filter.traceNames.isEmpty())
        filters.append(
            optionsFilter(QStringLiteral("traceName"), q.filter.traceNames, QStringLiteral("stringOptions")));
    if (!q.filter.userIds.isEmpty())
        filters.append(
            optionsFilter(QStringLiteral("userId"), q.filter.userIds, QStringLiteral("stringOptions")));
    if (!q.filter.environments.isEmpty())
        filters.append(optionsFilter(
            QStringLiteral("environment"), q.filter.environments, QStringLiteral("stringOptions")));
    if (!q.filter.tags.isEmpty())
        filters.append(optionsFilter(QStringLiteral("tags"), q.filter.tags, QStringLiteral("arrayOptions")));
    if (!q.filter.models.isEmpty())
        filters.append(optionsFilter(
            QStringLiteral("providedModelName"), q.filter.models, QStringLiteral("stringOptions")));
    const bool traceLevel = q.measure == Measure::TraceCount
        || (q.measure == Measure::Latency && q.latencyScope == LatencyScope::Traces);
    if (traceLevel)
        filters.append(rootFilter());
    if (q.measure == Measure::Latency && q.latencyScope == LatencyScope::Generations)
        filters.append(optionsFilter(
            QStringLiteral("type"), { QStringLiteral("GENERATION") }, QStringLiteral("stringOptions")));
    if (q.measure == Measure::ErrorCount)
        filters.append(optionsFilter(
            QStringLiteral("level"), { QStringLiteral("ERROR") }, QStringLiteral("stringOptions")));

    QJsonObject object;
    object.insert(QStringLiteral("view"), QStringLiteral("observations"));
    object.insert(QStringLiteral("dimensions"), dimensions);
    object.insert(QStringLiteral("metrics"), metrics);
    object.insert(QStringLiteral("filters"), filters);
    if (granularity == Granularity::Total || granularity == Granularity::Auto)
        object.insert(QStringLiteral("timeDimension"), QJsonValue::Null);
    else
        object.insert(QStringLiteral("timeDimension"),
            QJsonObject { { QStringLiteral("granularity"), granularityName(granularity) } });
    object.insert(QStringLiteral("fromTimestamp"), formatIsoTimestamp(q.fromNs));
    object.insert(QStringLiteral("toTimestamp"), formatIsoTimestamp(q.toNs));
    object.insert(QStringLiteral("orderBy"), QJsonValue::Null);
    object.insert(QStringLiteral("config"), QJsonObject { { QStringLiteral("row_limit"), kRowLimit } });
    return object;
}

QByteArray MetricsApiQuery::toText(const QJsonObject &query)
{
    return QJsonDocument(query).toJson(QJsonDocument::Compact);
}

std::optional<qint64> MetricsApiQuery::parseTimeDimension(const QJsonValue &value)
{
    if (value.isDouble())
        return static_cast<qint64>(value.toDouble()) * 1'000'000LL;
    if (!value.isString())
        return std::nullopt;
    QString text = value.toString().trimmed();
    if (text.isEmpty())
        return std::nullopt;
    if (text.size() == 10) { // a date
        const QDate date = QDate::fromString(text, Qt::ISODate);
        if (!date.isValid())
            return std::nullopt;
        return QDateTime(date, QTime(0, 0), QTimeZone::utc()).toMSecsSinceEpoch() * 1'000'000LL;
    }
    if (text.size() > 10 && text.at(10) == u' ')
        text[10] = u'T';
    const bool hasZone = text.endsWith(u'Z') || text.lastIndexOf(u'+') > 10 || text.lastIndexOf(u'-') > 10;
    if (!hasZone)
        text += u'Z'; // ClickHouse-style times are UTC
    return parseIsoTimestampNs(text);
}

MetricsSeries MetricsApiQuery::parse(const QByteArray &body, const MetricsQuery &query,
    const TimeBuckets &buckets, const QString &sourceKey, const QString &sourceLabel)
{
    MetricsSeries result;
    result.query = query;
    result.query.granularity = buckets.granularity();
    result.edges = buckets.edges();
    result.origin = MetricsOrigin::Remote;
    const auto bucketCount = static_cast<size_t>(buckets.count());

    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError || !doc.isObject()) {
        result.error = QStringLiteral("the metrics API answered with something that is not a JSON object");
        return result;
    }
    const QJsonValue dataValue = doc.object().value(QStringLiteral("data"));
    if (!dataValue.isArray()) {
        result.error = QStringLiteral("the metrics API answer has no \"data\" array");
        return result;
    }
    const QJsonArray rows = dataValue.toArray();
    const std::vector<MetricSpec> specs = metricSpecs(query, nullptr);
    if (specs.empty()) {
        result.error = QStringLiteral("this chart cannot be computed by the metrics API");
        return result;
    }
    const bool percentiles = query.measure == Measure::Latency;
    const bool rate = query.measure == Measure::ErrorRate;
    const char *field = dimensionField(query.groupBy);
    const bool timed = buckets.granularity() != Granularity::Total;

    QHash<QString, size_t> index;
    std::vector<MetricsSeriesData> list;
    std::vector<std::vector<double>> rateTotals; ///< per series, all observations (error rate)
    auto seriesFor = [&](const QString &key, const QString &label) -> size_t {
        const auto it = index.constFind(key);
        if (it != index.constEnd())
            return *it;
        MetricsSeriesData s;
        s.key = key;
        s.label = label;
        s.values.assign(bucketCount, percentiles || rate ? MetricsSeries::kNoValue : 0.0);
        s.samples.assign(bucketCount, 0);
        index.insert(key, list.size());
        list.push_back(std::move(s));
        rateTotals.emplace_back(bucketCount, 0.0);
        return list.size() - 1;
    };
    if (query.groupBy == Dimension::None) {
        for (const MetricSpec &spec : specs)
            seriesFor(spec.seriesKey, spec.seriesLabel); // fixed order, present even when empty
    }
    int skipped = 0;
    for (const QJsonValue &rowValue : rows) {
        const QJsonObject row = rowValue.toObject();
        size_t bucket = 0;
        if (timed) {
            const std::optional<qint64> t = parseTimeDimension(row.value(QStringLiteral("time_dimension")));
            const int b = t ? buckets.indexOf(*t) : -1;
            if (b < 0) {
                ++skipped;
                continue;
            }
            bucket = static_cast<size_t>(b);
        }
        QStringList groups;
        if (query.groupBy == Dimension::Source)
            groups = { sourceKey };
        else if (field)
            groups = groupValues(row.value(QLatin1String(field)), !percentiles);
        for (size_t m = 0; m < specs.size(); ++m) {
            const double v = numberOf(row.value(specs[m].aggregation + u'_' + specs[m].measure));
            if (!MetricsSeries::hasValue(v))
                continue;
            const QStringList keys
                = query.groupBy == Dimension::None ? QStringList { specs[m].seriesKey } : groups;
            for (const QString &key : keys) {
                QString label = key.isEmpty() ? QStringLiteral("(none)") : key;
                if (query.groupBy == Dimension::Source)
                    label = sourceLabel.isEmpty() ? key : sourceLabel;
                else if (query.groupBy == Dimension::None)
                    label = specs[m].seriesLabel;
                MetricsSeriesData &s = list[seriesFor(key, label)];
                if (rate) {
                    const bool error = row.value(QStringLiteral("level"))
                                           .toString()
                                           .compare(QLatin1String("ERROR"), Qt::CaseInsensitive)
                        == 0;
                    const size_t si = index.value(key);
                    rateTotals[si][bucket] += v;
                    if (!MetricsSeries::hasValue(s.values[bucket]))
                        s.values[bucket] = 0.0;
                    if (error)
                        s.values[bucket] += v;
                    s.samples[bucket] += static_cast<qint64>(v);
                } else if (percentiles) {
                    s.values[bucket] = v;
                    s.samples[bucket] += 1;
                } else {
                    s.values[bucket] += v;
                    s.samples[bucket] += query.measure == Measure::Cost || query.measure == Measure::Tokens
                        ? 1
                        : static_cast<qint64>(v);
                }
            }
        }
    }
    for (size_t i = 0; i < list.size(); ++i) {
        MetricsSeriesData &s = list[i];
        double sum = 0.0;
        double errors = 0.0;
        double all = 0.0;
        for (size_t b = 0; b < bucketCount; ++b) {
            s.totalSamples += s.samples[b];
            if (rate) {
                errors += MetricsSeries::hasValue(s.values[b]) ? s.values[b] : 0.0;
                all += rateTotals[i][b];
                s.values[b] = rateTotals[i][b] > 0 ? s.values[b] / rateTotals[i][b] : MetricsSeries::kNoValue;
            } else if (MetricsSeries::hasValue(s.values[b])) {
                sum += s.values[b];
            }
        }
        if (rate)
            s.total = all > 0 ? errors / all : MetricsSeries::kNoValue;
        else if (percentiles)
            s.total = bucketCount == 1 ? s.values[0] : MetricsSeries::kNoValue; // not derivable from buckets
        else
            s.total = sum;
    }
    result.series = std::move(list);
    if (query.groupBy != Dimension::None)
        limitToTopN(result, query.topN);
    if (rows.size() >= kRowLimit)
        result.notice = QStringLiteral(
            "The metrics API returned its maximum of %1 rows; some groups or buckets may be missing.")
                            .arg(kRowLimit);
    else if (skipped > 0)
        result.notice = QStringLiteral("%1 rows of the metrics API answer fell outside the chart's buckets.")
                            .arg(skipped);
    return result;
}

} // namespace tg
