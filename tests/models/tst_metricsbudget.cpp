// MetricsBudget: Cloud defaults, server headers, 429 Retry-After, windows, background reserve,
// self-hosted without limits, persistence.
#include "metrics/metricsbudget.h"

#include <QTest>

using namespace tg;

namespace {
constexpr qint64 kS = 1'000'000'000LL;
const QString kKey = QStringLiteral("https://cloud.langfuse.com|pk-lf-1");
} // namespace

class TestMetricsBudget : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void cloudStartsOnTheSmallestPlan()
    {
        MetricsBudget budget;
        const qint64 t = 1000 * kS;
        QCOMPARE(budget.remaining(kKey, true, t), 100);
        QCOMPARE(budget.limit(kKey, true), 100);
        for (int i = 0; i < 100; ++i) {
            QVERIFY(budget.canCall(kKey, true, t));
            budget.recordCall(kKey, true, t);
        }
        QString why;
        QVERIFY(!budget.canCall(kKey, true, t, false, &why));
        QVERIFY(why.contains(QLatin1String("spent")));
        QCOMPARE(budget.remaining(kKey, true, t), 0);
        // The hobby window is a day.
        QVERIFY(!budget.canCall(kKey, true, t + 23 * 3600 * kS));
        QVERIFY(budget.canCall(kKey, true, t + 24 * 3600 * kS));
        QCOMPARE(budget.remaining(kKey, true, t + 24 * 3600 * kS), 100);
    }

    void serverHeadersWin()
    {
        MetricsBudget budget;
        const qint64 t = 1000 * kS;
        budget.recordCall(kKey, true, t);
        MetricsFetchResult r;
        r.status = 200;
        r.rateLimitLimit = 500;
        r.rateLimitRemaining = 480; // other machines used some too
        budget.recordResult(kKey, r, t);
        QCOMPARE(budget.limit(kKey, true), 500);
        QCOMPARE(budget.remaining(kKey, true, t), 480);
        QVERIFY(budget.describe(kKey, true, t).startsWith(QLatin1String("480 of 500")));
        QVERIFY(!budget.describe(kKey, true, t).contains(QLatin1String("estimated")));
    }

    void tooManyRequestsBlocksForRetryAfter()
    {
        MetricsBudget budget;
        const qint64 t = 1000 * kS;
        MetricsFetchResult r;
        r.status = 429;
        r.retryAfterSeconds = 40;
        budget.recordResult(kKey, r, t);
        QString why;
        QVERIFY(!budget.canCall(kKey, true, t + 39 * kS, false, &why));
        QVERIFY(why.contains(QLatin1String("rate limited")));
        QVERIFY(budget.describe(kKey, true, t).contains(QLatin1String("paused")));
        // Without a Remaining header a 429 means the budget is spent until the window rolls.
        QVERIFY(!budget.canCall(kKey, true, t + 41 * kS));
        // A self-hosted server that answers 429 is honoured too, but has no count.
        MetricsBudget self;
        self.recordResult(QStringLiteral("h"), r, t);
        QVERIFY(!self.canCall(QStringLiteral("h"), false, t + 10 * kS));
        QVERIFY(self.canCall(QStringLiteral("h"), false, t + 41 * kS));
    }

    void backgroundCallsLeaveAReserve()
    {
        MetricsBudget budget;
        const qint64 t = 1000 * kS;
        for (int i = 0; i < 80; ++i)
            budget.recordCall(kKey, true, t);
        QString why;
        QVERIFY(!budget.canCall(kKey, true, t, true, &why));
        QVERIFY(why.contains(QLatin1String("interactive")));
        QVERIFY(budget.canCall(kKey, true, t, false));
    }

    void selfHostedIsUnlimited()
    {
        MetricsBudget budget;
        const QString key = QStringLiteral("http://localhost:3000|pk");
        for (int i = 0; i < 1000; ++i)
            budget.recordCall(key, false, i * kS);
        QVERIFY(budget.canCall(key, false, 1000 * kS));
        QVERIFY(!budget.remaining(key, false, 0));
        QVERIFY(budget.describe(key, false, 0).isEmpty());
    }

    void tiersHaveTheirWindows()
    {
        QCOMPARE(MetricsBudget::limitsFor(MetricsBudget::Tier::Hobby).calls, 100);
        QCOMPARE(MetricsBudget::limitsFor(MetricsBudget::Tier::Core).windowNs, 3600 * kS);
        QCOMPARE(MetricsBudget::limitsFor(MetricsBudget::Tier::Pro).calls, 500);
        MetricsBudget budget;
        budget.setTier(kKey, MetricsBudget::Tier::Pro);
        QCOMPARE(budget.remaining(kKey, true, kS), 500);
    }

    void survivesARestart()
    {
        MetricsBudget budget;
        const qint64 t = 1000 * kS;
        for (int i = 0; i < 7; ++i)
            budget.recordCall(kKey, true, t);
        MetricsBudget restored;
        restored.restore(budget.toJson());
        QCOMPARE(restored.remaining(kKey, true, t + kS), 93);
        restored.restore(QJsonObject { { kKey, QStringLiteral("garbage") } }); // tolerated
        QCOMPARE(restored.remaining(kKey, true, t), 100);
    }
};

QTEST_GUILESS_MAIN(TestMetricsBudget)
#include "tst_metricsbudget.moc"
