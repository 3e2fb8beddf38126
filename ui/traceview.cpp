#include "traceview.h"

#include "chatview.h"
#include "detailcontent.h"
#include "domain/timeformat.h"
#include "icons.h"
#include "itemmodels/backgroundtask.h"
#include "itemmodels/modelroles.h"
#include "itemmodels/spantreemodel.h"
#include "itemmodels/tracelistmodel.h"
#include "observationdetailview.h"
#include "plural.h"
#include "spantreeview.h"
#include "store/storereader.h"
#include "store/tracestore.h"
#include "theme.h"
#include "timelineminimap.h"
#include "timelineview.h"

#include <algorithm>

#include <QAction>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMenu>
#include <QSettings>
#include <QSplitter>
#include <QTimer>
#include <QToolBar>
#include <QVBoxLayout>

namespace tg {

namespace {

struct LoadedTrace
{
    std::optional<TraceRow> row;
    SpanTree tree;
    qint64 maxSeq = 0;
    int observations = 0;
};

struct LiveChanges
{
    std::optional<TraceRow> row;
    std::vector<ObservationRow> rows;
};

// Fully expanded up to this many nodes; bigger trees open with their top level expanded.
constexpr int kExpandAllLimit = 5000;

QAction *makeAction(QObject *parent, const QString &icon, const QString &text, const QKeySequence &shortcut,
    const QString &objectName)
{
    auto *action = new QAction(text, parent);
    if (!icon.isEmpty())
        action->setIcon(icons::icon(icon));
    if (!shortcut.isEmpty())
        action->setShortcut(shortcut);
    action->setObjectName(objectName);
    return action;
}

} // namespace

QList<QAction *> TraceView::Actions::all() const
{
    return { search, nextMatch, previousMatch, nextError, previousError, expandAll, collapseAll, expandErrors,
        mostExpensive, slowest, toggleTimeline, zoomIn, zoomOut, zoomFit, zoomToSelection, copyId,
        copyTraceId, openInLangfuse, focusDetail };
}

TraceView::TraceView(TraceStore *store, QWidget *parent)
    : QWidget(parent)
    , m_store(store)
    , m_model(new SpanTreeModel(this))
    , m_title(new QLabel(this))
    , m_facts(new QLabel(this))
    , m_toolbar(new QToolBar(this))
    , m_searchEdit(new QLineEdit(this))
    , m_matchLabel(new QLabel(this))
    , m_splitter(new QSplitter(Qt::Horizontal, this))
    , m_treeSplitter(new QSplitter(Qt::Horizontal, m_splitter))
    , m_tree(new SpanTreeView(m_treeSplitter))
    , m_timeline(nullptr)
    , m_minimap(nullptr)
    , m_detail(new ObservationDetailView(m_splitter))
    , m_liveTimer(new QTimer(this))
    , m_detailRefresh(new QTimer(this))
    , m_searchDebounce(new QTimer(this))
{
    setObjectName(QStringLiteral("traceView"));
    m_title->setObjectName(QStringLiteral("traceHeader"));
    m_title->setTextFormat(Qt::RichText);
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_facts->setObjectName(QStringLiteral("traceFacts"));
    m_facts->setTextFormat(Qt::RichText);
    m_facts->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_tree->setObjectName(QStringLiteral("spanTree"));
    m_tree->setModel(m_model);
    m_tree->header()->setContextMenuPolicy(Qt::CustomContextMenu);
    m_tree->setColumnWidth(SpanTreeModel::NameColumn, 250);
    m_tree->setColumnWidth(SpanTreeModel::TypeColumn, 96);
    m_tree->setColumnWidth(SpanTreeModel::StartColumn, 72);
    m_tree->setColumnWidth(SpanTreeModel::DurationColumn, 104);
    m_tree->setColumnWidth(SpanTreeModel::ModelColumn, 120);
    const int tokensWidth = m_tree->header()->fontMetrics().horizontalAdvance(tr("Tokens out")) + 18;
    m_tree->setColumnWidth(SpanTreeModel::InputTokensColumn, tokensWidth);
    m_tree->setColumnWidth(SpanTreeModel::OutputTokensColumn, tokensWidth);
    m_tree->setColumnWidth(SpanTreeModel::CostColumn, 66);
    // The icon says the type, the colour the level, the detail the model: show them on demand.
    for (const int column : { SpanTreeModel::TypeColumn, SpanTreeModel::LevelColumn,
             SpanTreeModel::StartColumn, SpanTreeModel::ModelColumn })
        m_tree->setColumnHidden(column, true);
    m_timeline = new TimelineView(m_tree, m_treeSplitter);
    m_minimap = new TimelineMinimap(m_model, m_timeline, this);
    m_treeSplitter->setObjectName(QStringLiteral("treeSplitter"));
    m_treeSplitter->addWidget(m_tree);
    m_treeSplitter->addWidget(m_timeline);
    m_treeSplitter->setStretchFactor(0, 3);
    m_treeSplitter->setStretchFactor(1, 2);
    m_treeSplitter->setSizes({ 560, 300 });
    m_treeSplitter->setChildrenCollapsible(true);
    m_splitter->setObjectName(QStringLiteral("traceSplitter"));
    m_splitter->addWidget(m_treeSplitter);
    m_splitter->addWidget(m_detail);
    m_splitter->setStretchFactor(0, 3);
    m_splitter->setStretchFactor(1, 2);
    m_splitter->setSizes({ 760, 470 });

    m_searchEdit->setObjectName(QStringLiteral("traceSearch"));
    m_searchEdit->setPlaceholderText(tr("Search names, inputs and outputs in this trace  (/)"));
    m_searchEdit->setClearButtonEnabled(true);
    m_searchEdit->addAction(icons::icon(QStringLiteral("search")), QLineEdit::LeadingPosition);
    m_searchEdit->installEventFilter(this);
    m_searchEdit->setMinimumWidth(220);
    m_matchLabel->setObjectName(QStringLiteral("traceMatchLabel"));
    m_matchLabel->setMinimumWidth(90);

    createActions();
    m_toolbar->setObjectName(QStringLiteral("traceToolbar"));
    m_toolbar->setIconSize(QSize(16, 16));
    m_toolbar->setToolButtonStyle(Qt::ToolButtonIconOnly);
    m_toolbar->addWidget(m_searchEdit);
    m_toolbar->addWidget(m_matchLabel);
    m_toolbar->addAction(m_actions.previousMatch);
    m_toolbar->addAction(m_actions.nextMatch);
    m_toolbar->addSeparator();
    m_toolbar->addAction(m_actions.expandAll);
    m_toolbar->addAction(m_actions.collapseAll);
    m_toolbar->addAction(m_actions.expandErrors);
    m_toolbar->addAction(m_actions.nextError);
    m_toolbar->addAction(m_actions.mostExpensive);
    m_toolbar->addAction(m_actions.slowest);
    m_toolbar->addSeparator();
    m_toolbar->addAction(m_actions.toggleTimeline);
    m_toolbar->addAction(m_actions.zoomIn);
    m_toolbar->addAction(m_actions.zoomOut);
    m_toolbar->addAction(m_actions.zoomFit);

    auto *titleRow = new QHBoxLayout;
    titleRow->setContentsMargins(10, 6, 8, 0);
    titleRow->setSpacing(12);
    titleRow->addWidget(m_title);
    titleRow->addWidget(m_facts, 1);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addLayout(titleRow);
    layout->addWidget(m_toolbar);
    layout->addWidget(m_minimap);
    layout->addWidget(m_splitter, 1);

    m_liveTimer->setSingleShot(true);
    m_liveTimer->setInterval(50);
    m_searchDebounce->setSingleShot(true);
    m_searchDebounce->setInterval(180);
    connect(m_liveTimer, &QTimer::timeout, this, &TraceView::fetchLiveChanges);
    m_detailRefresh->setSingleShot(true);
    m_detailRefresh->setInterval(1500);
    connect(m_detailRefresh, &QTimer::timeout, this, &TraceView::showCurrent);
    connect(m_searchDebounce, &QTimer::timeout, this, [this] { search(m_searchEdit->text()); });
    connect(m_searchEdit, &QLineEdit::textEdited, m_searchDebounce, qOverload<>(&QTimer::start));
    connect(m_searchEdit, &QLineEdit::textChanged, this, [this](const QString &text) {
        if (text.isEmpty())
            search(QString());
    });
    connect(m_store, &TraceStore::committed, this, &TraceView::onCommitted);
    connect(m_tree->selectionModel(), &QItemSelectionModel::currentChanged, this, &TraceView::showCurrent);
    connect(m_tree, &SpanTreeView::escapePressed, this, &TraceView::leaveRequested);
    connect(m_tree, &QTreeView::activated, this,
        [this] { m_detail->chatView()->setFocus(Qt::OtherFocusReason); });
    connect(m_tree->header(), &QHeaderView::customContextMenuRequested, this, &TraceView::showHeaderMenu);
    m_tree->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_tree, &QWidget::customContextMenuRequested, this, &TraceView::showTreeMenu);
    connect(m_detail, &ObservationDetailView::statusMessage, this, &TraceView::statusMessage);
    openTrace(0);
}

