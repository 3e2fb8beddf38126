// MetricsApiQuery: the exact query objects sent to GET /api/public/v2/metrics, refusals for what
// the API cannot answer, and parsing answers (time_dimension formats, string numbers, arrays,
// bad bodies) into the local bucket layout.
#include "metrics/metricsapiquery.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

#include <cmath>

using namespace tg;

namespace {

constexpr qint64 kS = 1'000'000'000LL;
constexpr qint64 kDay = 86'400 * kS;
const qint64 kFrom = 1'780'185'600LL * kS; // 2026-05-31T00:00:00Z

MetricsQuery daily(Measure measure, Dimension groupBy = Dimension::None)
{
    MetricsQuery q;
    q.fromNs = kFrom;
    q.toNs = kFrom + 3 * kDay;
    q.granularity = Granularity::Day;
    q.measure = measure;
    q.groupBy = groupBy;
    q.timeZone = "UTC";
    return q;
}

QByteArray body(const char *json)
{
    return QByteArray(json);
}

} // namespace

class TestMetricsApiQuery : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void costByModelQuery()
    {
        MetricsQuery q = daily(Measure::Cost, Dimension::Model);
        q.filter.environments = { QStringLiteral("production") };
        q.filter.tags = { QStringLiteral("beta") };
        const auto object = MetricsApiQuery::build(q, Granularity::Day);
        QVERIFY(object);
        QCOMPARE(MetricsApiQuery::toText(*object),
            QByteArray(
                R"({"config":{"row_limit":1000},"dimensions":[{"field":"providedModelName"}],)"
                R"("filters":[{"column":"environment","operator":"any of","type":"stringOptions","value":["production"]},)"
                R"({"column":"tags","operator":"any of","type":"arrayOptions","value":["beta"]}],)"
                R"("fromTimestamp":"2026-05-31T00:00:00.000Z","metrics":[{"aggregation":"sum","measure":"totalCost"}],)"
                R"("orderBy":null,"timeDimension":{"granularity":"day"},"toTimestamp":"2026-06-03T00:00:00.000Z",)"
                R"("view":"observations"})"));
    }

    void latencyPercentilesQuery()
    {
        MetricsQuery q = daily(Measure::Latency);
        q.latencyScope = LatencyScope::Generations;
        const auto object = MetricsApiQuery::build(q, Granularity::Hour);
        QVERIFY(object);
        const QJsonArray metrics = object->value(QStringLiteral("metrics")).toArray();
        QCOMPARE(metrics.size(), 4);
        QCOMPARE(
            metrics[0].toObject().value(QStringLiteral("aggregation")).toString(), QStringLiteral("p50"));
        QCOMPARE(
            metrics[3].toObject().value(QStringLiteral("aggregation")).toString(), QStringLiteral("p99"));
        QCOMPARE(
            metrics[2].toObject().value(QStringLiteral("measure")).toString(), QStringLiteral("latency"));
        const QJsonArray filters = object->value(QStringLiteral("filters")).toArray();
        QCOMPARE(filters.size(), 1);
        QCOMPARE(filters[0].toObject().value(QStringLiteral("column")).toString(), QStringLiteral("type"));
        QCOMPARE(object->value(QStringLiteral("timeDimension"))
                     .toObject()
                     .value(QStringLiteral("granularity"))
                     .toString(),
            QStringLiteral("hour"));
        QCOMPARE(MetricsApiQuery::metricKeys(q),
            (QStringList { QStringLiteral("p50_latency"), QStringLiteral("p90_latency"),
                QStringLiteral("p95_latency"), QStringLiteral("p99_latency") }));
    }

    void traceMeasuresUseRootObservations()
    {
        MetricsQuery q = daily(Measure::TraceCount, Dimension::TraceName);
        auto object = MetricsApiQuery::build(q, Granularity::Total);
        QVERIFY(object);
        QVERIFY(object->value(QStringLiteral("timeDimension")).isNull());
        const QJsonObject filter = object->value(QStringLiteral("filters")).toArray().at(0).toObject();
        QCOMPARE(filter.value(QStringLiteral("column")).toString(), QStringLiteral("isRootObservation"));
        QCOMPARE(filter.value(QStringLiteral("value")), QJsonValue(true));
        QCOMPARE(filter.value(QStringLiteral("type")).toString(), QStringLiteral("boolean"));

        q.measure = Measure::ErrorRate;
        object = MetricsApiQuery::build(q, Granularity::Day);
        const QJsonArray dims = object->value(QStringLiteral("dimensions")).toArray();
        QCOMPARE(dims.size(), 2);
        QCOMPARE(dims[1].toObject().value(QStringLiteral("field")).toString(), QStringLiteral("level"));
    }

    void refusesWhatTheApiCannotAnswer()
    {
        QString why;
        QVERIFY(!MetricsApiQuery::build(daily(Measure::Cost, Dimension::User), Granularity::Day, &why));
        QVERIFY(why.contains(QLatin1String("user")));
        MetricsQuery q = daily(Measure::Tokens);
        q.tokenKind = TokenKind::Cached;
        QVERIFY(!MetricsApiQuery::build(q, Granularity::Day, &why));
        QVERIFY(why.contains(QLatin1String("cached")));
        q = daily(Measure::Cost);
        q.toNs = q.fromNs;
        QVERIFY(!MetricsApiQuery::build(q, Granularity::Day, &why));
    }

    void parsesGroupedDailyCost()
    {
        const MetricsQuery q = daily(Measure::Cost, Dimension::Model);
        const auto buckets = TimeBuckets::forQuery(q);
        QVERIFY(buckets);
        const MetricsSeries r = MetricsApiQuery::parse(body(R"({"data":[
            {"providedModelName":"gpt-4o","sum_totalCost":1.5,"time_dimension":"2026-05-31T00:00:00.000Z"},
            {"providedModelName":"gpt-4o","sum_totalCost":"2.25","time_dimension":"2026-06-02 00:00:00"},
            {"providedModelName":"claude","sum_totalCost":0.5,"time_dimension":"2026-06-01"},
            {"providedModelName":null,"sum_totalCost":0.1,"time_dimension":"2026-06-01T00:00:00Z"},
            {"providedModelName":"x","sum_totalCost":9,"time_dimension":"1999-01-01T00:00:00Z"}
        ]})"),
            q, *buckets);
        QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
        QCOMPARE(r.origin, MetricsOrigin::Remote);
        QCOMPARE(r.series.size(), size_t(3));
        QCOMPARE(r.series[0].key, QStringLiteral("gpt-4o"));
        QCOMPARE(r.series[0].values, (std::vector<double> { 1.5, 0.0, 2.25 }));
        QCOMPARE(r.series[1].key, QStringLiteral("claude"));
        QCOMPARE(r.series[2].label, QStringLiteral("(none)"));
        QVERIFY(r.notice.contains(QLatin1String("outside"))); // the 1999 row
    }

    void parsesPercentilesWithGaps()
    {
        const MetricsQuery q = daily(Measure::Latency);
        const auto buckets = TimeBuckets::forQuery(q);
        const MetricsSeries r = MetricsApiQuery::parse(body(R"({"data":[
            {"p50_latency":100,"p90_latency":200,"p95_latency":250,"p99_latency":300,"time_dimension":"2026-05-31T00:00:00.000Z"},
            {"p50_latency":110,"p90_latency":null,"p95_latency":260,"p99_latency":310,"time_dimension":"2026-06-02T00:00:00.000Z"}
        ]})"),
            q, *buckets);
        QCOMPARE(r.series.size(), size_t(4));
        QCOMPARE(r.series[2].key, QStringLiteral("p95"));
        QCOMPARE(r.series[2].values[0], 250.0);
        QVERIFY(std::isnan(r.series[2].values[1])); // no row for that day
        QCOMPARE(r.series[2].values[2], 260.0);
        QVERIFY(std::isnan(r.series[1].values[2])); // null value
    }

    void parsesErrorRateFromLevels()
    {
        MetricsQuery q = daily(Measure::ErrorRate);
        q.granularity = Granularity::Total;
        const auto buckets = TimeBuckets::forQuery(q);
        const MetricsSeries r = MetricsApiQuery::parse(body(R"({"data":[
            {"level":"DEFAULT","count_count":"90"},{"level":"ERROR","count_count":10},{"level":"WARNING","count_count":0}
        ]})"),
            q, *buckets);
        QCOMPARE(r.series.size(), size_t(1));
        QCOMPARE(r.series[0].values[0], 0.1);
        QCOMPARE(r.series[0].total, 0.1);
        QCOMPARE(r.series[0].totalSamples, 100);
    }

    void parsesTagArraysAndSourceGroups()
    {
        MetricsQuery q = daily(Measure::Cost, Dimension::Tag);
        q.granularity = Granularity::Total;
        auto buckets = TimeBuckets::forQuery(q);
        MetricsSeries r = MetricsApiQuery::parse(
            body(R"({"data":[{"tags":["a","b"],"sum_totalCost":2},{"tags":[],"sum_totalCost":1}]})"), q,
            *buckets);
        QCOMPARE(r.series.size(), size_t(3));
        q.groupBy = Dimension::Source;
        r = MetricsApiQuery::parse(body(R"({"data":[{"sum_totalCost":2}]})"), q, *buckets,
            QStringLiteral("7"), QStringLiteral("Prod"));
        QCOMPARE(r.series.size(), size_t(1));
        QCOMPARE(r.series[0].key, QStringLiteral("7"));
        QCOMPARE(r.series[0].label, QStringLiteral("Prod"));
    }

    void rejectsBadBodies()
    {
        const MetricsQuery q = daily(Measure::Cost);
        const auto buckets = TimeBuckets::forQuery(q);
        QVERIFY(!MetricsApiQuery::parse("not json", q, *buckets).error.isEmpty());
        QVERIFY(!MetricsApiQuery::parse("[1,2]", q, *buckets).error.isEmpty());
        QVERIFY(!MetricsApiQuery::parse(R"({"data":{}})", q, *buckets).error.isEmpty());
        // Rows that are not objects or carry junk are skipped, not fatal.
        const MetricsSeries r
            = MetricsApiQuery::parse(R"({"data":[1,"x",{"sum_totalCost":{"a":1}}]})", q, *buckets);
        QVERIFY(r.error.isEmpty());
        QCOMPARE(r.series[0].total, 0.0);
    }

    void timeDimensionFormats()
    {
        const qint64 expected = kFrom;
        QCOMPARE(MetricsApiQuery::parseTimeDimension(QStringLiteral("2026-05-31T00:00:00.000Z")), expected);
        QCOMPARE(MetricsApiQuery::parseTimeDimension(QStringLiteral("2026-05-31 00:00:00")), expected);
        QCOMPARE(MetricsApiQuery::parseTimeDimension(QStringLiteral("2026-05-31")), expected);
        QCOMPARE(MetricsApiQuery::parseTimeDimension(QStringLiteral("2026-05-31T02:00:00+02:00")), expected);
        QCOMPARE(MetricsApiQuery::parseTimeDimension(QJsonValue(1'780'185'600'000.0)), expected);
        QVERIFY(!MetricsApiQuery::parseTimeDimension(QStringLiteral("yesterday")));
        QVERIFY(!MetricsApiQuery::parseTimeDimension(QJsonValue()));
    }
};

QTEST_GUILESS_MAIN(TestMetricsApiQuery)
#include "tst_metricsapiquery.moc"
