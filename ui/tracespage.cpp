#include "tracespage.h"

#include "domain/timeformat.h"
#include "icons.h"
#include "itemmodels/modelroles.h"
#include "itemmodels/tracelistmodel.h"
#include "plural.h"
#include "querylineedit.h"
#include "savedfilters.h"
#include "store/tracestore.h"
#include "theme.h"
#include "timerangebutton.h"
#include "tracelistdelegates.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QLocale>
#include <QMenu>
#include <QPushButton>
#include <QSettings>
#include <QTableView>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>

namespace tg {

QList<QAction *> TracesPage::Actions::all() const
{
    return { focusFilter, clearFilter, saveFilter, nextTrace, previousTrace, copyTraceId };
}

TracesPage::TracesPage(TraceStore *store, QWidget *parent)
    : QWidget(parent)
    , m_store(store)
    , m_model(new TraceListModel(store, this))
    , m_timeRange(new TimeRangeButton(this))
    , m_queryEdit(new QueryLineEdit(this))
    , m_savedButton(new QToolButton(this))
    , m_savedFilters(new SavedFilters(this))
    , m_errorLabel(new QLabel(this))
    , m_view(new QTableView(this))
    , m_countLabel(new QLabel(this))
    , m_newTracesButton(new QPushButton(this))
    , m_filterDebounce(new QTimer(this))
{
    setObjectName(QStringLiteral("tracesPage"));
    m_queryEdit->setPlaceholderText(tr("Filter: name: user: session: tag: env: level: model: agent: "
                                       "latency:>2s cost:>0.01, or search text…"));
    m_queryEdit->setReaderPool(store->readerPool());
    m_queryEdit->addAction(icons::icon(QStringLiteral("filter")), QLineEdit::LeadingPosition);
    m_savedButton->setObjectName(QStringLiteral("savedFiltersButton"));
    m_savedButton->setIcon(icons::icon(QStringLiteral("bookmark")));
    m_savedButton->setToolTip(tr("Saved filters"));
    m_savedButton->setPopupMode(QToolButton::InstantPopup);
    m_savedButton->setAutoRaise(true);
    m_savedButton->setMenu(new QMenu(m_savedButton));
    m_errorLabel->setObjectName(QStringLiteral("queryErrorLabel"));
    m_errorLabel->setWordWrap(true);
    m_errorLabel->setContentsMargins(10, 0, 10, 2);
    m_errorLabel->hide();
    m_newTracesButton->setObjectName(QStringLiteral("newTracesButton"));
    m_newTracesButton->setFlat(true);
    m_newTracesButton->hide();
    m_countLabel->setObjectName(QStringLiteral("traceCountLabel"));

    m_view->setObjectName(QStringLiteral("tracesView"));
    m_view->setModel(m_model);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(TraceListModel::TimeColumn, Qt::DescendingOrder);
    m_view->setAlternatingRowColors(true);
    m_view->setWordWrap(false);
    m_view->setShowGrid(false);
    m_view->setContextMenuPolicy(Qt::CustomContextMenu);
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 10);
    m_view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_view->horizontalHeader()->setSectionsMovable(true);
    m_view->horizontalHeader()->setHighlightSections(false);
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->setItemDelegateForColumn(TraceListModel::LevelColumn, new TraceLevelDelegate(m_view));
    m_view->setItemDelegateForColumn(TraceListModel::TagsColumn, new TagsDelegate(m_view));
    const QList<std::pair<int, int>> widths { { TraceListModel::TimeColumn, 165 },
        { TraceListModel::NameColumn, 170 }, { TraceListModel::UserColumn, 110 },
        { TraceListModel::SessionColumn, 120 }, { TraceListModel::TagsColumn, 190 },
        { TraceListModel::LatencyColumn, 72 }, { TraceListModel::TokensColumn, 72 },
        { TraceListModel::CostColumn, 72 }, { TraceListModel::LevelColumn, 90 },
        { TraceListModel::ObservationsColumn, 96 }, { TraceListModel::EnvironmentColumn, 90 },
        { TraceListModel::AgentColumn, 120 } };
    for (const auto &[column, width] : widths)
        m_view->setColumnWidth(column, width);
    m_view->setFrameShape(QFrame::NoFrame);