void TraceView::createActions()
{
    Actions &a = m_actions;
    a.search = makeAction(this, QStringLiteral("search"), tr("Search in Trace"),
        QKeySequence(Qt::CTRL | Qt::Key_F), QStringLiteral("actionTraceSearch"));
    a.nextMatch = makeAction(this, QStringLiteral("down"), tr("Next Match"), QKeySequence(Qt::Key_N),
        QStringLiteral("actionNextMatch"));
    a.previousMatch = makeAction(this, QStringLiteral("up"), tr("Previous Match"),
        QKeySequence(Qt::SHIFT | Qt::Key_N), QStringLiteral("actionPreviousMatch"));
    a.nextError = makeAction(this, QStringLiteral("next-error"), tr("Next Error"), QKeySequence(Qt::Key_E),
        QStringLiteral("actionNextError"));
    a.previousError = makeAction(this, QString(), tr("Previous Error"), QKeySequence(Qt::SHIFT | Qt::Key_E),
        QStringLiteral("actionPreviousError"));
    a.expandAll = makeAction(this, QStringLiteral("expand-all"), tr("Expand All"),
        QKeySequence(Qt::SHIFT | Qt::Key_L), QStringLiteral("actionExpandAll"));
    a.collapseAll = makeAction(this, QStringLiteral("collapse-all"), tr("Collapse All"),
        QKeySequence(Qt::SHIFT | Qt::Key_H), QStringLiteral("actionCollapseAll"));
    a.expandErrors = makeAction(this, QStringLiteral("expand-errors"), tr("Expand to Errors"),
        QKeySequence(Qt::SHIFT | Qt::Key_X), QStringLiteral("actionExpandErrors"));
    a.mostExpensive = makeAction(this, QStringLiteral("expensive"), tr("Jump to Most Expensive Generation"),
        QKeySequence(Qt::Key_C), QStringLiteral("actionMostExpensive"));
    a.slowest = makeAction(this, QStringLiteral("slowest"), tr("Jump to Slowest Generation"),
        QKeySequence(Qt::Key_S), QStringLiteral("actionSlowest"));
    a.toggleTimeline = makeAction(this, QStringLiteral("timeline"), tr("Show Timeline"),
        QKeySequence(Qt::Key_T), QStringLiteral("actionToggleTimeline"));
    a.toggleTimeline->setCheckable(true);
    a.toggleTimeline->setChecked(true);
    a.zoomIn = makeAction(this, QStringLiteral("zoom-in"), tr("Zoom Timeline In"), QKeySequence(Qt::Key_Plus),
        QStringLiteral("actionZoomIn"));
    a.zoomIn->setShortcuts({ QKeySequence(Qt::Key_Plus), QKeySequence(Qt::Key_Equal) });
    a.zoomOut = makeAction(this, QStringLiteral("zoom-out"), tr("Zoom Timeline Out"),
        QKeySequence(Qt::Key_Minus), QStringLiteral("actionZoomOut"));
    a.zoomFit = makeAction(this, QStringLiteral("zoom-fit"), tr("Fit Timeline to Trace"),
        QKeySequence(Qt::Key_0), QStringLiteral("actionZoomFit"));
    a.zoomToSelection = makeAction(this, QString(), tr("Zoom Timeline to Selection"), QKeySequence(Qt::Key_Z),
        QStringLiteral("actionZoomSelection"));
    a.copyId = makeAction(this, QStringLiteral("copy"), tr("Copy Observation Id"), QKeySequence(Qt::Key_Y),
        QStringLiteral("actionCopyId"));
    a.copyTraceId = makeAction(this, QString(), tr("Copy Trace Id"), QKeySequence(Qt::SHIFT | Qt::Key_Y),
        QStringLiteral("actionCopyTraceId"));
    a.openInLangfuse = makeAction(this, QStringLiteral("external"), tr("Open in Langfuse"),
        QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O), QStringLiteral("actionOpenInLangfuse"));
    a.focusDetail = makeAction(this, QStringLiteral("chat"), tr("Focus Detail Pane"), QKeySequence(Qt::Key_D),
        QStringLiteral("actionFocusDetail"));

    connect(a.search, &QAction::triggered, this, &TraceView::focusSearch);
    connect(a.nextMatch, &QAction::triggered, this, &TraceView::nextMatch);
    connect(a.previousMatch, &QAction::triggered, this, &TraceView::previousMatch);
    connect(a.nextError, &QAction::triggered, this, &TraceView::nextError);
    connect(a.previousError, &QAction::triggered, this, &TraceView::previousError);
    connect(a.expandAll, &QAction::triggered, this, &TraceView::expandAll);
    connect(a.collapseAll, &QAction::triggered, this, &TraceView::collapseAll);
    connect(a.expandErrors, &QAction::triggered, this, &TraceView::expandToErrors);
    connect(a.mostExpensive, &QAction::triggered, this, &TraceView::jumpToMostExpensive);
    connect(a.slowest, &QAction::triggered, this, &TraceView::jumpToSlowest);
    connect(a.toggleTimeline, &QAction::toggled, this, &TraceView::setTimelineVisible);
    connect(a.zoomIn, &QAction::triggered, m_timeline, &TimelineView::zoomIn);
    connect(a.zoomOut, &QAction::triggered, m_timeline, &TimelineView::zoomOut);
    connect(a.zoomFit, &QAction::triggered, m_timeline, &TimelineView::zoomToFit);
    connect(a.zoomToSelection, &QAction::triggered, this,
        [this] { m_timeline->zoomToIndex(m_tree->currentIndex()); });
    connect(a.copyId, &QAction::triggered, m_detail, &ObservationDetailView::copyId);
    connect(a.copyTraceId, &QAction::triggered, m_detail, &ObservationDetailView::copyTraceId);
    connect(a.openInLangfuse, &QAction::triggered, m_detail, &ObservationDetailView::openInLangfuse);
    connect(a.focusDetail, &QAction::triggered, this,
        [this] { m_detail->tabs()->currentWidget()->setFocus(Qt::ShortcutFocusReason); });
    // Registered on the view so they work wherever it lives (the main window also lists them).
    addActions(a.all());
}

