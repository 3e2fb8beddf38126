#pragma once

#include "domain/observationtype.h"

#include <QColor>
#include <QIcon>

class QPalette;

namespace tg::icons {

/// A palette-aware icon from resources/icons/<name>.svg. Monochrome icons are drawn in the
/// application palette's text colour at paint time (so they follow light and dark palettes), or
/// in `color` when it is valid, and rendered at the device pixel ratio (sharp on high-DPI screens).
QIcon icon(const QString &name, const QColor &color = {});
/// The icon of an observation type, in that type's colour.
QIcon typeIcon(ObservationType type);
/// Resource name of a type's icon ("type-generation").
QString typeIconName(ObservationType type);

/// The SVG source of an icon with currentColor replaced (for custom painting).
QByteArray svgData(const QString &name, const QColor &color);
/// Renders an icon into a pixmap of `size` logical pixels at `devicePixelRatio`.
QPixmap pixmap(const QString &name, int size, qreal devicePixelRatio, const QColor &color);

} // namespace tg::icons
