#include "timebuckets.h"

#include <QDateTime>

#include <algorithm>

namespace tg {

namespace {

constexpr qint64 kNsPerMs = 1'000'000;
constexpr qint64 kMinuteNs = 60'000'000'000LL;
constexpr qint64 kHourNs = 60 * kMinuteNs;
constexpr qint64 kDayNs = 24 * kHourNs;
constexpr qint64 kWeekNs = 7 * kDayNs;

qint64 floorDiv(qint64 a, qint64 b)
{
    const qint64 q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

// Local midnight of `date`; where midnight falls into a DST gap, the first valid time after it.
qint64 localMidnightNs(const QDate &date, const QTimeZone &zone)
{
    for (int minutes = 0; minutes <= 180; minutes += 30) {
        const QDateTime dt(date, QTime(0, 0).addSecs(minutes * 60), zone);
        if (dt.isValid())
            return dt.toMSecsSinceEpoch() * kNsPerMs;
    }
    return QDateTime(date, QTime(0, 0), QTimeZone::utc()).toMSecsSinceEpoch() * kNsPerMs;
}

QDate localDate(qint64 ns, const QTimeZone &zone)
{
    return QDateTime::fromMSecsSinceEpoch(floorDiv(ns, kNsPerMs), zone).date();
}

} // namespace

Granularity TimeBuckets::resolveAuto(qint64 fromNs, qint64 toNs)
{
    const qint64 span = std::max<qint64>(toNs - fromNs, 1);
    if (span / kMinuteNs <= kAutoMaxBuckets)
        return Granularity::Minute;
    if (span / kHourNs <= kAutoMaxBuckets)
        return Granularity::Hour;
    if (span / kDayNs <= kAutoMaxBuckets)
        return Granularity::Day;
    return Granularity::Week;
}

QTimeZone TimeBuckets::zoneFor(const QByteArray &ianaId)
{
    if (ianaId.isEmpty())
        return QTimeZone::systemTimeZone();
    QTimeZone zone(ianaId);
    return zone.isValid() ? zone : QTimeZone::utc();
}

std::optional<TimeBuckets> TimeBuckets::forQuery(const MetricsQuery &query, QString *error)
{
    return create(query.fromNs, query.toNs, query.granularity, zoneFor(query.timeZone), error);
}

std::optional<TimeBuckets> TimeBuckets::create(
    qint64 fromNs, qint64 toNs, Granularity granularity, const QTimeZone &zone, QString *error)
{
    if (toNs <= fromNs) {
        if (error)
            *error = QStringLiteral("the time range is empty");
        return std::nullopt;
    }
    if (granularity == Granularity::Auto)
        granularity = resolveAuto(fromNs, toNs);
    TimeBuckets b;
    b.m_granularity = granularity;
    auto tooMany = [error](qint64 count) {
        if (error)
            *error = QStringLiteral("%1 buckets are too many (at most %2): choose a coarser granularity")
                         .arg(count)
                         .arg(kMaxBuckets);
    };
    switch (granularity) {
    case Granularity::Total:
        b.m_edges = { fromNs, toNs };
        return b;
    case Granularity::Minute:
    case Granularity::Hour: {
        const qint64 width = granularity == Granularity::Minute ? kMinuteNs : kHourNs;
        const qint64 first = floorDiv(fromNs, width) * width;
        const qint64 last = (floorDiv(toNs - 1, width) + 1) * width;
        const qint64 count = (last - first) / width;
        if (count > kMaxBuckets) {
            tooMany(count);
            return std::nullopt;
        }
        b.m_edges.reserve(static_cast<size_t>(count) + 1);
        for (qint64 e = first; e <= last; e += width)
            b.m_edges.push_back(e);
        b.m_width = width;
        b.m_uniform = true;
        return b;
    }
    case Granularity::Day:
    case Granularity::Week: {
        const int step = granularity == Granularity::Day ? 1 : 7;
        const qint64 nominal = granularity == Granularity::Day ? kDayNs : kWeekNs;
        if ((toNs - fromNs) / nominal > kMaxBuckets) {
            tooMany((toNs - fromNs) / nominal);
            return std::nullopt;
        }
        QDate date = localDate(fromNs, zone);
        if (granularity == Granularity::Week)
            date = date.addDays(1 - date.dayOfWeek());
        qint64 edge = localMidnightNs(date, zone);
        if (edge > fromNs) { // only possible around odd zone transitions
            date = date.addDays(-step);
            edge = localMidnightNs(date, zone);
        }
        b.m_edges.push_back(edge);
        while (edge < toNs) {
            date = date.addDays(step);
            const qint64 next = localMidnightNs(date, zone);
            edge = next > edge ? next : edge + nominal;
            b.m_edges.push_back(edge);
        }
        b.m_width = nominal;
        b.m_uniform = false;
        return b;
    }
    case Granularity::Auto:
        break;
    }
    if (error)
        *error = QStringLiteral("unknown granularity");
    return std::nullopt;
}

int TimeBuckets::indexOfSlow(qint64 ns) const
{
    if (m_width > 0) {
        // Calendar buckets differ from their nominal width by at most a DST hour, so the guess is
        // off by at most one either way.
        auto i = static_cast<size_t>(
            std::min<qint64>((ns - m_edges.front()) / m_width, static_cast<qint64>(m_edges.size()) - 2));
        while (i > 0 && m_edges[i] > ns)
            --i;
        while (i + 2 < m_edges.size() && m_edges[i + 1] <= ns)
            ++i;
        return static_cast<int>(i);
    }
    const auto it = std::upper_bound(m_edges.begin(), m_edges.end(), ns);
    return static_cast<int>(it - m_edges.begin()) - 1;
}

} // namespace tg
