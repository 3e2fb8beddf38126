// MetricsProvider with a scripted transport: local-only queries, remote answers, the per-query
// cache and its freshness, 404/429/network/garbage fallbacks with notices, the call budget,
// unsupported charts, mixing local and remote sources.
#include "metrics/metricsprovider.h"
#include "metrics/timebuckets.h"
#include "storetestutil.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <deque>

using namespace tg;

namespace {

constexpr qint64 kS = 1'000'000'000LL;
const qint64 kT = 1'780'000'000LL * kS;

class FakeTransport : public MetricsTransport
{
public:
    QString budgetKey() const override { return QStringLiteral("https://cloud.langfuse.com|pk-lf-test"); }
    bool isCloud() const override { return cloud; }
    void fetch(const QByteArray &queryJson, std::function<void(const MetricsFetchResult &)> done) override
    {
        queries.push_back(queryJson);
        MetricsFetchResult result;
        if (!replies.empty()) {
            result = replies.front();
            replies.pop_front();
        } else {
            result.status = 200;
            result.body = R"({"data":[{"sum_totalCost":10}]})";
        }
        QTimer::singleShot(0, [done, result] { done(result); });
    }

    bool cloud = true;
    std::deque<MetricsFetchResult> replies;
    QList<QByteArray> queries;
};

MetricsFetchResult reply(int status, const QByteArray &body = {})
{
    MetricsFetchResult r;
    r.status = status;
    r.body = body;
    return r;
}

} // namespace

