#include "sourcelistmodel.h"

#include "itemmodels/backgroundtask.h"
#include "itemmodels/modelroles.h"
#include "store/storereader.h"
#include "store/tracestore.h"

#include <QLocale>

namespace tg {

namespace {

// internalId: 0 for top-level rows, group row + 1 for a source inside a group.
constexpr quintptr kTopLevel = 0;

QString groupTitle(SourceKind kind)
{
    switch (kind) {
    case SourceKind::LocalReceiver:
        return SourceListModel::tr("Local");
    case SourceKind::File:
        return SourceListModel::tr("Files");
    case SourceKind::Langfuse:
        return SourceListModel::tr("Langfuse");
    case SourceKind::Replays:
        return SourceListModel::tr("Replays");
    case SourceKind::Demo:
        return SourceListModel::tr("Demo");
    }
    return {};
}

} // namespace

SourceListModel::SourceListModel(TraceStore *store, QObject *parent)
    : QAbstractItemModel(parent)
    , m_store(store)
{
    m_countTimer.setSingleShot(true);
    m_countTimer.setInterval(1000);
    connect(&m_countTimer, &QTimer::timeout, this, &SourceListModel::reload);
    connect(m_store, &TraceStore::committed, this, &SourceListModel::onCommitted);
}

void SourceListModel::onCommitted(const StoreChange &change)
{
    if (change.sourcesChanged) {
        reload();
        return;
    }
    if (!m_countTimer.isActive())
        m_countTimer.start();
}

void SourceListModel::reload()
{
    const quint64 generation = ++m_generation;
    std::shared_ptr<ReaderPool> store = m_store->readerPool();
    runInBackground(
        this,
        [store] {
            auto reader = store->lease();
            return reader ? reader->sources(true) : std::vector<Source> {};
        },
        [this, generation](std::vector<Source> sources) {
            if (generation != m_generation)
                return;
            std::vector<Group> groups;
            qint64 total = 0;
            for (Source &s : sources) {
                total += s.traceCount;
                auto it = std::find_if(
                    groups.begin(), groups.end(), [&](const Group &g) { return g.kind == s.kind; });
                if (it == groups.end()) {
                    groups.push_back(Group { s.kind, {} });
                    it = groups.end() - 1;
                }
                it->sources.push_back(std::move(s));
            }
            std::sort(
                groups.begin(), groups.end(), [](const Group &a, const Group &b) { return a.kind < b.kind; });
            // Same shape: only the counts changed, so keep expansion and selection.
            bool sameShape = groups.size() == m_groups.size();
            for (size_t i = 0; sameShape && i < groups.size(); ++i) {
                sameShape = groups[i].kind == m_groups[i].kind
                    && groups[i].sources.size() == m_groups[i].sources.size();
                for (size_t j = 0; sameShape && j < groups[i].sources.size(); ++j)
                    sameShape = groups[i].sources[j].id == m_groups[i].sources[j].id;
            }
            if (sameShape) {
                m_groups = std::move(groups);
                m_totalTraces = total;
                Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
                for (int g = 0; g < static_cast<int>(m_groups.size()); ++g) {
                    const QModelIndex parent = index(g + 1, 0);
                    Q_EMIT dataChanged(
                        index(0, 0, parent), index(rowCount(parent) - 1, ColumnCount - 1, parent));
                }
            } else {
                beginResetModel();
                m_groups = std::move(groups);
                m_totalTraces = total;
                endResetModel();
            }
            Q_EMIT loaded();
        });
}

QModelIndex SourceListModel::index(int row, int column, const QModelIndex &parent) const
{
    if (row < 0 || column < 0 || column >= ColumnCount || row >= rowCount(parent))
        return {};
    if (!parent.isValid())
        return createIndex(row, column, kTopLevel);
    return createIndex(row, column, static_cast<quintptr>(parent.row()));
}

QModelIndex SourceListModel::parent(const QModelIndex &child) const
{
    if (!child.isValid() || child.internalId() == kTopLevel)
        return {};
    return createIndex(static_cast<int>(child.internalId()), 0, kTopLevel);
}

int SourceListModel::rowCount(const QModelIndex &parent) const
{
    if (!parent.isValid())
        return 1 + static_cast<int>(m_groups.size());
    if (parent.column() != 0 || parent.internalId() != kTopLevel || parent.row() == 0)
        return 0;
    return static_cast<int>(m_groups[static_cast<size_t>(parent.row() - 1)].sources.size());
}

int SourceListModel::columnCount(const QModelIndex &) const
{
    return ColumnCount;
}

Qt::ItemFlags SourceListModel::flags(const QModelIndex &index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    return Qt::ItemIsEnabled | Qt::ItemIsSelectable;
}

QVariant SourceListModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid())
        return {};
    const bool topLevel = index.internalId() == kTopLevel;
    if (topLevel && index.row() == 0) {
        if (role == Qt::DisplayRole)
            return index.column() == NameColumn ? QVariant(tr("All sources"))
                                                : QVariant(QLocale().toString(m_totalTraces));
        if (role == SortRole && index.column() == TracesColumn)
            return m_totalTraces;
        if (role == IsGroupRole)
            return false;
        if (role == SourceIdRole)
            return qint64(0);
        return {};
    }
    if (topLevel) {
        const Group &g = m_groups[static_cast<size_t>(index.row() - 1)];
        qint64 count = 0;
        for (const Source &s : g.sources)
            count += s.traceCount;
        if (role == Qt::DisplayRole)
            return index.column() == NameColumn ? QVariant(groupTitle(g.kind))
                                                : QVariant(QLocale().toString(count));
        if (role == SortRole && index.column() == TracesColumn)
            return count;
        if (role == IsGroupRole)
            return true;
        if (role == SourceKindRole)
            return static_cast<int>(g.kind);
        return {};
    }
    const Group &g = m_groups[static_cast<size_t>(index.internalId() - 1)];
    const Source &s = g.sources[static_cast<size_t>(index.row())];
    switch (role) {
    case Qt::DisplayRole:
        return index.column() == NameColumn ? QVariant(s.name) : QVariant(QLocale().toString(s.traceCount));
    case Qt::ToolTipRole: {
        const QString state = m_states.value(s.id);
        return state.isEmpty() ? s.name : s.name + u'\n' + state;
    }
    case SortRole:
        return index.column() == TracesColumn ? QVariant(s.traceCount) : QVariant(s.name);
    case SourceIdRole:
        return s.id;
    case SourceKindRole:
        return static_cast<int>(s.kind);
    case IsGroupRole:
        return false;
    case StateRole:
        return m_states.value(s.id);
    case Qt::TextAlignmentRole:
        return index.column() == TracesColumn ? QVariant(Qt::AlignRight | Qt::AlignVCenter) : QVariant();
    default:
        return {};
    }
}