void TraceView::updateHeader(const TraceRow &r)
{
    m_row = r;
    const QString muted = theme::mutedText(palette()).name();
    m_title->setText(QStringLiteral("<b style='font-size:large'>%1</b>")
                         .arg((r.name.isEmpty() ? r.id : r.name).toHtmlEscaped()));
    QStringList facts;
    facts << formatTimestamp(r.timestampNs);
    if (r.latencyNs >= 0)
        facts << formatDuration(r.latencyNs);
    facts << plural(r.observationCount, tr("1 observation"), tr("%1 observations"));
    if (r.totalTokens > 0)
        facts << tr("%1 tokens").arg(QLocale().toString(r.totalTokens));
    if (r.cost > 0)
        facts << formatCost(r.cost);
    if (!r.userId.isEmpty())
        facts << tr("user %1").arg(r.userId);
    if (!r.agent.isEmpty())
        facts << tr("agent %1").arg(r.agent);
    QString text = QStringLiteral("<span style='color:%1'>%2</span>")
                       .arg(muted, facts.join(QStringLiteral(" · ")).toHtmlEscaped());
    if (r.errorCount > 0)
        text += QStringLiteral(" &nbsp;<span style='color:%1'>%2</span>")
                    .arg(theme::errorColor(palette()).name(),
                        plural(r.errorCount, tr("1 error"), tr("%1 errors")));
    else if (r.warningCount > 0)
        text += QStringLiteral(" &nbsp;<span style='color:%1'>%2</span>")
                    .arg(theme::warningColor(palette()).name(),
                        plural(r.warningCount, tr("1 warning"), tr("%1 warnings")));
    m_facts->setText(text);
}

