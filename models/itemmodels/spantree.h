#pragma once

#include "childpool.h"
#include "domain/rows.h"
#include "idindex.h"
#include "stringtable.h"

#include <QHash>
#include <QMetaType>
#include <QString>

#include <limits>
#include <span>
#include <utility>
#include <vector>

namespace tg {

/// What one SpanTree::applyUpdate() call changed, by node index.
struct SpanTreeChange
{
    std::vector<int> inserted; ///< new nodes, including those that arrived inside a new subtree
    std::vector<int> moved; ///< existing nodes that now sit under another parent or at another row
    std::vector<int> updated; ///< existing nodes whose own values or flags changed
    std::vector<int> aggregatesChanged; ///< existing nodes whose subtree error count or size changed
    bool traceStartChanged = false; ///< every start offset changed
    bool traceEndChanged = false;
    bool maxDepthChanged = false;

    bool isEmpty() const
    {
        return inserted.empty() && moved.empty() && updated.empty() && aggregatesChanged.empty()
            && !traceStartChanged && !traceEndChanged && !maxDepthChanged;
    }
};

/// Told about each structural step of SpanTree::applyUpdate() while it happens, so an item
/// model can wrap it in beginInsertRows()/beginMoveRows(). Parents are node indexes, -1 for
/// the top level; rows are positions in the parent's child list at the time of the call.
class SpanTreeObserver
{
public:
    virtual ~SpanTreeObserver() = default;
    /// Rows first..last are about to appear under `parent` (new rows may already have children).
    virtual void aboutToInsert(int parent, int first, int last) = 0;
    virtual void inserted() = 0;
    /// Rows first..last of `fromParent` are about to move before row `toRow` of `toParent`
    /// (Qt's destinationChild: counted in the destination as it is before the move).
    virtual void aboutToMove(int fromParent, int first, int last, int toParent, int toRow) = 0;
    virtual void moved() = 0;
};

/// The observations of one trace as a flat tree: nodes in a vector, linked by index, names
/// interned. Node indexes never change for the life of the tree (live updates only append),
/// which makes them usable as QModelIndex::internalId().
class SpanTree
{
public:
    enum Flag : quint8 {
        NoFlags = 0,
        Orphan = 0x1, ///< the parent id is not in the trace; shown at the top level
        CycleCut = 0x2, ///< the parent chain looped back here; cut and shown at the top level
        Duplicate = 0x4, ///< several rows carried this id; the last one's values are kept
    };

    struct Node
    {
        qint64 rk = 0;
        qint64 startNs = kUnknownTime;
        qint64 endNs = kUnknownTime;
        qint64 inputTokens = 0;
        qint64 outputTokens = 0;
        qint64 totalTokens = 0;
        double cost = 0.0;
        qint64 writeSeq = 0;
        int parent = -1; ///< node index, -1 at the top level
        int row = 0; ///< position in the parent's child list
        int depth = 0; ///< 0 at the top level
        int subtreeErrors = 0; ///< ERROR-level nodes in this node and below
        int subtreeSize = 1; ///< this node and all its descendants
        quint32 name = 0; ///< StringTable id
        quint32 model = 0; ///< StringTable id
        ObservationType type = ObservationType::Span;
        Level level = Level::Default;
        quint8 flags = NoFlags;
    };

    SpanTree() = default;

    /// Builds the tree of one trace from rows in any order. Children are ordered by start time
    /// (unknown last), ties by first appearance. Never recurses, so any depth is safe.
    static SpanTree build(const std::vector<ObservationRow> &rows);

    /// Applies changed or new rows of the same trace: a known id is updated in place, a new id
    /// is inserted, nodes whose parent changed or arrived move. Tells `observer` about each
    /// structural step before it happens.
    SpanTreeChange applyUpdate(const std::vector<ObservationRow> &rows, SpanTreeObserver *observer = nullptr);

    int size() const { return static_cast<int>(m_nodes.size()); }
    bool isEmpty() const { return m_nodes.empty(); }
    bool isValidNode(int node) const { return node >= 0 && node < size(); }

    const Node &node(int node) const { return m_nodes[static_cast<size_t>(node)]; }
    const QString &id(int node) const { return m_ids[static_cast<size_t>(node)]; }
    /// The parent id as the row declared it (the node may still sit at the top level).
    const QString &parentId(int node) const;
    const QString &name(int node) const { return m_strings.at(this->node(node).name); }
    const QString &model(int node) const { return m_strings.at(this->node(node).model); }
    int parent(int node) const { return this->node(node).parent; }
    int row(int node) const { return this->node(node).row; }
    int depth(int node) const { return this->node(node).depth; }
    int flags(int node) const { return this->node(node).flags; }
    bool isError(int node) const { return this->node(node).level == Level::Error; }

