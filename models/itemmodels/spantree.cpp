#include "spantree.h"

#include <algorithm>
#include <limits>

namespace tg {

namespace {
const std::vector<int> kNoChildren;
} // namespace

SpanTree SpanTree::build(const std::vector<ObservationRow> &rows)
{
    SpanTree tree;
    tree.m_nodes.reserve(rows.size());
    tree.m_ids.reserve(rows.size());
    tree.m_parentIds.reserve(rows.size());
    tree.m_idIndex.reserve(rows.size());

    for (const ObservationRow &row : rows) {
        const int fresh = tree.size();
        tree.m_ids.push_back(row.id);
        const int index = tree.m_idIndex.findOrInsert(fresh, tree.m_ids);
        if (index == fresh) {
            tree.m_nodes.emplace_back();
            tree.m_parentIds.push_back(row.parentId);
        } else {
            // A later row for the same id wins, as a later write would in the store.
            tree.m_ids.pop_back();
            tree.m_nodes[static_cast<size_t>(index)].flags |= Duplicate;
            tree.m_parentIds[static_cast<size_t>(index)] = row.parentId;
        }
        tree.assignValues(index, row);
    }
    tree.rebuildRowKeyIndex();

    const int count = tree.size();
    for (int i = 0; i < count; ++i) {
        const QString &parentId = tree.m_parentIds[static_cast<size_t>(i)];
        if (parentId.isEmpty())
            continue;
        const int parent = tree.indexOfId(parentId);
        if (parent < 0)
            tree.m_nodes[static_cast<size_t>(i)].flags |= Orphan;
        else
            tree.m_nodes[static_cast<size_t>(i)].parent = parent;
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
            tree.m_nodes[static_cast<size_t>(cut)].parent = -1;
            tree.m_nodes[static_cast<size_t>(cut)].flags |= CycleCut;
        }
        for (const int p : path)
            state[static_cast<size_t>(p)] = 2;
    }

    tree.m_children.resize(static_cast<size_t>(count));
    std::vector<int> childCounts(static_cast<size_t>(count), 0);
    int rootCount = 0;
    for (const Node &node : tree.m_nodes) {
        if (node.parent < 0)
            ++rootCount;
        else
            ++childCounts[static_cast<size_t>(node.parent)];
    }
    tree.m_roots.reserve(static_cast<size_t>(rootCount));
    for (int i = 0; i < count; ++i) {
        if (childCounts[static_cast<size_t>(i)] > 0)
            tree.m_children[static_cast<size_t>(i)].reserve(
                static_cast<size_t>(childCounts[static_cast<size_t>(i)]));
    }
    for (int i = 0; i < count; ++i)
        tree.childList(tree.m_nodes[static_cast<size_t>(i)].parent).push_back(i);

    std::vector<qint64> keys(static_cast<size_t>(count));
    for (int i = 0; i < count; ++i)
        keys[static_cast<size_t>(i)] = tree.startKey(i);
    const auto less = [&keys](int a, int b) {
        const qint64 ka = keys[static_cast<size_t>(a)];
        const qint64 kb = keys[static_cast<size_t>(b)];
        return ka != kb ? ka < kb : a < b;
    };
    std::sort(tree.m_roots.begin(), tree.m_roots.end(), less);
    for (auto &list : tree.m_children) {
        if (list.size() > 1)
            std::sort(list.begin(), list.end(), less);
    }

    tree.recomputeAllDerived();
    tree.recomputeTraceRange();
    return tree;
}

void SpanTree::assignValues(int index, const ObservationRow &row)
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
    node.name = m_strings.intern(row.name);
    node.model = m_strings.intern(row.model);
    node.type = row.type;
    node.level = row.level;
}

std::vector<int> &SpanTree::childList(int parent)
{
    return parent < 0 ? m_roots : m_children[static_cast<size_t>(parent)];
}

const std::vector<int> &SpanTree::children(int parent) const
{
    if (parent < 0)
        return m_roots;
    if (parent >= size())
        return kNoChildren;
    return m_children[static_cast<size_t>(parent)];
}

int SpanTree::child(int parent, int row) const
{
    const std::vector<int> &list = children(parent);
    if (row < 0 || row >= static_cast<int>(list.size()))
        return -1;
    return list[static_cast<size_t>(row)];
}

void SpanTree::renumber(int parent, size_t from)
{
    const std::vector<int> &list = childList(parent);
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
    for (size_t i = 0; i < m_roots.size(); ++i) {
        Node &node = m_nodes[static_cast<size_t>(m_roots[i])];
        node.row = static_cast<int>(i);
        node.depth = 0;
        order.push_back(m_roots[i]);
    }
    for (size_t head = 0; head < order.size(); ++head) {
        const int current = order[head];
        const int childDepth = m_nodes[static_cast<size_t>(current)].depth + 1;
        const std::vector<int> &list = m_children[static_cast<size_t>(current)];
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
    for (const int root : m_roots)
        sum += m_nodes[static_cast<size_t>(root)].subtreeErrors;
    return sum;
}

int SpanTree::next(int index) const
{
    if (index < 0)
        return m_roots.empty() ? -1 : m_roots.front();
    if (!isValidNode(index))
        return -1;
    const std::vector<int> &own = m_children[static_cast<size_t>(index)];
    if (!own.empty())
        return own.front();
    for (int x = index; x >= 0; x = parent(x)) {
        const std::vector<int> &siblings = children(parent(x));
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
        if (m_roots.empty())
            return -1;
        x = m_roots.back();
    } else {
        if (!isValidNode(index))
            return -1;
        if (row(index) == 0)
            return parent(index);
        x = children(parent(index))[static_cast<size_t>(row(index)) - 1];
    }
    while (!m_children[static_cast<size_t>(x)].empty())
        x = m_children[static_cast<size_t>(x)].back();
    return x;
}

int SpanTree::firstErrorInSubtree(int index) const
{
    int x = index;
    while (!isError(x)) {
        int nextX = -1;
        for (const int c : m_children[static_cast<size_t>(x)]) {
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
        const std::vector<int> &list = m_children[static_cast<size_t>(x)];
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
    const auto scan = [this](const std::vector<int> &list, size_t from) {
        for (size_t i = from; i < list.size(); ++i) {
            if (m_nodes[static_cast<size_t>(list[i])].subtreeErrors > 0)
                return firstErrorInSubtree(list[i]);
        }
        return -1;
    };
    if (index < 0)
        return scan(m_roots, 0);
    if (!isValidNode(index))
        return -1;
    if (const int below = scan(m_children[static_cast<size_t>(index)], 0); below >= 0)
        return below;
    for (int x = index; x >= 0; x = parent(x)) {
        if (const int found = scan(children(parent(x)), static_cast<size_t>(row(x)) + 1); found >= 0)
            return found;
    }
    return -1;
}

int SpanTree::lastErrorBefore(int index) const
{
    const auto scanBack = [this](const std::vector<int> &list, size_t end) {
        for (size_t i = end; i-- > 0;) {
            if (m_nodes[static_cast<size_t>(list[i])].subtreeErrors > 0)
                return lastErrorInSubtree(list[i]);
        }
        return -1;
    };
    if (index < 0)
        return scanBack(m_roots, m_roots.size());
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
