// RetryPolicy: which failures are retried, how long to wait, Retry-After parsing.
#include "langfuse/retrypolicy.h"

#include <QTest>

using namespace tg;

class TestRetryPolicy : public QObject
{
    Q_OBJECT

private slots:
    void retryableStatuses()
    {
        for (int s : { 429, 502, 503, 504, 524 })
            QVERIFY2(RetryPolicy::isRetryableStatus(s), qPrintable(QString::number(s)));
        for (int s : { 200, 400, 401, 403, 404, 405, 422, 500, 501 })
            QVERIFY2(!RetryPolicy::isRetryableStatus(s), qPrintable(QString::number(s)));
    }

    void decisions()
    {
        RetryPolicy::Options o;
        o.maxAttempts = 3;
        o.baseDelayMs = 100;
        o.maxDelayMs = 1000;
        o.maxRetryAfterMs = 5000;
        const RetryPolicy policy(o);
        QVERIFY(!policy.decide(1, 500, false, std::nullopt, 0.5).retry);
        QVERIFY(!policy.decide(1, 401, false, std::nullopt, 0.5).retry);
        QVERIFY(!policy.decide(1, 404, false, std::nullopt, 0.5).retry);
        RetryPolicy::Decision d = policy.decide(1, 502, false, std::nullopt, 0.0);
        QVERIFY(d.retry);
        QCOMPARE(d.delayMs, 50); // equal jitter: half of 100 fixed
        QVERIFY(!d.honoursRetryAfter);
        d = policy.decide(2, 524, false, std::nullopt, 0.999);
        QVERIFY(d.retry);
        QVERIFY(d.delayMs > 150 && d.delayMs <= 200);
        QVERIFY(!policy.decide(3, 503, false, std::nullopt, 0.5).retry); // out of attempts
        // Transport failures: as the caller classed them.
        QVERIFY(policy.decide(1, 0, true, std::nullopt, 0.5).retry);
        QVERIFY(!policy.decide(1, 0, false, std::nullopt, 0.5).retry);
        // 429: Retry-After wins over backoff.
        d = policy.decide(1, 429, false, 2000, 0.0);
        QVERIFY(d.retry);
        QVERIFY(d.honoursRetryAfter);
        QCOMPARE(d.delayMs, 2000);
        d = policy.decide(1, 429, false, 2000, 0.99);
        QVERIFY(d.delayMs >= 2000 && d.delayMs < 2250);
        QVERIFY(!policy.decide(1, 429, false, 60'000, 0.5).retry); // longer than we wait
        d = policy.decide(1, 429, false, std::nullopt, 0.5);
        QVERIFY(d.retry && !d.honoursRetryAfter);
    }

    void backoffDoublesUpToCap()
    {
        RetryPolicy::Options o;
        o.baseDelayMs = 1000;
        o.maxDelayMs = 60'000;
        o.maxAttempts = 20;
        const RetryPolicy policy(o);
        QCOMPARE(policy.backoffMs(1, 1.0), 1000);
        QCOMPARE(policy.backoffMs(2, 1.0), 2000);
        QCOMPARE(policy.backoffMs(3, 1.0), 4000);
        QCOMPARE(policy.backoffMs(7, 1.0), 60'000);
        QCOMPARE(policy.backoffMs(15, 1.0), 60'000);
        QCOMPARE(policy.backoffMs(15, 0.0), 30'000);
    }

    void parseRetryAfter()
    {
        const QDateTime now(QDate(2026, 11, 24), QTime(12, 0, 0), Qt::UTC);
        QCOMPARE(RetryPolicy::parseRetryAfter("3", now), std::optional<qint64>(3000));
        QCOMPARE(RetryPolicy::parseRetryAfter(" 2 ", now), std::optional<qint64>(2000));
        QCOMPARE(RetryPolicy::parseRetryAfter("1.5", now), std::optional<qint64>(1500));
        QCOMPARE(RetryPolicy::parseRetryAfter("0", now), std::optional<qint64>(0));
        QCOMPARE(
            RetryPolicy::parseRetryAfter("Tue, 24 Nov 2026 12:00:07 GMT", now), std::optional<qint64>(7000));
        QCOMPARE(
            RetryPolicy::parseRetryAfter("Tue, 24 Nov 2026 11:00:00 GMT", now), std::optional<qint64>(0));
        QVERIFY(!RetryPolicy::parseRetryAfter("", now));
        QVERIFY(!RetryPolicy::parseRetryAfter("-1", now));
        QVERIFY(!RetryPolicy::parseRetryAfter("soon", now));
    }
};

QTEST_GUILESS_MAIN(TestRetryPolicy)
#include "tst_retrypolicy.moc"
