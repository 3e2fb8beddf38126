#include "sessionspage.h"

#include "itemmodels/modelroles.h"
#include "itemmodels/sessionlistmodel.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QSettings>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

namespace tg {

SessionsPage::SessionsPage(TraceStore *store, QWidget *parent)
    : QWidget(parent)
    , m_model(new SessionListModel(store, this))
    , m_filterEdit(new QLineEdit(this))
    , m_view(new QTableView(this))
    , m_countLabel(new QLabel(this))
    , m_debounce(new QTimer(this))
{
    setObjectName(QStringLiteral("sessionsPage"));
    m_filterEdit->setPlaceholderText(tr("Filter sessions by id…"));
    m_filterEdit->setClearButtonEnabled(true);
    m_view->setObjectName(QStringLiteral("sessionsView"));
    m_view->setModel(m_model);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setAlternatingRowColors(true);
    m_view->setShowGrid(false);
    m_view->setWordWrap(false);
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 8);
    m_view->horizontalHeader()->setSectionsMovable(true);
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->setColumnWidth(SessionListModel::SessionColumn, 220);
    m_view->setColumnWidth(SessionListModel::FirstColumn, 170);
    m_view->setColumnWidth(SessionListModel::LastColumn, 170);
    m_view->setFrameShape(QFrame::NoFrame);

    auto *bar = new QHBoxLayout;
    bar->setContentsMargins(6, 6, 6, 2);
    bar->addWidget(m_filterEdit, 1);
    bar->addWidget(m_countLabel);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addLayout(bar);
    layout->addWidget(m_view, 1);

    m_debounce->setSingleShot(true);
    m_debounce->setInterval(250);
    connect(m_filterEdit, &QLineEdit::textChanged, m_debounce, qOverload<>(&QTimer::start));
    connect(m_debounce, &QTimer::timeout, this, &SessionsPage::applyFilter);
    connect(m_model, &SessionListModel::totalCountChanged, this, [this](qint64 count) {
        m_countLabel->setText(
            count == 1 ? tr("1 session") : tr("%1 sessions").arg(QLocale().toString(count)));
    });
    connect(m_view, &QTableView::activated, this, [this](const QModelIndex &index) {
        Q_EMIT sessionActivated(index.data(SourceIdRole).toLongLong(), index.data(SessionIdRole).toString());
    });
    applyFilter();
}

void SessionsPage::setSourceIds(const QList<qint64> &sourceIds)
{
    m_sourceIds = sourceIds;
    applyFilter();
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
    QSettings().setValue(group + QStringLiteral("/header"), m_view->horizontalHeader()->saveState());
}

void SessionsPage::restoreState(const QString &group)
{
    const QByteArray header = QSettings().value(group + QStringLiteral("/header")).toByteArray();
    if (!header.isEmpty())
        m_view->horizontalHeader()->restoreState(header);
}

} // namespace tg
