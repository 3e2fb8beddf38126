#include "sessionspage.h"

#include "icons.h"
#include "itemmodels/modelroles.h"
#include "itemmodels/sessionlistmodel.h"
#include "sessionconversationview.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMenu>
#include <QSettings>
#include <QSplitter>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>

namespace tg {

SessionsPage::SessionsPage(TraceStore *store, QWidget *parent)
    : QWidget(parent)
    , m_model(new SessionListModel(store, this))
    , m_filterEdit(new QLineEdit(this))
    , m_splitter(new QSplitter(Qt::Horizontal, this))
    , m_view(new QTableView(m_splitter))
    , m_conversation(new SessionConversationView(store, m_splitter))
    , m_countLabel(new QLabel(this))
    , m_debounce(new QTimer(this))
{
    setObjectName(QStringLiteral("sessionsPage"));
    m_filterEdit->setObjectName(QStringLiteral("sessionFilterEdit"));
    m_filterEdit->setPlaceholderText(tr("Filter sessions by id…"));
    m_filterEdit->setClearButtonEnabled(true);
    m_filterEdit->addAction(icons::icon(QStringLiteral("filter")), QLineEdit::LeadingPosition);
    m_view->setObjectName(QStringLiteral("sessionsView"));
    m_view->setModel(m_model);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_view->setAlternatingRowColors(true);
    m_view->setShowGrid(false);
    m_view->setWordWrap(false);
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 10);
    m_view->horizontalHeader()->setSectionsMovable(true);
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->setColumnWidth(SessionListModel::SessionColumn, 170);
    m_view->setColumnWidth(SessionListModel::UserColumn, 110);
    m_view->setColumnWidth(SessionListModel::FirstColumn, 150);
    m_view->setColumnWidth(SessionListModel::LastColumn, 150);
    m_view->setColumnWidth(SessionListModel::DurationColumn, 80);
    m_view->setColumnWidth(SessionListModel::TracesColumn, 56);
    m_view->setColumnWidth(SessionListModel::TokensColumn, 72);
    m_view->setColumnWidth(SessionListModel::CostColumn, 72);
    m_view->setColumnWidth(SessionListModel::ErrorsColumn, 56);
    m_view->setFrameShape(QFrame::NoFrame);
    m_splitter->setObjectName(QStringLiteral("sessionsSplitter"));
    m_splitter->addWidget(m_view);
    m_splitter->addWidget(m_conversation);
    m_splitter->setStretchFactor(0, 1);
    m_splitter->setStretchFactor(1, 1);
    m_splitter->setSizes({ 560, 660 });

    auto *bar = new QHBoxLayout;
    bar->setContentsMargins(6, 6, 6, 4);
    bar->addWidget(m_filterEdit, 1);
    bar->addWidget(m_countLabel);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addLayout(bar);
    layout->addWidget(m_splitter, 1);

    m_debounce->setSingleShot(true);
    m_debounce->setInterval(250);
    connect(m_filterEdit, &QLineEdit::textChanged, m_debounce, qOverload<>(&QTimer::start));
    connect(m_debounce, &QTimer::timeout, this, &SessionsPage::applyFilter);
    connect(m_model, &SessionListModel::totalCountChanged, this, [this](qint64 count) {
        m_countLabel->setText(
            count == 1 ? tr("1 session") : tr("%1 sessions").arg(QLocale().toString(count)));
    });
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
        [this](const QModelIndex &current) {
            if (current.isValid())
                m_conversation->showSession(
                    current.data(SourceIdRole).toLongLong(), current.data(SessionIdRole).toString());
        });
    connect(m_view, &QTableView::activated, this, [this](const QModelIndex &index) {
        const qint64 sourceId = index.data(SourceIdRole).toLongLong();
        const QString sessionId = index.data(SessionIdRole).toString();
        if (m_conversation->sessionId() != sessionId || m_conversation->sourceId() != sourceId)
            m_conversation->showSession(sourceId, sessionId);
        Q_EMIT sessionActivated(sourceId, sessionId);
    });
    m_view->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_view, &QWidget::customContextMenuRequested, this, [this](const QPoint &pos) {
        if (m_contextActions.isEmpty() || !m_view->indexAt(pos).isValid())
            return;
        QMenu menu(this);
        menu.addActions(m_contextActions);
        menu.exec(m_view->viewport()->mapToGlobal(pos));
    });
    connect(m_conversation, &SessionConversationView::traceActivated, this, &SessionsPage::traceActivated);
    connect(m_conversation, &SessionConversationView::showTracesRequested, this,
        &SessionsPage::showTracesRequested);
    applyFilter();
}

void SessionsPage::setSourceIds(const QList<qint64> &sourceIds)
{
    m_sourceIds = sourceIds;
    applyFilter();
}

QList<QPair<qint64, QString>> SessionsPage::selectedSessions() const
{
    QModelIndexList rows = m_view->selectionModel()->selectedRows();
    std::sort(rows.begin(), rows.end(),
        [](const QModelIndex &a, const QModelIndex &b) { return a.row() < b.row(); });
    QList<QPair<qint64, QString>> sessions;
    for (const QModelIndex &row : rows) {
        const QString id = row.data(SessionIdRole).toString();
        if (!id.isEmpty())
            sessions.append({ row.data(SourceIdRole).toLongLong(), id });
    }
    return sessions;
}

void SessionsPage::addContextActions(const QList<QAction *> &actions)
{
    m_contextActions += actions;
}

void SessionsPage::applyFilter()
{
    SessionFilter filter;
    filter.sourceIds = m_sourceIds;
    filter.idContains = m_filterEdit->text().trimmed();
    m_model->setFilter(filter);
}

void SessionsPage::saveState(const QString &group) const
{
    QSettings settings;
    settings.setValue(group + QStringLiteral("/header"), m_view->horizontalHeader()->saveState());
    settings.setValue(group + QStringLiteral("/splitter"), m_splitter->saveState());
}

void SessionsPage::restoreState(const QString &group)
{
    QSettings settings;
    const QByteArray header = settings.value(group + QStringLiteral("/header")).toByteArray();
    if (!header.isEmpty())
        m_view->horizontalHeader()->restoreState(header);
    const QByteArray splitter = settings.value(group + QStringLiteral("/splitter")).toByteArray();
    if (!splitter.isEmpty())
        m_splitter->restoreState(splitter);
}

} // namespace tg