class TestMetricsProvider : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<TraceStore> m_store;
    qint64 m_local = 0;
    qint64 m_remote = 0;
    qint64 m_now = kT + 3600 * kS;

    MetricsQuery costQuery(QList<qint64> sources = {}) const
    {
        MetricsQuery q;
        q.sourceIds = std::move(sources);
        q.fromNs = kT - 3600 * kS;
        q.toNs = kT + 3600 * kS;
        q.granularity = Granularity::Total;
        q.timeZone = "UTC";
        return q;
    }

    MetricsSeries ask(MetricsProvider &provider, const MetricsQuery &q, bool background = false)
    {
        std::optional<MetricsSeries> result;
        bool inside = true;
        provider.request(
            q,
            [&](const MetricsSeries &r) {
                if (inside)
                    qWarning("callback ran inside request()");
                result = r;
            },
            background);
        inside = false;
        if (!QTest::qWaitFor([&] { return result.has_value(); }, 10000))
            qWarning("no result");
        return result.value_or(MetricsSeries {});
    }

    std::unique_ptr<MetricsProvider> provider(const std::shared_ptr<FakeTransport> &transport)
    {
        auto p = std::make_unique<MetricsProvider>(m_store->readerPool());
        p->setClock([this] { return m_now; });
        p->setTransportFactory([transport](const Source &s) -> std::shared_ptr<MetricsTransport> {
            return s.kind == SourceKind::Langfuse ? transport : nullptr;
        });
        return p;
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_store = test::openTempStore(m_dir);
        m_local = m_store->ensureSource(
            SourceKind::LocalReceiver, QStringLiteral("local"), QStringLiteral("Local"));
        m_remote = m_store->ensureSource(
            SourceKind::Langfuse, QStringLiteral("langfuse:c1/p1"), QStringLiteral("Prod"));
        for (const auto &[source, cost] : { std::pair { m_local, 1.0 }, std::pair { m_remote, 0.5 } }) {
            WriteBatch b;
            b.sourceId = source;
            TraceRecord t;
            t.id = QStringLiteral("t%1").arg(source);
            t.name = QStringLiteral("chat");
            t.timestampNs = kT;
            b.traces.push_back(t);
            ObservationRecord o;
            o.id = QStringLiteral("o%1").arg(source);
            o.traceId = t.id;
            o.type = ObservationType::Generation;
            o.startNs = kT;
            o.endNs = kT + 100'000'000;
            o.model = QStringLiteral("gpt-4o");
            o.cost.set(QStringLiteral("total"), cost);
            b.observations.push_back(o);
            QVERIFY(test::commit(*m_store, b));
        }
    }

    void localOnlyWithoutTransports()
    {
        MetricsProvider p(m_store->readerPool());
        const MetricsSeries r = ask(p, costQuery());
        QVERIFY(r.error.isEmpty());
        QCOMPARE(r.origin, MetricsOrigin::Local);
        QCOMPARE(r.series[0].total, 1.5); // both sources, the remote one from its local copy
        QVERIFY(p.budgetSummary().isEmpty());
    }

    void remoteAnswerIsUsedAndCached()
    {
        auto transport = std::make_shared<FakeTransport>();
        auto p = provider(transport);
        QSignalSpy budget(p.get(), &MetricsProvider::budgetChanged);
        MetricsSeries r = ask(*p, costQuery({ m_remote }));
        QCOMPARE(transport->queries.size(), 1);
        QVERIFY(transport->queries[0].contains("\"measure\":\"totalCost\""));
        QCOMPARE(r.origin, MetricsOrigin::Remote);
        QCOMPARE(r.series[0].total, 10.0);
        QCOMPARE(budget.count(), 1);
        QCOMPARE(p->budget().remaining(transport->budgetKey(), true, m_now), 99);
        QCOMPARE(p->budgetSummary(),
            QStringList { QStringLiteral("Prod: 99 of 100 metrics-API calls left this day (estimated)") });

        // A minute later the same relative chart hits the cache: no call.
        m_now += 60 * kS;
        MetricsQuery later = costQuery({ m_remote });
        later.fromNs += 60 * kS;
        later.toNs += 60 * kS;
        r = ask(*p, later);
        QCOMPARE(transport->queries.size(), 1);
        QCOMPARE(r.origin, MetricsOrigin::RemoteCache);
        QCOMPARE(r.series[0].total, 10.0);

        // Once stale, a 429 falls back to the cached answer and says so.
        m_now += 10 * 60 * kS;
        MetricsFetchResult limited = reply(429);
        limited.retryAfterSeconds = 30;
        transport->replies.push_back(limited);
        r = ask(*p, costQuery({ m_remote }));
        QCOMPARE(transport->queries.size(), 2);
        QCOMPARE(r.origin, MetricsOrigin::RemoteCache);
        QVERIFY2(r.notice.contains(QLatin1String("rate limited")) && r.notice.contains(QLatin1String("ago")),
            qPrintable(r.notice));
        // Blocked now: no call goes out, the cache answers.
        r = ask(*p, costQuery({ m_remote }));
        QCOMPARE(transport->queries.size(), 2);
        QVERIFY(r.notice.contains(QLatin1String("rate limited")));
        m_now += 3600 * kS;
    }

    void notFoundFallsBackToLocalAndIsRemembered()
    {
        auto transport = std::make_shared<FakeTransport>();
        transport->replies.push_back(
            reply(404, R"({"message":"only available in a Langfuse v4 write mode"})"));
        auto p = provider(transport);
        MetricsQuery q = costQuery({ m_remote });
        q.groupBy = Dimension::Model;
        MetricsSeries r = ask(*p, q);
        QCOMPARE(r.origin, MetricsOrigin::LocalFallback);
        QCOMPARE(r.series[0].total, 0.5);
        QVERIFY2(r.notice.contains(QLatin1String("no metrics API v2"))
                && r.notice.contains(QLatin1String("local copy")),
            qPrintable(r.notice));
        q.groupBy = Dimension::TraceName;
        r = ask(*p, q);
        QCOMPARE(transport->queries.size(), 1); // not asked again
        QCOMPARE(r.origin, MetricsOrigin::LocalFallback);
    }

    void spentBudgetFallsBackWithoutCalling()
    {
        auto transport = std::make_shared<FakeTransport>();
        auto p = provider(transport);
        for (int i = 0; i < 100; ++i)
            p->budget().recordCall(transport->budgetKey(), true, m_now);
        const MetricsSeries r = ask(*p, costQuery({ m_remote }));
        QCOMPARE(transport->queries.size(), 0);
        QCOMPARE(r.origin, MetricsOrigin::LocalFallback);
        QVERIFY(r.notice.contains(QLatin1String("spent")));
    }

    void backgroundRequestsKeepTheReserve()
    {
        auto transport = std::make_shared<FakeTransport>();
        auto p = provider(transport);
        for (int i = 0; i < 85; ++i)
            p->budget().recordCall(transport->budgetKey(), true, m_now);
        MetricsSeries r = ask(*p, costQuery({ m_remote }), true);
        QCOMPARE(transport->queries.size(), 0);
        QVERIFY(r.notice.contains(QLatin1String("interactive")));
        r = ask(*p, costQuery({ m_remote }), false);
        QCOMPARE(transport->queries.size(), 1);
    }

    void unsupportedChartsUseLocalData()
    {
        auto transport = std::make_shared<FakeTransport>();
        auto p = provider(transport);
        MetricsQuery q = costQuery({ m_remote });
        q.groupBy = Dimension::User;
        const MetricsSeries r = ask(*p, q);
        QCOMPARE(transport->queries.size(), 0);
        QCOMPARE(r.origin, MetricsOrigin::LocalFallback);
        QVERIFY(r.notice.contains(QLatin1String("cannot group by user")));
    }

    void networkErrorsAndGarbageFallBack()
    {
        auto transport = std::make_shared<FakeTransport>();
        MetricsFetchResult down;
        down.error = QStringLiteral("Connection refused");
        transport->replies.push_back(down);
        transport->replies.push_back(reply(200, "<html>oops</html>"));
        transport->replies.push_back(reply(500, R"({"message":"Internal Server Error"})"));
        auto p = provider(transport);
        MetricsQuery q = costQuery({ m_remote });
        q.granularity = Granularity::Hour;
        MetricsSeries r = ask(*p, q);
        QVERIFY(r.notice.contains(QLatin1String("Connection refused")));
        q.granularity = Granularity::Minute;
        r = ask(*p, q);
        QCOMPARE(r.origin, MetricsOrigin::LocalFallback);
        QVERIFY(r.notice.contains(QLatin1String("not a JSON object")));
        q.granularity = Granularity::Day;
        r = ask(*p, q);
        QVERIFY(r.notice.contains(QLatin1String("HTTP 500")));
        QCOMPARE(r.series[0].total, 0.5);
    }

    void mixesLocalAndRemoteSources()
    {
        auto transport = std::make_shared<FakeTransport>();
        transport->cloud = false; // self-hosted: no budget line
        auto p = provider(transport);
        MetricsSeries r = ask(*p, costQuery());
        QCOMPARE(r.origin, MetricsOrigin::Mixed);
        QCOMPARE(r.series.size(), size_t(1));
        QCOMPARE(r.series[0].total, 11.0); // local 1 + remote 10
        QVERIFY(p->budgetSummary().isEmpty());

        MetricsQuery bySource = costQuery();
        bySource.groupBy = Dimension::Source;
        bySource.granularity = Granularity::Hour;
        transport->replies.push_back(
            reply(200, R"({"data":[{"sum_totalCost":3,"time_dimension":"2026-05-28T20:00:00.000Z"}]})"));
        r = ask(*p, bySource);
        QCOMPARE(r.series.size(), size_t(2));
        QCOMPARE(r.series[0].label, QStringLiteral("Prod"));
        QCOMPARE(r.series[0].total, 3.0);
        QCOMPARE(r.series[1].label, QStringLiteral("Local"));
        QCOMPARE(r.series[1].total, 1.0);
    }

    void budgetPersistsInTheCacheDirectory()
    {
        QTemporaryDir dir;
        auto transport = std::make_shared<FakeTransport>();
        {
            auto p = provider(transport);
            p->setCache(std::make_shared<MetricsCache>(dir.path()));
            ask(*p, costQuery({ m_remote }));
        }
        auto p = provider(transport);
        p->setCache(std::make_shared<MetricsCache>(dir.path()));
        QCOMPARE(p->budget().remaining(transport->budgetKey(), true, m_now), 99);
        // And the answer itself is on disk: fresh enough, so no second call.
        const MetricsSeries r = ask(*p, costQuery({ m_remote }));
        QCOMPARE(transport->queries.size(), 1);
        QCOMPARE(r.origin, MetricsOrigin::RemoteCache);
    }

    void localDaysAreAskedPerHour()
    {
        MetricsQuery q = costQuery();
        q.fromNs = kT;
        q.toNs = kT + 7 * 86'400 * kS;
        q.granularity = Granularity::Day;
        q.timeZone = "Europe/Berlin";
        auto buckets = TimeBuckets::forQuery(q);
        QCOMPARE(MetricsProvider::remoteGranularity(q, *buckets), Granularity::Hour);
        q.timeZone = "UTC";
        buckets = TimeBuckets::forQuery(q);
        QCOMPARE(
            MetricsProvider::remoteGranularity(q, *buckets), Granularity::Day); // UTC days are Langfuse's
        q.timeZone = "Europe/Berlin";
        q.measure = Measure::Latency;
        QCOMPARE(
            MetricsProvider::remoteGranularity(q, *buckets), Granularity::Day); // percentiles do not add up
        q.measure = Measure::Cost;
        q.groupBy = Dimension::Model;
        QCOMPARE(MetricsProvider::remoteGranularity(q, *buckets), Granularity::Day); // rows could overflow
        q.groupBy = Dimension::None;
        q.toNs = kT + 90 * 86'400 * kS;
        buckets = TimeBuckets::forQuery(q);
        QCOMPARE(MetricsProvider::remoteGranularity(q, *buckets), Granularity::Day); // too many hours

        // End to end: hourly rows land in the Berlin day that holds them.
        auto transport = std::make_shared<FakeTransport>();
        auto p = provider(transport);
        MetricsQuery days = costQuery({ m_remote });
        days.fromNs = 1'774'652'400LL * kS; // 2026-03-28 00:00 in Berlin
        days.toNs = days.fromNs + 2 * 86'400 * kS;
        days.granularity = Granularity::Day;
        days.timeZone = "Europe/Berlin";
        transport->replies.push_back(reply(200, R"({"data":[
            {"sum_totalCost":1,"time_dimension":"2026-03-27T23:00:00.000Z"},
            {"sum_totalCost":2,"time_dimension":"2026-03-28T22:00:00.000Z"},
            {"sum_totalCost":4,"time_dimension":"2026-03-28T23:00:00.000Z"}]})"));
        const MetricsSeries r = ask(*p, days);
        QVERIFY(transport->queries.last().contains("\"granularity\":\"hour\""));
        // Two days of 48 hours reach into a third local day (the 29th has 23 hours).
        QCOMPARE(r.series[0].values, (std::vector<double> { 3.0, 4.0, 0.0 }));
    }

    void remoteWindowRoundsToFiveMinutes()
    {
        MetricsQuery q = costQuery();
        q.fromNs = kT + 61 * kS;
        q.toNs = kT + 3599 * kS;
        q.granularity = Granularity::Hour;
        const MetricsQuery w = MetricsProvider::remoteWindow(q);
        QCOMPARE(w.fromNs % (300 * kS), 0);
        QVERIFY(w.fromNs <= q.fromNs && w.fromNs > q.fromNs - 300 * kS);
        QVERIFY(w.toNs >= q.toNs && w.toNs < q.toNs + 300 * kS);
        q.granularity = Granularity::Minute;
        QCOMPARE(MetricsProvider::remoteWindow(q).fromNs % (60 * kS), 0);
    }
};

QTEST_GUILESS_MAIN(TestMetricsProvider)
#include "tst_metricsprovider.moc"
