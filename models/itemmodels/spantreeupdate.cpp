// SpanTree::applyUpdate(): live growth of a tree in small, announced steps.
//
// Order of work, chosen so that an item model can announce every step with the tree in a
// consistent state before and after it:
//   1. values: known ids are updated in place, new ids are appended (not yet linked, so not
//      visible); a changed start time is held back until the node is repositioned, which keeps
//      every child list sorted for the binary searches below;
//   2. targets: the wanted parent of every node that may have to move (new nodes, changed
//      parent ids, top-level orphans and cut nodes), with loops cut as build() cuts them;
//   3. inserts: new nodes under visible parents, in runs; new nodes under new parents are
//      linked silently and arrive with their parent;
//   4. moves: existing nodes to their new parent or row, contiguous siblings in one step.
// Subtree aggregates follow each step by walking up the ancestors, or are recomputed in one
// pass when a batch is so large against the tree depth that the walks would cost more.

#include "spantree.h"

#include <QHash>

#include <algorithm>
#include <limits>

namespace tg {

namespace {

enum Mark : quint8 {
    MarkUpdated = 0x1,
    MarkAggregate = 0x2,
    MarkMoved = 0x4,
    MarkCandidate = 0x8,
    MarkSeen = 0x10,
};

qint64 normalizedTime(qint64 t)
{
    return t >= 0 ? t : kUnknownTime;
}

} // namespace

struct SpanTree::UpdateContext
{
    SpanTreeChange change;
    int oldSize = 0;
    bool fullRecompute = false;
    std::vector<quint8> marks; ///< per node, Mark bits for this batch
    std::vector<int> target; ///< per node, the wanted parent (candidates only)
    std::vector<int> candidates; ///< nodes that may need another parent or row
    std::vector<int> newNodes;
    QHash<int, qint64> pendingStart; ///< new start times not yet applied (see step 1)
    std::vector<std::pair<int, int>> levelFlips; ///< node, +1 became ERROR / -1 stopped being one
    QHash<int, qint64> originalRowKeys; ///< existing nodes whose row key changed
    QHash<int, QString> declaredParentIds; ///< parent ids sent in this batch (new or changed)
    bool fullRange = false; ///< the trace range may shrink: recompute it from all nodes
    qint64 rangeStart = std::numeric_limits<qint64>::max();
    qint64 rangeEnd = kUnknownTime;

    void extendRange(qint64 start, qint64 end)
    {
        if (start >= 0) {
            rangeStart = std::min(rangeStart, start);
            rangeEnd = std::max(rangeEnd, start);
        }
        rangeEnd = std::max(rangeEnd, end);
    }

