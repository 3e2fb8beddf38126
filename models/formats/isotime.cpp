#include "isotime.h"

namespace tg {

namespace {

// Howard Hinnant's days-to-civil conversion (proleptic Gregorian).
void civilFromDays(qint64 z, qint64 &year, unsigned &month, unsigned &day)
{
    z += 719468;
    const qint64 era = (z >= 0 ? z : z - 146096) / 146097;
    const auto doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    year = static_cast<qint64>(yoe) + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    day = doy - (153 * mp + 2) / 5 + 1;
    month = mp < 10 ? mp + 3 : mp - 9;
    if (month <= 2)
        ++year;
}

char *digits(char *p, quint64 value, int count)
{
    for (int i = count - 1; i >= 0; --i) {
        p[i] = char('0' + value % 10);
        value /= 10;
    }
    return p + count;
}

} // namespace

void appendIsoTimestamp(QByteArray &out, qint64 ns)
{
    constexpr qint64 kNsPerDay = 86'400'000'000'000;
    qint64 days = ns / kNsPerDay;
    qint64 rest = ns % kNsPerDay;
    if (rest < 0) {
        rest += kNsPerDay;
        --days;
    }
    qint64 year = 0;
    unsigned month = 0, day = 0;
    civilFromDays(days, year, month, day);
    const qint64 seconds = rest / 1'000'000'000;
    const qint64 fraction = rest % 1'000'000'000;
    char buffer[40];
    char *p = buffer;
    if (year < 0 || year > 9999) {
        out.append(QByteArray::number(year));
        p = buffer;
    } else {
        p = digits(p, quint64(year), 4);
    }
    *p++ = '-';
    p = digits(p, month, 2);
    *p++ = '-';
    p = digits(p, day, 2);
    *p++ = 'T';
    p = digits(p, quint64(seconds / 3600), 2);
    *p++ = ':';
    p = digits(p, quint64(seconds / 60 % 60), 2);
    *p++ = ':';
    p = digits(p, quint64(seconds % 60), 2);
    *p++ = '.';
    if (fraction % 1'000'000 == 0)
        p = digits(p, quint64(fraction / 1'000'000), 3);
    else
        p = digits(p, quint64(fraction), 9);
    *p++ = 'Z';
    out.append(buffer, p - buffer);
}

QByteArray isoTimestamp(qint64 ns)
{
    QByteArray out;
    appendIsoTimestamp(out, ns);
    return out;
}

} // namespace tg
