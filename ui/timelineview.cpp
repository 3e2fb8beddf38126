#include "timelineview.h"

#include "domain/timeformat.h"
#include "itemmodels/modelroles.h"
#include "itemmodels/spantreemodel.h"
#include "spantreeview.h"
#include "theme.h"

#include <QApplication>
#include <QHeaderView>
#include <QHelpEvent>
#include <QLocale>
#include <QMouseEvent>
#include <QPainter>
#include <QScrollBar>
#include <QToolTip>

#include <array>
#include <cmath>

namespace tg {

namespace {

constexpr double kMinWindowNs = 1000.0; // 1 µs

/// A 1-2-5 step of at least `raw` nanoseconds.
double niceStep(double raw)
{
    if (raw <= 0)
        return 1;
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    for (const double m : { 1.0, 2.0, 5.0, 10.0 }) {
        if (m * magnitude >= raw)
            return m * magnitude;
    }
    return 10 * magnitude;
}

/// Calls f(index, rowRect, visualRow) for every row of the tree on screen, top to bottom.
template<typename F> void forEachVisibleRow(const SpanTreeView *tree, int top, int width, F &&f)
{
    const QWidget *viewport = tree->viewport();
    QModelIndex index = tree->indexAt(QPoint(0, 0)).siblingAtColumn(0);
    const int scroll = tree->verticalScrollBar()->value();
    while (index.isValid()) {
        const QRect r = tree->visualRect(index);
        if (r.top() >= viewport->height() || r.height() <= 0)
            break;
        const int visualRow = (r.top() + scroll) / r.height();
        f(index, QRect(0, r.top() + top, width, r.height()), visualRow);
        index = tree->indexBelow(index);
    }
}

} // namespace

TimelineView::TimelineView(SpanTreeView *tree, QWidget *parent)
    : QWidget(parent)
    , m_tree(tree)
{
    setObjectName(QStringLiteral("timeline"));
    setFocusPolicy(Qt::StrongFocus);
    setMouseTracking(false);
    setMinimumWidth(120);
    setAttribute(Qt::WA_OpaquePaintEvent);
    auto *model = tree->spanModel();
    Q_ASSERT(model);
    const auto repaint = [this] { update(); };
    connect(tree, &SpanTreeView::rowsRelaidOut, this, repaint);
    connect(tree->header(), &QHeaderView::geometriesChanged, this, repaint);
    connect(model, &QAbstractItemModel::dataChanged, this, repaint);
    connect(model, &QAbstractItemModel::rowsInserted, this, repaint);
    connect(model, &QAbstractItemModel::rowsMoved, this, repaint);
    connect(model, &QAbstractItemModel::modelReset, this, [this] {
        m_fitted = true;
        onTraceRangeChanged();
    });
    connect(model, &SpanTreeModel::traceRangeChanged, this, &TimelineView::onTraceRangeChanged);
    connect(tree->selectionModel(), &QItemSelectionModel::currentChanged, this, [this] {
        ensureCurrentVisible();
        update();
    });
}

qint64 TimelineView::traceDuration() const
{
    const qint64 duration = m_tree->spanModel()->tree().traceDurationNs();
    if (duration > 0)
        return duration;
    return m_tree->spanModel()->tree().isEmpty() ? 0 : 1;
}

void TimelineView::onTraceRangeChanged()
{
    if (m_fitted)
        zoomToFit();
    else
        setWindow(m_start, m_end);
}

int TimelineView::rulerHeight() const
{
    return m_tree->viewport()->mapTo(m_tree, QPoint(0, 0)).y();
}

QRectF TimelineView::plotRect() const
{
    const int top = rulerHeight();
    return QRectF(8, top, std::max(1, width() - 16), std::max(0, height() - top));
}

double TimelineView::xForTime(double ns) const
{
    const QRectF plot = plotRect();
    return plot.left() + (ns - m_start) / std::max(1.0, m_end - m_start) * plot.width();
}

double TimelineView::timeForX(double x) const
{
    const QRectF plot = plotRect();
    return m_start + (x - plot.left()) / plot.width() * (m_end - m_start);
}

void TimelineView::setWindow(double start, double end)
{
    const double total = std::max<double>(1.0, static_cast<double>(traceDuration()));
    double span = std::clamp(end - start, std::min(kMinWindowNs, total), total);
    start = std::clamp(start, 0.0, total - span);
    end = start + span;
    const bool changed = start != m_start || end != m_end;
    m_start = start;
    m_end = end;
    m_fitted = start <= 0.0 && end >= total;
    if (changed)
        Q_EMIT windowChanged(m_start, m_end);
    update();
}

void TimelineView::zoomBy(double factor, double anchorFraction)
{
    const double span = m_end - m_start;
    const double anchor = m_start + span * std::clamp(anchorFraction, 0.0, 1.0);
    const double newSpan = span * factor;
    setWindow(anchor - newSpan * anchorFraction, anchor + newSpan * (1.0 - anchorFraction));
}

void TimelineView::zoomIn()
{
    zoomBy(0.5);
}

void TimelineView::zoomOut()
{
    zoomBy(2.0);
}

void TimelineView::zoomToFit()
{
    setWindow(0, static_cast<double>(traceDuration()));
}

void TimelineView::zoomToIndex(const QModelIndex &index)
{
    const qint64 start = index.data(StartOffsetRole).toLongLong();
    const qint64 duration = std::max<qint64>(index.data(DurationRole).toLongLong(), 0);
    if (start < 0)
        return;
    const double span = std::max<double>(static_cast<double>(duration), kMinWindowNs);
    setWindow(static_cast<double>(start) - span * 0.05, static_cast<double>(start) + span * 1.05);
}

void TimelineView::pan(double fraction)
{
    const double shift = (m_end - m_start) * fraction;
    setWindow(m_start + shift, m_end + shift);
}

void TimelineView::ensureCurrentVisible()
{
    const QModelIndex current = m_tree->currentIndex();
    const qint64 start = current.data(StartOffsetRole).toLongLong();
    if (!current.isValid() || start < 0 || m_fitted)
        return;
    const double end
        = static_cast<double>(start + std::max<qint64>(0, current.data(DurationRole).toLongLong()));
    if (end >= m_start && static_cast<double>(start) <= m_end)
        return; // some of it is on screen already
    const double span = m_end - m_start;
    setWindow(static_cast<double>(start) - span * 0.1, static_cast<double>(start) + span * 0.9);
}

QModelIndex TimelineView::indexAt(const QPoint &pos) const
{
    const int y = pos.y() - rulerHeight();
    if (y < 0 || y >= m_tree->viewport()->height())
        return {};
    return m_tree->indexAt(QPoint(0, y)).siblingAtColumn(0);
}

QRect TimelineView::barRect(const QModelIndex &index) const
{
    const QModelIndex target = index.siblingAtColumn(0);
    QRect found;
    forEachVisibleRow(m_tree, rulerHeight(), width(), [&](const QModelIndex &row, const QRect &rect, int) {
        if (row != target)
            return;
        const qint64 start = row.data(StartOffsetRole).toLongLong();
        if (start < 0)
            return;
        const qint64 duration = std::max<qint64>(0, row.data(DurationRole).toLongLong());
        const double x0 = xForTime(static_cast<double>(start));
        const double x1 = std::max(x0 + 2, xForTime(static_cast<double>(start + duration)));
        const int h = std::max(4, rect.height() * 11 / 20);
        found = QRect(qRound(x0), rect.top() + (rect.height() - h) / 2, std::max(2, qRound(x1 - x0)), h)
                    .intersected(rect.adjusted(0, 0, 0, 0));
    });
    return found;
}

void TimelineView::paintRuler(QPainter &p, const QRectF &plot)
{
    const int top = rulerHeight();
    const QPalette &pal = palette();
    p.fillRect(QRect(0, 0, width(), top), pal.color(QPalette::Button));
    p.setPen(theme::mix(pal.color(QPalette::Button), pal.color(QPalette::ButtonText), 0.2));
    p.drawLine(0, top - 1, width(), top - 1);
    const double span = m_end - m_start;
    if (span <= 0 || plot.width() <= 0)
        return;
    const double step = niceStep(span * 90.0 / plot.width());
    const QColor grid = theme::mix(pal.color(QPalette::Base), pal.color(QPalette::Text), 0.07);
    const QColor label = theme::mutedText(pal);
    for (double t = std::ceil(m_start / step) * step; t <= m_end; t += step) {
        const double x = xForTime(t);
        p.setPen(grid);
        p.drawLine(QPointF(x, top), QPointF(x, height()));
        p.setPen(label);
        p.drawLine(QPointF(x, top - 5), QPointF(x, top - 1));
        const QString text = formatDuration(static_cast<qint64>(std::llround(t)));
        const QRectF box(x + 3, 0, 200, top - 2);
        if (x + 3 + p.fontMetrics().horizontalAdvance(text) < width())
            p.drawText(box, Qt::AlignLeft | Qt::AlignBottom, text);
    }
}

void TimelineView::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    const QPalette &pal = palette();
    p.fillRect(rect(), pal.color(QPalette::Base));
    const QRectF plot = plotRect();
    paintRuler(p, plot);
    p.setClipRect(QRect(0, rulerHeight(), width(), height()));