    auto *bar = new QHBoxLayout;
    bar->setContentsMargins(6, 6, 6, 4);
    bar->setSpacing(4);
    bar->addWidget(m_timeRange);
    bar->addWidget(m_queryEdit, 1);
    bar->addWidget(m_savedButton);
    bar->addWidget(m_newTracesButton);
    bar->addWidget(m_countLabel);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addLayout(bar);
    layout->addWidget(m_errorLabel);
    layout->addWidget(m_view, 1);

    createActions();
    m_filterDebounce->setSingleShot(true);
    m_filterDebounce->setInterval(300);
    connect(m_queryEdit, &QLineEdit::textEdited, m_filterDebounce, qOverload<>(&QTimer::start));
    connect(m_queryEdit, &QLineEdit::returnPressed, this, [this] {
        m_filterDebounce->stop();
        applyFilter();
    });
    connect(m_filterDebounce, &QTimer::timeout, this, &TracesPage::applyFilter);
    connect(m_timeRange, &TimeRangeButton::rangeChanged, this, &TracesPage::applyFilter);
    connect(m_savedButton->menu(), &QMenu::aboutToShow, this, &TracesPage::rebuildSavedMenu);
    connect(m_model, &TraceListModel::totalCountChanged, this, &TracesPage::updateCountLabel);
    connect(m_model, &TraceListModel::loaded, this, &TracesPage::updateCountLabel);
    connect(m_model, &TraceListModel::loaded, this, [this] {
        // Something to look at from the start: the newest trace, without taking the focus.
        if (!m_view->currentIndex().isValid() && m_model->rowCount() > 0)
            m_view->selectionModel()->setCurrentIndex(m_model->index(0, TraceListModel::NameColumn),
                QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    });
    connect(m_model, &TraceListModel::queryFailed, this, [this](const QString &message) {
        m_errorLabel->setText(tr("The query failed: %1").arg(message));
        m_errorLabel->show();
    });
    connect(m_model, &TraceListModel::newTracesAvailable, this, [this](int count) {
        m_newTracesButton->setText(count == 1 ? tr("1 new trace") : tr("%1 new traces").arg(count));
        m_newTracesButton->show();
    });
    connect(m_newTracesButton, &QPushButton::clicked, this, [this] {
        m_newTracesButton->hide();
        m_model->reload();
    });
    connect(m_view, &QTableView::activated, this,
        [this](const QModelIndex &index) { Q_EMIT traceActivated(index.data(RowKeyRole).toLongLong()); });
    connect(m_view, &QTableView::customContextMenuRequested, this, &TracesPage::showContextMenu);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
        [this](const QModelIndex &current) {
            if (current.isValid())
                Q_EMIT currentTraceChanged(current.data(RowKeyRole).toLongLong());
        });
    // Only SQL-sortable columns sort; clicks on others keep the indicator where the order is.
    connect(m_view->horizontalHeader(), &QHeaderView::sortIndicatorChanged, this,
        [this](int column, Qt::SortOrder) {
            if (TraceListModel::isSortable(column))
                return;
            const TraceQuery q = m_model->query();
            const QSignalBlocker blocker(m_view->horizontalHeader());
            m_view->horizontalHeader()->setSortIndicator(TraceListModel::columnForSortKey(q.sortKey),
                q.descending ? Qt::DescendingOrder : Qt::AscendingOrder);
        });
    applyFilter();
}

