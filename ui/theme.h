#pragma once

#include "domain/observationtype.h"

#include <QColor>
#include <QPalette>

namespace tg::theme {

/// The colour scheme: follow the system palette, or force light or dark (Fusion palettes).
enum class Scheme { System, Light, Dark };

/// Applies a scheme to the application and remembers it in the settings.
void apply(Scheme scheme);
/// The scheme saved in the settings (System when none).
Scheme saved();
/// Remembers the palette the platform gave us, so System can return to it. Call once at start.
void captureSystemPalette();

bool isDark(const QPalette &palette);
/// a*(1-t) + b*t per channel.
QColor mix(const QColor &a, const QColor &b, qreal t);

/// Distinct, palette-adjusted colours: one per observation type, and the level colours.
QColor typeColor(ObservationType type, const QPalette &palette);
QColor errorColor(const QPalette &palette);
QColor warningColor(const QPalette &palette);
QColor levelColor(Level level, const QPalette &palette);
/// A soft background tint for search matches (derived from the highlight colour).
QColor matchBackground(const QPalette &palette);
/// Secondary text (labels, units): text mixed towards the base colour.
QColor mutedText(const QPalette &palette);

} // namespace tg::theme
