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

} // namespace tg
