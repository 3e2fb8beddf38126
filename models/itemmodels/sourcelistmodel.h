#pragma once

#include "domain/source.h"
#include "store/storechange.h"

#include <QAbstractItemModel>
#include <QHash>
#include <QTimer>

#include <vector>

namespace tg {

class TraceStore;

/// The sources sidebar: "All sources" first, then one group per kind (local receiver, files,
/// Langfuse, replays, demo) holding its sources, with trace counts and a state per source
/// (receiver address, sync progress, offline) set by whoever owns it. Langfuse projects sit under
/// their connection ("langfuse:<connection>/<project>" keys), so a connection can be chosen whole.
class SourceListModel : public QAbstractItemModel
{
    Q_OBJECT

public:
    enum Column { NameColumn, TracesColumn, ColumnCount };
    enum Role {
        SourceKindRole = Qt::UserRole + 200,
        IsGroupRole, ///< bool: a kind group or a Langfuse connection (holds sources)
        StateRole, ///< QString: free-form state of a source
        StateKindRole, ///< int (StateKind)
        IsConnectionRole, ///< bool: a Langfuse connection
        DetailRole, ///< QString: the source's detail JSON
    };
    /// How a source's state should look: idle (grey), active (working), warning, error.
    enum class StateKind { Idle, Active, Warning, Error };
    Q_ENUM(StateKind)

    explicit SourceListModel(TraceStore *store, QObject *parent = nullptr);

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;

    void reload();
    /// Source ids an index stands for: empty for "All sources", every source of a group or
    /// connection, or one.
    QList<qint64> sourceIdsFor(const QModelIndex &index) const;
    QModelIndex indexForSource(qint64 sourceId) const;
    QModelIndex allSourcesIndex() const { return index(0, 0); }
    std::vector<Source> sources() const { return m_sources; }
    void setSourceState(qint64 sourceId, const QString &state);
    void setSourceStatus(qint64 sourceId, const QString &state, StateKind kind);

    /// The connection part of a Langfuse source key ("langfuse:<connection>/<project>").
    static QString connectionKeyOf(const Source &source);

Q_SIGNALS:
    void loaded();

private:
    struct Node
    {
        enum Type { All, Group, Connection, SourceItem };
        Type type = All;
        int parent = -1; ///< node index, -1 at the top level
        int row = 0;
        std::vector<int> children;
        SourceKind kind = SourceKind::LocalReceiver;
        QString title;
        QString key; ///< connection key, or the source key
        int source = -1; ///< index into m_sources
    };

    void onCommitted(const StoreChange &change);
    void rebuild(std::vector<Source> sources, bool *sameShape);
    qint64 countOf(int node) const;
    void collectIds(int node, QList<qint64> &ids) const;
    QModelIndex indexOfNode(int node, int column = 0) const;

    TraceStore *m_store;
    std::vector<Source> m_sources;
    std::vector<Node> m_nodes;
    std::vector<int> m_top;
    QHash<qint64, QString> m_states;
    QHash<qint64, StateKind> m_stateKinds;
    quint64 m_generation = 0;
    QTimer m_countTimer;
};

} // namespace tg
