#include "fulltextindexer.h"

#include "store/backgroundthread.h"
#include "store/schema.h"
#include "store/sqlite.h"

#include <chrono>
#include <vector>

namespace tg {

namespace {

constexpr int kChunkRows = 8000;
/// A chunk also ends after this much text (it is held in memory while it is indexed).
constexpr qint64 kChunkBytes = 32 * 1024 * 1024;

struct ChunkRow
{
    qint64 rk = 0;
    QByteArray name;
    QByteArray input;
    QByteArray output;
};

/// Cuts UTF-8 text to at most `limit` bytes at a character boundary.
QByteArray truncateUtf8(const QByteArray &text, int limit)
{
    if (text.size() <= limit)
        return text;
    qsizetype end = limit;
    while (end > 0 && (static_cast<unsigned char>(text.at(end)) & 0xC0) == 0x80)
        --end;
    return text.left(end);
}

} // namespace

class IndexerConnection
{
public:
    sql::Database db;
    sql::Statement select;
    sql::Statement insert;
    sql::Statement saveWatermark;
};

FullTextIndexer::FullTextIndexer(QString storePath, QString indexPath, std::function<void()> caughtUp)
    : m_storePath(std::move(storePath))
    , m_indexPath(std::move(indexPath))
    , m_caughtUp(std::move(caughtUp))
{
}

FullTextIndexer::~FullTextIndexer()
{
    stop();
}

bool FullTextIndexer::start(QString *error)
{
    sql::Database db;
    if (!db.open(m_indexPath, sql::Database::Mode::ReadWrite)) {
        *error = db.error();
        return false;
    }
    if (!db.exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;")
        || !schema::createFullTextSchema(db, error)) {
        if (error->isEmpty())
            *error = db.error();
        return false;
    }
    m_indexedRk = db.queryInt("SELECT value FROM fts_state WHERE key = 'indexed_rk'").value_or(0);
    db.close();
    m_thread = std::thread([this] { run(); });
    return true;
}

void FullTextIndexer::stop()
{
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_wake.notify_all();
    if (m_thread.joinable())
        m_thread.join();
}

void FullTextIndexer::notifyWritten(qint64 lastPayloadRk)
{
    qint64 previous = m_writtenRk.load();
    while (lastPayloadRk > previous && !m_writtenRk.compare_exchange_weak(previous, lastPayloadRk)) { }
    m_lastWriteNs = std::chrono::steady_clock::now().time_since_epoch().count();
    m_wake.notify_one();
}

qint64 FullTextIndexer::backlog() const
{
    const qint64 pending = m_writtenRk.load() - m_indexedRk.load();
    return pending > 0 ? pending : 0;
}

int FullTextIndexer::indexChunk(IndexerConnection &c)
{
    // The chunk is read first, in a read transaction of its own that ends before indexing
    // begins. A snapshot of the store held while the chunk is tokenised (slowly, behind ingest)
    // would keep the checkpointer from copying the store's WAL past it: the WAL would grow, and
    // the writer would later copy it back itself while every client waits.
    std::vector<ChunkRow> chunk;
    qint64 chunkBytes = 0;
    c.select.bind(1, m_indexedRk.load());
    c.select.bind(2, kChunkRows);
    while (chunkBytes < kChunkBytes && c.select.step()) {
        ChunkRow row { c.select.columnInt(0), c.select.columnBytes(1),
            truncateUtf8(c.select.columnBytes(2), kMaxIndexedBytes),
            truncateUtf8(c.select.columnBytes(3), kMaxIndexedBytes) };
        chunkBytes += row.name.size() + row.input.size() + row.output.size();
        chunk.push_back(std::move(row));
    }
    const bool failed = c.select.hadError();
    c.select.reset();
    if (failed)
        return -1;
    if (chunk.empty())
        return 0;

    // Deferred: an immediate transaction would take the write lock of every attached database,
    // the store's included, and hold the writer off (it waited in its busy handler for up to
    // 80 ms) while a chunk is indexed. This one writes only the index.
    sql::Transaction tx(c.db, false);
    if (!tx.isActive())
        return -1;
    for (const ChunkRow &row : chunk) {
        c.insert.bind(1, row.rk);
        c.insert.bindText(2, row.name);
        c.insert.bindText(3, row.input);
        c.insert.bindText(4, row.output);
        if (!c.insert.run())
            return -1;
    }
    const qint64 last = chunk.back().rk;
    c.saveWatermark.bind(1, last);
    if (!c.saveWatermark.run() || !tx.commit())
        return -1;
    m_indexedRk = last;
    if (last > m_writtenRk.load())
        notifyWritten(last);
    return static_cast<int>(chunk.size());
}

void FullTextIndexer::run()
{
    runBehindIngest("tg-fts-indexer");

    IndexerConnection c;
    if (!c.db.open(m_indexPath, sql::Database::Mode::ReadWrite))
        return;
    const QString attach = QStringLiteral("ATTACH DATABASE '%1' AS store")
                               .arg(QString(m_storePath).replace(u'\'', QStringLiteral("''")));
    if (!c.db.exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536;")
        || !c.db.exec(attach)
        || !c.select.prepare(
            c.db, "SELECT rk, name, input, output FROM store.payloads WHERE rk > ?1 ORDER BY rk LIMIT ?2")
        || !c.insert.prepare(
            c.db, "INSERT INTO payload_fts(rowid, name, input, output) VALUES(?1, ?2, ?3, ?4)")
        || !c.saveWatermark.prepare(c.db, "UPDATE fts_state SET value = ?1 WHERE key = 'indexed_rk'"))
        return;
    // Rows written before this run are found by the first chunk.
    m_writtenRk = std::max(
        m_writtenRk.load(), c.db.queryInt("SELECT coalesce(max(rk), 0) FROM store.payloads").value_or(0));

    bool wasBehind = backlog() > 0;
    for (;;) {
        {
            std::unique_lock lock(m_mutex);
            if (m_stopping)
                break;
            if (backlog() == 0) {
                if (wasBehind && m_caughtUp) {
                    wasBehind = false;
                    lock.unlock();
                    m_caughtUp();
                    lock.lock();
                }
                m_wake.wait_for(
                    lock, std::chrono::seconds(1), [this] { return m_stopping || backlog() > 0; });
                if (m_stopping)
                    break;
            }
        }
        const auto chunkStart = std::chrono::steady_clock::now();
        const int rows = indexChunk(c);
        if (rows > 0) {
            wasBehind = true;
            // Ingest is streaming: leave the cores to it (a 25% duty cycle); at full speed again
            // once the writer has been quiet for a moment.
            const auto now = std::chrono::steady_clock::now();
            const auto sinceWrite
                = std::chrono::nanoseconds(now.time_since_epoch().count() - m_lastWriteNs.load());
            if (sinceWrite < std::chrono::milliseconds(250)) {
                std::unique_lock lock(m_mutex);
                m_wake.wait_for(lock, (now - chunkStart) * 3, [this] { return m_stopping; });
            }
        }
        if (rows < 0) {
            std::unique_lock lock(m_mutex);
            m_wake.wait_for(lock, std::chrono::seconds(1), [this] { return m_stopping; });
        }
        if (rows == 0) {
            // The writer's newest rows may be rolled back or not visible yet; re-read the head.
            const qint64 head = c.db.queryInt("SELECT coalesce(max(rk), 0) FROM store.payloads").value_or(0);
            if (head <= m_indexedRk.load())
                m_writtenRk = m_indexedRk.load();
        }
    }
}

} // namespace tg
