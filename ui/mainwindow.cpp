#include "mainwindow.h"

#include "connectionscontroller.h"
#include "charts/chartpages.h"
#include "itemmodels/tracelistmodel.h"
#include "chatview.h"
#include "icons.h"
#include "jsonview.h"
#include "keymapdialog.h"
#include "observationdetailview.h"
#include "sessionconversationview.h"
#include "sessionspage.h"
#include "sourcessidebar.h"
#include "spantreeview.h"
#include "store/tracestore.h"
#include "theme.h"
#include "timelineview.h"
#include "timerangebutton.h"
#include "tracespage.h"
#include "traceview.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMenuBar>
#include <QMessageBox>
#include <QSet>
#include <QSettings>
#include <QSplitter>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>

namespace tg {

namespace {

QString menuTitle(const QMenu *menu)
{
    QString title = menu->title();
    return title.remove(u'&');
}

} // namespace

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
    , m_palette(nullptr)
    , m_previewTimer(new QTimer(this))
{
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(QStringLiteral("Traceglass"));
    setWindowIcon(icons::icon(QStringLiteral("app")));
    theme::captureSystemPalette();
    if (theme::saved() != theme::Scheme::System)
        theme::apply(theme::saved());

    m_pages->setObjectName(QStringLiteral("pages"));
    m_pages->setDocumentMode(true);
    m_pages->addTab(m_tracesPage, icons::icon(QStringLiteral("trace")), tr("Traces"));
    m_pages->addTab(m_sessionsPage, icons::icon(QStringLiteral("session")), tr("Sessions"));

    m_contentSplitter->setObjectName(QStringLiteral("contentSplitter"));
    m_contentSplitter->addWidget(m_pages);
    m_contentSplitter->addWidget(m_traceView);
    m_contentSplitter->setStretchFactor(0, 2);
    m_contentSplitter->setStretchFactor(1, 3);
    m_contentSplitter->setSizes({ 300, 560 });
    m_mainSplitter->setObjectName(QStringLiteral("mainSplitter"));
    m_mainSplitter->addWidget(m_sidebar);
    m_mainSplitter->addWidget(m_contentSplitter);
    m_mainSplitter->setStretchFactor(0, 0);
    m_mainSplitter->setStretchFactor(1, 1);
    m_mainSplitter->setSizes({ 236, 1204 });
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

    m_palette = new CommandPalette(this, [this] { return commands(); });
    connectParts();

    addChartPages(m_pages, m_store, [this](const TraceFilter &filter, const QString &description) {
        m_tracesPage->showFilter(filter);
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

void MainWindow::openTrace(qint64 traceRk, bool focusTree)
{
    if (m_traceView->traceRk() != traceRk)
        m_traceView->openTrace(traceRk);
    if (focusTree)
        m_traceView->tree()->setFocus(Qt::OtherFocusReason);
}

void MainWindow::connectParts()
{
    // Each page keeps its own split between the page and the trace: the sessions page reads
    // conversations and wants height, the traces page wants the trace.
    connect(m_pages, &QTabWidget::currentChanged, this, [this](int index) {
        m_pageSplitterStates.insert(m_lastPage, m_contentSplitter->saveState());
        m_lastPage = index;
        if (m_pageSplitterStates.contains(index)) {
            m_contentSplitter->restoreState(m_pageSplitterStates.value(index));
        } else if (m_pages->widget(index) == m_sessionsPage) {
            const int total = m_contentSplitter->height();
            m_contentSplitter->setSizes({ total * 62 / 100, total - total * 62 / 100 });
        }
    });
    const auto status = [this](const QString &text) { statusBar()->showMessage(text, 4000); };
    connect(m_sidebar, &SourcesSidebar::sourcesSelected, this, [this](const QList<qint64> &ids) {
        m_tracesPage->setSourceIds(ids);
        m_sessionsPage->setSourceIds(ids);
    });
    // Moving through the list previews each trace once the keys rest (holding j does not load
    // every trace on the way); Enter opens at once and moves into the tree.
    m_previewTimer->setSingleShot(true);
    m_previewTimer->setInterval(90);
    connect(m_previewTimer, &QTimer::timeout, this, [this] { openTrace(m_previewRk, false); });
    connect(m_tracesPage, &TracesPage::currentTraceChanged, this, [this](qint64 rk) {
        m_previewRk = rk;
        if (m_traceView->traceRk() == 0)
            openTrace(rk, false); // nothing shown yet: no reason to wait
        else
            m_previewTimer->start();
    });
    connect(m_tracesPage, &TracesPage::traceActivated, this, [this](qint64 rk) {
        m_previewTimer->stop();
        openTrace(rk, true);
    });
    connect(m_tracesPage, &TracesPage::statusMessage, this, status);
    connect(m_sessionsPage, &SessionsPage::sessionActivated, this, [this](qint64, const QString &sessionId) {
        m_sessionsPage->conversation()->chatView()->setFocus(Qt::OtherFocusReason);
        statusBar()->showMessage(tr("Session %1: links open its traces").arg(sessionId), 4000);
    });
    connect(m_sessionsPage, &SessionsPage::traceActivated, this, [this](qint64 rk) { openTrace(rk, true); });
    connect(m_sessionsPage, &SessionsPage::showTracesRequested, this,
        [this](qint64 sourceId, const QString &sessionId) {
            m_tracesPage->setSession(sourceId, sessionId);
            m_pages->setCurrentWidget(m_tracesPage);
            statusBar()->showMessage(tr("Traces of session %1").arg(sessionId), 5000);
        });
    connect(m_traceView, &TraceView::leaveRequested, this, &MainWindow::focusCurrentList);
    connect(m_traceView, &TraceView::statusMessage, this, status);
    for (auto tab : { ObservationDetailView::InputTab, ObservationDetailView::OutputTab,
             ObservationDetailView::MetadataTab })
        connect(m_traceView->detail()->jsonView(tab), &JsonView::statusMessage, this, status);
}

void MainWindow::createMenus()
{
    const auto add
        = [this](QMenu *menu, const QString &icon, const QString &text, const QKeySequence &key, auto slot) {
              QAction *action = menu->addAction(text);
              if (!icon.isEmpty())
                  action->setIcon(icons::icon(icon));
              if (!key.isEmpty())
                  action->setShortcut(key);
              connect(action, &QAction::triggered, this, slot);
              return action;
          };

    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu *view = menuBar()->addMenu(tr("&View"));
    QAction *traces = view->addAction(icons::icon(QStringLiteral("trace")), tr("&Traces"), this,
        [this] { m_pages->setCurrentWidget(m_tracesPage); });
    traces->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_1));
    QAction *sessions = view->addAction(icons::icon(QStringLiteral("session")), tr("&Sessions"), this,
        [this] { m_pages->setCurrentWidget(m_sessionsPage); });
    sessions->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_2));
    QAction *sidebar = view->addAction(tr("Show &Sources"));
    sidebar->setObjectName(QStringLiteral("actionShowSources"));
    sidebar->setCheckable(true);
    sidebar->setChecked(true);
    sidebar->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_B));
    connect(sidebar, &QAction::toggled, m_sidebar, &QWidget::setVisible);
    m_maximizeTrace = view->addAction(tr("&Maximize Trace View"));
    m_maximizeTrace->setObjectName(QStringLiteral("actionMaximizeTrace"));
    m_maximizeTrace->setCheckable(true);
    m_maximizeTrace->setShortcut(QKeySequence(Qt::Key_M));
    connect(m_maximizeTrace, &QAction::toggled, this, &MainWindow::setTraceMaximized);
    view->addAction(m_traceView->actions().toggleTimeline);
    view->addSeparator();
    QMenu *appearance = view->addMenu(tr("&Appearance"));
    auto *schemes = new QActionGroup(this);
    const QList<std::pair<theme::Scheme, QString>> options { { theme::Scheme::System,
                                                                 tr("Follow the System") },
        { theme::Scheme::Light, tr("Light") }, { theme::Scheme::Dark, tr("Dark") } };
    for (const auto &[scheme, name] : options) {
        QAction *action = appearance->addAction(name);
        action->setCheckable(true);
        action->setChecked(theme::saved() == scheme);
        action->setActionGroup(schemes);
        const theme::Scheme s = scheme;
        connect(action, &QAction::triggered, this, [s] { theme::apply(s); });
    }

    QMenu *navigate = menuBar()->addMenu(tr("&Navigate"));
    add(navigate, QStringLiteral("down"), tr("Next Row"), QKeySequence(Qt::Key_J), [this] {
        sendNavigationKey(Qt::Key_Down);
    })->setObjectName(QStringLiteral("actionNextRow"));
    add(navigate, QStringLiteral("up"), tr("Previous Row"), QKeySequence(Qt::Key_K), [this] {
        sendNavigationKey(Qt::Key_Up);
    })->setObjectName(QStringLiteral("actionPreviousRow"));
    add(navigate, QStringLiteral("left"), tr("Collapse / Go to Parent"), QKeySequence(Qt::Key_H), [this] {
        sendNavigationKey(Qt::Key_Left);
    })->setObjectName(QStringLiteral("actionCollapseRow"));
    add(navigate, QStringLiteral("right"), tr("Expand / Go to Child"), QKeySequence(Qt::Key_L), [this] {
        sendNavigationKey(Qt::Key_Right);
    })->setObjectName(QStringLiteral("actionExpandRow"));
    add(navigate, QString(), tr("First Row"), QKeySequence(Qt::Key_G),
        [this] { sendNavigationKey(Qt::Key_Home); });
    add(navigate, QString(), tr("Last Row"), QKeySequence(Qt::SHIFT | Qt::Key_G),
        [this] { sendNavigationKey(Qt::Key_End); });
    navigate->addSeparator();
    navigate->addAction(m_tracesPage->actions().nextTrace);
    navigate->addAction(m_tracesPage->actions().previousTrace);
    navigate->addSeparator();
    add(navigate, QStringLiteral("search"), tr("Search"), QKeySequence(Qt::Key_Slash), [this] {
        focusSearch();
    })->setObjectName(QStringLiteral("actionSearch"));
    navigate->addAction(m_tracesPage->actions().focusFilter);
    navigate->addAction(m_traceView->actions().focusDetail);
    add(navigate, QString(), tr("Focus Span Tree"), QKeySequence(Qt::CTRL | Qt::Key_T),
        [this] { m_traceView->tree()->setFocus(Qt::ShortcutFocusReason); });
    add(navigate, QString(), tr("Focus Timeline"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_T),
        [this] { m_traceView->timeline()->setFocus(Qt::ShortcutFocusReason); });
    add(navigate, QString(), tr("Focus List"), QKeySequence(Qt::CTRL | Qt::Key_0),
        [this] { focusCurrentList(); });

    QMenu *filter = menuBar()->addMenu(tr("F&ilter"));
    filter->addActions(m_tracesPage->timeRange()->presetActions());
    filter->addSeparator();
    filter->addAction(m_tracesPage->actions().clearFilter);
    filter->addAction(m_tracesPage->actions().saveFilter);
    filter->addAction(m_tracesPage->actions().copyTraceId);

    QMenu *trace = menuBar()->addMenu(tr("T&race"));
    trace->setObjectName(QStringLiteral("menuTrace")); // other parts add to it (replay)
    const TraceView::Actions &t = m_traceView->actions();
    trace->addActions({ t.search, t.nextMatch, t.previousMatch });
    trace->addSeparator();
    trace->addActions({ t.nextError, t.previousError, t.expandErrors, t.expandAll, t.collapseAll });
    trace->addSeparator();
    trace->addActions({ t.mostExpensive, t.slowest });
    trace->addSeparator();
    trace->addActions({ t.zoomIn, t.zoomOut, t.zoomFit, t.zoomToSelection });
    trace->addSeparator();
    trace->addActions({ t.copyId, t.copyTraceId, t.openInLangfuse });

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    add(help, QStringLiteral("command"), tr("Command Palette…"), QKeySequence(Qt::CTRL | Qt::Key_K), [this] {
        showCommandPalette();
    })->setObjectName(QStringLiteral("actionCommandPalette"));
    QAction *keymap = add(help, QStringLiteral("keyboard"), tr("Keyboard Shortcuts…"),
        QKeySequence(Qt::Key_Question), [this] { showKeymap(); });
    keymap->setObjectName(QStringLiteral("actionKeymap"));
    keymap->setShortcuts({ QKeySequence(Qt::Key_Question), QKeySequence(Qt::Key_F1) });
    help->addSeparator();
    help->addAction(tr("&About Traceglass"), this, &MainWindow::showAbout);
    help->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt);
}

