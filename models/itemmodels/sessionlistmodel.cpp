#include "sessionlistmodel.h"

#include "domain/timeformat.h"
#include "itemmodels/backgroundtask.h"
#include "itemmodels/modelroles.h"
#include "itemmodels/tracelistmodel.h"
#include "store/storereader.h"
#include "store/tracestore.h"

namespace tg {

namespace {

constexpr int kLiveWindow = 2000;

struct SessionPage
{
    std::vector<SessionRow> rows;
    QHash<qint64, QString> sourceNames;
    qint64 total = -1;
};

SessionPage loadSessions(const std::shared_ptr<ReaderPool> &store, const SessionFilter &filter, int offset,
    int limit, bool withExtras)
{
    SessionPage page;
    auto reader = store->lease();
    if (!reader)
        return page;
    page.rows = reader->sessions(filter, offset, limit);
    if (withExtras) {
        for (const Source &s : reader->sources(false))
            page.sourceNames.insert(s.id, s.name);
        page.total = reader->countSessions(filter);
    }
    return page;
}

} // namespace

SessionListModel::SessionListModel(TraceStore *store, QObject *parent)
    : KeyedRowsModel(parent)
    , m_store(store)
{
    m_liveTimer.setSingleShot(true);
    m_liveTimer.setInterval(100);
    connect(&m_liveTimer, &QTimer::timeout, this, &SessionListModel::refreshLive);
    connect(m_store, &TraceStore::committed, this, &SessionListModel::onCommitted);
}

int SessionListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant SessionListModel::data(const QModelIndex &index, int role) const
{
    const SessionRow *row = rowAt(index.row());
    if (!row || index.column() < 0 || index.column() >= ColumnCount)
        return {};
    const SessionRow &s = *row;
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case SessionColumn:
            return s.id;
        case UserColumn:
            return s.userId;
        case FirstColumn:
            return formatTimestamp(s.firstNs);
        case LastColumn:
            return formatTimestamp(s.lastNs);
        case DurationColumn:
            return formatDuration(s.durationNs());
        case TracesColumn:
            return s.traceCount;
        case TokensColumn:
            return formatTokens(s.totalTokens);
        case CostColumn:
            return formatCost(s.cost);
        case ErrorsColumn:
            return s.errorCount > 0 ? QVariant(s.errorCount) : QVariant(QString());
        case SourceColumn:
            return m_sourceNames.value(s.sourceId);
        }
        break;
    case SortRole:
        switch (index.column()) {
        case FirstColumn:
            return s.firstNs;
        case LastColumn:
            return s.lastNs;
        case DurationColumn:
            return s.durationNs();
        case TracesColumn:
            return s.traceCount;
        case TokensColumn:
            return s.totalTokens;
        case CostColumn:
            return s.cost;
        case ErrorsColumn:
            return s.errorCount;
        default:
            return data(index, Qt::DisplayRole);
        }
    case Qt::TextAlignmentRole:
        if (index.column() >= DurationColumn && index.column() <= ErrorsColumn)
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case SessionIdRole:
    case IdRole:
        return s.id;
    case SourceIdRole:
        return s.sourceId;
    case UserIdRole:
        return s.userId;
    case CostRole:
        return s.cost;
    case TokensRole:
        return s.totalTokens;
    case ErrorCountRole:
        return s.errorCount;
    case DurationRole:
        return s.durationNs();
    default:
        break;
    }
    return {};
}

QVariant SessionListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case SessionColumn:
        return tr("Session");
    case UserColumn:
        return tr("User");
    case FirstColumn:
        return tr("First trace");
    case LastColumn:
        return tr("Last activity");
    case DurationColumn:
        return tr("Duration");
    case TracesColumn:
        return tr("Traces");
    case TokensColumn:
        return tr("Tokens");
    case CostColumn:
        return tr("Cost");
    case ErrorsColumn:
        return tr("Errors");
    case SourceColumn:
        return tr("Source");
    }
    return {};
}

void SessionListModel::setFilter(const SessionFilter &filter)
{
    if (filter == m_filter && (m_loading || !m_rows.empty()))
        return;
    m_filter = filter;
    reload();
}

void SessionListModel::reload()
{
    const quint64 generation = ++m_generation;
    m_loading = true;
    m_fetching = false;
    m_atEnd = false;
    std::shared_ptr<ReaderPool> store = m_store->readerPool();
    const SessionFilter filter = m_filter;
    const int limit = m_pageSize;
    runInBackground(
        this, [store, filter, limit] { return loadSessions(store, filter, 0, limit, true); },
        [this, generation, limit](SessionPage page) {
            if (generation != m_generation)
                return;
            m_loading = false;
            m_sourceNames = std::move(page.sourceNames);
            m_atEnd = static_cast<int>(page.rows.size()) < limit;
            resetRows(std::move(page.rows));
            if (page.total != m_totalCount) {
                m_totalCount = page.total;
                Q_EMIT totalCountChanged(m_totalCount);
            }
            Q_EMIT loaded();
        });
}

bool SessionListModel::canFetchMore(const QModelIndex &parent) const
{
    // Never while a live refresh runs: its result would replace the rows a page just added.
    return !parent.isValid() && !m_atEnd && !m_loading && !m_fetching && !m_refreshRunning && !m_rows.empty();
}

void SessionListModel::fetchMore(const QModelIndex &parent)
{
    if (!canFetchMore(parent))
        return;
    m_fetching = true;
    const quint64 generation = m_generation;
    std::shared_ptr<ReaderPool> store = m_store->readerPool();
    const SessionFilter filter = m_filter;
    const int offset = static_cast<int>(m_rows.size());
    const int limit = m_pageSize;
    runInBackground(
        this, [store, filter, offset, limit] { return loadSessions(store, filter, offset, limit, false); },
        [this, generation, limit](SessionPage page) {
            if (generation != m_generation)
                return;
            m_fetching = false;
            m_atEnd = static_cast<int>(page.rows.size()) < limit;
            appendRows(std::move(page.rows));
            Q_EMIT loaded();
        });
}

void SessionListModel::onCommitted(const StoreChange &change)
{
    if (!change.sessionsChanged && !change.sourcesChanged)
        return;
    m_pending = true;
    if (!m_liveTimer.isActive())
        m_liveTimer.start();
}

void SessionListModel::refreshLive()
{
    if (m_loading || m_refreshRunning || m_fetching) {
        m_liveTimer.start();
        return;
    }
    if (!std::exchange(m_pending, false))
        return;
    const int loaded = static_cast<int>(m_rows.size());
    if (loaded > kLiveWindow)
        return; // deep lists keep their rows; the next reload brings the news
    const quint64 generation = m_generation;
    std::shared_ptr<ReaderPool> store = m_store->readerPool();
    const SessionFilter filter = m_filter;
    const int limit = std::max(loaded, m_pageSize);
    m_refreshRunning = true;
    runInBackground(
        this, [store, filter, limit] { return loadSessions(store, filter, 0, limit, true); },
        [this, generation, limit](SessionPage page) {
            m_refreshRunning = false;
            if (generation != m_generation)
                return;
            m_sourceNames = std::move(page.sourceNames);
            m_atEnd = static_cast<int>(page.rows.size()) < limit;
            replaceRows(std::move(page.rows));
            if (page.total != m_totalCount) {
                m_totalCount = page.total;
                Q_EMIT totalCountChanged(m_totalCount);
            }
            if (m_pending)
                m_liveTimer.start();
        });
}

} // namespace tg
