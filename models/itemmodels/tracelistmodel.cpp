#include "tracelistmodel.h"

#include "domain/timeformat.h"
#include "itemmodels/backgroundtask.h"
#include "itemmodels/modelroles.h"
#include "store/storereader.h"
#include "store/tracestore.h"

#include <QDateTime>
#include <QLocale>

namespace tg {

namespace {

// Lists up to this many loaded rows are re-queried whole on live changes; longer ones only
// refresh the rows that changed and report how many new traces arrived.
constexpr int kLiveWindow = 2000;
constexpr int kLiveIntervalMs = 50;

struct PageResult
{
    std::vector<TraceRow> rows;
    QHash<qint64, QString> sourceNames;
    QString error;
};

PageResult loadPage(const std::shared_ptr<ReaderPool> &store, const TraceQuery &query, int offset, int limit,
    bool withSources)
{
    PageResult result;
    auto reader = store->lease();
    if (!reader) {
        result.error = QStringLiteral("cannot read the store");
        return result;
    }
    result.rows = reader->traces(query, offset, limit, &result.error);
    if (withSources) {
        for (const Source &s : reader->sources(false))
            result.sourceNames.insert(s.id, s.name);
    }
    return result;
}

} // namespace

QString formatCost(double usd)
{
    if (usd <= 0.0)
        return QString();
    if (usd < 0.0001)
        return QStringLiteral("<$0.0001");
    if (usd < 1.0)
        return u'$' + QString::number(usd, 'f', 4);
    return u'$' + QLocale().toString(usd, 'f', 2);
}

QString formatTokens(qint64 tokens)
{
    if (tokens <= 0)
        return QString();
    return QLocale().toString(tokens);
}

QString formatTimestamp(qint64 ns)
{
    if (ns < 0)
        return QString();
    return QDateTime::fromMSecsSinceEpoch(ns / 1'000'000)
        .toLocalTime()
        .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz"));
}

TraceListModel::TraceListModel(TraceStore *store, QObject *parent)
    : KeyedRowsModel(parent)
    , m_store(store)
{
    m_liveTimer.setSingleShot(true);
    m_liveTimer.setInterval(kLiveIntervalMs);
    connect(&m_liveTimer, &QTimer::timeout, this, &TraceListModel::refreshLive);
    connect(m_store, &TraceStore::committed, this, &TraceListModel::onCommitted);
}

TraceListModel::~TraceListModel() = default;

int TraceListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString TraceListModel::sourceName(qint64 sourceId) const
{
    return m_sourceNames.value(sourceId);
}

QVariant TraceListModel::data(const QModelIndex &index, int role) const
{
    const TraceRow *row = rowAt(index.row());
    if (!row || index.column() < 0 || index.column() >= ColumnCount)
        return {};
    const TraceRow &r = *row;
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case TimeColumn:
            return formatTimestamp(r.timestampNs);
        case NameColumn:
            return r.name.isNull() ? r.id : r.name;
        case UserColumn:
            return r.userId;
        case SessionColumn:
            return r.sessionId;
        case TagsColumn:
            return r.tags.join(QStringLiteral(", "));
        case LatencyColumn:
            return formatDuration(r.latencyNs);
        case TokensColumn:
            return formatTokens(r.totalTokens);
        case CostColumn:
            return formatCost(r.cost);
        case LevelColumn:
            if (r.errorCount > 0)
                return r.errorCount == 1 ? tr("1 error") : tr("%1 errors").arg(r.errorCount);
            if (r.warningCount > 0)
                return r.warningCount == 1 ? tr("1 warning") : tr("%1 warnings").arg(r.warningCount);
            return QString();
        case ObservationsColumn:
            return r.observationCount;
        case EnvironmentColumn:
            return r.environment;
        case AgentColumn:
            return r.agent;
        case SourceColumn:
            return sourceName(r.sourceId);
        }
        break;
    case SortRole:
        switch (index.column()) {
        case TimeColumn:
            return r.timestampNs;
        case NameColumn:
            return r.name;
        case LatencyColumn:
            return r.latencyNs;
        case TokensColumn:
            return r.totalTokens;
        case CostColumn:
            return r.cost;
        case LevelColumn:
            return static_cast<int>(r.level) * 1'000'000 + r.errorCount * 1000 + r.warningCount;
        case ObservationsColumn:
            return r.observationCount;
        default:
            return data(index, Qt::DisplayRole);
        }
    case Qt::ToolTipRole:
        if (index.column() == TimeColumn)
            return formatIsoTimestamp(r.timestampNs);
        if (index.column() == NameColumn)
            return tr("%1\nTrace %2").arg(r.name, r.id);
        if (index.column() == TagsColumn && !r.tags.isEmpty())
            return r.tags.join(u'\n');
        if (index.column() == CostColumn && r.cost > 0)
            return QStringLiteral("$%1").arg(r.cost, 0, 'g', 8);
        if (index.column() == TokensColumn)
            return tr("%1 in, %2 out, %3 total").arg(r.inputTokens).arg(r.outputTokens).arg(r.totalTokens);
        return {};
    case Qt::TextAlignmentRole:
        switch (index.column()) {
        case LatencyColumn:
        case TokensColumn:
        case CostColumn:
        case ObservationsColumn:
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        default:
            return {};
        }
    case RowKeyRole:
        return r.rk;
    case IdRole:
        return r.id;
    case SourceIdRole:
        return r.sourceId;
    case LevelRole:
        return static_cast<int>(r.level);
    case ErrorCountRole:
        return r.errorCount;
    case SessionIdRole:
        return r.sessionId;
    case UserIdRole:
        return r.userId;
    case TagsRole:
        return r.tags;
    case CostRole:
        return r.cost;
    case TokensRole:
        return r.totalTokens;
    case DurationRole:
        return r.latencyNs;
    case TraceStartRole:
        return r.timestampNs;
    default:
        break;
    }
    return {};
}