void MainWindow::setConnections(LangfuseSyncManager *manager)
{
    if (!m_connections && manager)
        m_connections = new ConnectionsController(this, manager);
}

QList<CommandEntry> MainWindow::commands() const
{
    QList<CommandEntry> entries;
    QSet<QAction *> seen;
    std::function<void(QMenu *)> walk = [&](QMenu *menu) {
        const QString category = menuTitle(menu);
        for (QAction *action : menu->actions()) {
            if (action->menu()) {
                walk(action->menu());
                continue;
            }
            if (action->isSeparator() || action->text().isEmpty() || seen.contains(action))
                continue;
            seen.insert(action);
            entries.append({ action, category });
        }
    };
    for (QAction *top : menuBar()->actions()) {
        if (top->menu())
            walk(top->menu());
    }
    // Actions other parts registered on the window without a menu.
    for (QAction *action : actions()) {
        if (!seen.contains(action) && !action->text().isEmpty()) {
            seen.insert(action);
            entries.append({ action, tr("Other") });
        }
    }
    return entries;
}

void MainWindow::showCommandPalette()
{
    m_palette->popup();
}

void MainWindow::showKeymap()
{
    auto *dialog = new KeymapDialog(commands(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->show();
}

void MainWindow::setTraceMaximized(bool maximized)
{
    m_pages->setVisible(!maximized);
    if (m_maximizeTrace && m_maximizeTrace->isChecked() != maximized)
        m_maximizeTrace->setChecked(maximized);
}

void MainWindow::sendNavigationKey(Qt::Key key)
{
    QWidget *target = QApplication::focusWidget();
    const bool takesKeys
        = qobject_cast<QAbstractScrollArea *>(target) || qobject_cast<TimelineView *>(target);
    if (!takesKeys || !isAncestorOf(target)) {
        if (m_traceView->isAncestorOf(target) || target == m_traceView)
            target = m_traceView->tree();
        else if (m_pages->currentWidget() == m_sessionsPage)
            target = m_sessionsPage->view();
        else
            target = m_tracesPage->view();
        target->setFocus(Qt::ShortcutFocusReason);
    }
    QKeyEvent press(QEvent::KeyPress, key, Qt::NoModifier);
    QApplication::sendEvent(target, &press);
    QKeyEvent release(QEvent::KeyRelease, key, Qt::NoModifier);
    QApplication::sendEvent(target, &release);
}

void MainWindow::focusSearch()
{
    QWidget *focus = QApplication::focusWidget();
    ObservationDetailView *detail = m_traceView->detail();
    if (focus && detail->isAncestorOf(focus)) {
        if (auto *json = qobject_cast<JsonView *>(detail->tabs()->currentWidget())) {
            json->focusSearch();
            return;
        }
    }
    if (focus && (m_traceView->isAncestorOf(focus) || focus == m_traceView)) {
        m_traceView->focusSearch();
        return;
    }
    if (m_pages->currentWidget() == m_sessionsPage) {
        m_sessionsPage->filterEdit()->setFocus(Qt::ShortcutFocusReason);
        m_sessionsPage->filterEdit()->selectAll();
        return;
    }
    m_tracesPage->focusFilter();
}

void MainWindow::focusCurrentList()
{
    if (m_pages->isHidden())
        setTraceMaximized(false);
    if (m_pages->currentWidget() == m_sessionsPage)
        m_sessionsPage->view()->setFocus(Qt::OtherFocusReason);
    else
        m_tracesPage->view()->setFocus(Qt::OtherFocusReason);
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
    settings.beginGroup(QStringLiteral("mainWindow/pageSplitters"));
    for (auto it = m_pageSplitterStates.cbegin(); it != m_pageSplitterStates.cend(); ++it) {
        if (it.key() != m_pages->currentIndex())
            settings.setValue(QString::number(it.key()), it.value());
    }
    settings.endGroup();
    settings.setValue(QStringLiteral("mainWindow/sidebar"), !m_sidebar->isHidden());
    m_tracesPage->saveState(QStringLiteral("tracesPage"));
    m_sessionsPage->saveState(QStringLiteral("sessionsPage"));
    m_traceView->saveState(QStringLiteral("traceView"));
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
    settings.beginGroup(QStringLiteral("mainWindow/pageSplitters"));
    for (const QString &key : settings.childKeys())
        m_pageSplitterStates.insert(key.toInt(), settings.value(key).toByteArray());
    settings.endGroup();
    {
        // The saved current page comes with the splitter as it was; do not let the switch redo it.
        const QSignalBlocker blocker(m_pages);
        m_pages->setCurrentIndex(settings.value(QStringLiteral("mainWindow/currentPage"), 0).toInt());
        m_lastPage = m_pages->currentIndex();
    }
    if (!settings.value(QStringLiteral("mainWindow/sidebar"), true).toBool()) {
        for (QAction *action : menuBar()->findChildren<QAction *>(QStringLiteral("actionShowSources")))
            action->setChecked(false);
    }
    m_tracesPage->restoreState(QStringLiteral("tracesPage"));
    m_sessionsPage->restoreState(QStringLiteral("sessionsPage"));
    m_traceView->restoreState(QStringLiteral("traceView"));
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    saveLayout();
    QMainWindow::closeEvent(event);
}

} // namespace tg
