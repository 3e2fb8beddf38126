#pragma once

#include <QTreeView>

namespace tg {

class SpanTreeModel;

/// The span tree of the trace view: uniform rows, per-pixel scrolling, and bulk expansion that
/// lays the tree out once (expanding thousands of error ancestors one by one would relayout each
/// time). Escape asks to leave the tree (the main window moves focus back to the list).
class SpanTreeView : public QTreeView
{
    Q_OBJECT

public:
    explicit SpanTreeView(QWidget *parent = nullptr);

    SpanTreeModel *spanModel() const;
    /// Expands every index in `indexes` with a single layout pass.
    void expandMany(const QModelIndexList &indexes);
    /// Expands the ancestors of `index`, makes it current and scrolls it into view.
    void reveal(const QModelIndex &index, ScrollHint hint = EnsureVisible);
    /// Expands the ancestors of every ERROR observation.
    void expandToErrors();
    /// The uniform row height (0 before the first row exists).
    int rowHeight() const;

Q_SIGNALS:
    void escapePressed();
    /// Rows moved on screen: scroll, expand, collapse or relayout (the timeline repaints).
    void rowsRelaidOut();

protected:
    void keyPressEvent(QKeyEvent *event) override;
    void scrollContentsBy(int dx, int dy) override;
    void updateGeometries() override;
};

} // namespace tg