void TracesPage::createActions()
{
    Actions &a = m_actions;
    a.focusFilter = new QAction(icons::icon(QStringLiteral("filter")), tr("Focus Filter Bar"), this);
    a.focusFilter->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_L));
    a.focusFilter->setObjectName(QStringLiteral("actionFocusFilter"));
    a.clearFilter = new QAction(icons::icon(QStringLiteral("close")), tr("Clear Filter"), this);
    a.clearFilter->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_L));
    a.clearFilter->setObjectName(QStringLiteral("actionClearFilter"));
    a.saveFilter = new QAction(icons::icon(QStringLiteral("bookmark")), tr("Save Current Filter…"), this);
    a.saveFilter->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_S));
    a.saveFilter->setObjectName(QStringLiteral("actionSaveFilter"));
    a.nextTrace = new QAction(icons::icon(QStringLiteral("down")), tr("Next Trace"), this);
    a.nextTrace->setShortcut(QKeySequence(Qt::Key_BracketRight));
    a.nextTrace->setObjectName(QStringLiteral("actionNextTrace"));
    a.previousTrace = new QAction(icons::icon(QStringLiteral("up")), tr("Previous Trace"), this);
    a.previousTrace->setShortcut(QKeySequence(Qt::Key_BracketLeft));
    a.previousTrace->setObjectName(QStringLiteral("actionPreviousTrace"));
    a.copyTraceId = new QAction(icons::icon(QStringLiteral("copy")), tr("Copy Id of Current Trace"), this);
    a.copyTraceId->setObjectName(QStringLiteral("actionCopyListTraceId"));
    connect(a.focusFilter, &QAction::triggered, this, &TracesPage::focusFilter);
    connect(a.clearFilter, &QAction::triggered, this, [this] {
        m_timeRange->setPreset(TimeRangeButton::AllTime);
        setQuery(QString());
    });
    connect(a.saveFilter, &QAction::triggered, this, &TracesPage::askToSaveFilter);
    connect(a.nextTrace, &QAction::triggered, this, [this] { selectAdjacentTrace(1); });
    connect(a.previousTrace, &QAction::triggered, this, [this] { selectAdjacentTrace(-1); });
    connect(a.copyTraceId, &QAction::triggered, this, [this] {
        const QString id = m_view->currentIndex().data(IdRole).toString();
        if (!id.isEmpty()) {
            QApplication::clipboard()->setText(id);
            Q_EMIT statusMessage(tr("Copied trace id %1").arg(id));
        }
    });
    addActions(a.all());
    addActions(m_timeRange->presetActions());
}

QLineEdit *TracesPage::filterEdit() const
{
    return m_queryEdit;
}

void TracesPage::setSourceIds(const QList<qint64> &sourceIds)
{
    m_sourceIds = sourceIds;
    applyFilter();
}

void TracesPage::setSession(qint64 sourceId, const QString &sessionId)
{
    Q_UNUSED(sourceId)
    setQuery(TraceQueryParser::withTerm(QString(), QStringLiteral("session"), sessionId));
}

void TracesPage::setQuery(const QString &text)
{
    m_filterDebounce->stop();
    m_queryEdit->setText(text);
    applyFilter();
}

QString TracesPage::query() const
{
    return m_queryEdit->text();
}

void TracesPage::addFilterTerm(const QString &key, const QString &value)
{
    setQuery(TraceQueryParser::withTerm(m_queryEdit->text(), key, value));
    Q_EMIT statusMessage(tr("Filtered by %1:%2").arg(key, value));
}

TraceFilter TracesPage::appliedFilter() const
{
    return m_model->filter();
}

void TracesPage::showFilter(const TraceFilter &filter)
{
    m_sourceIds = filter.sourceIds;
    {
        const QSignalBlocker blocker(m_timeRange);
        m_timeRange->setCustomRange(filter.fromNs, filter.toNs);
    }
    setQuery(TraceQueryParser::toText(filter));
}

