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
/// Langfuse projects, replays, demo) holding its sources, with trace counts and a free-form
/// state per source (receiver address, sync progress, offline) set by whoever owns it.
class SourceListModel : public QAbstractItemModel
{
    Q_OBJECT

public:
    enum Column { NameColumn, TracesColumn, ColumnCount };
    enum Role { SourceKindRole = Qt::UserRole + 200, IsGroupRole, StateRole };

    explicit SourceListModel(TraceStore *store, QObject *parent = nullptr);

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;

    void reload();
    /// Source ids an index stands for: empty for "All sources", every source of a group, or one.
    QList<qint64> sourceIdsFor(const QModelIndex &index) const;
    QModelIndex indexForSource(qint64 sourceId) const;
    QModelIndex allSourcesIndex() const { return index(0, 0); }
    std::vector<Source> sources() const;
    void setSourceState(qint64 sourceId, const QString &state);

Q_SIGNALS:
    void loaded();

private:
    struct Group
    {
        SourceKind kind;
        std::vector<Source> sources;
    };
    void onCommitted(const StoreChange &change);

    TraceStore *m_store;
    std::vector<Group> m_groups;
    QHash<qint64, QString> m_states;
    qint64 m_totalTraces = 0;
    quint64 m_generation = 0;
    QTimer m_countTimer;
};

} // namespace tg
