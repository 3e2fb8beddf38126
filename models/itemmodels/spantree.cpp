#include "spantree.h"

#include <algorithm>
#include <limits>

namespace tg {

SpanTree SpanTree::build(const std::vector<ObservationRow> &rows)
{
    SpanTree tree;
    const size_t rowCount = rows.size();
    tree.m_nodes.reserve(rowCount);
    tree.m_ids.reserve(rowCount);
    tree.m_idIndex.reserve(rowCount);

    // Opening a big trace is bound by cache misses on the row strings and the index slots. Hash
    // everything in one sequential pass that prefetches the strings a few rows ahead, then probe
    // the index with its slots prefetched, so the misses overlap instead of queueing.
    struct RowHashes
    {
        size_t id;
        size_t parent;
        size_t name;
        size_t model;
    };
    constexpr size_t kAhead = 16;
    const auto touch = [](const QString &text) {
        if (!text.isEmpty()) {
            // Both ends: a 16-character id often straddles two cache lines.
            __builtin_prefetch(text.constData());
            __builtin_prefetch(text.constData() + text.size() - 1);
        }
    };
    std::vector<RowHashes> hashes(rowCount);
    for (size_t i = 0; i < rowCount; ++i) {
        if (i + kAhead < rowCount) {
            const ObservationRow &ahead = rows[i + kAhead];
            touch(ahead.id);
            touch(ahead.parentId);
            touch(ahead.name);
        }
        const ObservationRow &row = rows[i];
        hashes[i] = { IdIndex::hashOf(row.id), row.parentId.isEmpty() ? 0 : IdIndex::hashOf(row.parentId),
            IdIndex::hashOf(row.name), row.model.isEmpty() ? 0 : IdIndex::hashOf(row.model) };
    }

    std::vector<int> winningRow; // per node, the row whose values it holds
    winningRow.reserve(rowCount);
    for (size_t i = 0; i < rowCount; ++i) {
        if (i + kAhead < rowCount) {
            // Pass 1 compares names against the interned ones: the row's copy is cold again.
            tree.m_idIndex.prefetch(hashes[i + kAhead].id);
            touch(rows[i + kAhead].name);
            touch(rows[i + kAhead].model);
        }
        const ObservationRow &row = rows[i];
        const int fresh = tree.size();
        tree.m_ids.push_back(row.id);
        const int index = tree.m_idIndex.findOrInsert(fresh, hashes[i].id, tree.m_ids);
        if (index == fresh) {
            tree.m_nodes.emplace_back();
            winningRow.push_back(static_cast<int>(i));
        } else {
            // A later row for the same id wins, as a later write would in the store.
            tree.m_ids.pop_back();
            tree.m_nodes[static_cast<size_t>(index)].flags |= Duplicate;
            winningRow[static_cast<size_t>(index)] = static_cast<int>(i);
        }
        tree.assignValues(index, row, hashes[i].name, hashes[i].model);
    }
    tree.rebuildRowKeyIndex();

    const int count = tree.size();
    for (int i = 0; i < count; ++i) {
        if (i + static_cast<int>(kAhead) < count) {
            const auto ahead = static_cast<size_t>(winningRow[static_cast<size_t>(i) + kAhead]);
            tree.m_idIndex.prefetch(hashes[ahead].parent);
            touch(rows[ahead].parentId);
        }
        const size_t rowIndex = static_cast<size_t>(winningRow[static_cast<size_t>(i)]);
        const QString &parentId = rows[rowIndex].parentId;
        if (parentId.isEmpty())
            continue;
        const int parent = tree.m_idIndex.find(parentId, hashes[rowIndex].parent, tree.m_ids);
        if (parent < 0) {
            tree.m_nodes[static_cast<size_t>(i)].flags |= Orphan;
            tree.m_detachedParentIds.insert(i, parentId);
        } else {
            tree.m_nodes[static_cast<size_t>(i)].parent = parent;
        }
    }

    // Walk each parent chain once (0 = unseen, 1 = on the current walk, 2 = settled); meeting a
    // node of the current walk again means a loop, which is cut at its earliest node.
    std::vector<char> state(static_cast<size_t>(count), 0);
    std::vector<int> path;
    for (int i = 0; i < count; ++i) {
        if (state[static_cast<size_t>(i)] != 0)
            continue;
        path.clear();
        int x = i;
        while (x >= 0 && state[static_cast<size_t>(x)] == 0) {
            state[static_cast<size_t>(x)] = 1;
            path.push_back(x);
            x = tree.m_nodes[static_cast<size_t>(x)].parent;
        }
        if (x >= 0 && state[static_cast<size_t>(x)] == 1) {
            const auto loopBegin = std::find(path.begin(), path.end(), x);
            const int cut = *std::min_element(
                loopBegin, path.end(), [&tree](int a, int b) { return tree.lessByStart(a, b); });
            Node &cutNode = tree.m_nodes[static_cast<size_t>(cut)];
            tree.m_detachedParentIds.insert(cut, tree.m_ids[static_cast<size_t>(cutNode.parent)]);
            cutNode.parent = -1;
            cutNode.flags |= CycleCut;
        }
        for (const int p : path)
            state[static_cast<size_t>(p)] = 2;
    }

    std::vector<int> childCounts(static_cast<size_t>(count) + 1, 0);
    for (const Node &node : tree.m_nodes)
        ++childCounts[static_cast<size_t>(listOf(node.parent))];
    tree.m_children.assign(childCounts);
    for (int i = 0; i < count; ++i)
        tree.m_children.append(listOf(tree.m_nodes[static_cast<size_t>(i)].parent), i);

    std::vector<qint64> keys(static_cast<size_t>(count));
    for (int i = 0; i < count; ++i)
        keys[static_cast<size_t>(i)] = tree.startKey(i);
    const auto less = [&keys](int a, int b) {
        const qint64 ka = keys[static_cast<size_t>(a)];
        const qint64 kb = keys[static_cast<size_t>(b)];
        return ka != kb ? ka < kb : a < b;
    };
    for (int list = 0; list <= count; ++list) {
        const std::span<int> children = tree.m_children.mutableList(list);
        if (children.size() > 1)
            std::sort(children.begin(), children.end(), less);
    }

    tree.recomputeAllDerived();
    tree.recomputeTraceRange();
    return tree;
}

void SpanTree::assignValues(int index, const ObservationRow &row)
{
    assignValues(index, row, IdIndex::hashOf(row.name), row.model.isEmpty() ? 0 : IdIndex::hashOf(row.model));
}

void SpanTree::assignValues(int index, const ObservationRow &row, size_t nameHash, size_t modelHash)
{
    Node &node = m_nodes[static_cast<size_t>(index)];
    node.rk = row.rk;
    node.startNs = row.startNs >= 0 ? row.startNs : kUnknownTime;
    node.endNs = row.endNs >= 0 ? row.endNs : kUnknownTime;
    node.inputTokens = row.inputTokens;
    node.outputTokens = row.outputTokens;
    node.totalTokens = row.totalTokens;
    node.cost = row.cost;
    node.writeSeq = row.writeSeq;
    node.name = m_strings.intern(row.name, nameHash);
    node.model = m_strings.intern(row.model, modelHash);
    node.type = row.type;
    node.level = row.level;
}

const QString &SpanTree::parentId(int node) const
{
    static const QString none;
    const auto it = m_detachedParentIds.constFind(node);
    if (it != m_detachedParentIds.cend())
        return it.value();
    const int parent = m_nodes[static_cast<size_t>(node)].parent;
    return parent >= 0 ? m_ids[static_cast<size_t>(parent)] : none;
}

std::span<const int> SpanTree::children(int parent) const
{
    if (parent >= size() || m_children.listCount() == 0)
        return {};
    return m_children.list(listOf(std::max(parent, -1)));
}

int SpanTree::child(int parent, int row) const
{
    const std::span<const int> list = children(parent);
    if (row < 0 || row >= static_cast<int>(list.size()))
        return -1;
    return list[static_cast<size_t>(row)];
}

void SpanTree::renumber(int parent, size_t from)
{
    const std::span<const int> list = children(parent);
    for (size_t i = from; i < list.size(); ++i)
        m_nodes[static_cast<size_t>(list[i])].row = static_cast<int>(i);
}

void SpanTree::recomputeAllDerived()
{
    // Breadth-first from the top level: parents come before children, so depths flow down in
    // one pass and subtree sums flow up in one reverse pass, without recursion.
    std::vector<int> order;
    order.reserve(m_nodes.size());
    m_depthCounts.clear();
    const std::span<const int> roots = children(-1);
    for (size_t i = 0; i < roots.size(); ++i) {
        Node &node = m_nodes[static_cast<size_t>(roots[i])];
        node.row = static_cast<int>(i);
        node.depth = 0;
        order.push_back(roots[i]);
    }
    for (size_t head = 0; head < order.size(); ++head) {
        const int current = order[head];
        const int childDepth = m_nodes[static_cast<size_t>(current)].depth + 1;
        const std::span<const int> list = children(current);
        for (size_t i = 0; i < list.size(); ++i) {
            Node &node = m_nodes[static_cast<size_t>(list[i])];
            node.row = static_cast<int>(i);
            node.depth = childDepth;
            order.push_back(list[i]);
        }
    }
    for (Node &node : m_nodes) {
        node.subtreeSize = 1;
        node.subtreeErrors = node.level == Level::Error ? 1 : 0;
        if (node.depth >= static_cast<int>(m_depthCounts.size()))
            m_depthCounts.resize(static_cast<size_t>(node.depth) + 1, 0);
        ++m_depthCounts[static_cast<size_t>(node.depth)];
    }
    for (auto it = order.rbegin(); it != order.rend(); ++it) {
        const Node &node = m_nodes[static_cast<size_t>(*it)];
        if (node.parent >= 0) {
            Node &parent = m_nodes[static_cast<size_t>(node.parent)];
            parent.subtreeSize += node.subtreeSize;
            parent.subtreeErrors += node.subtreeErrors;
        }
    }
}

void SpanTree::recomputeTraceRange()
{
    qint64 start = std::numeric_limits<qint64>::max();
    qint64 end = kUnknownTime;
    for (const Node &node : m_nodes) {
        if (node.startNs >= 0) {
            start = std::min(start, node.startNs);
            end = std::max(end, node.startNs);
        }
        if (node.endNs >= 0)
            end = std::max(end, node.endNs);
    }
    m_traceStartNs = start == std::numeric_limits<qint64>::max() ? kUnknownTime : start;
    m_traceEndNs = end;
}

void SpanTree::addDepth(int depth, int delta)
{
    if (depth >= static_cast<int>(m_depthCounts.size()))
        m_depthCounts.resize(static_cast<size_t>(depth) + 1, 0);
    m_depthCounts[static_cast<size_t>(depth)] += delta;
    while (!m_depthCounts.empty() && m_depthCounts.back() == 0)
        m_depthCounts.pop_back();
}

int SpanTree::indexOfId(const QString &id) const
{
    return m_idIndex.find(id, m_ids);
}

void SpanTree::rebuildRowKeyIndex()
{
    m_rkIndex.clear();
    m_rkIndex.reserve(m_nodes.size());
    bool sorted = true;
    for (size_t i = 0; i < m_nodes.size(); ++i) {
        m_rkIndex.emplace_back(m_nodes[i].rk, static_cast<int>(i));
        sorted = sorted && (i == 0 || m_rkIndex[i - 1] < m_rkIndex[i]);
    }
    if (!sorted)
        std::sort(m_rkIndex.begin(), m_rkIndex.end());
}

int SpanTree::indexOfRowKey(qint64 rk) const
{
    const auto it = std::lower_bound(m_rkIndex.begin(), m_rkIndex.end(), std::make_pair(rk, -1));
    return (it != m_rkIndex.end() && it->first == rk) ? it->second : -1;
}

qint64 SpanTree::traceDurationNs() const
{
    if (m_traceStartNs < 0 || m_traceEndNs < m_traceStartNs)
        return kUnknownTime;
    return m_traceEndNs - m_traceStartNs;
}

qint64 SpanTree::durationNs(int index) const
{
    const Node &n = node(index);
    if (n.startNs < 0 || n.endNs < n.startNs)
        return kUnknownTime;
    return n.endNs - n.startNs;
}

qint64 SpanTree::startOffsetNs(int index) const
{
    const Node &n = node(index);
    if (n.startNs < 0 || m_traceStartNs < 0)
        return kUnknownTime;
    return n.startNs - m_traceStartNs;
}

int SpanTree::countFlag(Flag flag) const
{
    return static_cast<int>(std::count_if(
        m_nodes.begin(), m_nodes.end(), [flag](const Node &n) { return (n.flags & flag) != 0; }));
}

int SpanTree::errorCount() const
{
    int sum = 0;
    for (const int root : children(-1))
        sum += m_nodes[static_cast<size_t>(root)].subtreeErrors;
    return sum;
}

int SpanTree::next(int index) const
{
    if (index < 0)
        return childCount(-1) == 0 ? -1 : children(-1).front();
    if (!isValidNode(index))
        return -1;
    const std::span<const int> own = children(index);
    if (!own.empty())
        return own.front();
    for (int x = index; x >= 0; x = parent(x)) {
        const std::span<const int> siblings = children(parent(x));
        const size_t nextRow = static_cast<size_t>(row(x)) + 1;
        if (nextRow < siblings.size())
            return siblings[nextRow];
    }
    return -1;
}

int SpanTree::previous(int index) const
{
    int x = -1;
    if (index < 0) {
        if (childCount(-1) == 0)
            return -1;
        x = children(-1).back();
    } else {
        if (!isValidNode(index))
            return -1;
        if (row(index) == 0)
            return parent(index);
        x = children(parent(index))[static_cast<size_t>(row(index)) - 1];
    }
    while (childCount(x) > 0)
        x = children(x).back();
    return x;
}

int SpanTree::firstErrorInSubtree(int index) const
{
    int x = index;
    while (!isError(x)) {
        int nextX = -1;
        for (const int c : children(x)) {
            if (m_nodes[static_cast<size_t>(c)].subtreeErrors > 0) {
                nextX = c;
                break;
            }
        }
        if (nextX < 0)
            return -1; // the counts promised an error that is not there
        x = nextX;
    }
    return x;
}

int SpanTree::lastErrorInSubtree(int index) const
{
    int x = index;
    for (;;) {
        int nextX = -1;
        const std::span<const int> list = children(x);
        for (auto it = list.rbegin(); it != list.rend(); ++it) {
            if (m_nodes[static_cast<size_t>(*it)].subtreeErrors > 0) {
                nextX = *it;
                break;
            }
        }
        if (nextX < 0)
            return isError(x) ? x : -1;
        x = nextX;
    }
}

int SpanTree::firstErrorAfter(int index) const
{
    const auto scan = [this](std::span<const int> list, size_t from) {
        for (size_t i = from; i < list.size(); ++i) {
            if (m_nodes[static_cast<size_t>(list[i])].subtreeErrors > 0)
                return firstErrorInSubtree(list[i]);
        }
        return -1;
    };
    if (index < 0)
        return scan(children(-1), 0);
    if (!isValidNode(index))
        return -1;
    if (const int below = scan(children(index), 0); below >= 0)
        return below;
    for (int x = index; x >= 0; x = parent(x)) {
        if (const int found = scan(children(parent(x)), static_cast<size_t>(row(x)) + 1); found >= 0)
            return found;
    }
    return -1;
}

int SpanTree::lastErrorBefore(int index) const
{
    const auto scanBack = [this](std::span<const int> list, size_t end) {
        for (size_t i = end; i-- > 0;) {
            if (m_nodes[static_cast<size_t>(list[i])].subtreeErrors > 0)
                return lastErrorInSubtree(list[i]);
        }
        return -1;
    };
    if (index < 0)
        return scanBack(children(-1), children(-1).size());
    if (!isValidNode(index))
        return -1;
    for (int x = index; x >= 0; x = parent(x)) {
        if (const int found = scanBack(children(parent(x)), static_cast<size_t>(row(x))); found >= 0)
            return found;
        if (parent(x) >= 0 && isError(parent(x)))
            return parent(x);
    }
    return -1;
}

int SpanTree::mostExpensiveGeneration() const
{
    int best = -1;
    double bestCost = 0.0;
    for (int i = 0; i < size(); ++i) {
        const Node &n = m_nodes[static_cast<size_t>(i)];
        if (n.type == ObservationType::Generation && n.cost > bestCost) {
            best = i;
            bestCost = n.cost;
        }
    }
    return best;
}

int SpanTree::slowestGeneration() const
{
    int best = -1;
    qint64 bestDuration = kUnknownTime;
    for (int i = 0; i < size(); ++i) {
        if (m_nodes[static_cast<size_t>(i)].type != ObservationType::Generation)
            continue;
        const qint64 duration = durationNs(i);
        if (duration > bestDuration) {
            best = i;
            bestDuration = duration;
        }
    }
    return best;
}

std::vector<int> SpanTree::ancestors(int index) const
{
    std::vector<int> path;
    if (!isValidNode(index))
        return path;
    for (int x = parent(index); x >= 0; x = parent(x))
        path.push_back(x);
    std::reverse(path.begin(), path.end());
    return path;
}

} // namespace tg
