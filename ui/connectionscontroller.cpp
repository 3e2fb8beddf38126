#include "connectionscontroller.h"

#include "connectiondialog.h"
#include "itemmodels/modelroles.h"
#include "itemmodels/sourcelistmodel.h"
#include "itemmodels/tracelistmodel.h"
#include "langfuse/langfusesyncmanager.h"
#include "langfuse/remotetracefetcher.h"
#include "mainwindow.h"
#include "sessionspage.h"
#include "sourcessidebar.h"
#include "tracespage.h"
#include "traceview.h"

#include <QAction>
#include <QApplication>
#include <QInputDialog>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QPainter>
#include <QProgressBar>
#include <QScrollBar>
#include <QStatusBar>
#include <QStyledItemDelegate>
#include <QTableView>
#include <QToolButton>
#include <QTreeView>

namespace tg {

namespace {

/// Draws a source's state ("synced 2 min ago", "offline — showing cached data") in small grey
/// text after its name; offline and failing states in a warning colour.
class SourceStateDelegate : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override
    {
        const QString state = index.column() == SourceListModel::NameColumn
            ? index.data(SourceListModel::StateRole).toString()
            : QString();
        if (state.isEmpty()) {
            QStyledItemDelegate::paint(painter, option, index);
            return;
        }
        QStyleOptionViewItem opt = option;
        initStyleOption(&opt, index);
        const QString name = opt.text;
        opt.text.clear();
        const QWidget *widget = option.widget;
        QStyle *style = widget ? widget->style() : QApplication::style();
        style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, widget);
        const QRect text = style->subElementRect(QStyle::SE_ItemViewItemText, &opt, widget);
        painter->save();
        const bool selected = opt.state & QStyle::State_Selected;
        painter->setPen(opt.palette.color(selected ? QPalette::HighlightedText : QPalette::Text));
        const QFontMetrics fm(opt.font);
        const QString shownName = fm.elidedText(name, Qt::ElideRight, text.width() * 2 / 3);
        painter->drawText(text, Qt::AlignVCenter | Qt::AlignLeft, shownName);
        QFont small = opt.font;
        small.setPointSizeF(std::max(6.0, small.pointSizeF() * 0.85));
        painter->setFont(small);
        const bool warn = state.contains(QLatin1String("offline")) || state.contains(QLatin1String("failed"))
            || state.contains(QLatin1String("edit the connection"));
        QColor color = selected ? opt.palette.color(QPalette::HighlightedText)
                                : opt.palette.color(QPalette::PlaceholderText);
        if (warn && !selected)
            color = QColor(0xb3, 0x5c, 0x00);
        painter->setPen(color);
        QRect rest = text.adjusted(
            fm.horizontalAdvance(shownName) + fm.horizontalAdvance(QLatin1Char(' ')) * 2, 0, 0, 0);
        painter->drawText(rest, Qt::AlignVCenter | Qt::AlignLeft,
            QFontMetrics(small).elidedText(state, Qt::ElideRight, rest.width()));
        painter->restore();
    }
};

} // namespace