void TracesPage::applyFilter()
{
    const TraceQueryResult parsed = TraceQueryParser::parse(m_queryEdit->text());
    m_queryEdit->setErrors(parsed.errors);
    if (!parsed.isValid()) {
        // Keep showing the last good result; say what is wrong and where.
        QString text = parsed.errors.front().message;
        if (parsed.errors.size() > 1)
            text += plural(
                parsed.errors.size() - 1, tr(" (and 1 more problem)"), tr(" (and %1 more problems)"));
        m_errorLabel->setText(QStringLiteral("<span style='color:%1'>%2</span>")
                                  .arg(theme::errorColor(palette()).name(), text.toHtmlEscaped()));
        m_errorLabel->show();
        return;
    }
    m_errorLabel->hide();
    TraceFilter filter = parsed.filter;
    filter.sourceIds = m_sourceIds;
    const auto [from, to] = m_timeRange->range(nowNs());
    filter.fromNs = from;
    filter.toNs = to;
    m_newTracesButton->hide();
    m_model->setFilter(filter);
}

void TracesPage::updateCountLabel()
{
    const qint64 total = m_model->totalCount();
    m_countLabel->setText(total < 0
            ? QString()
            : (total == 1 ? tr("1 trace") : tr("%1 traces").arg(QLocale().toString(total))));
}

