#pragma once

#include "modelroles.h"
#include "spantree.h"

#include <QAbstractItemModel>
#include <QSet>

#include <vector>

namespace tg {

/// The span tree of one trace as a Qt item model. internalId() is the SpanTree node index, so
/// indexes survive live growth; payloads are not here (read them from the store by RowKeyRole).
/// Start offsets are relative to the trace start; when the trace range changes,
/// traceRangeChanged() is emitted instead of touching every row (only a new trace start
/// refreshes the start column).
class SpanTreeModel : public QAbstractItemModel, private SpanTreeObserver
{
    Q_OBJECT

public:
    enum Column {
        NameColumn,
        TypeColumn,
        StartColumn,
        DurationColumn,
        ModelColumn,
        InputTokensColumn,
        OutputTokensColumn,
        CostColumn,
        LevelColumn,
        ColumnCount,
    };

    enum Role {
        DescendantCountRole = tg::UserRole, ///< int, nodes below this one
        ParentIdRole, ///< QString, the parent id as declared
    };

    explicit SpanTreeModel(QObject *parent = nullptr);

    /// Replaces the tree with one reset (build it off the GUI thread with SpanTree::build()).
    void setTree(SpanTree tree);
    void clear();
    const SpanTree &tree() const { return m_tree; }

    /// Applies live changes with row inserts, moves and per-row dataChanged, so views keep
    /// their expansion, selection and scroll position.
    SpanTreeChange applyUpdate(const std::vector<ObservationRow> &rows);

    QModelIndex indexForNode(int node, int column = 0) const;
    /// The node index behind `index`, or -1.
    int nodeForIndex(const QModelIndex &index) const;
    QModelIndex indexForRowKey(qint64 rk, int column = 0) const;
    QModelIndex indexForId(const QString &id, int column = 0) const;

    /// Marks the rows whose store row key is in `rowKeys` (SearchMatchRole); rows arriving
    /// later are matched against the same set.
    void setSearchMatches(const QSet<qint64> &rowKeys);
    int searchMatchCount() const { return m_matchCount; }
    /// True when the node matches the current search (SearchMatchRole without an index).
    bool isSearchMatch(int node) const { return matches(node); }
    /// The next (or previous) matching row in display order after `from`, wrapping around;
    /// from the start (or end) for an invalid index. Invalid when nothing matches.
    QModelIndex nextSearchMatch(const QModelIndex &from, bool backwards = false) const;

    /// The next ERROR row after `index` in display order (from the start for an invalid one).
    QModelIndex firstErrorAfter(const QModelIndex &index) const;
    /// The previous ERROR row before `index` (from the end for an invalid one).
    QModelIndex lastErrorBefore(const QModelIndex &index) const;
    QModelIndex mostExpensiveGeneration() const;
    QModelIndex slowestGeneration() const;
    /// The ancestors of `index`, top level first: expand these to reveal it.
    QModelIndexList ancestors(const QModelIndex &index) const;

    /// "$0.0123"; empty for zero.
    static QString formatCost(double usd);

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    bool hasChildren(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

Q_SIGNALS:
    /// The trace start or end moved (TraceStartRole, TraceDurationRole of every row).
    void traceRangeChanged();

private:
    // SpanTreeObserver
    void aboutToInsert(int parent, int first, int last) override;
    void inserted() override;
    void aboutToMove(int fromParent, int first, int last, int toParent, int toRow) override;
    void moved() override;

    QVariant displayData(int node, int column) const;
    QVariant sortData(int node, int column) const;
    QString toolTip(int node) const;
    bool matches(int node) const;
    void refreshMatches();
    /// dataChanged for the given nodes, merged into runs of adjacent siblings.
    void emitRowsChanged(std::vector<int> nodes, int firstColumn, int lastColumn, const QList<int> &roles);

    SpanTree m_tree;
    QSet<qint64> m_searchRowKeys;
    std::vector<char> m_matches; ///< per node
    int m_matchCount = 0;
};

} // namespace tg
