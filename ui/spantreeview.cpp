#include "spantreeview.h"

#include "itemmodels/spantreemodel.h"
#include "spantreedelegate.h"

#include <QHeaderView>
#include <QKeyEvent>

namespace tg {

SpanTreeView::SpanTreeView(QWidget *parent)
    : QTreeView(parent)
{
    setUniformRowHeights(true);
    setAlternatingRowColors(true);
    setSelectionBehavior(QAbstractItemView::SelectRows);
    setSelectionMode(QAbstractItemView::SingleSelection);
    setAllColumnsShowFocus(true);
    setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
    setFrameShape(QFrame::NoFrame);
    setAnimated(false);
    setExpandsOnDoubleClick(false);
    header()->setStretchLastSection(false);
    header()->setSectionsMovable(true);
    header()->setFirstSectionMovable(false);
    setItemDelegate(new SpanItemDelegate(this));
    setItemDelegateForColumn(SpanTreeModel::NameColumn, new SpanNameDelegate(this));
    setItemDelegateForColumn(SpanTreeModel::DurationColumn, new DurationBarDelegate(this));
    connect(this, &QTreeView::expanded, this, &SpanTreeView::rowsRelaidOut);
    connect(this, &QTreeView::collapsed, this, &SpanTreeView::rowsRelaidOut);
}

SpanTreeModel *SpanTreeView::spanModel() const
{
    return qobject_cast<SpanTreeModel *>(model());
}

void SpanTreeView::expandMany(const QModelIndexList &indexes)
{
    if (indexes.isEmpty())
        return;
    // With a layout pending, expand() only records the index; one layout then covers them all.
    scheduleDelayedItemsLayout();
    for (const QModelIndex &index : indexes)
        expand(index);
    executeDelayedItemsLayout();
    Q_EMIT rowsRelaidOut();
}

void SpanTreeView::reveal(const QModelIndex &index, ScrollHint hint)
{
    SpanTreeModel *m = spanModel();
    if (!m || !index.isValid())
        return;
    QModelIndexList closed;
    for (const QModelIndex &ancestor : m->ancestors(index)) {
        if (!isExpanded(ancestor))
            closed.append(ancestor);
    }
    expandMany(closed);
    const QModelIndex target = index.siblingAtColumn(0);
    selectionModel()->setCurrentIndex(
        target, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    scrollTo(target, hint);
}

void SpanTreeView::expandToErrors()
{
    SpanTreeModel *m = spanModel();
    if (!m)
        return;
    const SpanTree &tree = m->tree();
    QModelIndexList toExpand;
    std::vector<char> seen(static_cast<size_t>(tree.size()), 0);
    for (int node = tree.firstErrorAfter(-1); node >= 0; node = tree.firstErrorAfter(node)) {
        for (int a = tree.parent(node); a >= 0 && !seen[static_cast<size_t>(a)]; a = tree.parent(a)) {
            seen[static_cast<size_t>(a)] = 1;
            const QModelIndex index = m->indexForNode(a);
            if (!isExpanded(index))
                toExpand.append(index);
        }
    }
    expandMany(toExpand);
}

int SpanTreeView::rowHeight() const
{
    const QModelIndex first = model() ? model()->index(0, 0) : QModelIndex();
    return first.isValid() ? QTreeView::rowHeight(first) : 0;
}

void SpanTreeView::keyPressEvent(QKeyEvent *event)
{
    if (event->key() == Qt::Key_Escape && event->modifiers() == Qt::NoModifier) {
        Q_EMIT escapePressed();
        event->accept();
        return;
    }
    QTreeView::keyPressEvent(event);
}

void SpanTreeView::scrollContentsBy(int dx, int dy)
{
    QTreeView::scrollContentsBy(dx, dy);
    if (dy != 0)
        Q_EMIT rowsRelaidOut();
}

void SpanTreeView::updateGeometries()
{
    QTreeView::updateGeometries();
    Q_EMIT rowsRelaidOut();
}

} // namespace tg
