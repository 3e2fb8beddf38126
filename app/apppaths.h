#pragma once

#include <QString>

namespace tg {

/// The store in the user's data directory (~/.local/share/Traceglass/traceglass.db on Linux).
QString defaultStorePath();

} // namespace tg
