#pragma once

#include "domain/rows.h"
#include "itemmodels/keyedrowsmodel.h"
#include "store/storechange.h"
#include "store/tracequery.h"

#include <QHash>
#include <QTimer>

namespace tg {

class TraceStore;

struct TraceRowKey
{
    qint64 operator()(const TraceRow &row) const { return row.rk; }
};

/// The traces table: pages of traces from the store, sorted and filtered in SQL on a worker
/// thread. Follows the store live: rows that change are refreshed in place, new traces appear
/// in their sorted position (batched, at most every ~50 ms) without losing selection or scroll.
class TraceListModel : public KeyedRowsModel<TraceRow, TraceRowKey>
{
    Q_OBJECT

public:
    enum Column {
        TimeColumn,
        NameColumn,
        UserColumn,
        SessionColumn,
        TagsColumn,
        LatencyColumn,
        TokensColumn,
        CostColumn,
        LevelColumn,
        ObservationsColumn,
        EnvironmentColumn,
        AgentColumn,
        SourceColumn,
        ColumnCount
    };
    Q_ENUM(Column)

    explicit TraceListModel(TraceStore *store, QObject *parent = nullptr);
    ~TraceListModel() override;

    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;
    void sort(int column, Qt::SortOrder order) override;

    void setFilter(const TraceFilter &filter);
    TraceFilter filter() const { return m_query.filter; }
    TraceQuery query() const { return m_query; }
    /// The sort column of a sort key, and whether a column can be sorted at all.
    static int columnForSortKey(TraceSortKey key);
    static bool isSortable(int column);

    /// Reloads from scratch (first page).
    void reload();
    bool isLoading() const { return m_loading; }
    /// Matching traces in the store (counted in the background; -1 until known).
    qint64 totalCount() const { return m_totalCount; }
    int pageSize() const { return m_pageSize; }
    void setPageSize(int rows) { m_pageSize = rows; }
    /// When false, new traces are only counted (newTracesAvailable) instead of inserted.
    void setFollowLive(bool follow);
    bool followLive() const { return m_followLive; }

Q_SIGNALS:
    void loadingChanged(bool loading);
    void loaded();
    void totalCountChanged(qint64 count);
    void newTracesAvailable(int count);
    void queryFailed(const QString &message);

private:
    void onCommitted(const StoreChange &change);
    void refreshLive();
    void countInBackground();
    void setLoading(bool loading);
    QString sourceName(qint64 sourceId) const;

    TraceStore *m_store;
    TraceQuery m_query;
    int m_pageSize = 200;
    quint64 m_generation = 0;
    bool m_loading = false;
    bool m_fetching = false;
    bool m_atEnd = false;
    bool m_followLive = true;
    qint64 m_totalCount = -1;
    QHash<qint64, QString> m_sourceNames;
    // Live changes collected between refreshes.
    QTimer m_liveTimer;
    QList<qint64> m_pendingUpdated;
    int m_pendingInserted = 0;
    bool m_refreshRunning = false;
};

/// Display helpers shared by the list models.
QString formatCost(double usd);
QString formatTokens(qint64 tokens);
QString formatTimestamp(qint64 ns);

} // namespace tg
