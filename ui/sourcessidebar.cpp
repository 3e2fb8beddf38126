#include "sourcessidebar.h"

#include "itemmodels/sourcelistmodel.h"

#include <QHeaderView>
#include <QTreeView>
#include <QVBoxLayout>

namespace tg {

SourcesSidebar::SourcesSidebar(TraceStore *store, QWidget *parent)
    : QWidget(parent)
    , m_model(new SourceListModel(store, this))
    , m_view(new QTreeView(this))
{
    setObjectName(QStringLiteral("sourcesSidebar"));
    m_view->setObjectName(QStringLiteral("sourcesView"));
    m_view->setModel(m_model);
    m_view->setUniformRowHeights(true);
    m_view->setRootIsDecorated(true);
    m_view->setHeaderHidden(false);
    m_view->header()->setStretchLastSection(false);
    m_view->header()->setSectionResizeMode(SourceListModel::NameColumn, QHeaderView::Stretch);
    m_view->header()->setSectionResizeMode(SourceListModel::TracesColumn, QHeaderView::ResizeToContents);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setFrameShape(QFrame::NoFrame);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_view);

    connect(m_model, &SourceListModel::loaded, this, [this] {
        m_view->expandAll();
        if (!m_view->currentIndex().isValid())
            m_view->setCurrentIndex(m_model->allSourcesIndex());
    });
    connect(m_view->selectionModel(), &QItemSelectionModel::currentChanged, this,
        [this](const QModelIndex &current) { Q_EMIT sourcesSelected(m_model->sourceIdsFor(current)); });
    m_model->reload();
}

QList<qint64> SourcesSidebar::selectedSourceIds() const
{
    return m_model->sourceIdsFor(m_view->currentIndex());
}

void SourcesSidebar::selectSource(qint64 sourceId)
{
    const QModelIndex index = sourceId == 0 ? m_model->allSourcesIndex() : m_model->indexForSource(sourceId);
    if (index.isValid())
        m_view->setCurrentIndex(index);
}

} // namespace tg
