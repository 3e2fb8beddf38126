#pragma once

#include <QByteArray>

namespace tg {

/// Appends an ISO-8601 UTC timestamp ("2026-08-22T10:00:00.123Z"): milliseconds, or all nine
/// fraction digits when the time has sub-millisecond precision, so it reads back exactly.
/// Allocation-free apart from `out` growing; used where exports write millions of timestamps.
void appendIsoTimestamp(QByteArray &out, qint64 ns);
QByteArray isoTimestamp(qint64 ns);

} // namespace tg
