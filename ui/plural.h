#pragma once

#include <QLocale>
#include <QString>

namespace tg {

/// "1 trace" / "1,204 traces": `many` holds %1 for the count. (No English .qm ships, so "%n"
/// plurals would read "trace(s)".)
inline QString plural(qint64 count, const QString &one, const QString &many)
{
    return count == 1 ? one : many.arg(QLocale().toString(count));
}

} // namespace tg