bool TracesPage::selectAdjacentTrace(int delta)
{
    const int rows = m_model->rowCount();
    if (rows == 0)
        return false;
    const QModelIndex current = m_view->currentIndex();
    int row = current.isValid() ? current.row() + delta : (delta > 0 ? 0 : rows - 1);
    if (row >= rows && m_model->canFetchMore({}))
        m_model->fetchMore({});
    if (row < 0 || row >= m_model->rowCount()) {
        Q_EMIT statusMessage(delta > 0 ? tr("No more traces") : tr("This is the first trace"));
        return false;
    }
    const QModelIndex target
        = m_model->index(row, current.isValid() ? current.column() : TraceListModel::NameColumn);
    m_view->selectionModel()->setCurrentIndex(
        target, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    m_view->scrollTo(target);
    return true;
}

void TracesPage::focusFilter()
{
    m_queryEdit->setFocus(Qt::ShortcutFocusReason);
    m_queryEdit->selectAll();
}

void TracesPage::saveCurrentFilter(const QString &name)
{
    SavedFilter filter;
    filter.name = name;
    filter.query = m_queryEdit->text();
    filter.timePreset
        = m_timeRange->preset() == TimeRangeButton::Custom ? 0 : static_cast<int>(m_timeRange->preset());
    m_savedFilters->save(filter);
    Q_EMIT statusMessage(tr("Saved filter “%1”").arg(filter.name));
}

void TracesPage::applySavedFilter(const SavedFilter &filter)
{
    {
        const QSignalBlocker blocker(m_timeRange);
        m_timeRange->setPreset(static_cast<TimeRangeButton::Preset>(std::clamp(filter.timePreset, 0, 5)));
    }
    setQuery(filter.query);
}

void TracesPage::askToSaveFilter()
{
    bool ok = false;
    const QString name = QInputDialog::getText(this, tr("Save Filter"), tr("Name of the filter:"),
        QLineEdit::Normal, m_queryEdit->text().left(40), &ok);
    if (ok && !name.trimmed().isEmpty())
        saveCurrentFilter(name);
}

void TracesPage::rebuildSavedMenu()
{
    QMenu *menu = m_savedButton->menu();
    menu->clear();
    const QList<SavedFilter> filters = m_savedFilters->filters();
    for (const SavedFilter &f : filters) {
        QAction *action = menu->addAction(f.name, this, [this, f] { applySavedFilter(f); });
        action->setToolTip(f.query);
    }
    if (filters.isEmpty())
        menu->addAction(tr("No saved filters yet"))->setEnabled(false);
    menu->addSeparator();
    menu->addAction(m_actions.saveFilter);
    if (!filters.isEmpty()) {
        QMenu *remove = menu->addMenu(tr("Delete"));
        for (const SavedFilter &f : filters)
            remove->addAction(f.name, this, [this, name = f.name] { m_savedFilters->remove(name); });
    }
}

QList<qint64> TracesPage::selectedTraceRks() const
{
    QModelIndexList rows = m_view->selectionModel()->selectedRows();
    std::sort(rows.begin(), rows.end(),
        [](const QModelIndex &a, const QModelIndex &b) { return a.row() < b.row(); });
    QList<qint64> rks;
    for (const QModelIndex &row : rows) {
        const qint64 rk = row.data(RowKeyRole).toLongLong();
        if (rk > 0)
            rks.append(rk);
    }
    return rks;
}

void TracesPage::addContextActions(const QList<QAction *> &actions)
{
    m_contextActions += actions;
}

void TracesPage::showContextMenu(const QPoint &pos)
{
    const QModelIndex index = m_view->indexAt(pos);
    if (!index.isValid())
        return;
    QMenu menu(this);
    menu.addAction(icons::icon(QStringLiteral("trace")), tr("Open Trace"), this,
        [this, index] { Q_EMIT traceActivated(index.data(RowKeyRole).toLongLong()); });
    const auto filterBy = [&](const QString &key, const QString &value) {
        if (value.isEmpty())
            return;
        menu.addAction(icons::icon(QStringLiteral("filter")),
            tr("Filter by %1:%2").arg(key, TraceQueryParser::quoteValue(value)), this,
            [this, key, value] { addFilterTerm(key, value); });
    };
    menu.addSeparator();
    const QModelIndex row = index.siblingAtColumn(0);
    switch (index.column()) {
    case TraceListModel::TagsColumn:
        for (const QString &tag : index.data(TagsRole).toStringList())
            filterBy(QStringLiteral("tag"), tag);
        break;
    case TraceListModel::LevelColumn:
        if (index.data(ErrorCountRole).toInt() > 0)
            filterBy(QStringLiteral("level"), QStringLiteral("error"));
        else if (!index.data().toString().isEmpty())
            filterBy(QStringLiteral("level"), QStringLiteral("warning"));
        break;
    default:
        break;
    }
    filterBy(
        QStringLiteral("name"), m_model->index(index.row(), TraceListModel::NameColumn).data().toString());
    filterBy(QStringLiteral("user"), row.data(UserIdRole).toString());
    filterBy(QStringLiteral("session"), row.data(SessionIdRole).toString());
    filterBy(QStringLiteral("env"),
        m_model->index(index.row(), TraceListModel::EnvironmentColumn).data().toString());
    filterBy(
        QStringLiteral("agent"), m_model->index(index.row(), TraceListModel::AgentColumn).data().toString());
    menu.addSeparator();
    menu.addAction(icons::icon(QStringLiteral("copy")), tr("Copy Trace Id"), this, [this, row] {
        QApplication::clipboard()->setText(row.data(IdRole).toString());
        Q_EMIT statusMessage(tr("Copied trace id %1").arg(row.data(IdRole).toString()));
    });
    menu.addAction(
        tr("Copy Cell"), this, [index] { QApplication::clipboard()->setText(index.data().toString()); });
    if (!m_contextActions.isEmpty()) {
        menu.addSeparator();
        menu.addActions(m_contextActions);
    }
    menu.exec(m_view->viewport()->mapToGlobal(pos));
}

void TracesPage::saveState(const QString &group) const
{
    QSettings settings;
    settings.setValue(group + QStringLiteral("/header"), m_view->horizontalHeader()->saveState());
    settings.setValue(group + QStringLiteral("/query"), m_queryEdit->text());
    settings.setValue(group + QStringLiteral("/time"),
        m_timeRange->preset() == TimeRangeButton::Custom ? 0 : static_cast<int>(m_timeRange->preset()));
}

void TracesPage::restoreState(const QString &group)
{
    QSettings settings;
    const QByteArray header = settings.value(group + QStringLiteral("/header")).toByteArray();
    if (!header.isEmpty())
        m_view->horizontalHeader()->restoreState(header);
    {
        const QSignalBlocker blocker(m_timeRange);
        m_timeRange->setPreset(static_cast<TimeRangeButton::Preset>(
            std::clamp(settings.value(group + QStringLiteral("/time"), 0).toInt(), 0, 5)));
    }
    setQuery(settings.value(group + QStringLiteral("/query")).toString());
}

} // namespace tg
