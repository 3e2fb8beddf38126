#pragma once

#include <QString>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace tg {

/// Keeps the full-text index (a separate database file, so it never takes the store's write
/// lock) up to date with the payloads table. Runs on its own low-priority thread, in chunks,
/// behind ingest: the store's writer never waits for it.
class FullTextIndexer
{
public:
    FullTextIndexer(QString storePath, QString indexPath, std::function<void()> caughtUp);
    ~FullTextIndexer();

    /// Creates the index schema if needed and starts the thread.
    bool start(QString *error);
    void stop();

    /// The writer committed payload rows up to `lastPayloadRk`.
    void notifyWritten(qint64 lastPayloadRk);
    qint64 indexedRk() const { return m_indexedRk.load(); }
    qint64 backlog() const;

    /// Longest text indexed per field; the rest of a huge payload is found by scanning.
    static constexpr int kMaxIndexedBytes = 256 * 1024;

private:
    void run();
    int indexChunk(class IndexerConnection &connection);

    QString m_storePath;
    QString m_indexPath;
    std::function<void()> m_caughtUp;
    std::atomic<qint64> m_indexedRk { 0 };
    std::atomic<qint64> m_writtenRk { 0 };
    /// When the writer last reported payloads (steady clock, ns): while ingest streams, the
    /// indexer works at most a quarter of the time so that it does not slow ingest down.
    std::atomic<qint64> m_lastWriteNs { 0 };
    std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_stopping = false;
    std::thread m_thread;
};

} // namespace tg
