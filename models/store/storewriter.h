#pragma once

#include "store/sqlite.h"
#include "store/tracestore.h"
#include "store/writecontext.h"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

namespace tg {

class WriteContext;

/// One unit of work for the writer: a batch of records or a function run inside the
/// transaction (source management, deletes). A failing task is rolled back alone and the rest
/// of the group still commits.
struct WriteTask
{
    WriteBatch batch;
    std::vector<ObservationPrep> preps; ///< prepared on the submitting thread
    std::function<bool(WriteContext &, QString *)> function;
    CommitCallback done;
    size_t rows = 0;
};

/// The single writer thread. It takes everything queued (up to a row limit) into one
/// transaction, so many small requests cost one commit (group commit).
class StoreWriter
{
public:
    struct Hooks
    {
        std::function<void(const StoreChange &)> committed; ///< after each successful commit
        std::function<void(const QString &)> failed; ///< a whole transaction failed
        std::function<void(qint64 lastPayloadRk)> payloadsWritten;
    };

    StoreWriter(const StoreOptions &options, Hooks hooks);
    ~StoreWriter();

    /// Opens the database, applies migrations and starts the thread.
    bool start(QString *error);
    /// Commits what is queued, then stops the thread.
    void stop();

    SubmitStatus enqueue(WriteTask task);
    size_t pendingRows() const { return m_pendingRows.load(); }
    qint64 lastSeq() const { return m_seq.load(); }

private:
    void run();
    void commitGroup(std::vector<WriteTask> &tasks);
    enum class GroupOutcome { Committed, TaskFailed, Failed };
    /// One transaction over `tasks`; with `isolateTasks` each task gets a savepoint and a failing
    /// one is rolled back alone, without it the first failing task rolls everything back.
    GroupOutcome writeGroup(std::vector<WriteTask> &tasks, qint64 seq, bool isolateTasks,
        std::vector<CommitResult> &results, QString *transactionError);
    void runCheckpointer();
    /// Hands a committed group to the reaper thread to free.
    void discard(std::vector<WriteTask> group);
    void runReaper();
    static int walHook(void *self, struct sqlite3 *db, const char *name, int frames);

    StoreOptions m_options;
    Hooks m_hooks;
    sql::Database m_db;
    std::unique_ptr<WriteContext> m_context;

    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    std::deque<WriteTask> m_queue;
    bool m_stopping = false;
    std::atomic<size_t> m_pendingRows { 0 };
    std::atomic<qint64> m_seq { 0 };
    std::thread m_thread;

    // Checkpoints run on their own thread and connection, so copying the WAL back into the
    // database overlaps with the next transaction instead of stalling it.
    std::mutex m_checkpointMutex;
    std::condition_variable m_checkpointWake;
    bool m_checkpointWanted = false;
    /// WAL frames the last checkpoint pass copied into the database (of the WAL as it was then):
    /// the writer copies the last few itself once most of a large WAL is copied.
    std::atomic<int> m_backfilledFrames { 0 };
    /// Held while either checkpointer copies frames: the writer waits for a background pass to
    /// end instead of being refused (SQLITE_BUSY) by it, which under a starved CPU was every time.
    std::mutex m_checkpointRunning;
    int m_walFrames = 0; ///< frames in the WAL after the last commit (writer thread only)
    int m_lastCommitFrames = 0; ///< frames the last commit appended (for TG_PROFILE)
    bool m_checkpointStopping = false;
    std::thread m_checkpointThread;

    // Freeing a committed group (records allocated by other threads' arenas) took a fifth of the
    // writer's time; the reaper does it instead.
    std::mutex m_reaperMutex;
    std::condition_variable m_reaperWake;
    std::deque<std::vector<WriteTask>> m_reaperQueue;
    bool m_reaperStopping = false;
    std::thread m_reaperThread;
};

} // namespace tg
