#include "theme.h"

#include <QApplication>
#include <QSettings>
#include <QStyle>
#include <QStyleFactory>

#include <memory>

namespace tg::theme {

namespace {

QPalette &systemPalette()
{
    static QPalette palette;
    return palette;
}

bool &captured()
{
    static bool value = false;
    return value;
}

QPalette darkPalette()
{
    QPalette p;
    const QColor window(0x2b, 0x2d, 0x31);
    const QColor base(0x1e, 0x1f, 0x22);
    const QColor text(0xe6, 0xe6, 0xe6);
    const QColor highlight(0x3d, 0x7a, 0xd6);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, QColor(0x26, 0x27, 0x2b));
    p.setColor(QPalette::ToolTipBase, window);
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, QColor(0x8a, 0x8d, 0x93));
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, window);
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, Qt::white);
    p.setColor(QPalette::Highlight, highlight);
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Link, QColor(0x6c, 0xa8, 0xff));
    p.setColor(QPalette::LinkVisited, QColor(0xb0, 0x8c, 0xff));
    p.setColor(QPalette::Light, QColor(0x3a, 0x3c, 0x41));
    p.setColor(QPalette::Midlight, QColor(0x33, 0x35, 0x39));
    p.setColor(QPalette::Mid, QColor(0x45, 0x47, 0x4c));
    p.setColor(QPalette::Dark, QColor(0x18, 0x19, 0x1b));
    p.setColor(QPalette::Shadow, Qt::black);
    const QColor disabled(0x7a, 0x7c, 0x80);
    p.setColor(QPalette::Disabled, QPalette::WindowText, disabled);
    p.setColor(QPalette::Disabled, QPalette::Text, disabled);
    p.setColor(QPalette::Disabled, QPalette::ButtonText, disabled);
    return p;
}

} // namespace

void captureSystemPalette()
{
    if (captured())
        return;
    systemPalette() = QApplication::palette();
    captured() = true;
}

void apply(Scheme scheme)
{
    captureSystemPalette();
    QSettings().setValue(QStringLiteral("appearance/scheme"), static_cast<int>(scheme));
    switch (scheme) {
    case Scheme::System:
        // An empty palette resolves against the platform theme, so later system changes follow.
        QApplication::setPalette(QPalette());
        break;
    case Scheme::Light: {
        // Fusion's palette is light whatever the desktop's is.
        const std::unique_ptr<QStyle> fusion(QStyleFactory::create(QStringLiteral("Fusion")));
        QApplication::setPalette(fusion ? fusion->standardPalette() : systemPalette());
        break;
    }
    case Scheme::Dark:
        QApplication::setPalette(darkPalette());
        break;
    }
}

Scheme saved()
{
    const int value = QSettings().value(QStringLiteral("appearance/scheme"), 0).toInt();
    return value == 1 ? Scheme::Light : value == 2 ? Scheme::Dark : Scheme::System;
}

bool isDark(const QPalette &palette)
{
    return palette.color(QPalette::Window).lightnessF() < 0.5;
}

QColor mix(const QColor &a, const QColor &b, qreal t)
{
    const qreal s = 1.0 - t;
    return QColor::fromRgbF(static_cast<float>(a.redF() * s + b.redF() * t),
        static_cast<float>(a.greenF() * s + b.greenF() * t),
        static_cast<float>(a.blueF() * s + b.blueF() * t),
        static_cast<float>(a.alphaF() * s + b.alphaF() * t));
}

QColor typeColor(ObservationType type, const QPalette &palette)
{
    static const QRgb colors[kObservationTypeCount] = {
        0x5b8def, // span
        0x9b5de5, // generation
        0x8d99ae, // event
        0x0fa3b1, // agent
        0xd98a12, // tool
        0x5c6bc0, // chain
        0x2a9d8f, // retriever
        0xd6589f, // evaluator
        0x0096c7, // embedding
        0xe76f51, // guardrail
    };
    const QColor c(colors[static_cast<int>(type) % kObservationTypeCount]);
    return isDark(palette) ? c.lighter(125) : c;
}

QColor errorColor(const QPalette &palette)
{
    return isDark(palette) ? QColor(0xff, 0x6b, 0x6b) : QColor(0xc9, 0x2a, 0x2a);
}

QColor warningColor(const QPalette &palette)
{
    return isDark(palette) ? QColor(0xf0, 0xb4, 0x29) : QColor(0xb0, 0x6a, 0x00);
}

QColor levelColor(Level level, const QPalette &palette)
{
    switch (level) {
    case Level::Error:
        return errorColor(palette);
    case Level::Warning:
        return warningColor(palette);
    case Level::Debug:
        return mutedText(palette);
    case Level::Default:
        break;
    }
    return palette.color(QPalette::Text);
}

QColor matchBackground(const QPalette &palette)
{
    const QColor yellow = isDark(palette) ? QColor(0x8a, 0x6d, 0x00) : QColor(0xff, 0xe0, 0x66);
    return mix(palette.color(QPalette::Base), yellow, isDark(palette) ? 0.55 : 0.6);
}

QColor mutedText(const QPalette &palette)
{
    return mix(palette.color(QPalette::Text), palette.color(QPalette::Base), 0.42);
}

} // namespace tg::theme