QVariant TraceListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case TimeColumn:
        return tr("Timestamp");
    case NameColumn:
        return tr("Name");
    case UserColumn:
        return tr("User");
    case SessionColumn:
        return tr("Session");
    case TagsColumn:
        return tr("Tags");
    case LatencyColumn:
        return tr("Latency");
    case TokensColumn:
        return tr("Tokens");
    case CostColumn:
        return tr("Cost");
    case LevelColumn:
        return tr("Level");
    case ObservationsColumn:
        return tr("Observations");
    case EnvironmentColumn:
        return tr("Environment");
    case AgentColumn:
        return tr("Agent");
    case SourceColumn:
        return tr("Source");
    }
    return {};
}

int TraceListModel::columnForSortKey(TraceSortKey key)
{
    switch (key) {
    case TraceSortKey::Time:
        return TimeColumn;
    case TraceSortKey::Latency:
        return LatencyColumn;
    case TraceSortKey::Cost:
        return CostColumn;
    case TraceSortKey::Tokens:
        return TokensColumn;
    case TraceSortKey::Name:
        return NameColumn;
    }
    return TimeColumn;
}

bool TraceListModel::isSortable(int column)
{
    return column == TimeColumn || column == NameColumn || column == LatencyColumn || column == TokensColumn
        || column == CostColumn;
}

void TraceListModel::sort(int column, Qt::SortOrder order)
{
    TraceQuery query = m_query;
    switch (column) {
    case TimeColumn:
        query.sortKey = TraceSortKey::Time;
        break;
    case NameColumn:
        query.sortKey = TraceSortKey::Name;
        break;
    case LatencyColumn:
        query.sortKey = TraceSortKey::Latency;
        break;
    case TokensColumn:
        query.sortKey = TraceSortKey::Tokens;
        break;
    case CostColumn:
        query.sortKey = TraceSortKey::Cost;
        break;
    default:
        return; // sorted in SQL by indexed columns only
    }
    query.descending = order == Qt::DescendingOrder;
    if (query == m_query && !m_rows.empty())
        return;
    m_query = query;
    reload();
}

void TraceListModel::setFilter(const TraceFilter &filter)
{
    if (filter == m_query.filter && (m_loading || !m_rows.empty()))
        return;
    m_query.filter = filter;
    reload();
}

void TraceListModel::setFollowLive(bool follow)
{
    m_followLive = follow;
}

void TraceListModel::setLoading(bool loading)
{
    if (m_loading == loading)
        return;
    m_loading = loading;
    Q_EMIT loadingChanged(loading);
}

void TraceListModel::reload()
{
    const quint64 generation = ++m_generation;
    m_atEnd = false;
    m_fetching = false;
    m_pendingUpdated.clear();
    m_pendingInserted = 0;
    setLoading(true);
    std::shared_ptr<ReaderPool> store = m_store->readerPool();
    const TraceQuery query = m_query;
    const int limit = m_pageSize;
    runInBackground(
        this, [store, query, limit] { return loadPage(store, query, 0, limit, true); },
        [this, generation, limit](PageResult result) {
            if (generation != m_generation)
                return; // a newer query superseded this one
            m_sourceNames = std::move(result.sourceNames);
            m_atEnd = static_cast<int>(result.rows.size()) < limit;
            resetRows(std::move(result.rows));
            setLoading(false);
            if (!result.error.isEmpty())
                Q_EMIT queryFailed(result.error);
            Q_EMIT loaded();
            countInBackground();
            if (m_pendingInserted > 0 || !m_pendingUpdated.isEmpty())
                m_liveTimer.start();
        });
}

