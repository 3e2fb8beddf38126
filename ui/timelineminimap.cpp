#include "timelineminimap.h"

#include "itemmodels/spantreemodel.h"
#include "theme.h"
#include "timelineview.h"

#include <QMouseEvent>
#include <QPainter>

#include <array>
#include <cmath>

namespace tg {

TimelineMinimap::TimelineMinimap(SpanTreeModel *model, TimelineView *timeline, QWidget *parent)
    : QWidget(parent)
    , m_model(model)
    , m_timeline(timeline)
{
    setObjectName(QStringLiteral("timelineMinimap"));
    setAttribute(Qt::WA_OpaquePaintEvent);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    setToolTip(tr("The whole trace. Drag the window to pan, drag elsewhere to zoom to a range, "
                  "wheel to zoom."));
    const auto dirty = [this] { invalidate(); };
    connect(model, &QAbstractItemModel::modelReset, this, dirty);
    connect(model, &QAbstractItemModel::rowsInserted, this, dirty);
    connect(model, &QAbstractItemModel::rowsMoved, this, dirty);
    connect(model, &QAbstractItemModel::dataChanged, this, dirty);
    connect(model, &SpanTreeModel::traceRangeChanged, this, dirty);
    connect(timeline, &TimelineView::windowChanged, this, qOverload<>(&QWidget::update));
}

QSize TimelineMinimap::sizeHint() const
{
    return { 400, 34 };
}

void TimelineMinimap::invalidate()
{
    m_dirty = true;
    update();
}

void TimelineMinimap::resizeEvent(QResizeEvent *)
{
    m_dirty = true;
}

void TimelineMinimap::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::PaletteChange)
        m_dirty = true;
    QWidget::changeEvent(event);
}

double TimelineMinimap::timeForX(double x) const
{
    return x / std::max(1, width()) * static_cast<double>(m_timeline->traceDuration());
}

double TimelineMinimap::xForTime(double ns) const
{
    const double total = std::max<double>(1.0, static_cast<double>(m_timeline->traceDuration()));
    return ns / total * width();
}

void TimelineMinimap::rebuild()
{
    m_dirty = false;
    const qreal dpr = devicePixelRatioF();
    const int w = std::max(1, qRound(width() * dpr));
    const int h = std::max(1, qRound((height() - 2) * dpr));
    m_image = QImage(w, h, QImage::Format_ARGB32_Premultiplied);
    m_image.fill(Qt::transparent);
    m_image.setDevicePixelRatio(dpr);
    const SpanTree &tree = m_model->tree();
    const int n = tree.size();
    const qint64 start = tree.traceStartNs();
    const double total = static_cast<double>(std::max<qint64>(1, tree.traceDurationNs()));
    if (n == 0 || start < 0)
        return;
    const QPalette &pal = palette();
    const auto xOf = [&](qint64 t) {
        return std::clamp(static_cast<int>(static_cast<double>(t - start) / total * (w - 1)), 0, w - 1);
    };

    if (n * 2 <= h) {
        // Few rows: one band per observation, in its type's colour.
        QPainter painter(&m_image);
        painter.scale(1.0 / dpr, 1.0 / dpr);
        const int band = std::min(h / n, qRound(6 * dpr));
        int order = 0;
        for (int node = tree.next(-1); node >= 0; node = tree.next(node), ++order) {
            const SpanTree::Node &nd = tree.node(node);
            if (nd.startNs < 0)
                continue;
            const int x0 = xOf(nd.startNs);
            const int x1 = std::max(x0 + 2, xOf(nd.endNs >= nd.startNs ? nd.endNs : nd.startNs));
            const QColor color
                = nd.level == Level::Error ? theme::errorColor(pal) : theme::typeColor(nd.type, pal);
            painter.fillRect(
                QRect(x0, order * h / n + (h / n - band) / 2, x1 - x0, std::max(1, band - 1)), color);
        }
        return;
    }
    // Coverage per pixel row as difference arrays: O(nodes + pixels) whatever the tree's size.
    std::vector<int> diff(static_cast<size_t>(h) * static_cast<size_t>(w + 1), 0);
    std::vector<std::array<int, 3>> errors;
    int order = 0;
    for (int node = tree.next(-1); node >= 0; node = tree.next(node), ++order) {
        const SpanTree::Node &nd = tree.node(node);
        if (nd.startNs < 0)
            continue;
        const int x0 = xOf(nd.startNs);
        const int x1 = std::max(x0, xOf(nd.endNs >= nd.startNs ? nd.endNs : nd.startNs));
        const int y0 = static_cast<int>(static_cast<qint64>(order) * h / n);
        const int y1 = std::min(
            h, std::max(y0 + 1, std::min(y0 + 4, static_cast<int>(static_cast<qint64>(order + 1) * h / n))));
        for (int y = y0; y < y1; ++y) {
            diff[static_cast<size_t>(y) * static_cast<size_t>(w + 1) + static_cast<size_t>(x0)] += 1;
            diff[static_cast<size_t>(y) * static_cast<size_t>(w + 1) + static_cast<size_t>(x1) + 1] -= 1;
        }
        if (nd.level == Level::Error)
            errors.push_back({ y0, x0, x1 });
    }
    const double perRow = std::max(1.0, static_cast<double>(n) / h);
    const QColor accent = theme::typeColor(ObservationType::Span, pal);
    for (int y = 0; y < h; ++y) {
        auto *line = reinterpret_cast<QRgb *>(m_image.scanLine(y));
        int coverage = 0;
        for (int x = 0; x < w; ++x) {
            coverage += diff[static_cast<size_t>(y) * static_cast<size_t>(w + 1) + static_cast<size_t>(x)];
            if (coverage <= 0)
                continue;
            const double alpha = std::min(1.0, 0.35 + 0.65 * coverage / perRow);
            line[x] = qPremultiply(
                qRgba(accent.red(), accent.green(), accent.blue(), static_cast<int>(alpha * 255)));
        }
    }
    const QRgb red = theme::errorColor(pal).rgb();
    for (const auto &e : errors) {
        auto *line = reinterpret_cast<QRgb *>(m_image.scanLine(e[0]));
        for (int x = e[1]; x <= std::min(w - 1, std::max(e[2], e[1] + 1)); ++x)
            line[x] = red;
    }
}

