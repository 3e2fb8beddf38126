// RateLimiter and TokenBucket with an injected clock: the Cloud limits per plan, never more
// than the limit in any window, shared budgets per organisation, pauses after a 429.
#include "langfuse/ratelimiter.h"

#include <QTest>

#include <deque>

using namespace tg;

namespace {

constexpr qint64 kMinute = 60'000;

/// Greedy client: asks as often as allowed for `durationMs`; returns the grant times.
std::vector<qint64> drain(TokenBucket &bucket, qint64 start, qint64 durationMs)
{
    std::vector<qint64> grants;
    qint64 now = start;
    while (now < start + durationMs) {
        const qint64 wait = bucket.acquire(now);
        if (wait == 0)
            grants.push_back(now);
        else
            now += wait;
    }
    return grants;
}

/// The most grants in any span of `windowMs`.
int maxInAnyWindow(const std::vector<qint64> &grants, qint64 windowMs)
{
    int best = 0;
    size_t lo = 0;
    for (size_t hi = 0; hi < grants.size(); ++hi) {
        while (grants[hi] - grants[lo] >= windowMs)
            ++lo;
        best = std::max(best, int(hi - lo + 1));
    }
    return best;
}

} // namespace

class TestRateLimiter : public QObject
{
    Q_OBJECT

private slots:
    void cloudLimits()
    {
        QCOMPARE(cloudRateLimit(PlanTier::Hobby, RateBucket::PublicApi), (RateLimit { 30, kMinute }));
        QCOMPARE(cloudRateLimit(PlanTier::Core, RateBucket::PublicApi), (RateLimit { 1000, kMinute }));
        QCOMPARE(cloudRateLimit(PlanTier::Pro, RateBucket::PublicApi), (RateLimit { 1000, kMinute }));
        QCOMPARE(cloudRateLimit(PlanTier::Hobby, RateBucket::LegacyReads), (RateLimit { 15, kMinute }));
        QCOMPARE(cloudRateLimit(PlanTier::Core, RateBucket::LegacyReads), (RateLimit { 30, kMinute }));
        QCOMPARE(cloudRateLimit(PlanTier::Pro, RateBucket::LegacyReads), (RateLimit { 100, kMinute }));
        QCOMPARE(
            cloudRateLimit(PlanTier::Hobby, RateBucket::MetricsV2), (RateLimit { 100, 24 * 60 * kMinute }));
        QCOMPARE(cloudRateLimit(PlanTier::Core, RateBucket::MetricsV2), (RateLimit { 100, 60 * kMinute }));
        QCOMPARE(cloudRateLimit(PlanTier::Pro, RateBucket::MetricsV2), (RateLimit { 500, 60 * kMinute }));
        QCOMPARE(cloudRateLimit(PlanTier::Hobby, RateBucket::MetricsDailyLegacy),
            (RateLimit { 10, 24 * 60 * kMinute }));
        QVERIFY(cloudRateLimit(PlanTier::Pro, RateBucket::Unlimited).isUnlimited());
        for (RateBucket b : { RateBucket::PublicApi, RateBucket::LegacyReads, RateBucket::MetricsV2 })
            QVERIFY(cloudRateLimit(PlanTier::SelfHosted, b).isUnlimited());
    }

    void neverOverLimitInAnyWindow_data()
    {
        QTest::addColumn<int>("limit");
        QTest::addColumn<qint64>("window");
        QTest::newRow("hobby public 30/min") << 30 << kMinute;
        QTest::newRow("hobby legacy 15/min") << 15 << kMinute;
        QTest::newRow("core 1000/min") << 1000 << kMinute;
        QTest::newRow("daily 10/day") << 10 << 24 * 60 * kMinute;
        QTest::newRow("one per window") << 1 << qint64(1000);
    }

    void neverOverLimitInAnyWindow()
    {
        QFETCH(int, limit);
        QFETCH(qint64, window);
        TokenBucket bucket({ limit, window }, 1'000'000);
        const std::vector<qint64> grants = drain(bucket, 1'000'000, window * 6);
        const int worst = maxInAnyWindow(grants, window);
        QVERIFY2(
            worst <= limit, qPrintable(QStringLiteral("%1 in one window, limit %2").arg(worst).arg(limit)));
        // ... and still uses most of the budget over a long run.
        QVERIFY2(double(grants.size()) >= 0.85 * limit * 6 - 1,
            qPrintable(QStringLiteral("%1 grants in 6 windows").arg(grants.size())));
    }

    void waitIsExact()
    {
        TokenBucket bucket({ 30, kMinute }, 0);
        qint64 now = 0;
        for (int i = 0; i < bucket.capacity(); ++i)
            QCOMPARE(bucket.acquire(now), 0);
        const qint64 wait = bucket.acquire(now);
        QVERIFY(wait > 0);
        QVERIFY(bucket.acquire(now + wait - 1) > 0); // nothing taken by the failed calls
        QCOMPARE(bucket.acquire(now + wait), 0);
    }

