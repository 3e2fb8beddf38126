#include "replaycontroller.h"

#include "batchreplaydialog.h"
#include "connectionscontroller.h"
#include "icons.h"
#include "itemmodels/modelroles.h"
#include "itemmodels/tracelistmodel.h"
#include "langfuse/langfusesyncmanager.h"
#include "mainwindow.h"
#include "plural.h"
#include "replaycontext.h"
#include "replaywindow.h"
#include "sessionspage.h"
#include "spantreeview.h"
#include "tracespage.h"
#include "traceview.h"

#include <QAction>
#include <QItemSelectionModel>
#include <QMenu>
#include <QMenuBar>
#include <QStatusBar>
#include <QTableView>

namespace tg {

ReplayController::ReplayController(TraceStore *store, QObject *parent, const QString &credentialService)
    : QObject(parent)
    , m_store(store)
    , m_context(new ReplayContext(store, this,
          credentialService.isEmpty() ? QString::fromLatin1(CredentialStore::kDefaultService)
                                      : credentialService))
{
    setObjectName(QStringLiteral("replayController"));
}

ReplayController::~ReplayController() = default;

void ReplayController::install(MainWindow *window)
{
    m_window = window;
    m_replay = new QAction(icons::icon(QStringLiteral("replay")), tr("Replay Generation…"), window);
    m_replay->setObjectName(QStringLiteral("actionReplayGeneration"));
    m_replay->setShortcut(QKeySequence(Qt::Key_R));
    m_replay->setToolTip(tr("Run the selected generation again, edited, against a provider (R)"));
    m_batch = new QAction(icons::icon(QStringLiteral("stack")), tr("Batch Replay…"), window);
    m_batch->setObjectName(QStringLiteral("actionBatchReplay"));
    m_batch->setShortcut(QKeySequence(Qt::SHIFT | Qt::Key_R));
    m_batch->setToolTip(tr("Replay the generations of many traces with a new model or prompt"));
    connect(m_replay, &QAction::triggered, this, &ReplayController::replayCurrent);
    connect(m_batch, &QAction::triggered, this, [this] { openBatch(); });

    QMenu *traceMenu = window->menuBar()->findChild<QMenu *>(QStringLiteral("menuTrace"));
    if (traceMenu) {
        traceMenu->addSeparator();
        traceMenu->addActions({ m_replay, m_batch });
    } else {
        window->addActions({ m_replay, m_batch }); // still in the palette, under "Other"
    }
    TraceView *view = window->traceView();
    view->addTreeContextAction(m_replay);
    connect(view->tree()->selectionModel(), &QItemSelectionModel::currentChanged, this,
        &ReplayController::updateEnabled);
    connect(view, &TraceView::traceLoaded, this, &ReplayController::updateEnabled);
    updateEnabled();
}

void ReplayController::updateEnabled()
{
    MainWindow *window = m_window.data();
    if (!window || !m_replay)
        return;
    const QModelIndex current = window->traceView()->tree()->currentIndex();
    m_replay->setEnabled(
        current.isValid() && current.data(ObservationTypeRole).toInt() == int(ObservationType::Generation));
}

void ReplayController::replayCurrent()
{
    MainWindow *window = m_window.data();
    if (!window)
        return;
    const QModelIndex current = window->traceView()->tree()->currentIndex();
    if (!current.isValid() || current.data(ObservationTypeRole).toInt() != int(ObservationType::Generation)) {
        window->statusBar()->showMessage(tr("Select a generation in the span tree to replay it."), 5000);
        return;
    }
    openReplay(current.data(RowKeyRole).toLongLong());
}

ReplayWindow *ReplayController::openReplay(qint64 observationRk)
{
    MainWindow *main = m_window.data();
    if (main && main->connections() && !m_context->connections())
        m_context->setConnections(main->connections()->manager()->registry());
    auto *window = new ReplayWindow(m_context, observationRk, main);
    window->show();
    window->raise();
    return window;
}

BatchReplayDialog *ReplayController::openBatch()
{
    QList<BatchScope> scopes;
    MainWindow *main = m_window.data();
    if (main) {
        TracesPage *traces = main->tracesPage();
        QList<qint64> selected;
        for (const QModelIndex &index : traces->view()->selectionModel()->selectedRows())
            selected << index.data(RowKeyRole).toLongLong();
        if (!selected.isEmpty())
            scopes.append({ plural(selected.size(), tr("the selected trace"), tr("the %1 selected traces")),
                selected, {} });
        const qint64 total = traces->model()->totalCount();
        scopes.append({ total >= 0
                ? tr("the traces list as filtered (%1)").arg(plural(total, tr("1 trace"), tr("%1 traces")))
                : tr("the traces list as filtered"),
            {}, traces->appliedFilter() });
        const QModelIndex session = main->sessionsPage()->view()->currentIndex();
        if (session.isValid()) {
            TraceFilter filter;
            filter.sourceIds = { session.data(SourceIdRole).toLongLong() };
            filter.sessionId = session.data(IdRole).toString();
            scopes.append({ tr("session %1").arg(filter.sessionId), {}, filter });
        }
        if (const qint64 open = main->traceView()->traceRk(); open > 0)
            scopes.append({ tr("the open trace"), { open }, {} });
    }
    auto *dialog = new BatchReplayDialog(m_context, scopes, main);
    dialog->show();
    return dialog;
}

} // namespace tg
