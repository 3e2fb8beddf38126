#include "mainwindow.h"

#include "connectionscontroller.h"
#include "charts/chartpages.h"
#include "itemmodels/tracelistmodel.h"
#include "sessionspage.h"
#include "sourcessidebar.h"
#include "store/tracestore.h"
#include "tracespage.h"
#include "traceview.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QLabel>
#include <QLocale>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QSplitter>
#include <QStatusBar>
#include <QTabWidget>
#include <QTimer>

namespace tg {

MainWindow::MainWindow(TraceStore *store, QWidget *parent)
    : QMainWindow(parent)
    , m_store(store)
    , m_sidebar(new SourcesSidebar(store))
    , m_pages(new QTabWidget)
    , m_tracesPage(new TracesPage(store))
    , m_sessionsPage(new SessionsPage(store))
    , m_traceView(new TraceView(store))
    , m_mainSplitter(new QSplitter(Qt::Horizontal, this))
    , m_contentSplitter(new QSplitter(Qt::Vertical))
    , m_storeStatus(new QLabel)
    , m_statusTimer(new QTimer(this))
{
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(QStringLiteral("Traceglass"));
    m_pages->setObjectName(QStringLiteral("pages"));
    m_pages->setDocumentMode(true);
    m_pages->addTab(m_tracesPage, tr("Traces"));
    m_pages->addTab(m_sessionsPage, tr("Sessions"));

    m_contentSplitter->setObjectName(QStringLiteral("contentSplitter"));
    m_contentSplitter->addWidget(m_pages);
    m_contentSplitter->addWidget(m_traceView);
    m_contentSplitter->setStretchFactor(0, 2);
    m_contentSplitter->setStretchFactor(1, 3);
    m_mainSplitter->setObjectName(QStringLiteral("mainSplitter"));
    m_mainSplitter->addWidget(m_sidebar);
    m_mainSplitter->addWidget(m_contentSplitter);
    m_mainSplitter->setStretchFactor(0, 0);
    m_mainSplitter->setStretchFactor(1, 1);
    m_mainSplitter->setSizes({ 220, 1220 });
    setCentralWidget(m_mainSplitter);

    m_storeStatus->setObjectName(QStringLiteral("storeStatus"));
    statusBar()->addPermanentWidget(m_storeStatus);
    m_statusTimer->setInterval(1000);
    connect(m_statusTimer, &QTimer::timeout, this, &MainWindow::updateStoreStatus);
    connect(m_store, &TraceStore::fullTextCaughtUp, this, &MainWindow::updateStoreStatus);
    connect(m_store, &TraceStore::writeFailed, this, [this](const QString &message) {
        statusBar()->showMessage(tr("Store write failed: %1").arg(message), 15000);
    });
    m_statusTimer->start();
    updateStoreStatus();

    connect(m_sidebar, &SourcesSidebar::sourcesSelected, this, [this](const QList<qint64> &ids) {
        m_tracesPage->setSourceIds(ids);
        m_sessionsPage->setSourceIds(ids);
    });
    connect(m_tracesPage, &TracesPage::currentTraceChanged, m_traceView, &TraceView::openTrace);
    connect(m_tracesPage, &TracesPage::traceActivated, this, [this](qint64 rk) {
        m_traceView->openTrace(rk);
        m_traceView->setFocus();
    });
    connect(m_sessionsPage, &SessionsPage::sessionActivated, this,
        [this](qint64 sourceId, const QString &sessionId) {
            m_tracesPage->setSession(sourceId, sessionId);
            m_pages->setCurrentWidget(m_tracesPage);
            statusBar()->showMessage(tr("Traces of session %1").arg(sessionId), 5000);
        });

    addChartPages(m_pages, m_store, [this](const TraceFilter &filter, const QString &description) {
        m_tracesPage->model()->setFilter(filter);
        m_pages->setCurrentWidget(m_tracesPage);
        statusBar()->showMessage(tr("Traces: %1").arg(description), 10000);
    });
    createMenus();
    restoreLayout();
}

MainWindow::~MainWindow() = default;

QLabel *MainWindow::addStatusSlot(const QString &objectName)
{
    auto *label = new QLabel;
    label->setObjectName(objectName);
    statusBar()->insertPermanentWidget(0, label);
    return label;
}

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu *view = menuBar()->addMenu(tr("&View"));
    QAction *traces
        = view->addAction(tr("&Traces"), this, [this] { m_pages->setCurrentWidget(m_tracesPage); });
    traces->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_1));
    QAction *sessions
        = view->addAction(tr("&Sessions"), this, [this] { m_pages->setCurrentWidget(m_sessionsPage); });
    sessions->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_2));
    QAction *sidebar = view->addAction(tr("Show &Sources"));
    sidebar->setCheckable(true);
    sidebar->setChecked(true);
    sidebar->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_B));
    connect(sidebar, &QAction::toggled, m_sidebar, &QWidget::setVisible);

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About Traceglass"), this, &MainWindow::showAbout);
    help->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt);
}

