#include "apppaths.h"

#include <QStandardPaths>

namespace tg {

QString defaultStorePath()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)
        + QStringLiteral("/traceglass.db");
}

} // namespace tg
