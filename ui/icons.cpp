#include "icons.h"

#include "theme.h"

#include <QFile>
#include <QGuiApplication>
#include <QHash>
#include <QIconEngine>
#include <QPainter>
#include <QPalette>
#include <QPixmapCache>
#include <QSvgRenderer>

namespace tg::icons {

namespace {

const QByteArray &source(const QString &name)
{
    static QHash<QString, QByteArray> cache;
    auto it = cache.find(name);
    if (it == cache.end()) {
        QFile file(QStringLiteral(":/icons/") + name + QStringLiteral(".svg"));
        QByteArray data;
        if (file.open(QIODevice::ReadOnly))
            data = file.readAll();
        else
            qWarning("traceglass: missing icon %s", qPrintable(name));
        it = cache.insert(name, data);
    }
    return *it;
}

/// Draws a named SVG in the colour the mode asks for; nothing is rasterised until a size is known.
class PaletteIconEngine : public QIconEngine
{
public:
    PaletteIconEngine(const QString &name, const QColor &color)
        : m_name(name)
        , m_color(color)
    {
    }

    QColor colorFor(QIcon::Mode mode) const
    {
        const QPalette palette = QGuiApplication::palette();
        if (mode == QIcon::Disabled) {
            QColor c = m_color.isValid() ? m_color : palette.color(QPalette::Disabled, QPalette::WindowText);
            c.setAlphaF(m_color.isValid() ? 0.45f : c.alphaF());
            return c;
        }
        if (mode == QIcon::Selected)
            return palette.color(QPalette::HighlightedText);
        return m_color.isValid() ? m_color : palette.color(QPalette::WindowText);
    }

    void paint(QPainter *painter, const QRect &rect, QIcon::Mode mode, QIcon::State) override
    {
        const QColor color = colorFor(mode);
        QSvgRenderer renderer(svgData(m_name, color));
        painter->save();
        painter->setOpacity(painter->opacity() * color.alphaF());
        renderer.render(painter, QRectF(rect));
        painter->restore();
    }

    QPixmap pixmap(const QSize &size, QIcon::Mode mode, QIcon::State state) override
    {
        return scaledPixmap(size, mode, state, 1.0);
    }

    QPixmap scaledPixmap(const QSize &size, QIcon::Mode mode, QIcon::State, qreal scale) override
    {
        return icons::pixmap(m_name, std::min(size.width(), size.height()), scale, colorFor(mode));
    }

    QSize actualSize(const QSize &size, QIcon::Mode, QIcon::State) override
    {
        const int side = std::min(size.width(), size.height());
        return { side, side };
    }

    QIconEngine *clone() const override { return new PaletteIconEngine(m_name, m_color); }
    QString key() const override { return QStringLiteral("tg-palette"); }
    QString iconName() override { return m_name; }

private:
    QString m_name;
    QColor m_color;
};

} // namespace

QByteArray svgData(const QString &name, const QColor &color)
{
    QByteArray data = source(name);
    return data.replace("currentColor", color.name(QColor::HexRgb).toLatin1());
}

QPixmap pixmap(const QString &name, int size, qreal devicePixelRatio, const QColor &color)
{
    const QString key = QStringLiteral("tgicon:%1:%2:%3:%4")
                            .arg(name)
                            .arg(size)
                            .arg(devicePixelRatio)
                            .arg(color.name(QColor::HexArgb));
    QPixmap pm;
    if (QPixmapCache::find(key, &pm))
        return pm;
    const int device = qRound(size * devicePixelRatio);
    QImage image(device, device, QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::transparent);
    {
        QPainter painter(&image);
        painter.setRenderHint(QPainter::Antialiasing);
        painter.setOpacity(color.alphaF());
        QSvgRenderer renderer(svgData(name, color));
        renderer.render(&painter, QRectF(0, 0, device, device));
    }
    pm = QPixmap::fromImage(std::move(image));
    pm.setDevicePixelRatio(devicePixelRatio);
    QPixmapCache::insert(key, pm);
    return pm;
}

QIcon icon(const QString &name, const QColor &color)
{
    return QIcon(new PaletteIconEngine(name, color));
}

QString typeIconName(ObservationType type)
{
    return QStringLiteral("type-") + observationTypeName(type).toLower();
}

QIcon typeIcon(ObservationType type)
{
    return icon(typeIconName(type), theme::typeColor(type, QGuiApplication::palette()));
}

} // namespace tg::icons
