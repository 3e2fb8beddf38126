// LocalAggregator against hand-computed values: sums and top N with "Other", exact percentiles,
// bucket edges, local-midnight day buckets (Berlin, across the 2026 spring DST change) versus
// UTC, empty buckets, group-bys over trace and observation fields, filters, trace measures,
// token kinds, the two-thread scan, cancellation and bad queries.
#include "metrics/localaggregator.h"
#include "storetestutil.h"

#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using namespace tg;

namespace {

constexpr qint64 kS = 1'000'000'000LL;
constexpr qint64 kMs = 1'000'000LL;
constexpr qint64 kHour = 3600 * kS;
// 2026-03-28 00:00 in Berlin (CET) = 2026-03-27T23:00Z. Berlin's DST starts on 2026-03-29.
constexpr qint64 kBase = 1'774'652'400LL * kS;

ObservationRecord obs(const QString &id, const QString &trace, ObservationType type, qint64 start,
    qint64 durationMs, const QString &model = {}, double cost = 0.0)
{
    ObservationRecord o;
    o.id = id;
    o.traceId = trace;
    o.type = type;
    o.name = id;
    o.startNs = start;
    o.endNs = start + durationMs * kMs;
    o.model = model;
    if (cost > 0)
        o.cost.set(QStringLiteral("total"), cost);
    return o;
}

TraceRecord trace(const QString &id, const QString &name, qint64 ts, const QString &user, const QString &env,
    const QStringList &tags = {})
{
    TraceRecord t;
    t.id = id;
    t.name = name;
    t.timestampNs = ts;
    t.userId = user;
    t.environment = env;
    t.tags = tags;
    return t;
}

const QString kGpt4o = QStringLiteral("gpt-4o");

} // namespace

