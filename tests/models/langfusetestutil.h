#pragma once
// Shared by the Langfuse mapping tests: the recorded payloads in tests/data/langfuse and times.

#include "domain/timeformat.h"

#include <QByteArray>
#include <QFile>
#include <QString>

namespace tg::test {

/// A file of tests/data/langfuse; a missing one ends the test run.
inline QByteArray readLangfuseData(const char *name)
{
    QFile file(QStringLiteral(TRACEGLASS_TEST_DATA_DIR "/langfuse/") + QLatin1String(name));
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot open %s", name);
    return file.readAll();
}

/// Nanoseconds of an ISO 8601 time written in a test (which must be valid).
inline qint64 ns(const char *iso)
{
    return parseIsoTimestampNs(QString::fromLatin1(iso)).value();
}

} // namespace tg::test