    const bool focused = hasFocus() || m_tree->hasFocus();
    const QPalette::ColorGroup group = focused ? QPalette::Active : QPalette::Inactive;
    const QModelIndex current = m_tree->currentIndex().siblingAtColumn(0);
    QItemSelectionModel *selection = m_tree->selectionModel();
    const bool alternate = m_tree->alternatingRowColors();
    const QColor muted = theme::mutedText(pal);
    const QFontMetrics fm = fontMetrics();
    p.setRenderHint(QPainter::Antialiasing);

    forEachVisibleRow(
        m_tree, rulerHeight(), width(), [&](const QModelIndex &index, const QRect &row, int visualRow) {
            const bool selected = selection && selection->isSelected(index);
            if (selected)
                p.fillRect(row, pal.color(group, QPalette::Highlight));
            else if (index.data(SearchMatchRole).toBool())
                p.fillRect(row, theme::matchBackground(pal));
            else if (alternate && (visualRow & 1))
                p.fillRect(row, pal.color(QPalette::AlternateBase));

            const qint64 start = index.data(StartOffsetRole).toLongLong();
            if (start < 0)
                return;
            const qint64 duration = index.data(DurationRole).toLongLong();
            const auto type = static_cast<ObservationType>(index.data(ObservationTypeRole).toInt());
            const auto level = static_cast<Level>(index.data(LevelRole).toInt());
            const QColor textColor = selected ? pal.color(group, QPalette::HighlightedText) : muted;
            QColor color = level == Level::Error ? theme::errorColor(pal) : theme::typeColor(type, pal);
            const double x0 = xForTime(static_cast<double>(start));
            const double x1 = xForTime(static_cast<double>(start + std::max<qint64>(0, duration)));
            const double h = std::max(4, row.height() * 11 / 20);
            const double y = row.top() + (row.height() - h) / 2.0;
            if (x1 < plot.left() || x0 > plot.right()) {
                // Off-window: a chevron at the edge says where it is.
                const double ex = x1 < plot.left() ? plot.left() - 4 : plot.right() + 4;
                const double dir = x1 < plot.left() ? -1 : 1;
                p.setPen(QPen(color, 1.5));
                p.drawLine(QPointF(ex - 3 * dir, y), QPointF(ex, y + h / 2));
                p.drawLine(QPointF(ex, y + h / 2), QPointF(ex - 3 * dir, y + h));
                return;
            }
            QRectF bar;
            if (duration <= 0) {
                // Zero-length (events): a diamond.
                const double cx = x0;
                const double r = h / 2;
                QPolygonF diamond { QPointF(cx, y), QPointF(cx + r, y + r), QPointF(cx, y + h),
                    QPointF(cx - r, y + r) };
                p.setPen(Qt::NoPen);
                p.setBrush(color);
                p.drawPolygon(diamond);
                bar = QRectF(cx - r, y, h, h);
            } else {
                const double left = std::max(x0, plot.left() - 2);
                const double right = std::min(std::max(x1, x0 + 2), plot.right() + 2);
                bar = QRectF(left, y, std::max(2.0, right - left), h);
                p.setPen(selected ? QPen(pal.color(group, QPalette::HighlightedText), 1) : QPen(Qt::NoPen));
                p.setBrush(color);
                p.drawRoundedRect(bar, 2, 2);
            }
            // Label: duration and name, beside the bar where there is room.
            const QString label = formatDuration(duration) + QStringLiteral("  ") + index.data().toString();
            const int textWidth = fm.horizontalAdvance(label);
            QRectF textRect;
            if (bar.right() + 6 + textWidth <= plot.right())
                textRect = QRectF(bar.right() + 6, row.top(), textWidth + 2, row.height());
            else if (bar.left() - 6 - textWidth >= plot.left())
                textRect = QRectF(bar.left() - 6 - textWidth, row.top(), textWidth + 2, row.height());
            else
                textRect = QRectF(
                    bar.right() + 6, row.top(), std::max(0.0, plot.right() - bar.right() - 6), row.height());
            if (textRect.width() > 12) {
                p.setPen(textColor);
                p.drawText(textRect, Qt::AlignVCenter | Qt::AlignLeft,
                    fm.elidedText(label, Qt::ElideRight, static_cast<int>(textRect.width())));
            }
        });