    void unlimitedAndPause()
    {
        qint64 now = 5'000;
        RateLimiter limiter([&now] { return now; });
        const QString scope
            = RateLimiter::scopeKey(QStringLiteral("http://localhost:3000"), QString(), QStringLiteral("pk"));
        for (int i = 0; i < 10'000; ++i)
            QCOMPARE(limiter.acquire(scope, PlanTier::SelfHosted, RateBucket::PublicApi), 0);
        // A 429's Retry-After holds even a server without published limits.
        limiter.pause(scope, PlanTier::SelfHosted, RateBucket::PublicApi, 3'000);
        QCOMPARE(limiter.acquire(scope, PlanTier::SelfHosted, RateBucket::PublicApi), 3'000);
        now += 2'000;
        QCOMPARE(limiter.acquire(scope, PlanTier::SelfHosted, RateBucket::PublicApi), 1'000);
        // Other buckets are not paused.
        QCOMPARE(limiter.acquire(scope, PlanTier::SelfHosted, RateBucket::LegacyReads), 0);
        now += 1'000;
        QCOMPARE(limiter.acquire(scope, PlanTier::SelfHosted, RateBucket::PublicApi), 0);
    }

    void pauseEmptiesALimitedBucket()
    {
        qint64 now = 0;
        RateLimiter limiter([&now] { return now; });
        const QString scope = QStringLiteral("s");
        QCOMPARE(limiter.acquire(scope, PlanTier::Core, RateBucket::PublicApi), 0);
        limiter.pause(scope, PlanTier::Core, RateBucket::PublicApi, 10'000);
        now += 10'000;
        // The server said the budget was gone: after the pause only what refilled since is there.
        int granted = 0;
        while (limiter.acquire(scope, PlanTier::Core, RateBucket::PublicApi) == 0)
            ++granted;
        QVERIFY2(granted <= 1, qPrintable(QString::number(granted)));
    }

    void organisationsShareBuckets()
    {
        qint64 now = 0;
        RateLimiter limiter([&now] { return now; });
        const QString host = QStringLiteral("https://cloud.langfuse.com");
        // Two projects (connections) of one organisation: one budget.
        const QString orgA1 = RateLimiter::scopeKey(host, QStringLiteral("org-a"), QStringLiteral("pk-1"));
        const QString orgA2 = RateLimiter::scopeKey(host, QStringLiteral("org-a"), QStringLiteral("pk-2"));
        const QString orgB = RateLimiter::scopeKey(host, QStringLiteral("org-b"), QStringLiteral("pk-3"));
        QCOMPARE(orgA1, orgA2);
        QVERIFY(orgA1 != orgB);
        QVERIFY(RateLimiter::scopeKey(
                    QStringLiteral("https://us.cloud.langfuse.com"), QStringLiteral("org-a"), {})
            != orgA1);
        int a = 0;
        for (int i = 0; i < 10; ++i) {
            if (limiter.acquire(i % 2 ? orgA1 : orgA2, PlanTier::Hobby, RateBucket::PublicApi) == 0)
                ++a;
        }
        QCOMPARE(a, 3); // hobby burst: 30 / 10
        QCOMPARE(limiter.acquire(orgB, PlanTier::Hobby, RateBucket::PublicApi), 0);
        // Buckets are separate: the legacy budget is untouched.
        QCOMPARE(limiter.acquire(orgA1, PlanTier::Hobby, RateBucket::LegacyReads), 0);
        // The unlimited bucket (/projects, /health) never waits.
        for (int i = 0; i < 100; ++i)
            QCOMPARE(limiter.acquire(orgA1, PlanTier::Hobby, RateBucket::Unlimited), 0);
    }

    void overrides()
    {
        qint64 now = 0;
        RateLimiter limiter([&now] { return now; });
        limiter.setLimitOverride(RateBucket::PublicApi, { 2, 1000 });
        QCOMPARE(limiter.limitFor(PlanTier::Pro, RateBucket::PublicApi), (RateLimit { 2, 1000 }));
        QVERIFY(limiter.limitFor(PlanTier::SelfHosted, RateBucket::PublicApi).isUnlimited());
        QCOMPARE(limiter.acquire(QStringLiteral("s"), PlanTier::Pro, RateBucket::PublicApi), 0);
        QVERIFY(limiter.acquire(QStringLiteral("s"), PlanTier::Pro, RateBucket::PublicApi) > 0);
    }
};

QTEST_GUILESS_MAIN(TestRateLimiter)
#include "tst_ratelimiter.moc"
