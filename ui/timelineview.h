#pragma once

#include <QPersistentModelIndex>
#include <QWidget>

namespace tg {

class SpanTreeView;
class SpanTreeModel;

/// The waterfall next to the span tree. It has no rows of its own: it paints exactly the rows the
/// tree shows (same order, height and scroll position, expansion included), so it is virtualised
/// by construction and shares the tree's selection model. The horizontal axis is a zoomable time
/// window over the trace (offsets from its start): Ctrl+wheel or +/- zoom around the cursor,
/// drag or Shift+wheel pan, double-click zooms to a span, 0 fits the whole trace.
class TimelineView : public QWidget
{
    Q_OBJECT

public:
    explicit TimelineView(SpanTreeView *tree, QWidget *parent = nullptr);

    /// The visible time window, nanoseconds from the trace start.
    double windowStart() const { return m_start; }
    double windowEnd() const { return m_end; }
    /// The whole trace's duration (at least 1 ns once a trace is open, 0 when empty).
    qint64 traceDuration() const;
    bool isFitted() const { return m_fitted; }

    void setWindow(double start, double end);
    void zoomBy(double factor, double anchorFraction = 0.5);
    void zoomIn();
    void zoomOut();
    void zoomToFit();
    /// Zooms so the span of `index` fills most of the width.
    void zoomToIndex(const QModelIndex &index);
    /// Pans by a fraction of the window width (negative: towards the start).
    void pan(double fraction);

    /// The row under a point of this widget (invalid outside rows).
    QModelIndex indexAt(const QPoint &pos) const;
    /// Where the bar of `index` is painted, in widget coordinates (empty when not on screen).
    QRect barRect(const QModelIndex &index) const;
    /// Height of the axis strip above the rows (matches the tree header).
    int rulerHeight() const;

Q_SIGNALS:
    void windowChanged(double start, double end);

protected:
    void paintEvent(QPaintEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void mouseDoubleClickEvent(QMouseEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    bool event(QEvent *event) override;

private:
    double xForTime(double ns) const;
    double timeForX(double x) const;
    QRectF plotRect() const;
    void ensureCurrentVisible();
    void onTraceRangeChanged();
    void paintRuler(QPainter &p, const QRectF &plot);

    SpanTreeView *m_tree;
    double m_start = 0;
    double m_end = 1;
    bool m_fitted = true;
    QPoint m_pressPos;
    double m_pressStart = 0;
    bool m_dragging = false;
};

} // namespace tg
