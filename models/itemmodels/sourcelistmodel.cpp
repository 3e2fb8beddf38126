#include "sourcelistmodel.h"

#include "itemmodels/backgroundtask.h"
#include "itemmodels/modelroles.h"
#include "store/storereader.h"
#include "store/tracestore.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <QUrl>

#include <algorithm>

namespace tg {

namespace {

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

/// A connection's display name from its sources' detail JSON, else its key.
QString connectionTitle(const Source &source, const QString &key)
{
    const QJsonObject detail = QJsonDocument::fromJson(source.detail.toUtf8()).object();
    for (const char *field : { "connectionName", "connection" }) {
        const QString value = detail.value(QLatin1String(field)).toString();
        if (!value.isEmpty())
            return value;
    }
    for (const char *field : { "host", "baseUrl" }) {
        const QString value = detail.value(QLatin1String(field)).toString();
        const QUrl url(value);
        if (!url.host().isEmpty())
            return url.host() + (url.port() > 0 ? u':' + QString::number(url.port()) : QString());
        if (!value.isEmpty())
            return value;
    }
    return key.isEmpty() ? SourceListModel::tr("Langfuse") : key;
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
    Node all;
    all.type = Node::All;
    m_nodes.push_back(all);
    m_top.push_back(0);
}

QString SourceListModel::connectionKeyOf(const Source &source)
{
    if (source.kind != SourceKind::Langfuse || !source.key.startsWith(u"langfuse:"))
        return {};
    const QString rest = source.key.mid(9);
    const qsizetype slash = rest.indexOf(u'/');
    return slash < 0 ? rest : rest.left(slash);
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
            bool sameShape = false;
            rebuild(std::move(sources), &sameShape);
            Q_EMIT loaded();
        });
}

void SourceListModel::rebuild(std::vector<Source> sources, bool *sameShape)
{
    std::stable_sort(sources.begin(), sources.end(), [](const Source &a, const Source &b) {
        if (a.kind != b.kind)
            return a.kind < b.kind;
        const QString ca = connectionKeyOf(a);
        const QString cb = connectionKeyOf(b);
        if (ca != cb)
            return ca < cb;
        return a.name.localeAwareCompare(b.name) < 0;
    });
    std::vector<Node> nodes;
    std::vector<int> top;
    Node all;
    all.type = Node::All;
    nodes.push_back(all);
    top.push_back(0);
    const auto addChild = [&nodes, &top](int parent, Node node) {
        node.parent = parent;
        const int index = static_cast<int>(nodes.size());
        std::vector<int> &list = parent < 0 ? top : nodes[static_cast<size_t>(parent)].children;
        node.row = static_cast<int>(list.size());
        list.push_back(index);
        nodes.push_back(std::move(node));
        return index;
    };
    int group = -1;
    int connection = -1;
    for (size_t i = 0; i < sources.size(); ++i) {
        const Source &s = sources[i];
        if (group < 0 || nodes[static_cast<size_t>(group)].kind != s.kind) {
            Node g;
            g.type = Node::Group;
            g.kind = s.kind;
            g.title = groupTitle(s.kind);
            group = addChild(-1, g);
            connection = -1;
        }
        int parent = group;
        if (s.kind == SourceKind::Langfuse) {
            const QString key = connectionKeyOf(s);
            if (connection < 0 || nodes[static_cast<size_t>(connection)].key != key) {
                Node c;
                c.type = Node::Connection;
                c.kind = s.kind;
                c.key = key;
                c.title = connectionTitle(s, key);
                connection = addChild(group, c);
            }
            parent = connection;
        }
        Node item;
        item.type = Node::SourceItem;
        item.kind = s.kind;
        item.key = s.key;
        item.title = s.name;
        item.source = static_cast<int>(i);
        addChild(parent, item);
    }

    // Same shape (same nodes in the same places): only counts and names changed, so keep the
    // view's expansion and selection.
    bool same = nodes.size() == m_nodes.size();
    for (size_t i = 0; same && i < nodes.size(); ++i) {
        same = nodes[i].type == m_nodes[i].type && nodes[i].parent == m_nodes[i].parent
            && nodes[i].row == m_nodes[i].row && nodes[i].key == m_nodes[i].key
            && nodes[i].kind == m_nodes[i].kind;
        if (same && nodes[i].source >= 0)
            same = sources[static_cast<size_t>(nodes[i].source)].id
                == m_sources[static_cast<size_t>(m_nodes[i].source)].id;
    }
    *sameShape = same;
    if (same) {
        m_sources = std::move(sources);
        m_nodes = std::move(nodes);
        for (size_t i = 0; i < m_nodes.size(); ++i)
            Q_EMIT dataChanged(
                indexOfNode(static_cast<int>(i), 0), indexOfNode(static_cast<int>(i), ColumnCount - 1));
        return;
    }
    beginResetModel();
    m_sources = std::move(sources);
    m_nodes = std::move(nodes);
    m_top = std::move(top);
    endResetModel();
}

QModelIndex SourceListModel::indexOfNode(int node, int column) const
{
    if (node < 0 || node >= static_cast<int>(m_nodes.size()))
        return {};
    return createIndex(m_nodes[static_cast<size_t>(node)].row, column, static_cast<quintptr>(node));
}