    /// Children of `parent` in display order; -1 gives the top-level nodes.
    std::span<const int> children(int parent) const;
    int childCount(int parent) const { return static_cast<int>(children(parent).size()); }
    /// The node at `row` under `parent`, or -1.
    int child(int parent, int row) const;

    /// Node index for an observation id or store row key, or -1.
    int indexOfId(const QString &id) const;
    int indexOfRowKey(qint64 rk) const;

    /// Earliest known start and latest known end (or start) over all nodes; kUnknownTime if none.
    qint64 traceStartNs() const { return m_traceStartNs; }
    qint64 traceEndNs() const { return m_traceEndNs; }
    qint64 traceDurationNs() const;
    /// Node duration, or kUnknownTime when start or end is missing or inverted.
    qint64 durationNs(int node) const;
    /// Start relative to the trace start, or kUnknownTime.
    qint64 startOffsetNs(int node) const;
    /// Deepest depth in the tree (0 for a flat list, -1 when empty).
    int maxDepth() const { return static_cast<int>(m_depthCounts.size()) - 1; }
    /// Number of nodes carrying `flag`.
    int countFlag(Flag flag) const;
    int errorCount() const;

    /// Pre-order (display order) neighbours; -1 past either end. next(-1) is the first node,
    /// previous(-1) the last one.
    int next(int node) const;
    int previous(int node) const;
    /// The first ERROR node after `node` in display order (from the start for -1), or -1.
    /// Skips error-free subtrees, so it is cheap on large trees.
    int firstErrorAfter(int node) const;
    /// The last ERROR node before `node` in display order (from the end for -1), or -1.
    int lastErrorBefore(int node) const;
    /// The GENERATION with the highest cost (> 0), or -1.
    int mostExpensiveGeneration() const;
    /// The GENERATION with the longest known duration, or -1.
    int slowestGeneration() const;
    /// Ancestors of `node`, top level first, without the node itself.
    std::vector<int> ancestors(int node) const;

    const StringTable &strings() const { return m_strings; }

private:
    struct UpdateContext;

    void assignValues(int node, const ObservationRow &row);
    void assignValues(int node, const ObservationRow &row, size_t nameHash, size_t modelHash);
    /// Sibling order: start time, unknown last, then node index (first arrival).
    bool lessByStart(int a, int b) const
    {
        const qint64 ka = startKey(a);
        const qint64 kb = startKey(b);
        return ka != kb ? ka < kb : a < b;
    }
    qint64 startKey(int node) const
    {
        const qint64 start = m_nodes[static_cast<size_t>(node)].startNs;
        return start >= 0 ? start : std::numeric_limits<qint64>::max();
    }
    void rebuildRowKeyIndex();
    static int listOf(int parent) { return parent + 1; } ///< ChildPool list of a parent (-1 = top)
    void renumber(int parent, size_t from);
    void recomputeTraceRange();
    void recomputeAllDerived(); ///< depth, rows, depth counts and aggregates from the links
    void addDepth(int depth, int delta);
    int firstErrorInSubtree(int node) const;
    int lastErrorInSubtree(int node) const;

    // applyUpdate() steps (spantreeupdate.cpp)
    void updateRowKeyIndex(UpdateContext &ctx);
    void resolveTargets(UpdateContext &ctx);
    void insertNewNodes(UpdateContext &ctx, SpanTreeObserver *observer);
    void performMoves(UpdateContext &ctx, SpanTreeObserver *observer);
    void moveBlock(UpdateContext &ctx, int fromParent, int first, int last, int toParent, int toPos,
        SpanTreeObserver *observer);
    void addToAncestors(UpdateContext &ctx, int from, int sizeDelta, int errorDelta);
    void shiftSubtreeDepth(int root, int delta);
    int insertPosition(int parent, int node) const;

    std::vector<Node> m_nodes;
    std::vector<QString> m_ids;
    /// Declared parent ids of nodes that do not sit under that parent (orphans, cut loops);
    /// for every other node the declared parent is simply its parent's id.
    QHash<int, QString> m_detachedParentIds;
    ChildPool m_children; ///< list 0 holds the top level, list n + 1 the children of node n
    std::vector<int> m_depthCounts; ///< nodes per depth; its size - 1 is the max depth
    IdIndex m_idIndex;
    std::vector<std::pair<qint64, int>> m_rkIndex; ///< (row key, node), sorted
    StringTable m_strings;
    qint64 m_traceStartNs = kUnknownTime;
    qint64 m_traceEndNs = kUnknownTime;
};

} // namespace tg

Q_DECLARE_METATYPE(tg::SpanTree)
