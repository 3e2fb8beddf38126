#pragma once

#include <QImage>
#include <QWidget>

namespace tg {

class SpanTreeModel;
class TimelineView;

/// The overview above the tree and timeline: every observation of the trace in display order,
/// squeezed into a strip (density where rows outnumber pixels), errors in red, with the timeline's
/// time window drawn on top. Drag the window to pan, drag elsewhere to choose a new window, wheel
/// to zoom.
class TimelineMinimap : public QWidget
{
    Q_OBJECT

public:
    TimelineMinimap(SpanTreeModel *model, TimelineView *timeline, QWidget *parent = nullptr);

    QSize sizeHint() const override;
    /// Rebuilds the overview image soon (after tree changes).
    void invalidate();

protected:
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    void rebuild();
    double timeForX(double x) const;
    double xForTime(double ns) const;

    SpanTreeModel *m_model;
    TimelineView *m_timeline;
    QImage m_image;
    bool m_dirty = true;
    enum class Drag { None, Move, Select } m_drag = Drag::None;
    double m_pressTime = 0;
    double m_pressStart = 0;
    double m_selectFrom = 0;
    double m_selectTo = 0;
};

} // namespace tg
