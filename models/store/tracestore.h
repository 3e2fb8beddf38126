#pragma once

#include "domain/records.h"
#include "domain/source.h"
#include "store/readerpool.h"
#include "store/storechange.h"

#include <QObject>
#include <QString>

#include <functional>
#include <memory>

namespace tg {

class StoreReader;
class StoreWriter;
class FullTextIndexer;
class ReaderPool;

namespace sql {
class Database;
}

/// A task for the writer thread on its connection, inside the open transaction; return false (with
/// a message) to roll back this task alone.
using StoreTask = std::function<bool(sql::Database &db, QString *error)>;

struct StoreOptions
{
    QString path; ///< main database file; the full-text index sits beside it
    bool fullTextIndex = true; ///< maintain the FTS5 index in the background
    size_t maxPendingRows = 400'000; ///< queued, uncommitted rows beyond which submit() refuses
    size_t maxRowsPerTransaction = 64'000;
    /// A group of fewer rows than groupCommitMinRows waits up to groupCommitWaitMs for more work
    /// before it commits: one commit for many tiny requests. Larger groups commit at once; their
    /// clients wait for the commit, and waiting only delays them (and those queued behind).
    int groupCommitWaitMs = 2;
    size_t groupCommitMinRows = 256;
    int cacheSizeMiB = 256; ///< page cache of the writer connection
    /// WAL frames (64 KiB pages) after which the background checkpointer copies the WAL back into
    /// the database. The writer checkpoints itself once the WAL holds eight times as many frames,
    /// and from twice as many on once most are copied, so that the WAL file can start over.
    int checkpointFrames = 1000;
};

enum class SubmitStatus {
    Queued, ///< accepted; the callback runs after commit
    Overloaded, ///< the queue is full: retry later (the receiver answers 429/503)
    Closed, ///< the store is shutting down
    Invalid, ///< the batch names an unknown source
};

struct CommitResult
{
    bool ok = false;
    qint64 seq = 0; ///< commit sequence of the transaction that stored it
    QString error; ///< why it failed; nothing of the failed task was stored
};

/// Runs on the writer thread after the task's transaction committed (or failed). Keep it short.
using CommitCallback = std::function<void(const CommitResult &)>;

/// The local trace store: SQLite in WAL mode, one writer thread that coalesces submitted
/// batches into large transactions (group commit), readers on their own connections, and a
/// full-text index maintained behind ingest in a separate database file.
class TraceStore : public QObject
{
    Q_OBJECT

public:
    /// Opens or creates the store and brings its schema up to date; nullptr and `error` on failure.
    static std::unique_ptr<TraceStore> open(const StoreOptions &options, QString *error);
    ~TraceStore() override;

    QString path() const { return m_options.path; }
    QString fullTextPath() const;

    /// Queues a batch for the writer; thread-safe. Upsert semantics: an id seen before updates
    /// its row (non-null fields win, metadata objects merged, tags united).
    SubmitStatus submit(WriteBatch batch, CommitCallback onCommitted = {});
    /// Blocks until everything queued before the call is committed; false on timeout.
    bool flush(int timeoutMs = -1);

    /// Creates the source if its key is new (returns its id either way); 0 and `error` on failure.
    qint64 ensureSource(SourceKind kind, const QString &key, const QString &name, const QString &detail = {},
        QString *error = nullptr);
    bool renameSource(qint64 sourceId, const QString &name);
    /// Deletes a source with all its traces, observations, scores and sync state.
    bool removeSource(qint64 sourceId, QString *error = nullptr);
    /// Deletes traces (by row key) with their observations and payloads.
    bool deleteTraces(const QList<qint64> &traceRks, QString *error = nullptr);
    bool setSyncState(qint64 sourceId, const QString &key, const QString &value);

    /// Queues a task for the writer thread, committed with the next group (for small tables kept
    /// beside the traces, such as the forwarder's outbox); `onCommitted` as for submit().
    SubmitStatus submitTask(StoreTask task, CommitCallback onCommitted = {});
    /// Runs a task on the writer thread and waits for its commit.
    bool runTask(const StoreTask &task, QString *error = nullptr);

    /// A read connection for the calling thread; return it by destroying the lease.
    ReaderLease reader() const;
    /// The read connections, for work on other threads that may outlive this object.
    std::shared_ptr<ReaderPool> readerPool() const { return m_readers; }

    /// Rows queued but not yet committed.
    size_t pendingRows() const;
    /// Payload rows written but not yet in the full-text index.
    qint64 fullTextBacklog() const;
    qint64 lastCommittedSeq() const;

Q_SIGNALS:
    /// One per commit, on the thread that owns the store.
    void committed(const tg::StoreChange &change);
    void writeFailed(const QString &error);
    /// The full-text index reached the newest payload row.
    void fullTextCaughtUp();

private:
    explicit TraceStore(const StoreOptions &options);
    bool start(QString *error);
    bool runSync(const std::function<bool(class WriteContext &, QString *)> &task, QString *error);
    void deliverChange(const StoreChange &change);

    StoreOptions m_options;
    std::unique_ptr<StoreWriter> m_writer;
    std::unique_ptr<FullTextIndexer> m_indexer;
    std::shared_ptr<ReaderPool> m_readers;
};

} // namespace tg
