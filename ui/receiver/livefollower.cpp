#include "livefollower.h"

#include "itemmodels/modelroles.h"

#include <QEvent>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QTableView>
#include <QTimer>

namespace tg {

LiveFollower::LiveFollower(QTableView *view, int timeColumn)
    : QObject(view)
    , m_view(view)
    , m_timeColumn(timeColumn)
{
    QAbstractItemModel *model = view->model();
    // Live inserts arrive as inserts, layout changes (re-sorted window) or resets (reload).
    connect(model, &QAbstractItemModel::rowsInserted, this, &LiveFollower::schedule);
    connect(model, &QAbstractItemModel::layoutChanged, this, &LiveFollower::schedule);
    connect(model, &QAbstractItemModel::modelReset, this, &LiveFollower::schedule);
    connect(view->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
        [this](const QModelIndex &current) { onCurrentRowChanged(current.isValid() ? current.row() : -1); });
    // Only the user's own clicks and keys turn following off, not rows moving under the model.
    view->installEventFilter(this);
    view->viewport()->installEventFilter(this);
}

bool LiveFollower::eventFilter(QObject *watched, QEvent *event)
{
    if (event->type() == QEvent::MouseButtonPress || event->type() == QEvent::KeyPress) {
        m_userInput = true;
        QTimer::singleShot(0, this, [this] { m_userInput = false; });
    }
    return QObject::eventFilter(watched, event);
}

void LiveFollower::setEnabled(bool enabled)
{
    if (enabled == m_enabled)
        return;
    m_enabled = enabled;
    Q_EMIT enabledChanged(enabled);
    if (enabled)
        schedule();
}

int LiveFollower::newestRow() const
{
    const QAbstractItemModel *model = m_view->model();
    const int rows = model->rowCount();
    if (rows == 0)
        return -1;
    const QHeaderView *header = m_view->horizontalHeader();
    if (m_view->isSortingEnabled() && header->sortIndicatorSection() == m_timeColumn)
        return header->sortIndicatorOrder() == Qt::DescendingOrder ? 0 : rows - 1;
    int newest = 0;
    qint64 newestNs = std::numeric_limits<qint64>::min();
    for (int row = 0; row < rows; ++row) {
        const qint64 ns = model->index(row, m_timeColumn).data(SortRole).toLongLong();
        if (ns > newestNs) {
            newestNs = ns;
            newest = row;
        }
    }
    return newest;
}

void LiveFollower::schedule()
{
    if (!m_enabled || m_scheduled)
        return;
    m_scheduled = true;
    // After the model's signal has reached the view, and once per burst of changes.
    QTimer::singleShot(0, this, &LiveFollower::follow);
}

void LiveFollower::follow()
{
    m_scheduled = false;
    if (!m_enabled)
        return;
    const int row = newestRow();
    if (row < 0)
        return;
    const QModelIndex current = m_view->currentIndex();
    const QModelIndex target = m_view->model()->index(row, current.isValid() ? current.column() : 0);
    if (current.row() != row) {
        m_selecting = true;
        m_view->selectionModel()->setCurrentIndex(
            target, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
        m_selecting = false;
    }
    m_view->scrollTo(target, QAbstractItemView::EnsureVisible);
}

void LiveFollower::onCurrentRowChanged(int row)
{
    if (!m_enabled || m_selecting || !m_userInput || row < 0)
        return;
    if (row != newestRow())
        setEnabled(false);
}

} // namespace tg
