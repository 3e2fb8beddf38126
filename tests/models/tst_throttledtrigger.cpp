// ThrottledTrigger: a burst collapses into at most one trigger per interval; never synchronous.
#include "metrics/throttledtrigger.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>

using namespace tg;

class TestThrottledTrigger : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void neverFiresInsideRequest()
    {
        ThrottledTrigger trigger(100);
        QSignalSpy spy(&trigger, &ThrottledTrigger::triggered);
        trigger.request();
        QCOMPARE(spy.count(), 0);
        QVERIFY(trigger.isPending());
        QTRY_COMPARE(spy.count(), 1);
    }

    void atMostTenPerSecond()
    {
        ThrottledTrigger trigger(100);
        QSignalSpy spy(&trigger, &ThrottledTrigger::triggered);
        QElapsedTimer timer;
        timer.start();
        QList<qint64> firedAt;
        connect(&trigger, &ThrottledTrigger::triggered, this, [&] { firedAt << timer.elapsed(); });
        while (timer.elapsed() < 1000) {
            trigger.request(); // a commit every ~2 ms
            QTest::qWait(2);
        }
        QTest::qWait(150); // the trailing one
        QVERIFY2(spy.count() >= 8 && spy.count() <= 11, qPrintable(QString::number(spy.count())));
        for (qsizetype i = 1; i < firedAt.size(); ++i)
            QVERIFY2(
                firedAt[i] - firedAt[i - 1] >= 95, qPrintable(QString::number(firedAt[i] - firedAt[i - 1])));
    }

    void aQuietPeriodFiresPromptly()
    {
        ThrottledTrigger trigger(100);
        QSignalSpy spy(&trigger, &ThrottledTrigger::triggered);
        trigger.request();
        QTRY_COMPARE(spy.count(), 1);
        QTest::qWait(150);
        QElapsedTimer timer;
        timer.start();
        trigger.request();
        QTRY_COMPARE(spy.count(), 2);
        QVERIFY(timer.elapsed() < 60);
    }
};

QTEST_GUILESS_MAIN(TestThrottledTrigger)
#include "tst_throttledtrigger.moc"
