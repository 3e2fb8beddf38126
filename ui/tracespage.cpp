#include "tracespage.h"

#include "itemmodels/modelroles.h"
#include "itemmodels/tracelistmodel.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QSettings>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

namespace tg {

TracesPage::TracesPage(TraceStore *store, QWidget *parent)
    : QWidget(parent)
    , m_store(store)
    , m_model(new TraceListModel(store, this))
    , m_filterEdit(new QLineEdit(this))
    , m_view(new QTableView(this))
    , m_countLabel(new QLabel(this))
    , m_newTracesButton(new QPushButton(this))
    , m_filterDebounce(new QTimer(this))
{
    setObjectName(QStringLiteral("tracesPage"));
    m_filterEdit->setObjectName(QStringLiteral("traceFilterEdit"));
    m_filterEdit->setPlaceholderText(tr("Search names, inputs and outputs…"));
    m_filterEdit->setClearButtonEnabled(true);
    m_newTracesButton->setObjectName(QStringLiteral("newTracesButton"));
    m_newTracesButton->setFlat(true);
    m_newTracesButton->hide();

    m_view->setObjectName(QStringLiteral("tracesView"));
    m_view->setModel(m_model);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(TraceListModel::TimeColumn, Qt::DescendingOrder);
    m_view->setAlternatingRowColors(true);
    m_view->setWordWrap(false);
    m_view->setShowGrid(false);
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 8);
    m_view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_view->horizontalHeader()->setSectionsMovable(true);
    m_view->horizontalHeader()->setHighlightSections(false);
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->setColumnWidth(TraceListModel::TimeColumn, 170);
    m_view->setColumnWidth(TraceListModel::NameColumn, 200);
    m_view->setColumnWidth(TraceListModel::TagsColumn, 140);
    m_view->setFrameShape(QFrame::NoFrame);

    auto *bar = new QHBoxLayout;
    bar->setContentsMargins(6, 6, 6, 2);
    bar->addWidget(m_filterEdit, 1);
    bar->addWidget(m_newTracesButton);
    bar->addWidget(m_countLabel);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addLayout(bar);
    layout->addWidget(m_view, 1);

    m_filterDebounce->setSingleShot(true);
    m_filterDebounce->setInterval(250);
    connect(m_filterEdit, &QLineEdit::textChanged, m_filterDebounce, qOverload<>(&QTimer::start));
    connect(m_filterDebounce, &QTimer::timeout, this, &TracesPage::applyFilter);
    connect(m_model, &TraceListModel::totalCountChanged, this, &TracesPage::updateCountLabel);
    connect(m_model, &TraceListModel::loaded, this, &TracesPage::updateCountLabel);
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
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
        [this](const QModelIndex &current) {
            if (current.isValid())
                Q_EMIT currentTraceChanged(current.data(RowKeyRole).toLongLong());
        });
    applyFilter();
}

void TracesPage::setSourceIds(const QList<qint64> &sourceIds)
{
    m_sourceIds = sourceIds;
    m_sessionId.clear();
    applyFilter();
}

void TracesPage::setSession(qint64 sourceId, const QString &sessionId)
{
    m_sourceIds = { sourceId };
    m_sessionId = sessionId;
    applyFilter();
}

void TracesPage::applyFilter()
{
    TraceFilter filter;
    filter.sourceIds = m_sourceIds;
    filter.sessionId = m_sessionId;
    filter.text = m_filterEdit->text().trimmed();
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

void TracesPage::saveState(const QString &group) const
{
    QSettings settings;
    settings.setValue(group + QStringLiteral("/header"), m_view->horizontalHeader()->saveState());
}

void TracesPage::restoreState(const QString &group)
{
    QSettings settings;
    const QByteArray header = settings.value(group + QStringLiteral("/header")).toByteArray();
    if (!header.isEmpty())
        m_view->horizontalHeader()->restoreState(header);
}

} // namespace tg
