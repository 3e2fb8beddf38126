#include "timeformat.h"

#include <QDateTime>
#include <QTimeZone>

#include <chrono>
#include <limits>

namespace tg {

namespace {

bool readDigits(QStringView text, qsizetype &pos, int count, int &out)
{
    if (pos + count > text.size())
        return false;
    int value = 0;
    for (int i = 0; i < count; ++i) {
        const QChar c = text[pos + i];
        if (!c.isDigit())
            return false;
        value = value * 10 + c.digitValue();
    }
    pos += count;
    out = value;
    return true;
}

} // namespace

std::optional<qint64> parseIsoTimestampNs(QStringView text)
{
    text = text.trimmed();
    qsizetype pos = 0;
    int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
    if (!readDigits(text, pos, 4, year) || pos >= text.size() || text[pos++] != u'-')
        return std::nullopt;
    if (!readDigits(text, pos, 2, month) || pos >= text.size() || text[pos++] != u'-')
        return std::nullopt;
    if (!readDigits(text, pos, 2, day))
        return std::nullopt;
    const QDate date(year, month, day);
    if (!date.isValid())
        return std::nullopt;
    qint64 fractionNs = 0;
    int offsetSeconds = 0;
    if (pos < text.size() && (text[pos] == u'T' || text[pos] == u't' || text[pos] == u' ')) {
        ++pos;
        if (!readDigits(text, pos, 2, hour) || pos >= text.size() || text[pos++] != u':')
            return std::nullopt;
        if (!readDigits(text, pos, 2, minute))
            return std::nullopt;
        if (pos < text.size() && text[pos] == u':') {
            ++pos;
            if (!readDigits(text, pos, 2, second))
                return std::nullopt;
        }
        if (hour > 23 || minute > 59 || second > 60)
            return std::nullopt;
        if (pos < text.size() && (text[pos] == u'.' || text[pos] == u',')) {
            ++pos;
            int digits = 0;
            while (pos < text.size() && text[pos].isDigit()) {
                if (digits < 9) {
                    fractionNs = fractionNs * 10 + text[pos].digitValue();
                    ++digits;
                }
                ++pos;
            }
            if (digits == 0)
                return std::nullopt;
            for (int i = digits; i < 9; ++i)
                fractionNs *= 10;
        }
        if (pos < text.size()) {
            const QChar zone = text[pos];
            if (zone == u'Z' || zone == u'z') {
                ++pos;
            } else if (zone == u'+' || zone == u'-') {
                ++pos;
                int oh = 0, om = 0;
                if (!readDigits(text, pos, 2, oh))
                    return std::nullopt;
                if (pos < text.size() && text[pos] == u':')
                    ++pos;
                if (pos < text.size())
                    readDigits(text, pos, 2, om);
                offsetSeconds = (oh * 3600 + om * 60) * (zone == u'-' ? -1 : 1);
            } else {
                return std::nullopt;
            }
        }
    }
    if (pos != text.size())
        return std::nullopt;
    const qint64 days = QDate(1970, 1, 1).daysTo(date);
    const qint64 seconds = days * 86400 + hour * 3600 + minute * 60 + second - offsetSeconds;
    // Nanoseconds since 1970 fit in qint64 for years 1678-2262 only; a later year overflowed.
    constexpr qint64 kMaxSeconds = std::numeric_limits<qint64>::max() / 1'000'000'000LL - 1;
    if (seconds > kMaxSeconds || seconds < -kMaxSeconds)
        return std::nullopt;
    return seconds * 1'000'000'000LL + fractionNs;
}

QString formatIsoTimestamp(qint64 ns)
{
    const QDateTime dt = QDateTime::fromMSecsSinceEpoch(ns / 1'000'000, QTimeZone::utc());
    return dt.toString(Qt::ISODateWithMs);
}

QString formatIsoTimestampMicros(qint64 ns)
{
    const qint64 secs = ns >= 0 ? ns / 1'000'000'000 : (ns - 999'999'999) / 1'000'000'000;
    const qint64 micros = (ns - secs * 1'000'000'000) / 1000;
    const QDateTime dt = QDateTime::fromSecsSinceEpoch(secs, QTimeZone::utc());
    return dt.toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss")) + u'.'
        + QString::number(micros).rightJustified(6, u'0') + u'Z';
}

QString formatDuration(qint64 ns)
{
    if (ns < 0)
        return QString();
    if (ns < 1'000'000)
        return QString::number(ns / 1000) + QStringLiteral(" µs");
    if (ns < 1'000'000'000) {
        const double ms = static_cast<double>(ns) / 1e6;
        return QString::number(ms, 'f', ms < 10 ? 2 : (ms < 100 ? 1 : 0)) + QStringLiteral(" ms");
    }
    const double s = static_cast<double>(ns) / 1e9;
    if (s < 60)
        return QString::number(s, 'f', s < 10 ? 2 : 1) + QStringLiteral(" s");
    const qint64 totalSeconds = ns / 1'000'000'000;
    if (totalSeconds < 3600)
        return QStringLiteral("%1m %2s").arg(totalSeconds / 60).arg(totalSeconds % 60, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1h %2m").arg(totalSeconds / 3600).arg((totalSeconds % 3600) / 60, 2, 10, QLatin1Char('0'));
}

qint64 nowNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

} // namespace tg