    void mark(int node, Mark bit, std::vector<int> &list)
    {
        if (node >= oldSize || (marks[static_cast<size_t>(node)] & bit) != 0)
            return;
        marks[static_cast<size_t>(node)] |= bit;
        list.push_back(node);
    }
    void markCandidate(int node)
    {
        if ((marks[static_cast<size_t>(node)] & MarkCandidate) != 0)
            return;
        marks[static_cast<size_t>(node)] |= MarkCandidate;
        candidates.push_back(node);
    }
    bool isCandidate(int node) const { return (marks[static_cast<size_t>(node)] & MarkCandidate) != 0; }
};

SpanTreeChange SpanTree::applyUpdate(const std::vector<ObservationRow> &rows, SpanTreeObserver *observer)
{
    if (rows.empty())
        return {};
    UpdateContext ctx;
    ctx.oldSize = size();
    const qint64 oldStart = m_traceStartNs;
    const qint64 oldEnd = m_traceEndNs;
    const int oldMaxDepth = maxDepth();
    // Walking ancestors costs about depth per changed row; past the tree size one pass is cheaper.
    ctx.fullRecompute = static_cast<qint64>(rows.size()) * (oldMaxDepth + 2) > 4LL * size() + 4096;
    ctx.marks.assign(m_nodes.size() + rows.size(), 0);
    if (m_children.listCount() == 0)
        m_children.addList(); // the top level of a tree that was never built

    // 1. values
    for (const ObservationRow &row : rows) {
        const int fresh = size();
        m_ids.push_back(row.id);
        const int found = m_idIndex.findOrInsert(fresh, m_ids);
        if (found == fresh) {
            const int index = fresh;
            m_nodes.emplace_back();
            m_children.addList();
            ctx.declaredParentIds.insert(index, row.parentId);
            assignValues(index, row);
            ctx.extendRange(m_nodes.back().startNs, m_nodes.back().endNs);
            ctx.newNodes.push_back(index);
            ctx.markCandidate(index);
            ctx.marks[static_cast<size_t>(index)] |= MarkSeen;
            continue;
        }
        m_ids.pop_back();
        const int index = found;
        Node &node = m_nodes[static_cast<size_t>(index)];
        const quint8 oldFlags = node.flags;
        quint8 &marks = ctx.marks[static_cast<size_t>(index)];
        if ((marks & MarkSeen) != 0)
            node.flags |= Duplicate;
        marks |= MarkSeen;
        if (index >= ctx.oldSize) {
            // The same new id twice in one batch: still invisible, so just take the later row.
            ctx.declaredParentIds.insert(index, row.parentId);
            assignValues(index, row);
            ctx.fullRange = true; // the earlier row may have widened the range
            continue;
        }

        const qint64 keptStart = node.startNs;
        const qint64 oldNodeEnd = node.endNs;
        const qint64 oldPendingStart = ctx.pendingStart.value(index, keptStart);
        const bool wasError = node.level == Level::Error;
        bool changed = node.rk != row.rk || node.endNs != normalizedTime(row.endNs)
            || node.inputTokens != row.inputTokens || node.outputTokens != row.outputTokens
            || node.totalTokens != row.totalTokens || node.cost != row.cost || node.type != row.type
            || node.level != row.level || name(index) != row.name || model(index) != row.model
            || oldFlags != node.flags;
        if (node.rk != row.rk && !ctx.originalRowKeys.contains(index))
            ctx.originalRowKeys.insert(index, node.rk);
        assignValues(index, row);
        const qint64 newStart = node.startNs;
        node.startNs = keptStart;
        // A node that defined the trace start or end and moves inward shrinks the range.
        if ((keptStart >= 0 && keptStart == m_traceStartNs && newStart != keptStart)
            || ((oldNodeEnd == m_traceEndNs || keptStart == m_traceEndNs)
                && (node.endNs != oldNodeEnd || newStart != keptStart)))
            ctx.fullRange = true;
        ctx.extendRange(newStart, node.endNs);
        if (newStart != oldPendingStart)
            changed = true;
        if (newStart != keptStart) {
            ctx.pendingStart.insert(index, newStart);
            ctx.markCandidate(index);
        } else {
            ctx.pendingStart.remove(index);
        }
        const auto declared = ctx.declaredParentIds.constFind(index);
        if ((declared != ctx.declaredParentIds.cend() ? declared.value() : parentId(index)) != row.parentId) {
            ctx.declaredParentIds.insert(index, row.parentId);
            ctx.markCandidate(index);
            changed = true;
        }
        const bool isErrorNow = node.level == Level::Error;
        if (wasError != isErrorNow)
            ctx.levelFlips.emplace_back(index, isErrorNow ? 1 : -1);
        if (changed)
            ctx.mark(index, MarkUpdated, ctx.change.updated);
    }

    updateRowKeyIndex(ctx);

    std::vector<std::pair<int, int>> snapshot;
    if (ctx.fullRecompute) {
        snapshot.reserve(static_cast<size_t>(ctx.oldSize));
        for (int i = 0; i < ctx.oldSize; ++i)
            snapshot.emplace_back(
                m_nodes[static_cast<size_t>(i)].subtreeSize, m_nodes[static_cast<size_t>(i)].subtreeErrors);
    }

    if (!ctx.candidates.empty()) {
        resolveTargets(ctx);
        insertNewNodes(ctx, observer);
        performMoves(ctx, observer);
    }

    if (ctx.fullRecompute) {
        recomputeAllDerived();
        for (int i = 0; i < ctx.oldSize; ++i) {
            const Node &node = m_nodes[static_cast<size_t>(i)];
            if (snapshot[static_cast<size_t>(i)] != std::make_pair(node.subtreeSize, node.subtreeErrors))
                ctx.mark(i, MarkAggregate, ctx.change.aggregatesChanged);
        }
    } else {
        for (const auto &[index, delta] : ctx.levelFlips)
            addToAncestors(ctx, index, 0, delta);
    }

    // Every held-back start has been applied by performMoves(); this is a safety net.
    for (auto it = ctx.pendingStart.cbegin(); it != ctx.pendingStart.cend(); ++it)
        m_nodes[static_cast<size_t>(it.key())].startNs = it.value();

    if (ctx.fullRange) {
        recomputeTraceRange();
    } else {
        if (ctx.rangeStart != std::numeric_limits<qint64>::max())
            m_traceStartNs = m_traceStartNs < 0 ? ctx.rangeStart : std::min(m_traceStartNs, ctx.rangeStart);
        m_traceEndNs = std::max(m_traceEndNs, ctx.rangeEnd);
    }
    ctx.change.inserted = ctx.newNodes;
    ctx.change.traceStartChanged = m_traceStartNs != oldStart;
    ctx.change.traceEndChanged = m_traceEndNs != oldEnd;
    ctx.change.maxDepthChanged = maxDepth() != oldMaxDepth;
    return std::move(ctx.change);
}

void SpanTree::updateRowKeyIndex(UpdateContext &ctx)
{
    // Row keys grow with every write, so new entries usually just append.
    for (auto it = ctx.originalRowKeys.cbegin(); it != ctx.originalRowKeys.cend(); ++it) {
        const auto entry
            = std::lower_bound(m_rkIndex.begin(), m_rkIndex.end(), std::make_pair(it.value(), it.key()));
        if (entry != m_rkIndex.end() && *entry == std::make_pair(it.value(), it.key()))
            m_rkIndex.erase(entry);
    }
    const size_t sortedEnd = m_rkIndex.size();
    for (auto it = ctx.originalRowKeys.cbegin(); it != ctx.originalRowKeys.cend(); ++it)
        m_rkIndex.emplace_back(m_nodes[static_cast<size_t>(it.key())].rk, it.key());
    for (const int node : ctx.newNodes)
        m_rkIndex.emplace_back(m_nodes[static_cast<size_t>(node)].rk, node);
    const auto middle = m_rkIndex.begin() + static_cast<std::ptrdiff_t>(sortedEnd);
    std::sort(middle, m_rkIndex.end());
    if (sortedEnd > 0 && middle != m_rkIndex.end() && *middle < *(middle - 1))
        std::inplace_merge(m_rkIndex.begin(), middle, m_rkIndex.end());
}

void SpanTree::resolveTargets(UpdateContext &ctx)
{
    // Top-level orphans may have found their parent, and a cut loop may have been opened.
    for (const int root : children(-1)) {
        if ((m_nodes[static_cast<size_t>(root)].flags & (Orphan | CycleCut)) != 0)
            ctx.markCandidate(root);
    }
    ctx.target.assign(m_nodes.size(), -1);
    std::vector<quint8> newFlags(m_nodes.size(), 0);
    // Declared parents of all candidates, before any of them moves.
    std::vector<QString> declared;
    declared.reserve(ctx.candidates.size());
    for (const int c : ctx.candidates) {
        const auto sent = ctx.declaredParentIds.constFind(c);
        declared.push_back(sent != ctx.declaredParentIds.cend() ? sent.value() : parentId(c));
        if (declared.back().isEmpty())
            continue;
        const int parent = indexOfId(declared.back());
        if (parent < 0)
            newFlags[static_cast<size_t>(c)] = Orphan;
        else
            ctx.target[static_cast<size_t>(c)] = parent;
    }

    // Loop search as in build(), following wanted links for candidates and current links for
    // the rest. The current forest has no loops, so every loop found holds a candidate.
    const auto keyOf = [this, &ctx](int node) {
        const qint64 start = ctx.pendingStart.value(node, m_nodes[static_cast<size_t>(node)].startNs);
        return std::make_pair(start >= 0 ? start : std::numeric_limits<qint64>::max(), node);
    };
    const auto link = [this, &ctx](int node) {
        return ctx.isCandidate(node) ? ctx.target[static_cast<size_t>(node)]
                                     : m_nodes[static_cast<size_t>(node)].parent;
    };
    std::vector<char> state(m_nodes.size(), 0);
    std::vector<int> path;
    for (size_t i = 0; i < ctx.candidates.size(); ++i) {
        const int start = ctx.candidates[i];
        if (state[static_cast<size_t>(start)] != 0)
            continue;
        path.clear();
        int x = start;
        while (x >= 0 && state[static_cast<size_t>(x)] == 0) {
            state[static_cast<size_t>(x)] = 1;
            path.push_back(x);
            x = link(x);
        }
        if (x >= 0 && state[static_cast<size_t>(x)] == 1) {
            const auto loopBegin = std::find(path.begin(), path.end(), x);
            const int cut = *std::min_element(
                loopBegin, path.end(), [&keyOf](int a, int b) { return keyOf(a) < keyOf(b); });
            ctx.markCandidate(cut); // may be a node whose own link did not change
            ctx.target[static_cast<size_t>(cut)] = -1;
            newFlags[static_cast<size_t>(cut)] = CycleCut;
        }
        for (const int p : path)
            state[static_cast<size_t>(p)] = 2;
    }

    for (size_t i = 0; i < ctx.candidates.size(); ++i) {
        const int c = ctx.candidates[i];
        // A loop cut can make a candidate of a node that sent nothing: its declared parent is
        // the one it sits under now.
        const QString parentIdText = i < declared.size() ? declared[i] : parentId(c);
        if (ctx.target[static_cast<size_t>(c)] >= 0 || parentIdText.isEmpty())
            m_detachedParentIds.remove(c);
        else
            m_detachedParentIds.insert(c, parentIdText);
        Node &node = m_nodes[static_cast<size_t>(c)];
        const quint8 flags = static_cast<quint8>((node.flags & Duplicate) | newFlags[static_cast<size_t>(c)]);
        if (flags != node.flags) {
            node.flags = flags;
            ctx.mark(c, MarkUpdated, ctx.change.updated);
        }
    }
}

int SpanTree::insertPosition(int parent, int node) const
{
    const std::span<const int> list = children(parent);
    const auto it = std::lower_bound(
        list.begin(), list.end(), node, [this](int a, int b) { return lessByStart(a, b); });
    return static_cast<int>(it - list.begin());
}

void SpanTree::insertNewNodes(UpdateContext &ctx, SpanTreeObserver *observer)
{
    if (ctx.newNodes.empty())
        return;
    const auto less = [this](int a, int b) { return lessByStart(a, b); };

    // New nodes under new parents are linked before their parent becomes visible.
    QHash<int, std::vector<int>> visibleGroups;
    std::vector<int> silentParents;
    for (const int q : ctx.newNodes) {
        const int parent = ctx.target[static_cast<size_t>(q)];
        m_nodes[static_cast<size_t>(q)].parent = parent;
        if (parent >= ctx.oldSize) {
            if (childCount(parent) == 0)
                silentParents.push_back(parent);
            m_children.append(listOf(parent), q);
        } else {
            visibleGroups[parent].push_back(q);
        }
    }
    for (const int p : silentParents) {
        const std::span<int> list = m_children.mutableList(listOf(p));
        std::sort(list.begin(), list.end(), less);
        renumber(p, 0);
    }

    std::vector<int> parents;
    parents.reserve(static_cast<size_t>(visibleGroups.size()));
    for (auto it = visibleGroups.cbegin(); it != visibleGroups.cend(); ++it)
        parents.push_back(it.key());
    std::sort(parents.begin(), parents.end());
    std::vector<int> stack;
    std::vector<int> order;
    for (const int parent : parents) {
        std::vector<int> &group = visibleGroups[parent];
        std::sort(group.begin(), group.end(), less);
        const int baseDepth = parent < 0 ? 0 : m_nodes[static_cast<size_t>(parent)].depth + 1;
        size_t i = 0;
        while (i < group.size()) {
            // A run: new nodes that fall between the same two existing siblings.
            const int position = insertPosition(parent, group[i]);
            size_t end = i + 1;
            const std::span<const int> current = children(parent);
            const int bound
                = position < static_cast<int>(current.size()) ? current[static_cast<size_t>(position)] : -1;
            while (end < group.size() && (bound < 0 || less(group[end], bound)))
                ++end;
            const int count = static_cast<int>(end - i);

            int runSize = 0;
            int runErrors = 0;
            if (!ctx.fullRecompute) {
                // Depths down and sizes up over the new subtrees (only new nodes are in them).
                for (size_t k = i; k < end; ++k) {
                    order.clear();
                    stack.assign(1, group[k]);
                    m_nodes[static_cast<size_t>(group[k])].depth = baseDepth;
                    while (!stack.empty()) {
                        const int x = stack.back();
                        stack.pop_back();
                        order.push_back(x);
                        Node &n = m_nodes[static_cast<size_t>(x)];
                        n.subtreeSize = 1;
                        n.subtreeErrors = n.level == Level::Error ? 1 : 0;
                        addDepth(n.depth, 1);
                        for (const int c : children(x)) {
                            m_nodes[static_cast<size_t>(c)].depth = n.depth + 1;
                            stack.push_back(c);
                        }
                    }
                    for (auto it = order.rbegin(); it != order.rend(); ++it) {
                        const Node &n = m_nodes[static_cast<size_t>(*it)];
                        if (*it != group[k]) {
                            Node &p = m_nodes[static_cast<size_t>(n.parent)];
                            p.subtreeSize += n.subtreeSize;
                            p.subtreeErrors += n.subtreeErrors;
                        }
                    }
                    runSize += m_nodes[static_cast<size_t>(group[k])].subtreeSize;
                    runErrors += m_nodes[static_cast<size_t>(group[k])].subtreeErrors;
                }
            }

            if (observer)
                observer->aboutToInsert(parent, position, position + count - 1);
            m_children.insert(listOf(parent), static_cast<size_t>(position), group.data() + i, end - i);
            renumber(parent, static_cast<size_t>(position));
            if (observer)
                observer->inserted();
            if (!ctx.fullRecompute && parent >= 0)
                addToAncestors(ctx, parent, runSize, runErrors);
            i = end;
        }
    }
}

void SpanTree::performMoves(UpdateContext &ctx, SpanTreeObserver *observer)
{
    std::vector<int> movers;
    for (const int c : ctx.candidates) {
        if (c >= ctx.oldSize)
            continue;
        if (ctx.target[static_cast<size_t>(c)] != m_nodes[static_cast<size_t>(c)].parent
            || ctx.pendingStart.contains(c))
            movers.push_back(c);
    }
    if (movers.empty())
        return;
    const auto newKey = [this, &ctx](int node) {
        const qint64 start = ctx.pendingStart.value(node, m_nodes[static_cast<size_t>(node)].startNs);
        return std::make_pair(start >= 0 ? start : std::numeric_limits<qint64>::max(), node);
    };
    std::sort(movers.begin(), movers.end(), [&ctx, &newKey](int a, int b) {
        const int ta = ctx.target[static_cast<size_t>(a)];
        const int tb = ctx.target[static_cast<size_t>(b)];
        return ta != tb ? ta < tb : newKey(a) < newKey(b);
    });
    const auto less = [this](int a, int b) { return lessByStart(a, b); };
    // Moving `node` under `dest` is impossible while dest sits inside node's subtree.
    const auto blocked = [this](int node, int dest) {
        for (int x = dest; x >= 0; x = m_nodes[static_cast<size_t>(x)].parent) {
            if (x == node)
                return true;
        }
        return false;
    };
    const auto applyStart = [this, &ctx](int node) {
        const auto it = ctx.pendingStart.constFind(node);
        if (it != ctx.pendingStart.cend()) {
            m_nodes[static_cast<size_t>(node)].startNs = it.value();
            ctx.pendingStart.erase(it);
        }
    };

    std::vector<char> done(movers.size(), 0);
    size_t remaining = movers.size();
    while (remaining > 0) {
        bool progress = false;
        for (size_t i = 0; i < movers.size(); ++i) {
            if (done[i])
                continue;
            const int x = movers[i];
            const int dest = ctx.target[static_cast<size_t>(x)];
            const int from = m_nodes[static_cast<size_t>(x)].parent;
            if (dest != from && blocked(x, dest))
                continue;
            const bool startChanged = ctx.pendingStart.contains(x);
            applyStart(x);
            done[i] = 1;
            --remaining;
            progress = true;

            if (dest == from) {
                // Same parent: only the start moved. The list without x is sorted.
                const std::span<const int> list = children(from);
                const int r = m_nodes[static_cast<size_t>(x)].row;
                int pos = r;
                if (r > 0 && less(x, list[static_cast<size_t>(r) - 1])) {
                    pos = static_cast<int>(
                        std::lower_bound(list.begin(), list.begin() + r, x, less) - list.begin());
                } else if (r + 1 < static_cast<int>(list.size())
                    && less(list[static_cast<size_t>(r) + 1], x)) {
                    pos = static_cast<int>(
                              std::lower_bound(list.begin() + r + 1, list.end(), x, less) - list.begin())
                        - 1;
                }
                if (pos != r)
                    moveBlock(ctx, from, r, r, from, pos < r ? pos : pos + 1, observer);
                continue;
            }

            const int position = insertPosition(dest, x);
            const std::span<const int> destList = children(dest);
            const int bound
                = position < static_cast<int>(destList.size()) ? destList[static_cast<size_t>(position)] : -1;
            const std::span<const int> fromList = children(from);
            int last = x;
            int lastRow = m_nodes[static_cast<size_t>(x)].row;
            size_t j = i + 1;
            // Extend to following siblings that land next to x in the destination as well.
            while (j < movers.size() && !done[j] && !startChanged) {
                const int y = movers[j];
                if (ctx.target[static_cast<size_t>(y)] != dest
                    || m_nodes[static_cast<size_t>(y)].parent != from || ctx.pendingStart.contains(y)
                    || lastRow + 1 >= static_cast<int>(fromList.size())
                    || fromList[static_cast<size_t>(lastRow) + 1] != y || !less(last, y)
                    || (bound >= 0 && !less(y, bound)) || blocked(y, dest))
                    break;
                done[j] = 1;
                --remaining;
                last = y;
                ++lastRow;
                ++j;
            }
            moveBlock(ctx, from, m_nodes[static_cast<size_t>(x)].row, lastRow, dest, position, observer);
        }
        if (progress)
            continue;

        // Every remaining move waits for another (say b moves under a while a sits under b).
        // Lift the first pending node on the way from the wanted parent up to the blocked node
        // to the top level; that opens the way, and the lifted node still gets its own move.
        size_t first = 0;
        while (done[first])
            ++first;
        const int x = movers[first];
        int lift = -1;
        for (int y = ctx.target[static_cast<size_t>(x)]; y >= 0 && y != x;
             y = m_nodes[static_cast<size_t>(y)].parent) {
            const auto it = std::find(movers.begin(), movers.end(), y);
            if (it != movers.end() && !done[static_cast<size_t>(it - movers.begin())])
                lift = y;
        }
        if (lift < 0)
            lift = x; // cannot happen with a loop-free target; keeps the tree consistent anyway
        applyStart(lift);
        moveBlock(ctx, m_nodes[static_cast<size_t>(lift)].parent, m_nodes[static_cast<size_t>(lift)].row,
            m_nodes[static_cast<size_t>(lift)].row, -1, insertPosition(-1, lift), observer);
        if (lift == x) {
            done[first] = 1;
            --remaining;
        }
    }
}

void SpanTree::moveBlock(UpdateContext &ctx, int fromParent, int first, int last, int toParent, int toRow,
    SpanTreeObserver *observer)
{
    if (observer)
        observer->aboutToMove(fromParent, first, last, toParent, toRow);
    const std::span<const int> fromList = children(fromParent);
    const std::vector<int> block(fromList.begin() + first, fromList.begin() + last + 1);
    m_children.erase(listOf(fromParent), static_cast<size_t>(first), block.size());
    const int count = last - first + 1;
    int insertAt = toRow;
    if (fromParent == toParent && toRow > last)
        insertAt -= count;
    m_children.insert(listOf(toParent), static_cast<size_t>(insertAt), block.data(), block.size());
    if (fromParent == toParent) {
        renumber(fromParent, static_cast<size_t>(std::min(first, insertAt)));
    } else {
        renumber(fromParent, static_cast<size_t>(first));
        renumber(toParent, static_cast<size_t>(insertAt));
    }
    const int newDepth = toParent < 0 ? 0 : m_nodes[static_cast<size_t>(toParent)].depth + 1;
    int blockSize = 0;
    int blockErrors = 0;
    for (const int node : block) {
        Node &n = m_nodes[static_cast<size_t>(node)];
        n.parent = toParent;
        if (!ctx.fullRecompute && n.depth != newDepth)
            shiftSubtreeDepth(node, newDepth - n.depth);
        blockSize += n.subtreeSize;
        blockErrors += n.subtreeErrors;
        ctx.mark(node, MarkMoved, ctx.change.moved);
    }
    if (observer)
        observer->moved();
    if (!ctx.fullRecompute && fromParent != toParent) {
        addToAncestors(ctx, fromParent, -blockSize, -blockErrors);
        addToAncestors(ctx, toParent, blockSize, blockErrors);
    }
}

void SpanTree::addToAncestors(UpdateContext &ctx, int from, int sizeDelta, int errorDelta)
{
    for (int x = from; x >= 0; x = m_nodes[static_cast<size_t>(x)].parent) {
        Node &n = m_nodes[static_cast<size_t>(x)];
        n.subtreeSize += sizeDelta;
        n.subtreeErrors += errorDelta;
        ctx.mark(x, MarkAggregate, ctx.change.aggregatesChanged);
    }
}

void SpanTree::shiftSubtreeDepth(int root, int delta)
{
    std::vector<int> stack { root };
    while (!stack.empty()) {
        const int x = stack.back();
        stack.pop_back();
        Node &n = m_nodes[static_cast<size_t>(x)];
        addDepth(n.depth, -1);
        n.depth += delta;
        addDepth(n.depth, 1);
        for (const int c : children(x))
            stack.push_back(c);
    }
}

} // namespace tg
