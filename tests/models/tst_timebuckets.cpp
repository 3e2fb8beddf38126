// Time buckets: UTC minute/hour alignment, local day/week buckets across DST changes, edges,
// auto granularity and bad ranges.
#include "metrics/timebuckets.h"

#include <QTest>

using namespace tg;

namespace {
constexpr qint64 kS = 1'000'000'000LL;
constexpr qint64 kMin = 60 * kS;
constexpr qint64 kHour = 60 * kMin;
constexpr qint64 kDay = 24 * kHour;
} // namespace

class TestTimeBuckets : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void minuteBucketsAlignToUtcMinutes()
    {
        const qint64 from = 1'780'000'030LL * kS; // 30 s past a minute
        const qint64 to = from + 3 * kMin;
        const auto b = TimeBuckets::create(from, to, Granularity::Minute, QTimeZone::utc());
        QVERIFY(b);
        QCOMPARE(b->count(), 4);
        QCOMPARE(b->start(0), 1'780'000'020LL * kS); // 1780000020 is a whole minute
        QCOMPARE(b->end(3), 1'780'000'260LL * kS);
        // An instant exactly on an edge belongs to the bucket that starts there.
        QCOMPARE(b->indexOf(b->start(1)), 1);
        QCOMPARE(b->indexOf(b->start(1) - 1), 0);
        QCOMPARE(b->indexOf(b->end(3)), -1);
        QCOMPARE(b->indexOf(b->start(0) - 1), -1);
    }

    void hourBucketsIgnoreTheZone()
    {
        const QTimeZone berlin("Europe/Berlin");
        QVERIFY(berlin.isValid());
        const qint64 from = 1'774'652'400LL * kS; // 2026-03-27T23:00Z
        const auto b = TimeBuckets::create(from + 5 * kMin, from + 3 * kHour, Granularity::Hour, berlin);
        QVERIFY(b);
        QCOMPARE(b->count(), 3);
        QCOMPARE(b->start(0) % kHour, 0);
        for (int i = 0; i < b->count(); ++i)
            QCOMPARE(b->end(i) - b->start(i), kHour);
    }

    void dayBucketsFollowLocalMidnightAcrossSpringForward()
    {
        const QTimeZone berlin("Europe/Berlin");
        // 2026-03-28 12:00 local .. 2026-03-30 12:00 local: three local days, the middle one 23 h.
        const qint64 from = (1'774'652'400LL + 12 * 3600) * kS;
        const qint64 to = (1'774'821'600LL + 12 * 3600) * kS;
        const auto b = TimeBuckets::create(from, to, Granularity::Day, berlin);
        QVERIFY(b);
        QCOMPARE(b->count(), 3);
        QCOMPARE(b->start(0), 1'774'652'400LL * kS); // 2026-03-28 00:00 CET = 03-27T23:00Z
        QCOMPARE(b->start(1), 1'774'738'800LL * kS); // 2026-03-29 00:00 CET = 03-28T23:00Z
        QCOMPARE(b->start(2), 1'774'821'600LL * kS); // 2026-03-30 00:00 CEST = 03-29T22:00Z
        QCOMPARE(b->end(1) - b->start(1), 23 * kHour);
        QCOMPARE(b->end(2) - b->start(2), 24 * kHour);
        // 2026-03-29T22:30Z is already the 30th in Berlin.
        QCOMPARE(b->indexOf(1'774'821'600LL * kS + 30 * kMin), 2);
        QCOMPARE(b->indexOf(1'774'821'600LL * kS - 1), 1);
    }

    void dayBucketsAcrossFallBackLast25Hours()
    {
        const QTimeZone berlin("Europe/Berlin");
        const qint64 day25 = 1'792'879'200LL * kS; // 2026-10-25 00:00 CEST
        const auto b = TimeBuckets::create(day25, day25 + 25 * kHour, Granularity::Day, berlin);
        QVERIFY(b);
        QCOMPARE(b->count(), 1);
        QCOMPARE(b->end(0) - b->start(0), 25 * kHour);
        QCOMPARE(b->end(0), 1'792'969'200LL * kS); // 2026-10-26 00:00 CET
    }

    void dayBucketsInUtcAreWholeDays()
    {
        const qint64 from = 1'780'000'000LL * kS;
        const auto b = TimeBuckets::create(from, from + 3 * kDay, Granularity::Day, QTimeZone::utc());
        QVERIFY(b);
        QCOMPARE(b->count(), 4);
        QCOMPARE(b->start(0) % kDay, 0);
        QCOMPARE(b->start(0), (1'780'000'000LL / 86400) * 86400 * kS);
    }

    void weekBucketsStartOnLocalMonday()
    {
        const QTimeZone berlin("Europe/Berlin");
        const qint64 sunday = (1'774'738'800LL + 10 * 3600) * kS; // 2026-03-29 10:00 local
        const auto b = TimeBuckets::create(sunday, sunday + kHour, Granularity::Week, berlin);
        QVERIFY(b);
        QCOMPARE(b->count(), 1);
        QCOMPARE(b->start(0), 1'774'220'400LL * kS); // Monday 2026-03-23 00:00 CET
        QCOMPARE(b->end(0), 1'774'821'600LL * kS); // Monday 2026-03-30 00:00 CEST
        QCOMPARE(b->end(0) - b->start(0), 7 * kDay - kHour);
    }

    void totalIsOneBucketOverTheRange()
    {
        const auto b = TimeBuckets::create(100, 200, Granularity::Total, QTimeZone::utc());
        QVERIFY(b);
        QCOMPARE(b->count(), 1);
        QCOMPARE(b->start(0), 100);
        QCOMPARE(b->end(0), 200);
        QCOMPARE(b->indexOf(199), 0);
        QCOMPARE(b->indexOf(200), -1);
    }

    void autoPicksTheFinestGranularityThatFits()
    {
        const qint64 t = 1'780'000'000LL * kS;
        QCOMPARE(TimeBuckets::resolveAuto(t, t + kHour), Granularity::Minute);
        QCOMPARE(TimeBuckets::resolveAuto(t, t + 6 * kHour), Granularity::Minute);
        QCOMPARE(TimeBuckets::resolveAuto(t, t + kDay), Granularity::Hour);
        QCOMPARE(TimeBuckets::resolveAuto(t, t + 7 * kDay), Granularity::Hour);
        QCOMPARE(TimeBuckets::resolveAuto(t, t + 30 * kDay), Granularity::Day);
        QCOMPARE(TimeBuckets::resolveAuto(t, t + 400 * kDay), Granularity::Day);
        QCOMPARE(TimeBuckets::resolveAuto(t, t + 401 * kDay), Granularity::Week);
        const auto b = TimeBuckets::create(t, t + 30 * kDay, Granularity::Auto, QTimeZone::utc());
        QVERIFY(b);
        QCOMPARE(b->granularity(), Granularity::Day);
    }

    void badRangesAreErrors()
    {
        QString error;
        QVERIFY(!TimeBuckets::create(100, 100, Granularity::Hour, QTimeZone::utc(), &error));
        QVERIFY(error.contains(QLatin1String("empty")));
        QVERIFY(!TimeBuckets::create(200, 100, Granularity::Day, QTimeZone::utc(), &error));
        error.clear();
        const qint64 t = 1'780'000'000LL * kS;
        QVERIFY(!TimeBuckets::create(t, t + 400 * kDay, Granularity::Minute, QTimeZone::utc(), &error));
        QVERIFY(error.contains(QLatin1String("too many")));
    }

    void unknownZoneFallsBackToUtc()
    {
        QCOMPARE(TimeBuckets::zoneFor("Not/AZone"), QTimeZone::utc());
        QVERIFY(TimeBuckets::zoneFor("Europe/Berlin").isValid());
        QCOMPARE(TimeBuckets::zoneFor({}), QTimeZone::systemTimeZone());
    }

    void preEpochTimesFloorCorrectly()
    {
        const auto b = TimeBuckets::create(-90 * kS, -30 * kS, Granularity::Minute, QTimeZone::utc());
        QVERIFY(b);
        QCOMPARE(b->start(0), -120 * kS);
        QCOMPARE(b->end(b->count() - 1), 0);
    }
};

QTEST_GUILESS_MAIN(TestTimeBuckets)
#include "tst_timebuckets.moc"