ConnectionsController::ConnectionsController(MainWindow *window, LangfuseSyncManager *manager)
    : QObject(window)
    , m_window(window)
    , m_manager(manager)
{
    setObjectName(QStringLiteral("connectionsController"));
    m_status = window->addStatusSlot(QStringLiteral("langfuseStatus"));
    m_progress = new QProgressBar;
    m_progress->setObjectName(QStringLiteral("backfillProgress"));
    m_progress->setRange(0, 1000);
    m_progress->setMaximumWidth(160);
    m_progress->setTextVisible(true);
    m_progress->hide();
    m_cancel = new QToolButton;
    m_cancel->setObjectName(QStringLiteral("cancelBackfill"));
    m_cancel->setText(tr("Cancel"));
    m_cancel->setToolTip(tr("Cancel the backfill; what arrived is kept"));
    m_cancel->hide();
    window->statusBar()->insertPermanentWidget(0, m_cancel);
    window->statusBar()->insertPermanentWidget(0, m_progress);
    connect(m_cancel, &QToolButton::clicked, this, [this] {
        if (LangfuseSync *sync = m_manager ? m_manager->sync(m_backfilling) : nullptr)
            sync->cancelBackfill();
    });

    createMenu();
    installSidebarHooks();
    installTraceHooks();
    connect(manager, &LangfuseSyncManager::summaryChanged, this, &ConnectionsController::updateStatus);
    connect(
        manager, &LangfuseSyncManager::backfillProgressed, this, &ConnectionsController::onBackfillProgress);
    connect(
        manager, &LangfuseSyncManager::backfillFinished, this, &ConnectionsController::onBackfillFinished);
    connect(manager->transport(), &LangfuseTransport::rateLimitWait, this,
        [this](const QString &, qint64 waitMs) {
            m_window->statusBar()->showMessage(
                tr("Langfuse rate limit: the next request waits %1 s to stay under the plan's budget.")
                    .arg(qMax<qint64>(1, waitMs / 1000)),
                qMin<qint64>(waitMs + 2000, 60'000));
        });
    connect(manager->registry(), &ConnectionRegistry::connectionsChanged, this, [this] {
        // First start with LANGFUSE_* keys and nothing saved: point at them once.
        ConnectionRegistry *registry = m_manager->registry();
        if (registry->environmentOffer() && registry->savedConnections().isEmpty())
            m_window->statusBar()->showMessage(tr("Langfuse keys found in LANGFUSE_* variables (%1): "
                                                  "Connections ▸ Manage Connections to use them.")
                                                   .arg(registry->environmentOffer()->host),
                30'000);
        updateStatus();
    });
    updateStatus();
}

void ConnectionsController::createMenu()
{
    QMenuBar *bar = m_window->menuBar();
    m_menu = new QMenu(tr("&Connections"), bar);
    m_menu->setObjectName(QStringLiteral("connectionsMenu"));
    // Before Help, the last menu by convention.
    QAction *before = bar->actions().isEmpty() ? nullptr : bar->actions().last();
    bar->insertMenu(before, m_menu);
    QAction *manage = m_menu->addAction(tr("&Manage Connections…"), this, [this] { showDialog(); });
    manage->setObjectName(QStringLiteral("manageConnectionsAction"));
    manage->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_L));
    m_menu->addSeparator();
    QAction *syncAll = m_menu->addAction(tr("&Sync Now"), this, [this] {
        const QList<LangfuseSync *> chosen = selectedSyncs();
        for (LangfuseSync *s : chosen)
            s->syncNow();
    });
    syncAll->setObjectName(QStringLiteral("syncNowAction"));
    syncAll->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S));
    QAction *older
        = m_menu->addAction(tr("Load &Older Traces"), this, &ConnectionsController::loadMoreTraces);
    older->setObjectName(QStringLiteral("loadOlderAction"));
    QAction *backfillAction = m_menu->addAction(tr("&Backfill…"), this, &ConnectionsController::askBackfill);
    backfillAction->setObjectName(QStringLiteral("backfillAction"));
    m_menu->addSeparator();
    QAction *refresh = m_menu->addAction(tr("&Refresh Trace from Server"), this, [this] {
        if (m_manager && m_window->traceView()->traceRk() > 0)
            m_manager->fetcher()->refresh(m_window->traceView()->traceRk());
    });
    refresh->setObjectName(QStringLiteral("refreshTraceAction"));
    refresh->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
}

ConnectionDialog *ConnectionsController::showDialog(const QString &connectionId)
{
    if (!m_dialog) {
        m_dialog = new ConnectionDialog(m_manager, m_window);
        m_dialog->setAttribute(Qt::WA_DeleteOnClose);
    }
    if (!connectionId.isEmpty())
        m_dialog->selectConnection(connectionId);
    m_dialog->show();
    m_dialog->raise();
    m_dialog->activateWindow();
    return m_dialog;
}

QList<LangfuseSync *> ConnectionsController::selectedSyncs() const
{
    if (!m_manager)
        return {};
    QList<LangfuseSync *> out;
    const QList<qint64> ids = m_window->sidebar()->selectedSourceIds();
    if (ids.isEmpty())
        return m_manager->syncs();
    for (qint64 id : ids) {
        if (LangfuseSync *s = m_manager->syncForSource(id))
            out << s;
    }
    return out;
}

void ConnectionsController::installSidebarHooks()
{
    SourcesSidebar *sidebar = m_window->sidebar();
    QTreeView *view = sidebar->view();
    view->setItemDelegate(new SourceStateDelegate(view));
    connect(m_manager, &LangfuseSyncManager::sourceStateChanged, sidebar->model(),
        &SourceListModel::setSourceState);
    // A source created while the model had not loaded it yet gets its state once it has.
    connect(sidebar->model(), &SourceListModel::loaded, this, [this] {
        for (LangfuseSync *s : m_manager->syncs()) {
            if (s->sourceId() > 0)
                m_window->sidebar()->model()->setSourceState(s->sourceId(), s->stateText());
        }
    });
    view->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(view, &QWidget::customContextMenuRequested, this, [this, view](const QPoint &pos) {
        const QModelIndex index = view->indexAt(pos);
        LangfuseSync *sync
            = m_manager ? m_manager->syncForSource(index.data(SourceIdRole).toLongLong()) : nullptr;
        if (!sync)
            return;
        QMenu menu;
        menu.addAction(tr("Sync Now"), sync, &LangfuseSync::syncNow);
        menu.addAction(tr("Load Older Traces"), sync, &LangfuseSync::loadMoreTraces);
        menu.addAction(tr("Backfill…"), this, &ConnectionsController::askBackfill);
        if (sync->isBackfilling())
            menu.addAction(tr("Cancel Backfill"), sync, &LangfuseSync::cancelBackfill);
        menu.addSeparator();
        const QString id = sync->connection().id;
        menu.addAction(tr("Edit Connection…"), this, [this, id] { showDialog(id); });
        menu.exec(view->viewport()->mapToGlobal(pos));
    });
}