void MainWindow::setConnections(LangfuseSyncManager *manager)
{
    if (!m_connections && manager)
        m_connections = new ConnectionsController(this, manager);
}

void MainWindow::showAbout()
{
    QMessageBox::about(this, tr("About Traceglass"),
        tr("<h3>Traceglass %1</h3>"
           "<p>A native explorer for LLM traces: Langfuse projects, a local OpenTelemetry "
           "receiver and trace files, in one window.</p>"
           "<p>Store: <code>%2</code><br>Qt %3</p>")
            .arg(QApplication::applicationVersion(), m_store->path().toHtmlEscaped(),
                QString::fromLatin1(qVersion())));
}

void MainWindow::updateStoreStatus()
{
    const qint64 backlog = m_store->fullTextBacklog();
    const size_t pending = m_store->pendingRows();
    QStringList parts;
    if (pending > 0)
        parts << tr("writing %1 rows").arg(QLocale().toString(static_cast<qint64>(pending)));
    if (backlog > 0)
        parts << tr("search index catching up: %1 to go").arg(QLocale().toString(backlog));
    m_storeStatus->setText(parts.join(QStringLiteral(" · ")));
    m_storeStatus->setToolTip(m_store->path());
}

void MainWindow::saveLayout() const
{
    QSettings settings;
    settings.setValue(QStringLiteral("mainWindow/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("mainWindow/state"), saveState());
    settings.setValue(QStringLiteral("mainWindow/mainSplitter"), m_mainSplitter->saveState());
    settings.setValue(QStringLiteral("mainWindow/contentSplitter"), m_contentSplitter->saveState());
    settings.setValue(QStringLiteral("mainWindow/traceSplitter"), m_traceView->splitter()->saveState());
    settings.setValue(QStringLiteral("mainWindow/currentPage"), m_pages->currentIndex());
    m_tracesPage->saveState(QStringLiteral("tracesPage"));
    m_sessionsPage->saveState(QStringLiteral("sessionsPage"));
}

void MainWindow::restoreLayout()
{
    QSettings settings;
    if (!restoreGeometry(settings.value(QStringLiteral("mainWindow/geometry")).toByteArray()))
        resize(1440, 900);
    restoreState(settings.value(QStringLiteral("mainWindow/state")).toByteArray());
    m_mainSplitter->restoreState(settings.value(QStringLiteral("mainWindow/mainSplitter")).toByteArray());
    m_contentSplitter->restoreState(
        settings.value(QStringLiteral("mainWindow/contentSplitter")).toByteArray());
    m_traceView->splitter()->restoreState(
        settings.value(QStringLiteral("mainWindow/traceSplitter")).toByteArray());
    m_pages->setCurrentIndex(settings.value(QStringLiteral("mainWindow/currentPage"), 0).toInt());
    m_tracesPage->restoreState(QStringLiteral("tracesPage"));
    m_sessionsPage->restoreState(QStringLiteral("sessionsPage"));
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    saveLayout();
    QMainWindow::closeEvent(event);
}

} // namespace tg
