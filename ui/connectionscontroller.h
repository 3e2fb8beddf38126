#pragma once

#include "connectiondialog.h"
#include "langfuse/langfusesyncmanager.h"

#include <QObject>
#include <QPointer>

class QAction;
class QLabel;
class QMenu;
class QProgressBar;
class QToolButton;

namespace tg {

class MainWindow;

/// Puts Langfuse connections into the main window without the window knowing them: a
/// Connections menu (manage, sync, backfill, refresh the open trace), a context menu on Langfuse
/// sources in the sidebar with their sync state drawn under the name, a status bar summary and
/// backfill progress with cancel, the offer of LANGFUSE_* keys on first start, and the hooks
/// that download an opened trace or session when it is not cached and page the traces list in
/// as the user scrolls to its end.
class ConnectionsController : public QObject
{
    Q_OBJECT

public:
    ConnectionsController(MainWindow *window, LangfuseSyncManager *manager);

    LangfuseSyncManager *manager() const { return m_manager; }
    QMenu *menu() const { return m_menu; }
    QLabel *statusLabel() const { return m_status; }
    /// Opens (or raises) the connection dialog, optionally on one connection.
    ConnectionDialog *showDialog(const QString &connectionId = {});
    /// Backfills the selected Langfuse source (or every connection) over the last `days`.
    void backfill(int days);
    /// Asks the selected Langfuse sources (all when none is selected) for older traces.
    void loadMoreTraces();

private:
    void createMenu();
    void installSidebarHooks();
    void installTraceHooks();
    void updateStatus();
    void onBackfillProgress(const QString &connectionId, double fraction, qint64 traces);
    void onBackfillFinished(const QString &connectionId, bool ok, bool cancelled, const QString &message);
    QList<LangfuseSync *> selectedSyncs() const;
    void askBackfill();

    MainWindow *m_window;
    LangfuseSyncManager *m_manager; ///< outlives the window
    QMenu *m_menu = nullptr;
    QLabel *m_status = nullptr;
    QProgressBar *m_progress = nullptr;
    QToolButton *m_cancel = nullptr;
    QPointer<ConnectionDialog> m_dialog;
    QString m_backfilling; ///< connection id of the backfill shown in the status bar
    QString m_fetchText;
};

} // namespace tg