void TimelineMinimap::paintEvent(QPaintEvent *)
{
    if (m_dirty)
        rebuild();
    QPainter p(this);
    const QPalette &pal = palette();
    p.fillRect(rect(), pal.color(QPalette::Base));
    p.drawImage(QPoint(0, 1), m_image);
    p.setPen(theme::mix(pal.color(QPalette::Base), pal.color(QPalette::Text), 0.2));
    p.drawLine(0, height() - 1, width(), height() - 1);
    if (m_timeline->traceDuration() <= 0)
        return;
    const double x0 = xForTime(m_timeline->windowStart());
    const double x1 = std::max(x0 + 3, xForTime(m_timeline->windowEnd()));
    QColor shade = pal.color(QPalette::Window);
    shade.setAlphaF(0.6f);
    if (!m_timeline->isFitted()) {
        p.fillRect(QRectF(0, 0, x0, height()), shade);
        p.fillRect(QRectF(x1, 0, width() - x1, height()), shade);
    }
    p.setRenderHint(QPainter::Antialiasing);
    if (!m_timeline->isFitted()) {
        p.setPen(QPen(pal.color(QPalette::Highlight), 1.5));
        p.setBrush(Qt::NoBrush);
        p.drawRoundedRect(QRectF(x0 + 0.75, 0.75, x1 - x0 - 1.5, height() - 1.5), 2, 2);
    }
    if (m_drag == Drag::Select) {
        QColor fill = pal.color(QPalette::Highlight);
        fill.setAlphaF(0.25f);
        const double a = xForTime(std::min(m_selectFrom, m_selectTo));
        const double b = xForTime(std::max(m_selectFrom, m_selectTo));
        p.fillRect(QRectF(a, 0, b - a, height()), fill);
    }
}

void TimelineMinimap::mousePressEvent(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton)
        return;
    const double t = timeForX(event->position().x());
    if (!m_timeline->isFitted() && t >= m_timeline->windowStart() && t <= m_timeline->windowEnd()) {
        m_drag = Drag::Move;
        m_pressTime = t;
        m_pressStart = m_timeline->windowStart();
        setCursor(Qt::ClosedHandCursor);
    } else {
        m_drag = Drag::Select;
        m_selectFrom = m_selectTo = t;
    }
}

void TimelineMinimap::mouseMoveEvent(QMouseEvent *event)
{
    const double t = timeForX(event->position().x());
    if (m_drag == Drag::Move) {
        const double span = m_timeline->windowEnd() - m_timeline->windowStart();
        const double start = m_pressStart + (t - m_pressTime);
        m_timeline->setWindow(start, start + span);
    } else if (m_drag == Drag::Select) {
        m_selectTo = t;
        update();
    }
}

void TimelineMinimap::mouseReleaseEvent(QMouseEvent *)
{
    if (m_drag == Drag::Select) {
        const double a = std::min(m_selectFrom, m_selectTo);
        const double b = std::max(m_selectFrom, m_selectTo);
        if (xForTime(b) - xForTime(a) < 3) {
            // A click: centre the window there.
            const double span = m_timeline->windowEnd() - m_timeline->windowStart();
            m_timeline->setWindow(a - span / 2, a + span / 2);
        } else {
            m_timeline->setWindow(a, b);
        }
    }
    m_drag = Drag::None;
    unsetCursor();
    update();
}

void TimelineMinimap::wheelEvent(QWheelEvent *event)
{
    const double t = timeForX(event->position().x());
    const double span = m_timeline->windowEnd() - m_timeline->windowStart();
    const double anchor = span > 0 ? (t - m_timeline->windowStart()) / span : 0.5;
    m_timeline->zoomBy(std::pow(1.0015, -event->angleDelta().y()), std::clamp(anchor, 0.0, 1.0));
    event->accept();
}

} // namespace tg
