#pragma once

#include <QObject>

class QAbstractItemView;
class QTableView;

namespace tg {

/// "Follow live" for the traces table: while on, each time rows arrive the newest trace becomes
/// the current row (so the trace view opens it and grows with it) and is scrolled into view.
/// Picking another row by hand turns it off, as scrolling back does in a terminal's follow mode.
class LiveFollower : public QObject
{
    Q_OBJECT

public:
    /// `timeColumn` is the column whose SortRole is the trace start time. The view owns it.
    LiveFollower(QTableView *view, int timeColumn);

    bool isEnabled() const { return m_enabled; }
    void setEnabled(bool enabled);
    /// The row holding the newest trace, or -1 when the table is empty.
    int newestRow() const;

Q_SIGNALS:
    void enabledChanged(bool enabled);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void schedule();
    void follow();
    void onCurrentRowChanged(int row);

    QTableView *m_view; ///< owns this follower
    int m_timeColumn;
    bool m_enabled = false;
    bool m_scheduled = false;
    bool m_selecting = false;
    bool m_userInput = false; ///< a click or key press is being handled by the view
};

} // namespace tg
