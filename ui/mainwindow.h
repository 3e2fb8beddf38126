#pragma once

#include "commandpalette.h"

#include <QHash>
#include <QMainWindow>

class QLabel;
class QSplitter;
class QTabWidget;
class QTimer;

namespace tg {

class ConnectionsController;
class LangfuseSyncManager;
class SessionsPage;
class SourcesSidebar;
class TraceStore;
class TracesPage;
class TraceView;

/// The application window: sources on the left, traces and sessions pages, the open trace
/// below them, and the status bar. Keyboard-first: every command is a menu action with a
/// shortcut, all of them are in the command palette (Ctrl+K) and the keymap (?). Window
/// geometry, splitters, column layouts and the colour scheme persist.
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    explicit MainWindow(TraceStore *store, QWidget *parent = nullptr);
    ~MainWindow() override;

    SourcesSidebar *sidebar() const { return m_sidebar; }
    TracesPage *tracesPage() const { return m_tracesPage; }
    SessionsPage *sessionsPage() const { return m_sessionsPage; }
    TraceView *traceView() const { return m_traceView; }
    QTabWidget *pages() const { return m_pages; }
    /// A permanent status bar slot other parts (receiver, sync) write to.
    QLabel *addStatusSlot(const QString &objectName);
    void showAbout();
    /// Adds the Langfuse connections UI (Connections menu, sidebar sync states, downloading
    /// opened remote traces); `manager` must outlive the window.
    void setConnections(LangfuseSyncManager *manager);
    ConnectionsController *connections() const { return m_connections; }

    CommandPalette *commandPalette() const { return m_palette; }
    void showCommandPalette();
    void showKeymap();
    /// Every command in the menus (and registered elsewhere), with its menu as category.
    QList<CommandEntry> commands() const;
    /// Gives the trace view the whole height (the pages fold away).
    void setTraceMaximized(bool maximized);

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void createMenus();
    void connectParts();
    void saveLayout() const;
    void restoreLayout();
    void updateStoreStatus();
    /// j/k/h/l: the key as an arrow to the focused list, tree or text (or the current page's list).
    void sendNavigationKey(Qt::Key key);
    /// "/": the search field of whatever has the focus.
    void focusSearch();
    void focusCurrentList();
    void openTrace(qint64 traceRk, bool focusTree);

    TraceStore *m_store;
    SourcesSidebar *m_sidebar;
    QTabWidget *m_pages;
    TracesPage *m_tracesPage;
    SessionsPage *m_sessionsPage;
    TraceView *m_traceView;
    QSplitter *m_mainSplitter;
    QSplitter *m_contentSplitter;
    QLabel *m_storeStatus;
    QTimer *m_statusTimer;
    ConnectionsController *m_connections = nullptr;
    CommandPalette *m_palette;
    QAction *m_maximizeTrace = nullptr;
    QTimer *m_previewTimer; ///< opening follows the list's current row, not every key repeat
    qint64 m_previewRk = 0;
    QHash<int, QByteArray> m_pageSplitterStates; ///< content splitter per page (sessions want height)
    int m_lastPage = 0;
};

} // namespace tg