void ConnectionsController::installTraceHooks()
{
    RemoteTraceFetcher *fetcher = m_manager->fetcher();
    TracesPage *traces = m_window->tracesPage();
    connect(traces, &TracesPage::currentTraceChanged, fetcher, &RemoteTraceFetcher::traceOpened);
    connect(traces, &TracesPage::traceActivated, fetcher, &RemoteTraceFetcher::traceOpened);
    connect(fetcher, &RemoteTraceFetcher::fetchStarted, this, [this](qint64, const QString &text) {
        m_fetchText = text;
        updateStatus();
    });
    connect(
        fetcher, &RemoteTraceFetcher::fetchFinished, this, [this](qint64, bool ok, const QString &message) {
            m_fetchText.clear();
            updateStatus();
            if (!ok)
                m_window->statusBar()->showMessage(
                    tr("The trace could not be downloaded: %1").arg(message), 15'000);
        });
    connect(m_window->sessionsPage(), &SessionsPage::sessionActivated, this,
        [this](qint64 sourceId, const QString &sessionId) {
            if (LangfuseSync *sync = m_manager ? m_manager->syncForSource(sourceId) : nullptr)
                sync->fetchSession(sessionId);
        });
    // The traces list pages in from the server as the user scrolls to its end.
    QScrollBar *bar = traces->view()->verticalScrollBar();
    connect(bar, &QScrollBar::valueChanged, this, [this, bar](int value) {
        TraceListModel *model = m_window->tracesPage()->model();
        if (value >= bar->maximum() - 2 && bar->maximum() > 0 && !model->canFetchMore({})
            && !model->isLoading())
            loadMoreTraces();
    });
    // A Langfuse source shown with fewer traces than a page: ask for more right away (not for a
    // filtered list: its few rows say nothing about what the server has).
    connect(traces->model(), &TraceListModel::loaded, this, [this] {
        TraceListModel *model = m_window->tracesPage()->model();
        TraceFilter filter = model->filter();
        filter.sourceIds.clear();
        filter.sessionId.clear();
        if (filter == TraceFilter() && model->rowCount() < model->pageSize() && !model->canFetchMore({}))
            loadMoreTraces();
    });
}

void ConnectionsController::loadMoreTraces()
{
    const QList<qint64> selected = m_window->sidebar()->selectedSourceIds();
    for (LangfuseSync *s : selectedSyncs()) {
        // "All sources" asks only connections that are already listed in the sidebar.
        if (!selected.isEmpty() || s->sourceId() > 0)
            s->loadMoreTraces();
    }
}

void ConnectionsController::askBackfill()
{
    bool ok = false;
    const int days = QInputDialog::getInt(m_window, tr("Backfill"),
        tr("Download everything that started in the last … days\n(for the selected Langfuse source, or "
           "all):"),
        30, 1, 3650, 1, &ok);
    if (ok)
        backfill(days);
}

void ConnectionsController::backfill(int days)
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (LangfuseSync *s : selectedSyncs())
        s->backfill({ now.addDays(-days), now });
}

void ConnectionsController::onBackfillProgress(const QString &connectionId, double fraction, qint64 traces)
{
    m_backfilling = connectionId;
    m_progress->setValue(int(fraction * 1000));
    const LangfuseSync *sync = m_manager ? m_manager->sync(connectionId) : nullptr;
    m_progress->setFormat(
        tr("%1: %p% · %2 traces").arg(sync ? sync->connection().name : QString()).arg(traces));
    m_progress->show();
    m_cancel->show();
}

void ConnectionsController::onBackfillFinished(
    const QString &connectionId, bool ok, bool cancelled, const QString &message)
{
    if (connectionId == m_backfilling || m_backfilling.isEmpty()) {
        m_progress->hide();
        m_cancel->hide();
        m_backfilling.clear();
    }
    m_window->statusBar()->showMessage(message, ok || cancelled ? 8'000 : 20'000);
}

void ConnectionsController::updateStatus()
{
    if (!m_manager)
        return;
    QString text = m_manager->summaryText();
    if (!m_fetchText.isEmpty())
        text = text.isEmpty() ? m_fetchText : text + QStringLiteral(" · ") + m_fetchText;
    m_status->setText(text);
    QStringList tips;
    for (const LangfuseSync *s : m_manager->syncs()) {
        QString line = s->connection().name + QStringLiteral(": ") + s->stateText();
        if (!s->lastError().ok())
            line += QStringLiteral("\n  ") + s->lastError().message;
        tips << line;
    }
    m_status->setToolTip(tips.join(u'\n'));
}

} // namespace tg