void TraceView::openTrace(qint64 traceRk)
{
    const quint64 generation = ++m_generation;
    m_traceRk = traceRk;
    m_seenSeq = 0;
    m_liveTimer->stop();
    m_detailRefresh->stop();
    m_contentMatches.clear();
    m_traceMatches = false;
    if (traceRk == 0) {
        m_row.reset();
        m_model->clear();
        m_title->setText(tr("No trace selected"));
        m_facts->clear();
        m_detail->showMessage(tr("Select a trace to see its observations."));
        updateMatchLabel();
        return;
    }
    std::shared_ptr<ReaderPool> pool = m_store->readerPool();
    runInBackground(
        this,
        [pool, traceRk] {
            LoadedTrace loaded;
            auto reader = pool->lease();
            if (!reader)
                return loaded;
            loaded.row = reader->trace(traceRk);
            const std::vector<ObservationRow> rows = reader->observations(traceRk);
            for (const ObservationRow &r : rows)
                loaded.maxSeq = std::max(loaded.maxSeq, r.writeSeq);
            loaded.observations = static_cast<int>(rows.size());
            loaded.tree = SpanTree::build(rows);
            return loaded;
        },
        [this, generation, traceRk](LoadedTrace loaded) {
            if (generation != m_generation)
                return;
            if (!loaded.row) {
                m_model->clear();
                m_title->setText(tr("This trace is no longer in the store."));
                m_facts->clear();
                return;
            }
            m_seenSeq = std::max(loaded.maxSeq, loaded.row->writeSeq);
            updateHeader(*loaded.row);
            const int nodes = loaded.tree.size();
            m_model->setTree(std::move(loaded.tree));
            if (nodes <= kExpandAllLimit)
                m_tree->expandAll();
            else
                m_tree->expand(m_model->index(0, 0));
            const QModelIndex first = m_model->index(0, 0);
            if (first.isValid())
                m_tree->setCurrentIndex(first);
            else
                showCurrent();
            if (!m_searchText.isEmpty())
                search(m_searchText);
            else
                updateMatchLabel();
            Q_EMIT traceLoaded(traceRk, loaded.observations);
        });
}

