// ObservationTraceCache: the writer's memory of which trace an observation belongs to, for
// updates that omit the trace id.
#include "store/observationtracecache.h"

#include <QRandomGenerator>
#include <QTest>

using namespace tg;

class TestObservationTraceCache : public QObject
{
    Q_OBJECT

private slots:
    void unknownKeysAreZero()
    {
        ObservationTraceCache cache(4);
        QCOMPARE(cache.find(42), 0);
        cache.remember(42, 7);
        QCOMPARE(cache.find(42), 7);
        QCOMPARE(cache.find(43), 0);
    }

    void rememberingAgainReplacesTheTrace()
    {
        ObservationTraceCache cache(4);
        cache.remember(5, 1);
        cache.remember(5, 2);
        QCOMPARE(cache.find(5), 2);
        // The second remember did not take a second way: three more keys of the set all fit.
        for (quint64 i = 1; i <= 3; ++i)
            cache.remember(5 + i * 16, 100 + qint64(i));
        QCOMPARE(cache.find(5), 2);
    }

    void theOldestOfAFullSetGivesWay()
    {
        ObservationTraceCache cache(4); // 16 sets: keys 16 apart share one
        for (quint64 i = 0; i < 4; ++i)
            cache.remember(3 + i * 16, 10 + qint64(i));
        cache.remember(3, 10); // the oldest is used again: now the newest
        cache.remember(3 + 4 * 16, 14);
        QCOMPARE(cache.find(3), 10);
        QCOMPARE(cache.find(3 + 16), 0); // the least recently remembered left
        QCOMPARE(cache.find(3 + 2 * 16), 12);
        QCOMPARE(cache.find(3 + 3 * 16), 13);
        QCOMPARE(cache.find(3 + 4 * 16), 14);
        // Other sets are untouched.
        QCOMPARE(cache.find(4), 0);
    }

    void keyZeroIsAnOrdinaryKey()
    {
        ObservationTraceCache cache(4);
        QCOMPARE(cache.find(0), 0);
        cache.remember(0, 9);
        QCOMPARE(cache.find(0), 9);
    }

    void clearForgetsEverything()
    {
        ObservationTraceCache cache(4);
        cache.remember(1, 1);
        cache.clear();
        QCOMPARE(cache.find(1), 0);
        cache.remember(1, 3);
        QCOMPARE(cache.find(1), 3);
    }

    void recentEntriesSurviveALongStream()
    {
        // The default size: an entry followed by 100,000 others is still there (the hash
        // table it replaces was cleared every 500,000 entries, losing everything at once).
        ObservationTraceCache cache;
        QRandomGenerator rng(7);
        std::vector<quint64> watched;
        for (int i = 0; i < 1000; ++i) {
            watched.push_back(rng.generate64());
            cache.remember(watched.back(), i + 1);
        }
        for (int i = 0; i < 100'000; ++i)
            cache.remember(rng.generate64(), 1);
        int kept = 0;
        for (size_t i = 0; i < watched.size(); ++i)
            kept += cache.find(watched[i]) == qint64(i + 1) ? 1 : 0;
        QVERIFY2(kept >= 995, qPrintable(QStringLiteral("%1 of 1000 kept").arg(kept)));
    }
};

QTEST_GUILESS_MAIN(TestObservationTraceCache)
#include "tst_observationtracecache.moc"