class TestLocalAggregator : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<TraceStore> m_store;
    qint64 m_sourceA = 0;
    qint64 m_sourceB = 0;

    MetricsQuery berlinDays() const
    {
        MetricsQuery q;
        q.fromNs = kBase;
        q.toNs = kBase + 95 * kHour; // 2026-04-01 00:00 CEST: four local days
        q.granularity = Granularity::Day;
        q.timeZone = "Europe/Berlin";
        return q;
    }

    MetricsSeries run(const MetricsQuery &q)
    {
        ReaderLease reader = m_store->reader();
        MetricsSeries r = LocalAggregator::run(*reader, q);
        if (!r.error.isEmpty())
            qWarning("aggregation failed: %s", qPrintable(r.error));
        return r;
    }

    static const MetricsSeriesData *find(const MetricsSeries &r, const QString &key)
    {
        for (const MetricsSeriesData &s : r.series) {
            if (s.key == key && !s.isOther)
                return &s;
        }
        return nullptr;
    }

    static void compareValues(const std::vector<double> &actual, const std::vector<double> &expected)
    {
        QCOMPARE(actual.size(), expected.size());
        for (size_t i = 0; i < actual.size(); ++i) {
            if (std::isnan(expected[i]))
                QVERIFY2(
                    std::isnan(actual[i]), qPrintable(QStringLiteral("bucket %1 should be empty").arg(i)));
            else
                QVERIFY2(std::abs(actual[i] - expected[i]) < 1e-9,
                    qPrintable(QStringLiteral("bucket %1: %2 != %3").arg(i).arg(actual[i]).arg(expected[i])));
        }
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_store = test::openTempStore(m_dir);
        QVERIFY(m_store);
        m_sourceA
            = m_store->ensureSource(SourceKind::LocalReceiver, QStringLiteral("a"), QStringLiteral("Alpha"));
        m_sourceB = m_store->ensureSource(SourceKind::Demo, QStringLiteral("b"), QStringLiteral("Beta"));

        WriteBatch a;
        a.sourceId = m_sourceA;
        // t1: 03-28, two generations and a root span; trace latency 1.3 s.
        a.traces.push_back(
            trace(QStringLiteral("t1"), QStringLiteral("chat"), kBase + kHour, QStringLiteral("u1"),
                QStringLiteral("production"), { QStringLiteral("beta"), QStringLiteral("eu") }));
        ObservationRecord o1 = obs(QStringLiteral("o1"), QStringLiteral("t1"), ObservationType::Generation,
            kBase + kHour, 100, kGpt4o, 1.0);
        o1.usage.set(QStringLiteral("input"), 100);
        o1.usage.set(QStringLiteral("input_cached_tokens"), 40);
        o1.usage.set(QStringLiteral("output"), 50);
        o1.usage.set(QStringLiteral("output_reasoning_tokens"), 20);
        a.observations.push_back(o1);
        ObservationRecord o2 = obs(QStringLiteral("o2"), QStringLiteral("t1"), ObservationType::Generation,
            kBase + kHour + kS, 300, QStringLiteral("claude"), 2.0);
        o2.usage.set(QStringLiteral("input"), 10);
        o2.usage.set(QStringLiteral("output"), 5);
        a.observations.push_back(o2);
        a.observations.push_back(
            obs(QStringLiteral("o3"), QStringLiteral("t1"), ObservationType::Span, kBase + kHour, 1000));
        // t2: 03-29 (the 23-hour day), an error; trace latency 400 ms.
        a.traces.push_back(trace(QStringLiteral("t2"), QStringLiteral("chat"), kBase + 26 * kHour,
            QStringLiteral("u2"), QStringLiteral("staging")));
        ObservationRecord o4 = obs(QStringLiteral("o4"), QStringLiteral("t2"), ObservationType::Generation,
            kBase + 26 * kHour, 200, kGpt4o, 0.5);
        o4.level = Level::Error;
        o4.usage.set(QStringLiteral("input"), 20);
        o4.usage.set(QStringLiteral("output"), 10);
        a.observations.push_back(o4);
        a.observations.push_back(
            obs(QStringLiteral("o5"), QStringLiteral("t2"), ObservationType::Span, kBase + 26 * kHour, 400));
        // t3: 03-31T00:00Z, 02:00 in Berlin.
        a.traces.push_back(trace(QStringLiteral("t3"), QStringLiteral("search"), kBase + 73 * kHour,
            QStringLiteral("u1"), QStringLiteral("production"), { QStringLiteral("eu") }));
        a.observations.push_back(obs(QStringLiteral("o6"), QStringLiteral("t3"), ObservationType::Generation,
            kBase + 73 * kHour, 50, QStringLiteral("gpt-4o-mini"), 0.25));
        // t5: 03-27T23:30Z: the 27th in UTC, the 28th in Berlin. No user, environment or model.
        a.traces.push_back(
            trace(QStringLiteral("t5"), QStringLiteral("batch"), kBase + 30 * 60 * kS, {}, {}));
        a.observations.push_back(
            obs(QStringLiteral("o8"), QStringLiteral("t5"), ObservationType::Span, kBase + 30 * 60 * kS, 10));
        a.observations.push_back(obs(QStringLiteral("o9"), QStringLiteral("t5"), ObservationType::Generation,
            kBase + 30 * 60 * kS, 10, {}, 0.1));
        QVERIFY(test::commit(*m_store, a));

        WriteBatch b;
        b.sourceId = m_sourceB;
        b.traces.push_back(trace(QStringLiteral("t4"), QStringLiteral("chat"), kBase + kHour + 30 * 60 * kS,
            QStringLiteral("u3"), QStringLiteral("production")));
        b.observations.push_back(obs(QStringLiteral("o7"), QStringLiteral("t4"), ObservationType::Generation,
            kBase + kHour + 30 * 60 * kS, 700, kGpt4o, 4.0));
        QVERIFY(test::commit(*m_store, b));
    }

    void costPerDayWithEmptyBucket()
    {
        const MetricsSeries r = run(berlinDays());
        QVERIFY(r.error.isEmpty());
        QCOMPARE(r.bucketCount(), 4);
        QCOMPARE(r.edges[2] - r.edges[1], 23 * kHour); // 2026-03-29 has 23 hours in Berlin
        QCOMPARE(r.series.size(), size_t(1));
        QCOMPARE(r.series[0].label, QStringLiteral("Cost"));
        compareValues(r.series[0].values, { 7.1, 0.5, 0.0, 0.25 });
        QCOMPARE(r.series[0].samples, (std::vector<qint64> { 4, 1, 0, 1 }));
        QVERIFY(std::abs(r.series[0].total - 7.85) < 1e-9);
        QCOMPARE(r.origin, MetricsOrigin::Local);
    }

    void costByModelTopNWithOther()
    {
        MetricsQuery q = berlinDays();
        q.groupBy = Dimension::Model;
        q.topN = 2;
        const MetricsSeries r = run(q);
        QCOMPARE(r.series.size(), size_t(3));
        QCOMPARE(r.series[0].key, kGpt4o);
        compareValues(r.series[0].values, { 5.0, 0.5, 0.0, 0.0 });
        QCOMPARE(r.series[1].key, QStringLiteral("claude"));
        compareValues(r.series[1].values, { 2.0, 0.0, 0.0, 0.0 });
        QVERIFY(r.series[2].isOther); // gpt-4o-mini and the generation without a model
        compareValues(r.series[2].values, { 0.1, 0.0, 0.0, 0.25 });
        QVERIFY(std::abs(r.series[2].total - 0.35) < 1e-9);

        q.topN = 8;
        const MetricsSeries all = run(q);
        QCOMPARE(all.series.size(), size_t(4));
        const MetricsSeriesData *none = find(all, QString());
        QVERIFY(none);
        QCOMPARE(none->label, QStringLiteral("(none)"));
    }

    void dayBucketsDependOnTheZone()
    {
        MetricsQuery q = berlinDays();
        q.measure = Measure::TraceCount;
        compareValues(run(q).series[0].values, { 3, 1, 0, 1 });
        q.timeZone = "UTC";
        const MetricsSeries utc = run(q);
        QCOMPARE(utc.bucketCount(), 5); // 03-27 .. 03-31 in UTC
        compareValues(utc.series[0].values, { 1, 2, 1, 0, 1 });
    }

    void rangeIsHalfOpenAtBucketEdges()
    {
        MetricsQuery q;
        q.measure = Measure::TraceCount;
        q.granularity = Granularity::Total;
        q.fromNs = kBase + kHour; // t1 exactly
        q.toNs = kBase + kHour + 30 * 60 * kS; // t4 exactly: excluded
        compareValues(run(q).series[0].values, { 1 });
        q.fromNs += 1;
        compareValues(run(q).series[0].values, { 0 });

        // Hour buckets: t1 (on an edge) falls into the bucket that starts there.
        MetricsQuery h;
        h.measure = Measure::TraceCount;
        h.granularity = Granularity::Hour;
        h.fromNs = kBase;
        h.toNs = kBase + 2 * kHour;
        const MetricsSeries r = run(h);
        QCOMPARE(r.edges.front(), kBase);
        compareValues(r.series[0].values, { 1, 2 }); // t5 | t1, t4
    }

    void generationLatencyPercentiles()
    {
        MetricsQuery q = berlinDays();
        q.measure = Measure::Latency;
        q.latencyScope = LatencyScope::Generations;
        const MetricsSeries r = run(q);
        QCOMPARE(r.series.size(), size_t(4));
        // Bucket 0 holds 10, 100, 300, 700 ms: p50 200, p90 580, p95 640, p99 688.
        const double nan = MetricsSeries::kNoValue;
        compareValues(find(r, QStringLiteral("p50"))->values, { 200, 200, nan, 50 });
        compareValues(find(r, QStringLiteral("p90"))->values, { 580, 200, nan, 50 });
        compareValues(find(r, QStringLiteral("p95"))->values, { 640, 200, nan, 50 });
        compareValues(find(r, QStringLiteral("p99"))->values, { 688, 200, nan, 50 });
        // All six: 10 50 100 200 300 700 -> p95 at h 4.75 = 300 + 0.75 * 400.
        QCOMPARE(find(r, QStringLiteral("p95"))->total, 600.0);
        QCOMPARE(find(r, QStringLiteral("p95"))->samples, (std::vector<qint64> { 4, 1, 0, 1 }));
    }

    void latencyByModelUsesOnePercentile()
    {
        MetricsQuery q = berlinDays();
        q.measure = Measure::Latency;
        q.latencyScope = LatencyScope::Generations;
        q.groupBy = Dimension::Model;
        q.topN = 1;
        const MetricsSeries r = run(q);
        QCOMPARE(r.series.size(), size_t(2));
        QCOMPARE(r.series[0].key, kGpt4o); // most samples: 100, 700 | 200
        compareValues(r.series[0].values, { 670, 200, MetricsSeries::kNoValue, MetricsSeries::kNoValue });
        QVERIFY(r.series[1].isOther); // claude 300, none 10 | - | - | mini 50
        compareValues(
            r.series[1].values, { 300 - 0.05 * 290, MetricsSeries::kNoValue, MetricsSeries::kNoValue, 50 });
    }

    void observationLatencyIncludesSpans()
    {
        MetricsQuery q = berlinDays();
        q.measure = Measure::Latency;
        q.latencyScope = LatencyScope::Observations;
        q.percentile = Percentile::P50;
        const MetricsSeries r = run(q);
        QCOMPARE(r.series.size(), size_t(1));
        // Bucket 0: 10 10 100 300 700 1000 -> median 200; bucket 1: 200 400 -> 300.
        compareValues(r.series[0].values, { 200, 300, MetricsSeries::kNoValue, 50 });
        QCOMPARE(r.series[0].label, QStringLiteral("p50"));
    }

    void traceLatencyPercentiles()
    {
        MetricsQuery q = berlinDays();
        q.measure = Measure::Latency;
        q.percentile = Percentile::P50;
        const MetricsSeries r = run(q);
        // t5 10 ms, t1 1300 ms, t4 700 ms | t2 400 | - | t3 50.
        compareValues(r.series[0].values, { 700, 400, MetricsSeries::kNoValue, 50 });
    }

    void errorCountsAndRates()
    {
        MetricsQuery q = berlinDays();
        q.measure = Measure::ErrorCount;
        compareValues(run(q).series[0].values, { 0, 1, 0, 0 });
        q.measure = Measure::ErrorRate;
        const MetricsSeries rate = run(q);
        compareValues(rate.series[0].values, { 0, 1, MetricsSeries::kNoValue, 0 });
        QCOMPARE(rate.series[0].total, 0.2); // one of five traces
        q.groupBy = Dimension::Environment;
        const MetricsSeries byEnv = run(q);
        const double nan = MetricsSeries::kNoValue;
        compareValues(find(byEnv, QStringLiteral("production"))->values, { 0, nan, nan, 0 });
        compareValues(find(byEnv, QStringLiteral("staging"))->values, { nan, 1, nan, nan });
        QCOMPARE(find(byEnv, QStringLiteral("staging"))->total, 1.0);
    }

    void groupByTagCountsATraceUnderEachTag()
    {
        MetricsQuery q = berlinDays();
        q.measure = Measure::TraceCount;
        q.groupBy = Dimension::Tag;
        const MetricsSeries r = run(q);
        QCOMPARE(r.series.size(), size_t(3));
        QCOMPARE(r.series[0].label, QStringLiteral("(none)"));
        QCOMPARE(r.series[0].total, 3.0);
        QCOMPARE(r.series[1].key, QStringLiteral("eu"));
        QCOMPARE(r.series[1].total, 2.0);
        QCOMPARE(r.series[2].key, QStringLiteral("beta"));
        QCOMPARE(r.series[2].total, 1.0);

        // The same for an observation measure (cost inherits the trace's tags).
        q.measure = Measure::Cost;
        const MetricsSeries cost = run(q);
        QVERIFY(std::abs(find(cost, QStringLiteral("eu"))->total - 3.25) < 1e-9);
        QVERIFY(std::abs(find(cost, QStringLiteral("beta"))->total - 3.0) < 1e-9);
        QVERIFY(std::abs(find(cost, QString())->total - 4.6) < 1e-9);
    }

    void groupBySourceUsesSourceNames()
    {
        MetricsQuery q = berlinDays();
        q.groupBy = Dimension::Source;
        const MetricsSeries r = run(q);
        QCOMPARE(r.series.size(), size_t(2));
        QCOMPARE(r.series[0].label, QStringLiteral("Beta")); // largest total first
        QCOMPARE(r.series[0].total, 4.0);
        QCOMPARE(r.series[1].label, QStringLiteral("Alpha"));
        QCOMPARE(r.series[1].key, QString::number(m_sourceA));
        QVERIFY(std::abs(r.series[1].total - 3.85) < 1e-9);

        q.measure = Measure::TraceCount;
        const MetricsSeries counts = run(q);
        QCOMPARE(counts.series[0].label, QStringLiteral("Alpha"));
        QCOMPARE(counts.series[0].total, 4.0);
        QCOMPARE(counts.series[1].total, 1.0);
    }

    void groupByTraceFields()
    {
        MetricsQuery q = berlinDays();
        q.groupBy = Dimension::TraceName;
        MetricsSeries r = run(q);
        QVERIFY(std::abs(find(r, QStringLiteral("chat"))->total - 7.5) < 1e-9);
        QCOMPARE(find(r, QStringLiteral("search"))->total, 0.25);
        QCOMPARE(find(r, QStringLiteral("batch"))->total, 0.1);
        q.groupBy = Dimension::User;
        r = run(q);
        QCOMPARE(find(r, QStringLiteral("u1"))->total, 3.25);
        QCOMPARE(find(r, QStringLiteral("u3"))->total, 4.0);
        QCOMPARE(find(r, QString())->total, 0.1);
        q.measure = Measure::TraceCount;
        q.groupBy = Dimension::Model; // a trace counts under each model it used
        r = run(q);
        QCOMPARE(find(r, kGpt4o)->total, 3.0);
        QCOMPARE(find(r, QStringLiteral("claude"))->total, 1.0);
        QCOMPARE(find(r, QString())->total, 1.0); // t5's generation has no model
    }

    void filtersRestrictTheData()
    {
        MetricsQuery q = berlinDays();
        q.measure = Measure::TraceCount;
        q.filter.environments = { QStringLiteral("production") };
        QCOMPARE(run(q).series[0].total, 3.0);
        q.filter = {};
        q.filter.tags = { QStringLiteral("beta") };
        QCOMPARE(run(q).series[0].total, 1.0);
        q.filter = {};
        q.filter.models = { QStringLiteral("claude") };
        QCOMPARE(run(q).series[0].total, 1.0);
        q.filter = {};
        q.filter.userIds = { QStringLiteral("u1"), QStringLiteral("u3") };
        QCOMPARE(run(q).series[0].total, 3.0);

        q.measure = Measure::Cost;
        q.filter = {};
        q.filter.models = { QStringLiteral("claude") };
        QCOMPARE(run(q).series[0].total, 2.0);
        q.filter = {};
        q.filter.traceNames = { QStringLiteral("search") };
        QCOMPARE(run(q).series[0].total, 0.25);
        q.filter = {};
        q.filter.tags = { QStringLiteral("eu") };
        QCOMPARE(run(q).series[0].total, 3.25);
        q.filter = {};
        q.sourceIds = { m_sourceB };
        QCOMPARE(run(q).series[0].total, 4.0);
        q.sourceIds = { 999 }; // unknown source: nothing, not an error
        const MetricsSeries none = run(q);
        QVERIFY(none.error.isEmpty());
        QCOMPARE(none.series[0].total, 0.0);
    }

    void tokenKinds()
    {
        MetricsQuery q = berlinDays();
        q.measure = Measure::Tokens;
        const MetricsSeries r = run(q);
        QCOMPARE(r.series.size(), size_t(4));
        QCOMPARE(r.series[0].key, QStringLiteral("input"));
        compareValues(r.series[0].values, { 150, 20, 0, 0 }); // input includes cached input
        compareValues(r.series[1].values, { 75, 10, 0, 0 });
        QCOMPARE(r.series[2].label, QStringLiteral("Cached input"));
        compareValues(r.series[2].values, { 40, 0, 0, 0 });
        compareValues(r.series[3].values, { 20, 0, 0, 0 });
        q.tokenKind = TokenKind::Total;
        q.groupBy = Dimension::Model;
        const MetricsSeries byModel = run(q);
        QCOMPARE(find(byModel, kGpt4o)->total, 240.0); // 140 + 70 + 20 + 10
        q.tokenKind = TokenKind::Reasoning;
        QCOMPARE(find(run(q), kGpt4o)->total, 20.0);
    }

    void twoThreadScanEqualsOneThread()
    {
        // Enough observations that the split is real; compare every series value.
        QTemporaryDir dir;
        auto store = test::openTempStore(dir);
        const qint64 source = store->ensureSource(SourceKind::Demo, QStringLiteral("d"), QStringLiteral("D"));
        WriteBatch batch;
        batch.sourceId = source;
        const QStringList models { QStringLiteral("m1"), QStringLiteral("m2"), QStringLiteral("m3") };
        for (int t = 0; t < 300; ++t) {
            const QString tid = QStringLiteral("t%1").arg(t);
            batch.traces.push_back(trace(tid, QStringLiteral("n%1").arg(t % 7), kBase + t * 600 * kS,
                QStringLiteral("u%1").arg(t % 5), QStringLiteral("production")));
            for (int i = 0; i < 10; ++i)
                batch.observations.push_back(obs(QStringLiteral("%1-%2").arg(tid).arg(i), tid,
                    ObservationType::Generation, kBase + t * 600 * kS + i * kS, (t * 37 + i * 11) % 900,
                    models[(t + i) % 3], 0.001 * (i + 1)));
        }
        QVERIFY(test::commit(*store, batch));
        LocalAggregator parallel(store->readerPool());
        parallel.setParallelRowThreshold(10);
        for (const Dimension dim : { Dimension::Model, Dimension::TraceName, Dimension::None }) {
            for (const Measure measure : { Measure::Cost, Measure::Latency }) {
                MetricsQuery q;
                q.fromNs = kBase;
                q.toNs = kBase + 2 * 24 * kHour;
                q.granularity = Granularity::Hour;
                q.measure = measure;
                q.latencyScope = LatencyScope::Generations;
                q.groupBy = dim;
                q.topN = 2;
                const MetricsSeries a = parallel.run(q);
                ReaderLease reader = store->reader();
                const MetricsSeries b = LocalAggregator::run(*reader, q);
                QVERIFY(a.error.isEmpty());
                QCOMPARE(a.series.size(), b.series.size());
                for (size_t s = 0; s < a.series.size(); ++s) {
                    QCOMPARE(a.series[s].key, b.series[s].key);
                    QCOMPARE(a.series[s].samples, b.series[s].samples);
                    compareValues(a.series[s].values, b.series[s].values);
                }
            }
        }
    }

    void cancelledScansStop()
    {
        std::atomic<bool> cancel { true };
        ReaderLease reader = m_store->reader();
        const MetricsSeries r = LocalAggregator::run(*reader, berlinDays(), &cancel);
        QCOMPARE(r.error, QStringLiteral("cancelled"));
    }

    void badQueriesAreErrors()
    {
        MetricsQuery q = berlinDays();
        q.toNs = q.fromNs;
        QVERIFY(!run(q).error.isEmpty());
        q = berlinDays();
        q.granularity = Granularity::Minute;
        q.toNs = q.fromNs + 1000LL * 24 * kHour;
        QVERIFY(run(q).error.contains(QLatin1String("too many")));
        LocalAggregator noStore(nullptr);
        QVERIFY(!noStore.run(berlinDays()).error.isEmpty());
    }

    void emptyStoreStillHasAxes()
    {
        QTemporaryDir dir;
        auto store = test::openTempStore(dir);
        ReaderLease reader = store->reader();
        MetricsQuery q = berlinDays();
        q.measure = Measure::Latency;
        const MetricsSeries r = LocalAggregator::run(*reader, q);
        QVERIFY(r.error.isEmpty());
        QCOMPARE(r.series.size(), size_t(4));
        QVERIFY(r.isEmpty());
        q.measure = Measure::Cost;
        const MetricsSeries cost = LocalAggregator::run(*reader, q);
        QCOMPARE(cost.series.size(), size_t(1));
        compareValues(cost.series[0].values, { 0, 0, 0, 0 });
    }
};

QTEST_GUILESS_MAIN(TestLocalAggregator)
#include "tst_localaggregator.moc"