void TraceView::onCommitted(const StoreChange &change)
{
    if (m_traceRk != 0 && change.touchesTrace(m_traceRk) && !m_liveTimer->isActive())
        m_liveTimer->start();
}

void TraceView::fetchLiveChanges()
{
    if (m_liveFetchRunning) {
        m_liveTimer->start();
        return;
    }
    m_liveFetchRunning = true;
    const quint64 generation = m_generation;
    const qint64 traceRk = m_traceRk;
    const qint64 since = m_seenSeq;
    std::shared_ptr<ReaderPool> pool = m_store->readerPool();
    runInBackground(
        this,
        [pool, traceRk, since] {
            LiveChanges changes;
            auto reader = pool->lease();
            if (!reader)
                return changes;
            changes.row = reader->trace(traceRk);
            changes.rows = reader->observations(traceRk, since);
            return changes;
        },
        [this, generation](LiveChanges changes) {
            m_liveFetchRunning = false;
            if (generation != m_generation)
                return;
            if (changes.row) {
                updateHeader(*changes.row);
                m_seenSeq = std::max(m_seenSeq, changes.row->writeSeq);
            }
            for (const ObservationRow &r : changes.rows)
                m_seenSeq = std::max(m_seenSeq, r.writeSeq);
            if (!changes.rows.empty()) {
                m_model->applyUpdate(changes.rows);
                if (!m_searchText.isEmpty())
                    applyMatches(m_contentMatches, true); // new rows may match by name
            }
            // The detail shows totals of the trace (or the fields of one observation): refresh it
            // when what it shows changed, e.g. a synced trace whose observations just arrived.
            const qint64 shownRk = m_tree->currentIndex().data(RowKeyRole).toLongLong();
            const bool shownChanged = shownRk == 0
                ? changes.row.has_value()
                : std::any_of(changes.rows.begin(), changes.rows.end(),
                      [shownRk](const ObservationRow &r) { return r.rk == shownRk; });
            if (shownChanged && !m_detailRefresh->isActive()) {
                const qint64 loadedAgo = m_sinceDetail.isValid() ? m_sinceDetail.elapsed() : 1500;
                m_detailRefresh->start(static_cast<int>(std::max<qint64>(0, 1500 - loadedAgo)));
            }
        });
}

