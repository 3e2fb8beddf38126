#pragma once

#include <QString>
#include <QStringView>

#include <optional>

namespace tg {

/// Parses ISO-8601 / RFC 3339 ("2026-08-22T10:00:00.123456Z", offsets allowed, fraction up to
/// nanoseconds) into nanoseconds since the epoch, UTC.
std::optional<qint64> parseIsoTimestampNs(QStringView text);
/// Formats as ISO-8601 UTC with millisecond precision ("2026-08-22T10:00:00.123Z").
QString formatIsoTimestamp(qint64 ns);
/// Formats as ISO-8601 UTC with microsecond precision, trimming no digits.
QString formatIsoTimestampMicros(qint64 ns);
/// Human duration: "850 µs", "12.3 ms", "1.24 s", "3m 05s", "2h 14m".
QString formatDuration(qint64 ns);
/// Current time in nanoseconds since the epoch.
qint64 nowNs();

} // namespace tg