    // Guides at the current span's start and end.
    if (current.isValid()) {
        const qint64 start = current.data(StartOffsetRole).toLongLong();
        const qint64 duration = current.data(DurationRole).toLongLong();
        if (start >= 0) {
            QColor guide = pal.color(QPalette::Highlight);
            guide.setAlphaF(0.55f);
            p.setPen(QPen(guide, 1, Qt::DashLine));
            for (const qint64 t : { start, start + std::max<qint64>(0, duration) }) {
                const double x = xForTime(static_cast<double>(t));
                if (x >= plot.left() && x <= plot.right())
                    p.drawLine(QPointF(x, rulerHeight()), QPointF(x, height()));
            }
        }
    }
    p.setClipping(false);
    if (hasFocus()) {
        p.setRenderHint(QPainter::Antialiasing, false);
        p.setPen(QPen(pal.color(QPalette::Highlight), 1));
        p.setBrush(Qt::NoBrush);
        p.drawRect(rect().adjusted(0, 0, -1, -1));
    }
}

void TimelineView::mousePressEvent(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton)
        return QWidget::mousePressEvent(event);
    setFocus(Qt::MouseFocusReason);
    m_pressPos = event->position().toPoint();
    m_pressStart = m_start;
    m_dragging = false;
}

void TimelineView::mouseMoveEvent(QMouseEvent *event)
{
    if (!(event->buttons() & Qt::LeftButton))
        return;
    const int dx = event->position().toPoint().x() - m_pressPos.x();
    if (!m_dragging && std::abs(dx) < QApplication::startDragDistance())
        return;
    m_dragging = true;
    setCursor(Qt::ClosedHandCursor);
    const double span = m_end - m_start;
    const double shift = -dx / plotRect().width() * span;
    setWindow(m_pressStart + shift, m_pressStart + shift + span);
}