void TraceView::showCurrent()
{
    const quint64 generation = ++m_detailGeneration;
    m_sinceDetail.restart();
    const QModelIndex current = m_tree->currentIndex();
    const qint64 observationRk = current.isValid() ? current.data(RowKeyRole).toLongLong() : 0;
    const qint64 traceRk = m_traceRk;
    updateMatchLabel();
    if (traceRk == 0)
        return;
    std::shared_ptr<ReaderPool> pool = m_store->readerPool();
    runInBackground(
        this,
        [pool, observationRk, traceRk] {
            auto reader = pool->lease();
            return reader ? DetailContent::load(*reader, traceRk, observationRk) : DetailContent();
        },
        [this, generation](DetailContent content) {
            if (generation != m_detailGeneration)
                return;
            if (content.isEmpty())
                m_detail->showMessage(tr("This observation is no longer in the store."));
            else
                m_detail->showContent(std::move(content));
            m_actions.openInLangfuse->setEnabled(m_detail->langfuseUrl().isValid());
        });
}

void TraceView::setTimelineVisible(bool visible)
{
    m_timeline->setVisible(visible);
    m_minimap->setVisible(visible);
    if (m_actions.toggleTimeline->isChecked() != visible)
        m_actions.toggleTimeline->setChecked(visible);
}

bool TraceView::isTimelineVisible() const
{
    return m_actions.toggleTimeline->isChecked();
}

void TraceView::showHeaderMenu(const QPoint &pos)
{
    QMenu menu(this);
    for (int column = 1; column < SpanTreeModel::ColumnCount; ++column) {
        QAction *action = menu.addAction(m_model->headerData(column, Qt::Horizontal).toString());
        action->setCheckable(true);
        action->setChecked(!m_tree->isColumnHidden(column));
        connect(action, &QAction::toggled, this,
            [this, column](bool on) { m_tree->setColumnHidden(column, !on); });
    }
    menu.exec(m_tree->header()->mapToGlobal(pos));
}

void TraceView::addTreeContextAction(QAction *action)
{
    m_treeContextActions.append(action);
}

void TraceView::showTreeMenu(const QPoint &pos)
{
    const QModelIndex index = m_tree->indexAt(pos);
    if (!index.isValid())
        return;
    m_tree->setCurrentIndex(index);
    QMenu menu(this);
    menu.addActions(m_treeContextActions);
    if (!m_treeContextActions.isEmpty())
        menu.addSeparator();
    menu.addActions({ m_actions.copyId, m_actions.copyTraceId, m_actions.openInLangfuse });
    menu.exec(m_tree->viewport()->mapToGlobal(pos));
}

bool TraceView::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_searchEdit && event->type() == QEvent::KeyPress) {
        auto *key = static_cast<QKeyEvent *>(event);
        switch (key->key()) {
        case Qt::Key_Return:
        case Qt::Key_Enter:
            if (m_searchDebounce->isActive() || m_searchEdit->text().trimmed() != m_searchText) {
                m_searchDebounce->stop();
                search(m_searchEdit->text());
            } else if (key->modifiers() & Qt::ShiftModifier) {
                previousMatch();
            } else {
                nextMatch();
            }
            return true;
        case Qt::Key_Escape:
        case Qt::Key_Down:
            m_tree->setFocus(Qt::ShortcutFocusReason);
            return true;
        default:
            break;
        }
    }
    return QWidget::eventFilter(watched, event);
}

void TraceView::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange && m_row)
        updateHeader(*m_row); // its colours come from the palette
}

void TraceView::saveState(const QString &group) const
{
    QSettings settings;
    settings.setValue(group + QStringLiteral("/treeHeader"), m_tree->header()->saveState());
    settings.setValue(group + QStringLiteral("/treeSplitter"), m_treeSplitter->saveState());
    settings.setValue(group + QStringLiteral("/timeline"), isTimelineVisible());
    settings.setValue(group + QStringLiteral("/detailTab"), m_detail->tabs()->currentIndex());
}

void TraceView::restoreState(const QString &group)
{
    QSettings settings;
    const QByteArray header = settings.value(group + QStringLiteral("/treeHeader")).toByteArray();
    if (!header.isEmpty())
        m_tree->header()->restoreState(header);
    const QByteArray splitter = settings.value(group + QStringLiteral("/treeSplitter")).toByteArray();
    if (!splitter.isEmpty())
        m_treeSplitter->restoreState(splitter);
    setTimelineVisible(settings.value(group + QStringLiteral("/timeline"), true).toBool());
    m_detail->tabs()->setCurrentIndex(settings.value(group + QStringLiteral("/detailTab"), 0).toInt());
}

} // namespace tg
