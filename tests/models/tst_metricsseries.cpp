// Metrics value types: query JSON round trip and rejection of bad input, percentile selection
// against hand-computed values, CSV export, top-N with "Other", merging parts.
#include "metrics/metricsaccumulator.h"
#include "metrics/metricsquery.h"
#include "metrics/metricsseries.h"

#include <QJsonArray>
#include <QTest>

#include <cmath>

using namespace tg;

namespace {

MetricsSeriesData series(const QString &key, std::vector<double> values, std::vector<qint64> samples = {})
{
    MetricsSeriesData s;
    s.key = key;
    s.label = key;
    s.values = std::move(values);
    s.samples = samples.empty() ? std::vector<qint64>(s.values.size(), 1) : std::move(samples);
    for (size_t i = 0; i < s.values.size(); ++i) {
        if (MetricsSeries::hasValue(s.values[i]))
            s.total += s.values[i];
        s.totalSamples += s.samples[i];
    }
    return s;
}

MetricsSeries twoBuckets(Measure measure)
{
    MetricsSeries r;
    r.query.measure = measure;
    r.query.topN = 8;
    r.edges = { 0, 10, 20 };
    return r;
}

} // namespace

class TestMetricsSeries : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void queryJsonRoundTrips()
    {
        MetricsQuery q;
        q.sourceIds = { 3, 7 };
        q.fromNs = 1'780'000'000'123'456'789LL; // more digits than a double holds
        q.toNs = q.fromNs + 86'400'000'000'000LL;
        q.granularity = Granularity::Week;
        q.measure = Measure::Latency;
        q.latencyScope = LatencyScope::Generations;
        q.percentile = Percentile::P99;
        q.groupBy = Dimension::Tag;
        q.topN = 5;
        q.filter.traceNames = { QStringLiteral("chat") };
        q.filter.models = { QStringLiteral("gpt-4o"), QStringLiteral("o3") };
        q.filter.tags = { QStringLiteral("beta") };
        q.timeZone = "Europe/Berlin";
        QString error;
        const auto back = MetricsQuery::fromJson(q.toJson(), &error);
        QVERIFY2(back, qPrintable(error));
        QCOMPARE(*back, q);
    }

    void queryJsonRejectsBadInput()
    {
        QString error;
        QJsonObject o = MetricsQuery().toJson();
        o.insert(QStringLiteral("measure"), QStringLiteral("happiness"));
        QVERIFY(!MetricsQuery::fromJson(o, &error));
        QVERIFY(error.contains(QLatin1String("happiness")));

        o = MetricsQuery().toJson();
        o.insert(QStringLiteral("from"), QStringLiteral("20"));
        o.insert(QStringLiteral("to"), QStringLiteral("10"));
        QVERIFY(!MetricsQuery::fromJson(o, &error));

        o = MetricsQuery().toJson();
        o.insert(QStringLiteral("from"), QStringLiteral("yesterday"));
        QVERIFY(!MetricsQuery::fromJson(o, &error));

        o = MetricsQuery().toJson();
        o.insert(QStringLiteral("sources"), QJsonArray { QStringLiteral("x") });
        QVERIFY(!MetricsQuery::fromJson(o, &error));

        // Missing fields keep their defaults; topN is clamped.
        o = QJsonObject { { QStringLiteral("topN"), 5000 } };
        const auto q = MetricsQuery::fromJson(o, &error);
        QVERIFY(q);
        QCOMPARE(q->topN, 50);
        QCOMPARE(q->measure, Measure::Cost);
    }

    void effectiveKindAndPercentile()
    {
        MetricsQuery q;
        q.measure = Measure::Tokens;
        QCOMPARE(q.effectiveTokenKind(), TokenKind::All);
        q.groupBy = Dimension::Model;
        QCOMPARE(q.effectiveTokenKind(), TokenKind::Total);
        q.measure = Measure::Latency;
        QCOMPARE(q.effectivePercentile(), Percentile::P95);
        q.groupBy = Dimension::None;
        QCOMPARE(q.effectivePercentile(), Percentile::All);
        QVERIFY(!q.isObservationMeasure()); // trace latency
        q.latencyScope = LatencyScope::Generations;
        QVERIFY(q.isObservationMeasure());
    }

    void percentilesMatchHandComputedValues()
    {
        // Sorted: 15 20 35 40 50; h = 4p. p50 -> 35; p90 -> h 3.6 -> 40 + 0.6*10 = 46;
        // p95 -> h 3.8 -> 48; p99 -> h 3.96 -> 49.6.
        std::vector<qint64> v { 50, 15, 40, 20, 35 };
        const double fractions[] = { 0.5, 0.9, 0.95, 0.99 };
        double out[4];
        selectPercentiles(v.data(), v.data() + v.size(), fractions, out, 4);
        QCOMPARE(out[0], 35.0);
        QCOMPARE(out[1], 46.0);
        QCOMPARE(out[2], 48.0);
        QCOMPARE(out[3], 49.6);

        std::vector<qint64> two { 20, 10 }; // p95: h 0.95 -> 10 + 0.95*10
        selectPercentiles(two.data(), two.data() + 2, fractions + 2, out, 1);
        QCOMPARE(out[0], 19.5);

        std::vector<qint64> one { 7 };
        selectPercentiles(one.data(), one.data() + 1, fractions, out, 4);
        for (double d : out)
            QCOMPARE(d, 7.0);

        selectPercentiles(one.data(), one.data(), fractions, out, 4); // empty
        QVERIFY(std::isnan(out[0]) && std::isnan(out[3]));
    }

    void percentilesOfManyValuesAgreeWithSorting()
    {
        std::vector<qint64> v;
        quint32 x = 12345;
        for (int i = 0; i < 10'001; ++i) {
            x = x * 1'103'515'245u + 12'345u;
            v.push_back(static_cast<qint64>(x % 100'000));
        }
        std::vector<qint64> sorted = v;
        std::sort(sorted.begin(), sorted.end());
        const double fractions[] = { 0.5, 0.9, 0.95, 0.99 };
        double out[4];
        selectPercentiles(v.data(), v.data() + v.size(), fractions, out, 4);
        for (int i = 0; i < 4; ++i) {
            const double h = 10'000 * fractions[i];
            const auto k = static_cast<size_t>(h);
            const double expected = sorted[k] + (h - static_cast<double>(k)) * (sorted[k + 1] - sorted[k]);
            QCOMPARE(out[i], expected);
        }
    }

    void csvHasOneRowPerBucketAndEmptyCellsForGaps()
    {
        MetricsSeries r = twoBuckets(Measure::Latency);
        r.edges = { 1'780'000'000'000'000'000LL, 1'780'000'060'000'000'000LL, 1'780'000'120'000'000'000LL };
        r.series.push_back(series(QStringLiteral("p95"), { 12.5, MetricsSeries::kNoValue }));
        r.series.push_back(series(QStringLiteral("a, \"quoted\" name"), { 1, 2 }));
        const QByteArray csv = r.toCsv();
        const QList<QByteArray> lines = csv.split('\n');
        QCOMPARE(lines.size(), 4); // header, two buckets, trailing newline
        QCOMPARE(lines[0], QByteArray("bucket_start,bucket_end,p95,\"a, \"\"quoted\"\" name\""));
        QCOMPARE(lines[1], QByteArray("2026-05-28T20:26:40.000Z,2026-05-28T20:27:40.000Z,12.5,1"));
        QCOMPARE(lines[2], QByteArray("2026-05-28T20:27:40.000Z,2026-05-28T20:28:40.000Z,,2"));
    }

    void topNSumsTheRestIntoOther()
    {
        MetricsSeries r = twoBuckets(Measure::Cost);
        r.series.push_back(series(QStringLiteral("c"), { 0.5, 0.5 }));
        r.series.push_back(series(QStringLiteral("a"), { 3, 2 }));
        r.series.push_back(series(QStringLiteral("d"), { 0, 0.25 }));
        r.series.push_back(series(QStringLiteral("b"), { 2, 1 }));
        limitToTopN(r, 2);
        QCOMPARE(r.series.size(), size_t(3));
        QCOMPARE(r.series[0].key, QStringLiteral("a"));
        QCOMPARE(r.series[1].key, QStringLiteral("b"));
        QVERIFY(r.series[2].isOther);
        QCOMPARE(r.series[2].label, QStringLiteral("Other"));
        QCOMPARE(r.series[2].values[0], 0.5);
        QCOMPARE(r.series[2].values[1], 0.75);
        QCOMPARE(r.series[2].total, 1.25);
        QCOMPARE(r.bucketTotal(0), 5.5);
    }

    void topNDropsTheRestOfPercentiles()
    {
        MetricsSeries r = twoBuckets(Measure::Latency);
        r.series.push_back(series(QStringLiteral("few"), { 100, 100 }, { 1, 1 }));
        r.series.push_back(series(QStringLiteral("many"), { 10, 10 }, { 50, 50 }));
        limitToTopN(r, 1);
        QCOMPARE(r.series.size(), size_t(1));
        QCOMPARE(r.series[0].key, QStringLiteral("many")); // ranked by samples, not by value
    }

    void mergeAddsAdditiveSeriesByKey()
    {
        MetricsSeries a = twoBuckets(Measure::Cost);
        a.series.push_back(series(QStringLiteral("gpt-4o"), { 1, 2 }));
        MetricsSeries b = twoBuckets(Measure::Cost);
        b.series.push_back(series(QStringLiteral("gpt-4o"), { 0.5, 0 }));
        b.series.push_back(series(QStringLiteral("claude"), { 4, 0 }));
        b.origin = MetricsOrigin::Remote;
        b.notice = QStringLiteral("from the API");
        const MetricsSeries m
            = mergeMetricsSeries({ a, b }, { QStringLiteral("Local"), QStringLiteral("Prod") });
        QCOMPARE(m.origin, MetricsOrigin::Mixed);
        QCOMPARE(m.notice, QStringLiteral("from the API"));
        QCOMPARE(m.series.size(), size_t(2));
        QCOMPARE(m.series[0].key, QStringLiteral("claude"));
        QCOMPARE(m.series[1].key, QStringLiteral("gpt-4o"));
        QCOMPARE(m.series[1].values[0], 1.5);
        QCOMPARE(m.series[1].total, 3.5);
    }

    void mergeWeighsErrorRatesByTraces()
    {
        MetricsSeries a = twoBuckets(Measure::ErrorRate);
        a.series.push_back(series(QStringLiteral("errorRate"), { 0.5, MetricsSeries::kNoValue }, { 10, 0 }));
        a.series[0].total = 0.5;
        MetricsSeries b = twoBuckets(Measure::ErrorRate);
        b.series.push_back(series(QStringLiteral("errorRate"), { 0.0, 1.0 }, { 30, 5 }));
        b.series[0].total = 5.0 / 35.0;
        const MetricsSeries m = mergeMetricsSeries({ a, b }, {});
        QCOMPARE(m.series.size(), size_t(1));
        QCOMPARE(m.series[0].values[0], 5.0 / 40.0); // (0.5*10 + 0*30) / 40
        QCOMPARE(m.series[0].values[1], 1.0);
        QCOMPARE(m.series[0].total, 10.0 / 45.0);
    }

    void mergeKeepsPercentilesSideBySide()
    {
        MetricsSeries a = twoBuckets(Measure::Latency);
        a.series.push_back(series(QStringLiteral("p95"), { 100, 200 }));
        MetricsSeries b = twoBuckets(Measure::Latency);
        b.series.push_back(series(QStringLiteral("p95"), { 300, MetricsSeries::kNoValue }));
        const MetricsSeries m
            = mergeMetricsSeries({ a, b }, { QStringLiteral("Local"), QStringLiteral("Prod") });
        QCOMPARE(m.series.size(), size_t(2));
        QCOMPARE(m.series[0].label, QStringLiteral("Local · p95"));
        QCOMPARE(m.series[1].label, QStringLiteral("Prod · p95"));
        QVERIFY(std::isnan(m.series[1].values[1]));
    }

    void mergeSkipsPartsWithOtherBuckets()
    {
        MetricsSeries a = twoBuckets(Measure::Cost);
        a.series.push_back(series(QStringLiteral("x"), { 1, 1 }));
        MetricsSeries b = twoBuckets(Measure::Cost);
        b.edges = { 0, 20 };
        b.series.push_back(series(QStringLiteral("x"), { 5 }));
        const MetricsSeries m = mergeMetricsSeries({ a, b }, {});
        QCOMPARE(m.series.size(), size_t(1));
        QCOMPARE(m.series[0].total, 2.0);
    }

    void formatsValuesInTheirUnit()
    {
        MetricsSeries r = twoBuckets(Measure::Cost);
        QCOMPARE(r.formatValue(1.234), QStringLiteral("$1.23"));
        QCOMPARE(r.formatValue(0.00123), QStringLiteral("$0.00123"));
        QCOMPARE(r.formatValue(MetricsSeries::kNoValue), QStringLiteral("–"));
        r.query.measure = Measure::ErrorRate;
        QCOMPARE(r.formatValue(0.125), QStringLiteral("12.5%"));
        r.query.measure = Measure::Latency;
        QCOMPARE(r.formatValue(1500.0), QStringLiteral("1.50 s"));
        QCOMPARE(r.unit(), QStringLiteral("ms"));
    }
};

QTEST_GUILESS_MAIN(TestMetricsSeries)
#include "tst_metricsseries.moc"