QVariant SourceListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation == Qt::Horizontal && role == Qt::DisplayRole)
        return section == NameColumn ? tr("Source") : tr("Traces");
    return {};
}

QList<qint64> SourceListModel::sourceIdsFor(const QModelIndex &index) const
{
    if (!index.isValid())
        return {};
    if (index.internalId() == kTopLevel) {
        if (index.row() == 0)
            return {};
        QList<qint64> ids;
        for (const Source &s : m_groups[static_cast<size_t>(index.row() - 1)].sources)
            ids.append(s.id);
        return ids;
    }
    return {
        m_groups[static_cast<size_t>(index.internalId() - 1)].sources[static_cast<size_t>(index.row())].id
    };
}

QModelIndex SourceListModel::indexForSource(qint64 sourceId) const
{
    for (size_t g = 0; g < m_groups.size(); ++g) {
        for (size_t i = 0; i < m_groups[g].sources.size(); ++i) {
            if (m_groups[g].sources[i].id == sourceId)
                return index(static_cast<int>(i), 0, index(static_cast<int>(g) + 1, 0));
        }
    }
    return {};
}

std::vector<Source> SourceListModel::sources() const
{
    std::vector<Source> all;
    for (const Group &g : m_groups)
        all.insert(all.end(), g.sources.begin(), g.sources.end());
    return all;
}

void SourceListModel::setSourceState(qint64 sourceId, const QString &state)
{
    if (m_states.value(sourceId) == state)
        return;
    m_states.insert(sourceId, state);
    const QModelIndex idx = indexForSource(sourceId);
    if (idx.isValid())
        Q_EMIT dataChanged(idx, idx.siblingAtColumn(ColumnCount - 1));
}

} // namespace tg