bool TraceListModel::canFetchMore(const QModelIndex &parent) const
{
    // Never while a live refresh runs: its result would replace the rows a page just added.
    return !parent.isValid() && !m_atEnd && !m_loading && !m_fetching && !m_refreshRunning && !m_rows.empty();
}

void TraceListModel::fetchMore(const QModelIndex &parent)
{
    if (!canFetchMore(parent))
        return;
    m_fetching = true;
    const quint64 generation = m_generation;
    std::shared_ptr<ReaderPool> store = m_store->readerPool();
    const TraceQuery query = m_query;
    const int offset = static_cast<int>(m_rows.size());
    const int limit = m_pageSize;
    runInBackground(
        this, [store, query, offset, limit] { return loadPage(store, query, offset, limit, false); },
        [this, generation, limit](PageResult result) {
            if (generation != m_generation)
                return;
            m_fetching = false;
            m_atEnd = static_cast<int>(result.rows.size()) < limit;
            appendRows(std::move(result.rows));
            Q_EMIT loaded();
        });
}

void TraceListModel::countInBackground()
{
    const quint64 generation = m_generation;
    std::shared_ptr<ReaderPool> store = m_store->readerPool();
    const TraceFilter filter = m_query.filter;
    runInBackground(
        this,
        [store, filter] {
            auto reader = store->lease();
            return reader ? reader->countTraces(filter) : qint64(-1);
        },
        [this, generation](qint64 count) {
            if (generation != m_generation || count == m_totalCount)
                return;
            m_totalCount = count;
            Q_EMIT totalCountChanged(count);
        });
}

void TraceListModel::onCommitted(const StoreChange &change)
{
    m_pendingInserted += static_cast<int>(change.insertedTraceRks.size());
    m_pendingUpdated += change.updatedTraceRks;
    if (change.sourcesChanged)
        m_pendingInserted += 1; // deletions and new sources: re-query the window
    if (!m_liveTimer.isActive() && !m_refreshRunning && !m_loading)
        m_liveTimer.start();
}

void TraceListModel::refreshLive()
{
    if (m_loading || m_refreshRunning || m_fetching) {
        m_liveTimer.start();
        return;
    }
    const int inserted = std::exchange(m_pendingInserted, 0);
    QList<qint64> updated = std::exchange(m_pendingUpdated, {});
    if (inserted == 0 && updated.isEmpty())
        return;
    const quint64 generation = m_generation;
    std::shared_ptr<ReaderPool> store = m_store->readerPool();
    const TraceQuery query = m_query;
    const int loadedRows = static_cast<int>(m_rows.size());
    const bool wholeWindow = m_followLive && loadedRows <= kLiveWindow;
    m_refreshRunning = true;
    if (wholeWindow) {
        const int limit = std::max(loadedRows, m_pageSize);
        runInBackground(
            this, [store, query, limit] { return loadPage(store, query, 0, limit, true); },
            [this, generation, limit](PageResult result) {
                m_refreshRunning = false;
                if (generation != m_generation)
                    return;
                m_sourceNames = std::move(result.sourceNames);
                m_atEnd = static_cast<int>(result.rows.size()) < limit;
                replaceRows(std::move(result.rows));
                countInBackground();
                if (m_pendingInserted > 0 || !m_pendingUpdated.isEmpty())
                    m_liveTimer.start();
            });
        return;
    }
    // Deep or paused lists: refresh loaded rows in place, announce the rest.
    updated.erase(
        std::remove_if(updated.begin(), updated.end(), [this](qint64 rk) { return rowOfKey(rk) < 0; }),
        updated.end());
    runInBackground(
        this,
        [store, updated] {
            auto reader = store->lease();
            return reader ? reader->tracesByRowKeys(updated) : std::vector<TraceRow> {};
        },
        [this, generation, inserted](std::vector<TraceRow> rows) {
            m_refreshRunning = false;
            if (generation != m_generation)
                return;
            updateRows(rows);
            if (inserted > 0)
                Q_EMIT newTracesAvailable(inserted);
            if (m_pendingInserted > 0 || !m_pendingUpdated.isEmpty())
                m_liveTimer.start();
        });
}

} // namespace tg
