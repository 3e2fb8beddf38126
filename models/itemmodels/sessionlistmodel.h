#pragma once

#include "domain/rows.h"
#include "itemmodels/keyedrowsmodel.h"
#include "store/storechange.h"
#include "store/tracequery.h"

#include <QHash>
#include <QTimer>

namespace tg {

class TraceStore;

/// Sessions are keyed by (source, id); the model keys rows by a hash of both.
struct SessionRowKey
{
    qint64 operator()(const SessionRow &row) const
    {
        return static_cast<qint64>(qHash(row.id, static_cast<size_t>(row.sourceId) * 0x9E3779B97F4A7C15ULL));
    }
};

/// The sessions page: sessions newest first (by last activity), paged from the store,
/// refreshed live like the traces list.
class SessionListModel : public KeyedRowsModel<SessionRow, SessionRowKey>
{
    Q_OBJECT

public:
    enum Column {
        SessionColumn,
        UserColumn,
        FirstColumn,
        LastColumn,
        DurationColumn,
        TracesColumn,
        TokensColumn,
        CostColumn,
        ErrorsColumn,
        SourceColumn,
        ColumnCount
    };
    Q_ENUM(Column)

    explicit SessionListModel(TraceStore *store, QObject *parent = nullptr);

    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;

    void setFilter(const SessionFilter &filter);
    SessionFilter filter() const { return m_filter; }
    void reload();
    bool isLoading() const { return m_loading; }
    qint64 totalCount() const { return m_totalCount; }

Q_SIGNALS:
    void loaded();
    void totalCountChanged(qint64 count);

private:
    void onCommitted(const StoreChange &change);
    void refreshLive();

    TraceStore *m_store;
    SessionFilter m_filter;
    int m_pageSize = 200;
    quint64 m_generation = 0;
    bool m_loading = false;
    bool m_fetching = false;
    bool m_atEnd = false;
    bool m_refreshRunning = false;
    bool m_pending = false;
    qint64 m_totalCount = -1;
    QHash<qint64, QString> m_sourceNames;
    QTimer m_liveTimer;
};

} // namespace tg