void TimelineView::mouseReleaseEvent(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton)
        return;
    unsetCursor();
    if (!m_dragging) {
        const QModelIndex index = indexAt(event->position().toPoint());
        if (index.isValid())
            m_tree->selectionModel()->setCurrentIndex(
                index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    }
    m_dragging = false;
}

void TimelineView::mouseDoubleClickEvent(QMouseEvent *event)
{
    const QModelIndex index = indexAt(event->position().toPoint());
    if (index.isValid())
        zoomToIndex(index);
}

void TimelineView::wheelEvent(QWheelEvent *event)
{
    const QPoint delta = event->angleDelta();
    if (event->modifiers() & Qt::ControlModifier) {
        const QRectF plot = plotRect();
        const double anchor = (event->position().x() - plot.left()) / plot.width();
        zoomBy(std::pow(1.0015, -delta.y()), anchor);
        event->accept();
        return;
    }
    if ((event->modifiers() & Qt::ShiftModifier) || std::abs(delta.x()) > std::abs(delta.y())) {
        const int d = delta.x() != 0 ? delta.x() : delta.y();
        pan(-d / 1200.0);
        event->accept();
        return;
    }
    // Vertical scrolling belongs to the tree: both move together.
    QApplication::sendEvent(m_tree->viewport(), event);
}

void TimelineView::keyPressEvent(QKeyEvent *event)
{
    switch (event->key()) {
    case Qt::Key_Plus:
    case Qt::Key_Equal:
        zoomIn();
        return;
    case Qt::Key_Minus:
        zoomOut();
        return;
    case Qt::Key_0:
        zoomToFit();
        return;
    case Qt::Key_Left:
        pan(event->modifiers() & Qt::ShiftModifier ? -0.5 : -0.15);
        return;
    case Qt::Key_Right:
        pan(event->modifiers() & Qt::ShiftModifier ? 0.5 : 0.15);
        return;
    case Qt::Key_Z:
        zoomToIndex(m_tree->currentIndex());
        return;
    default:
        break;
    }
    // Row navigation (arrows, Home/End, Page keys, Enter) is the tree's.
    QApplication::sendEvent(m_tree, event);
}

bool TimelineView::event(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        auto *help = static_cast<QHelpEvent *>(event);
        const QModelIndex index = indexAt(help->pos());
        if (!index.isValid()) {
            QToolTip::hideText();
            return true;
        }
        const qint64 start = index.data(StartOffsetRole).toLongLong();
        const qint64 duration = index.data(DurationRole).toLongLong();
        QStringList lines;
        lines << QStringLiteral("<b>%1</b> · %2")
                     .arg(index.data().toString().toHtmlEscaped(),
                         observationTypeName(
                             static_cast<ObservationType>(index.data(ObservationTypeRole).toInt())));
        lines << tr("starts at %1, takes %2").arg(formatDuration(start), formatDuration(duration));
        const qint64 tokens = index.data(TokensRole).toLongLong();
        const double cost = index.data(CostRole).toDouble();
        if (tokens > 0 || cost > 0)
            lines << tr("%1 tokens · %2").arg(QLocale().toString(tokens), SpanTreeModel::formatCost(cost));
        QToolTip::showText(help->globalPos(), lines.join(QStringLiteral("<br>")), this);
        return true;
    }
    if (event->type() == QEvent::FocusIn || event->type() == QEvent::FocusOut)
        update();
    return QWidget::event(event);
}

// --- minimap ---------------------------------------------------------------------------------

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
