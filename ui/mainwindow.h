#pragma once

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
/// below them, and the status bar. Window geometry, splitters and column layouts persist.
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

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void createMenus();
    void saveLayout() const;
    void restoreLayout();
    void updateStoreStatus();

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
};

} // namespace tg