QModelIndex SourceListModel::index(int row, int column, const QModelIndex &parent) const
{
    if (row < 0 || column < 0 || column >= ColumnCount)
        return {};
    const std::vector<int> *list = &m_top;
    if (parent.isValid()) {
        if (parent.column() != 0)
            return {};
        list = &m_nodes[static_cast<size_t>(parent.internalId())].children;
    }
    if (row >= static_cast<int>(list->size()))
        return {};
    return createIndex(row, column, static_cast<quintptr>((*list)[static_cast<size_t>(row)]));
}

QModelIndex SourceListModel::parent(const QModelIndex &child) const
{
    if (!child.isValid())
        return {};
    return indexOfNode(m_nodes[static_cast<size_t>(child.internalId())].parent);
}

int SourceListModel::rowCount(const QModelIndex &parent) const
{
    if (!parent.isValid())
        return static_cast<int>(m_top.size());
    if (parent.column() != 0)
        return 0;
    return static_cast<int>(m_nodes[static_cast<size_t>(parent.internalId())].children.size());
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

qint64 SourceListModel::countOf(int node) const
{
    const Node &n = m_nodes[static_cast<size_t>(node)];
    switch (n.type) {
    case Node::All: {
        qint64 total = 0;
        for (const Source &s : m_sources)
            total += s.traceCount;
        return total;
    }
    case Node::SourceItem:
        return m_sources[static_cast<size_t>(n.source)].traceCount;
    default: {
        qint64 total = 0;
        for (const int child : n.children)
            total += countOf(child);
        return total;
    }
    }
}

QVariant SourceListModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid())
        return {};
    const int nodeIndex = static_cast<int>(index.internalId());
    const Node &n = m_nodes[static_cast<size_t>(nodeIndex)];
    const bool counts = index.column() == TracesColumn;
    const Source *s = n.type == Node::SourceItem ? &m_sources[static_cast<size_t>(n.source)] : nullptr;
    switch (role) {
    case Qt::DisplayRole:
        if (counts)
            return QLocale().toString(countOf(nodeIndex));
        if (n.type == Node::All)
            return tr("All sources");
        return n.title;
    case SortRole:
        return counts ? QVariant(countOf(nodeIndex)) : QVariant(n.title);
    case Qt::ToolTipRole: {
        if (!s)
            return n.type == Node::Connection ? tr("Langfuse connection %1").arg(n.title) : QVariant();
        const QString state = m_states.value(s->id);
        return state.isEmpty() ? s->name : s->name + u'\n' + state;
    }
    case SourceIdRole:
        return s ? s->id : qint64(0);
    case SourceKindRole:
        return n.type == Node::All ? QVariant() : QVariant(static_cast<int>(n.kind));
    case IsGroupRole:
        return n.type == Node::Group || n.type == Node::Connection;
    case IsConnectionRole:
        return n.type == Node::Connection;
    case StateRole:
        return s ? m_states.value(s->id) : QString();
    case StateKindRole:
        return static_cast<int>(s ? m_stateKinds.value(s->id, StateKind::Idle) : StateKind::Idle);
    case DetailRole:
        return s ? s->detail : QString();
    case Qt::TextAlignmentRole:
        return counts ? QVariant(Qt::AlignRight | Qt::AlignVCenter) : QVariant();
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

void SourceListModel::collectIds(int node, QList<qint64> &ids) const
{
    const Node &n = m_nodes[static_cast<size_t>(node)];
    if (n.type == Node::SourceItem) {
        ids.append(m_sources[static_cast<size_t>(n.source)].id);
        return;
    }
    for (const int child : n.children)
        collectIds(child, ids);
}

QList<qint64> SourceListModel::sourceIdsFor(const QModelIndex &index) const
{
    QList<qint64> ids;
    if (!index.isValid())
        return ids;
    const int node = static_cast<int>(index.internalId());
    if (m_nodes[static_cast<size_t>(node)].type != Node::All)
        collectIds(node, ids);
    return ids;
}

QModelIndex SourceListModel::indexForSource(qint64 sourceId) const
{
    for (size_t i = 0; i < m_nodes.size(); ++i) {
        const Node &n = m_nodes[i];
        if (n.type == Node::SourceItem && m_sources[static_cast<size_t>(n.source)].id == sourceId)
            return indexOfNode(static_cast<int>(i));
    }
    return {};
}

void SourceListModel::setSourceState(qint64 sourceId, const QString &state)
{
    setSourceStatus(sourceId, state, m_stateKinds.value(sourceId, StateKind::Idle));
}

void SourceListModel::setSourceStatus(qint64 sourceId, const QString &state, StateKind kind)
{
    if (m_states.value(sourceId) == state && m_stateKinds.value(sourceId, StateKind::Idle) == kind
        && m_states.contains(sourceId))
        return;
    m_states.insert(sourceId, state);
    m_stateKinds.insert(sourceId, kind);
    const QModelIndex idx = indexForSource(sourceId);
    if (idx.isValid())
        Q_EMIT dataChanged(idx, idx.siblingAtColumn(ColumnCount - 1));
}

} // namespace tg
