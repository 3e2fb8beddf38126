#include "spantreemodel.h"

#include "domain/timeformat.h"

#include <QtGlobal>

#include <algorithm>

namespace tg {

namespace {

bool isNumericColumn(int column)
{
    switch (column) {
    case SpanTreeModel::StartColumn:
    case SpanTreeModel::DurationColumn:
    case SpanTreeModel::InputTokensColumn:
    case SpanTreeModel::OutputTokensColumn:
    case SpanTreeModel::CostColumn:
        return true;
    default:
        return false;
    }
}

QString formatTokens(qint64 tokens)
{
    return tokens > 0 ? QString::number(tokens) : QString();
}

} // namespace

SpanTreeModel::SpanTreeModel(QObject *parent)
    : QAbstractItemModel(parent)
{
}

void SpanTreeModel::setTree(SpanTree tree)
{
    beginResetModel();
    m_tree = std::move(tree);
    refreshMatches();
    endResetModel();
    Q_EMIT traceRangeChanged();
}

void SpanTreeModel::clear()
{
    setTree(SpanTree());
}

SpanTreeChange SpanTreeModel::applyUpdate(const std::vector<ObservationRow> &rows)
{
    SpanTreeChange change = m_tree.applyUpdate(rows, this);
    if (change.isEmpty())
        return change;

    m_matches.resize(static_cast<size_t>(m_tree.size()), 0);
    std::vector<int> newMatches;
    if (!m_searchRowKeys.isEmpty()) {
        for (const int node : change.inserted) {
            if (m_searchRowKeys.contains(m_tree.node(node).rk)) {
                m_matches[static_cast<size_t>(node)] = 1;
                ++m_matchCount;
            }
        }
        for (const int node : change.updated) {
            const char match = m_searchRowKeys.contains(m_tree.node(node).rk) ? 1 : 0;
            if (match != m_matches[static_cast<size_t>(node)]) {
                m_matches[static_cast<size_t>(node)] = match;
                m_matchCount += match ? 1 : -1;
            }
        }
    }

    emitRowsChanged(change.updated, 0, ColumnCount - 1, {});
    // Rows refreshed in full above need no second signal for their counts.
    std::vector<int> updated = change.updated;
    std::sort(updated.begin(), updated.end());
    std::vector<int> countsOnly;
    for (const int node : change.aggregatesChanged) {
        if (!std::binary_search(updated.begin(), updated.end(), node))
            countsOnly.push_back(node);
    }
    emitRowsChanged(std::move(countsOnly), NameColumn, NameColumn, { ErrorCountRole, DescendantCountRole });

    if (change.traceStartChanged) {
        // Every offset moved; one range per non-empty child list, only over the start column.
        const QList<int> roles { Qt::DisplayRole, SortRole, StartOffsetRole, TraceStartRole };
        const auto refreshList = [this, &roles](int parent) {
            const int count = m_tree.childCount(parent);
            if (count == 0)
                return;
            const QModelIndex parentIndex = indexForNode(parent);
            Q_EMIT dataChanged(
                index(0, StartColumn, parentIndex), index(count - 1, StartColumn, parentIndex), roles);
        };
        refreshList(-1);
        for (int node = 0; node < m_tree.size(); ++node)
            refreshList(node);
    }
    if (change.traceStartChanged || change.traceEndChanged)
        Q_EMIT traceRangeChanged();
    return change;
}

void SpanTreeModel::emitRowsChanged(
    std::vector<int> nodes, int firstColumn, int lastColumn, const QList<int> &roles)
{
    if (nodes.empty())
        return;
    std::sort(nodes.begin(), nodes.end(), [this](int a, int b) {
        const int pa = m_tree.parent(a);
        const int pb = m_tree.parent(b);
        return pa != pb ? pa < pb : m_tree.row(a) < m_tree.row(b);
    });
    size_t i = 0;
    while (i < nodes.size()) {
        const int parent = m_tree.parent(nodes[i]);
        const int first = m_tree.row(nodes[i]);
        int last = first;
        size_t j = i + 1;
        while (j < nodes.size() && m_tree.parent(nodes[j]) == parent && m_tree.row(nodes[j]) <= last + 1) {
            last = std::max(last, m_tree.row(nodes[j]));
            ++j;
        }
        const QModelIndex parentIndex = indexForNode(parent);
        Q_EMIT dataChanged(
            index(first, firstColumn, parentIndex), index(last, lastColumn, parentIndex), roles);
        i = j;
    }
}

void SpanTreeModel::aboutToInsert(int parent, int first, int last)
{
    beginInsertRows(indexForNode(parent), first, last);
}

void SpanTreeModel::inserted()
{
    endInsertRows();
}

void SpanTreeModel::aboutToMove(int fromParent, int first, int last, int toParent, int toRow)
{
    const bool ok = beginMoveRows(indexForNode(fromParent), first, last, indexForNode(toParent), toRow);
    if (!ok)
        qWarning("SpanTreeModel: the span tree asked for an invalid move");
    Q_ASSERT(ok);
}

void SpanTreeModel::moved()
{
    endMoveRows();
}

QModelIndex SpanTreeModel::indexForNode(int node, int column) const
{
    if (!m_tree.isValidNode(node) || column < 0 || column >= ColumnCount)
        return {};
    return createIndex(m_tree.row(node), column, static_cast<quintptr>(node));
}

int SpanTreeModel::nodeForIndex(const QModelIndex &index) const
{
    if (!index.isValid() || index.model() != this)
        return -1;
    const auto node = static_cast<int>(index.internalId());
    return m_tree.isValidNode(node) ? node : -1;
}

QModelIndex SpanTreeModel::indexForRowKey(qint64 rk, int column) const
{
    return indexForNode(m_tree.indexOfRowKey(rk), column);
}

QModelIndex SpanTreeModel::indexForId(const QString &id, int column) const
{
    return indexForNode(m_tree.indexOfId(id), column);
}

void SpanTreeModel::refreshMatches()
{
    m_matches.assign(static_cast<size_t>(m_tree.size()), 0);
    m_matchCount = 0;
    for (const qint64 rk : std::as_const(m_searchRowKeys)) {
        const int node = m_tree.indexOfRowKey(rk);
        if (node >= 0 && !m_matches[static_cast<size_t>(node)]) {
            m_matches[static_cast<size_t>(node)] = 1;
            ++m_matchCount;
        }
    }
}

void SpanTreeModel::setSearchMatches(const QSet<qint64> &rowKeys)
{
    const std::vector<char> before = m_matches;
    m_searchRowKeys = rowKeys;
    refreshMatches();
    std::vector<int> changed;
    for (size_t i = 0; i < m_matches.size(); ++i) {
        if (m_matches[i] != before[i])
            changed.push_back(static_cast<int>(i));
    }
    emitRowsChanged(std::move(changed), 0, ColumnCount - 1, { SearchMatchRole });
}

bool SpanTreeModel::matches(int node) const
{
    return node >= 0 && static_cast<size_t>(node) < m_matches.size()
        && m_matches[static_cast<size_t>(node)] != 0;
}

QModelIndex SpanTreeModel::nextSearchMatch(const QModelIndex &from, bool backwards) const
{
    if (m_matchCount == 0)
        return {};
    const int start = nodeForIndex(from);
    int node = start;
    // At most one full turn: every node once, plus the wrap through -1.
    for (int step = 0; step <= m_tree.size(); ++step) {
        node = backwards ? m_tree.previous(node) : m_tree.next(node);
        if (node < 0)
            continue; // wrapped: previous(-1)/next(-1) restart at the other end
        if (matches(node))
            return indexForNode(node);
        if (node == start)
            break;
    }
    return {};
}

QModelIndex SpanTreeModel::firstErrorAfter(const QModelIndex &index) const
{
    return indexForNode(m_tree.firstErrorAfter(nodeForIndex(index)));
}

QModelIndex SpanTreeModel::lastErrorBefore(const QModelIndex &index) const
{
    return indexForNode(m_tree.lastErrorBefore(nodeForIndex(index)));
}

QModelIndex SpanTreeModel::mostExpensiveGeneration() const
{
    return indexForNode(m_tree.mostExpensiveGeneration());
}

QModelIndex SpanTreeModel::slowestGeneration() const
{
    return indexForNode(m_tree.slowestGeneration());
}

QModelIndexList SpanTreeModel::ancestors(const QModelIndex &index) const
{
    QModelIndexList list;
    const int node = nodeForIndex(index);
    if (node < 0)
        return list;
    for (const int ancestor : m_tree.ancestors(node))
        list.append(indexForNode(ancestor));
    return list;
}

QString SpanTreeModel::formatCost(double usd)
{
    if (!(usd > 0.0))
        return {};
    if (usd < 0.0001)
        return QStringLiteral("<$0.0001");
    return u'$' + QString::number(usd, 'f', usd < 100.0 ? 4 : 2);
}

QModelIndex SpanTreeModel::index(int row, int column, const QModelIndex &parent) const
{
    if (column < 0 || column >= ColumnCount)
        return {};
    int parentNode = -1;
    if (parent.isValid()) {
        if (parent.column() != 0)
            return {};
        parentNode = nodeForIndex(parent);
        if (parentNode < 0)
            return {};
    }
    const int node = m_tree.child(parentNode, row);
    if (node < 0)
        return {};
    return createIndex(row, column, static_cast<quintptr>(node));
}

QModelIndex SpanTreeModel::parent(const QModelIndex &child) const
{
    const int node = nodeForIndex(child);
    if (node < 0)
        return {};
    return indexForNode(m_tree.parent(node));
}

int SpanTreeModel::rowCount(const QModelIndex &parent) const
{
    if (!parent.isValid())
        return m_tree.childCount(-1);
    if (parent.column() != 0)
        return 0;
    const int node = nodeForIndex(parent);
    return node < 0 ? 0 : m_tree.childCount(node);
}

int SpanTreeModel::columnCount(const QModelIndex &) const
{
    return ColumnCount;
}

bool SpanTreeModel::hasChildren(const QModelIndex &parent) const
{
    return rowCount(parent) > 0;
}

QVariant SpanTreeModel::displayData(int node, int column) const
{
    const SpanTree::Node &n = m_tree.node(node);
    switch (column) {
    case NameColumn: {
        const QString &name = m_tree.name(node);
        return name.isEmpty() ? m_tree.id(node) : name;
    }
    case TypeColumn:
        return observationTypeName(n.type);
    case StartColumn: {
        const qint64 offset = m_tree.startOffsetNs(node);
        return offset >= 0 ? formatDuration(offset) : QString();
    }
    case DurationColumn:
        return formatDuration(m_tree.durationNs(node));
    case ModelColumn:
        return m_tree.model(node);
    case InputTokensColumn:
        return formatTokens(n.inputTokens);
    case OutputTokensColumn:
        return formatTokens(n.outputTokens);
    case CostColumn:
        return formatCost(n.cost);
    case LevelColumn:
        return n.level == Level::Default ? QString() : levelName(n.level);
    default:
        return {};
    }
}

QVariant SpanTreeModel::sortData(int node, int column) const
{
    const SpanTree::Node &n = m_tree.node(node);
    switch (column) {
    case NameColumn:
        return m_tree.name(node);
    case TypeColumn:
        return static_cast<int>(n.type);
    case StartColumn:
        return m_tree.startOffsetNs(node);
    case DurationColumn:
        return m_tree.durationNs(node);
    case ModelColumn:
        return m_tree.model(node);
    case InputTokensColumn:
        return n.inputTokens;
    case OutputTokensColumn:
        return n.outputTokens;
    case CostColumn:
        return n.cost;
    case LevelColumn:
        return static_cast<int>(n.level);
    default:
        return {};
    }
}

QString SpanTreeModel::toolTip(int node) const
{
    const int flags = m_tree.flags(node);
    QStringList lines;
    if (flags & SpanTree::Orphan)
        lines << tr("Parent observation %1 is not in this trace; shown at the top level.")
                     .arg(m_tree.parentId(node));
    if (flags & SpanTree::CycleCut)
        lines << tr("The parent chain loops back to this observation; the loop was cut here.");
    if (flags & SpanTree::Duplicate)
        lines << tr("Several rows carried this id; the last one is shown.");
    return lines.join(u'\n');
}

QVariant SpanTreeModel::data(const QModelIndex &index, int role) const
{
    const int node = nodeForIndex(index);
    if (node < 0)
        return {};
    const SpanTree::Node &n = m_tree.node(node);
    switch (role) {
    case Qt::DisplayRole:
        return displayData(node, index.column());
    case Qt::ToolTipRole:
        if (index.column() == NameColumn && m_tree.flags(node) != SpanTree::NoFlags)
            return toolTip(node);
        return {};
    case Qt::TextAlignmentRole:
        if (isNumericColumn(index.column()))
            return QVariant::fromValue(Qt::Alignment(Qt::AlignRight | Qt::AlignVCenter));
        return {};
    case SortRole:
        return sortData(node, index.column());
    case RowKeyRole:
        return n.rk;
    case IdRole:
        return m_tree.id(node);
    case ObservationTypeRole:
        return static_cast<int>(n.type);
    case LevelRole:
        return static_cast<int>(n.level);
    case StartOffsetRole:
        return m_tree.startOffsetNs(node);
    case DurationRole:
        return m_tree.durationNs(node);
    case TraceStartRole:
        return m_tree.traceStartNs();
    case TraceDurationRole:
        return m_tree.traceDurationNs();
    case DepthRole:
        return n.depth;
    case TreeFlagsRole:
        return static_cast<int>(n.flags);
    case ErrorCountRole:
        return n.subtreeErrors;
    case ModelNameRole:
        return m_tree.model(node);
    case CostRole:
        return n.cost;
    case TokensRole:
        return n.totalTokens;
    case SearchMatchRole:
        return matches(node);
    case DescendantCountRole:
        return n.subtreeSize - 1;
    case ParentIdRole:
        return m_tree.parentId(node);
    default:
        return {};
    }
}

QVariant SpanTreeModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= ColumnCount)
        return {};
    if (role == Qt::TextAlignmentRole)
        return isNumericColumn(section)
            ? QVariant::fromValue(Qt::Alignment(Qt::AlignRight | Qt::AlignVCenter))
            : QVariant();
    if (role != Qt::DisplayRole)
        return {};
    switch (section) {
    case NameColumn:
        return tr("Name");
    case TypeColumn:
        return tr("Type");
    case StartColumn:
        return tr("Start");
    case DurationColumn:
        return tr("Duration");
    case ModelColumn:
        return tr("Model");
    case InputTokensColumn:
        return tr("Tokens in");
    case OutputTokensColumn:
        return tr("Tokens out");
    case CostColumn:
        return tr("Cost");
    case LevelColumn:
        return tr("Level");
    default:
        return {};
    }
}

QHash<int, QByteArray> SpanTreeModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractItemModel::roleNames();
    names.insert(SortRole, "sortValue");
    names.insert(RowKeyRole, "rowKey");
    names.insert(IdRole, "observationId");
    names.insert(ObservationTypeRole, "observationType");
    names.insert(LevelRole, "level");
    names.insert(StartOffsetRole, "startOffset");
    names.insert(DurationRole, "duration");
    names.insert(TraceStartRole, "traceStart");
    names.insert(TraceDurationRole, "traceDuration");
    names.insert(DepthRole, "depth");
    names.insert(TreeFlagsRole, "treeFlags");
    names.insert(ErrorCountRole, "errorCount");
    names.insert(ModelNameRole, "modelName");
    names.insert(CostRole, "cost");
    names.insert(TokensRole, "tokens");
    names.insert(SearchMatchRole, "searchMatch");
    names.insert(DescendantCountRole, "descendantCount");
    names.insert(ParentIdRole, "parentId");
    return names;
}

} // namespace tg
