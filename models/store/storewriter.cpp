#include "storewriter.h"

#include "store/backgroundthread.h"
#include "store/schema.h"
#include "store/writecontext.h"

#include <algorithm>
#include <chrono>
#include <sqlite3.h>

namespace tg {

StoreWriter::StoreWriter(const StoreOptions &options, Hooks hooks)
    : m_options(options)
    , m_hooks(std::move(hooks))
{
}

StoreWriter::~StoreWriter()
{
    stop();
}

bool StoreWriter::start(QString *error)
{
    if (!m_db.open(m_options.path, sql::Database::Mode::ReadWrite)) {
        *error = m_db.error();
        return false;
    }
    // Large pages: rows are ~1 KB payloads appended in big transactions, and the commit cost is
    // per page (a WAL frame each), so 64 KiB pages commit several times faster than 4 KiB ones.
    // The page size can only be chosen before the first table exists.
    if (m_db.queryInt("SELECT count(*) FROM sqlite_master").value_or(0) == 0
        && !m_db.exec("PRAGMA page_size=65536")) {
        *error = QStringLiteral("cannot configure %1: %2").arg(m_options.path, m_db.error());
        return false;
    }
    // WAL keeps readers and the writer apart; synchronous=NORMAL survives application crashes
    // (only an OS crash or power loss may drop the newest commits).
    const QString pragmas = QStringLiteral("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                                           "PRAGMA temp_store=MEMORY; PRAGMA cache_size=-%1; "
                                           "PRAGMA wal_autocheckpoint=0; PRAGMA foreign_keys=OFF;")
                                .arg(m_options.cacheSizeMiB * 1024);
    if (!m_db.exec(pragmas)) {
        *error = QStringLiteral("cannot configure %1: %2").arg(m_options.path, m_db.error());
        return false;
    }
    const auto mode = m_db.queryInt("SELECT 1 FROM pragma_journal_mode WHERE journal_mode = 'wal'");
    if (!mode) {
        *error = QStringLiteral("%1 cannot use write-ahead logging (is it on a network file system?)")
                     .arg(m_options.path);
        return false;
    }
    if (!schema::migrate(m_db, error))
        return false;
    m_context = std::make_unique<WriteContext>(m_db);
    if (!m_context->prepare(error))
        return false;
    m_seq = m_db.queryInt("SELECT value FROM meta WHERE key = 'seq'").value_or(0);
    sqlite3_wal_hook(m_db.handle(), &StoreWriter::walHook, this);
    m_checkpointThread = std::thread([this] { runCheckpointer(); });
    m_reaperThread = std::thread([this] { runReaper(); });
    m_thread = std::thread([this] { run(); });
    return true;
}

void StoreWriter::stop()
{
    {
        std::lock_guard lock(m_mutex);
        if (m_stopping && !m_thread.joinable())
            return;
        m_stopping = true;
    }
    m_wake.notify_all();
    if (m_thread.joinable())
        m_thread.join();
    {
        std::lock_guard lock(m_reaperMutex);
        m_reaperStopping = true;
    }
    m_reaperWake.notify_all();
    if (m_reaperThread.joinable())
        m_reaperThread.join();
    {
        std::lock_guard lock(m_checkpointMutex);
        m_checkpointStopping = true;
    }
    m_checkpointWake.notify_all();
    if (m_checkpointThread.joinable())
        m_checkpointThread.join();
    m_context.reset();
    if (m_db.isOpen())
        // PASSIVE: never wait for readers that may still be finishing on worker threads.
        sqlite3_wal_checkpoint_v2(m_db.handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    m_db.close();
}

SubmitStatus StoreWriter::enqueue(WriteTask task)
{
    {
        std::lock_guard lock(m_mutex);
        if (m_stopping)
            return SubmitStatus::Closed;
        // Functions (source changes, barriers) are never refused; batches are, when the queue
        // already holds more than the limit, so callers can push back on their clients.
        if (!task.function && m_pendingRows.load() + task.rows > m_options.maxPendingRows && !m_queue.empty())
            return SubmitStatus::Overloaded;
        m_pendingRows += task.rows;
        m_queue.push_back(std::move(task));
    }
    m_wake.notify_one();
    return SubmitStatus::Queued;
}

int StoreWriter::walHook(void *self, sqlite3 *db, const char *, int frames)
{
    auto *writer = static_cast<StoreWriter *>(self);
    writer->m_lastCommitFrames = frames > writer->m_walFrames ? frames - writer->m_walFrames : frames;
    writer->m_walFrames = frames;
    // Frames not yet copied by the background checkpointer (after a WAL restart, `frames` counts
    // from zero again and the old figure no longer applies). Checkpointing here blocks commits,
    // so the writer does it only when the WAL has grown large (the background one falls behind
    // on a starved CPU, or readers pin the WAL), or to copy the last few frames: the WAL file
    // starts over only when a transaction begins with every frame copied, which under
    // back-to-back commits the background checkpointer never reaches, and the file would grow
    // for as long as the load lasts.
    const int backfilled = writer->m_backfilledFrames.load();
    const int uncopied = frames >= backfilled ? frames - backfilled : frames;
    const int threshold = std::max(1, writer->m_options.checkpointFrames);
    const bool large = frames >= 8 * threshold;
    if (large || (frames >= 2 * threshold && uncopied <= std::max(threshold, frames / 4))) {
        // After a background pass that may be under way: it copies what was there when it began,
        // and this pass copies the rest. The background thread runs behind ingest, so under load
        // it may wait long for a core: unless the WAL has grown large, the writer does not wait
        // for it and tries again after its next commit.
        std::unique_lock running(writer->m_checkpointRunning, std::defer_lock);
        if (large)
            running.lock();
        else if (!running.try_lock())
            return SQLITE_OK;
        int log = 0;
        int copied = 0;
        if (sqlite3_wal_checkpoint_v2(db, nullptr, SQLITE_CHECKPOINT_PASSIVE, &log, &copied) == SQLITE_OK)
            writer->m_backfilledFrames = copied;
    } else if (frames >= threshold) {
        {
            std::lock_guard lock(writer->m_checkpointMutex);
            writer->m_checkpointWanted = true;
        }
        writer->m_checkpointWake.notify_one();
    }
    return SQLITE_OK;
}

void StoreWriter::runCheckpointer()
{
    runBehindIngest("tg-checkpoint");
    sql::Database db;
    // A connection opens the WAL only when it first reads; until then a checkpoint through it
    // is a silent no-op (it reports log = -1), so read the schema once.
    if (!db.open(m_options.path, sql::Database::Mode::ReadWrite)
        || !db.queryInt("SELECT count(*) FROM sqlite_master"))
        return;
    std::unique_lock lock(m_checkpointMutex);
    for (;;) {
        m_checkpointWake.wait(lock, [this] { return m_checkpointWanted || m_checkpointStopping; });
        if (m_checkpointStopping)
            break;
        m_checkpointWanted = false;
        lock.unlock();
        int log = 0;
        int copied = 0;
        std::lock_guard running(m_checkpointRunning);
        if (sqlite3_wal_checkpoint_v2(db.handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE, &log, &copied)
            == SQLITE_OK)
            m_backfilledFrames = copied;
        lock.lock();
    }
}

void StoreWriter::run()
{
    nameThisThread("tg-store-writer");
    std::unique_lock lock(m_mutex);
    for (;;) {
        m_wake.wait(lock, [this] { return !m_queue.empty() || m_stopping; });
        if (m_queue.empty() && m_stopping)
            break;
        std::vector<WriteTask> group;
        size_t rows = 0;
        auto take = [&] {
            while (!m_queue.empty()
                && (group.empty() || rows + m_queue.front().rows <= m_options.maxRowsPerTransaction)) {
                rows += m_queue.front().rows;
                group.push_back(std::move(m_queue.front()));
                m_queue.pop_front();
            }
        };
        take();
        // A tiny group waits a moment for company: one commit for many tiny requests.
        if (rows < m_options.groupCommitMinRows && m_options.groupCommitWaitMs > 0 && !m_stopping) {
            m_wake.wait_for(lock, std::chrono::milliseconds(m_options.groupCommitWaitMs),
                [this] { return m_stopping || !m_queue.empty(); });
            take();
        }
        lock.unlock();
        commitGroup(group);
        m_pendingRows -= rows;
        discard(std::move(group));
        lock.lock();
    }
}

void StoreWriter::discard(std::vector<WriteTask> group)
{
    {
        std::lock_guard lock(m_reaperMutex);
        // Past a few groups the reaper is starved; then the writer frees its own, which also
        // keeps memory bounded.
        if (!m_reaperStopping && m_reaperQueue.size() < 4) {
            m_reaperQueue.push_back(std::move(group));
            m_reaperWake.notify_one();
            return;
        }
    }
    group.clear();
}

void StoreWriter::runReaper()
{
    runBehindIngest("tg-store-reaper");
    std::unique_lock lock(m_reaperMutex);
    for (;;) {
        m_reaperWake.wait(lock, [this] { return !m_reaperQueue.empty() || m_reaperStopping; });
        if (m_reaperQueue.empty())
            break;
        std::vector<WriteTask> group = std::move(m_reaperQueue.front());
        m_reaperQueue.pop_front();
        lock.unlock();
        group.clear();
        lock.lock();
    }
}

StoreWriter::GroupOutcome StoreWriter::writeGroup(std::vector<WriteTask> &tasks, qint64 seq,
    bool isolateTasks, std::vector<CommitResult> &results, QString *transactionError)
{
    sql::Transaction tx(m_db);
    if (!tx.isActive()) {
        *transactionError = QStringLiteral("cannot begin a write: %1").arg(m_db.error());
        return GroupOutcome::Failed;
    }
    m_context->beginTransaction(seq);
    for (size_t i = 0; i < tasks.size(); ++i) {
        WriteTask &task = tasks[i];
        QString error;
        if (isolateTasks) {
            m_db.exec("SAVEPOINT task");
            m_context->beginTask();
        }
        // Batches only collect deltas, folded into trace and session totals once per transaction
        // (per task when isolated); a function sees the totals of the batches before it.
        bool ok = false;
        if (task.function)
            ok = m_context->finishTask(&error) && task.function(*m_context, &error)
                && m_context->finishTask(&error);
        else
            ok = m_context->applyBatch(task.batch, task.preps, &error)
                && (!isolateTasks || m_context->finishTask(&error));
        if (isolateTasks) {
            if (ok) {
                m_db.exec("RELEASE task");
            } else {
                m_db.exec("ROLLBACK TO task");
                m_db.exec("RELEASE task");
                m_context->discardTask();
            }
        }
        results[i] = ok ? CommitResult { true, seq, {} }
                        : CommitResult { false, 0, error.isEmpty() ? QStringLiteral("write failed") : error };
        if (!ok && !isolateTasks) {
            // The transaction rolls back; the caller may retry the others task by task.
            m_context->invalidateCaches();
            return GroupOutcome::TaskFailed;
        }
    }
    if (!m_context->finishTask(transactionError) || !m_context->saveCounters(transactionError)) {
        m_context->invalidateCaches();
        return GroupOutcome::Failed;
    }
    if (!tx.commit()) {
        *transactionError = QStringLiteral("commit failed: %1").arg(m_db.lastSqliteError());
        m_context->invalidateCaches();
        return GroupOutcome::Failed;
    }
    return GroupOutcome::Committed;
}

void StoreWriter::commitGroup(std::vector<WriteTask> &tasks)
{
    static const bool profile = qEnvironmentVariableIsSet("TG_PROFILE");
    const auto t0 = std::chrono::steady_clock::now();
    const qint64 seq = m_seq.load() + 1;
    std::vector<CommitResult> results(tasks.size());
    QString transactionError;
    // Savepoints cost about a fifth of the writer's time (each copies the pages it touches into a
    // statement journal), and tasks almost never fail, so the group first runs without them. When
    // a task fails there, the whole group runs again with one savepoint per task, so the failing
    // task is rolled back alone and the rest still commits.
    GroupOutcome outcome = writeGroup(tasks, seq, false, results, &transactionError);
    if (outcome == GroupOutcome::TaskFailed && tasks.size() > 1) {
        results.assign(tasks.size(), CommitResult {});
        outcome = writeGroup(tasks, seq, true, results, &transactionError);
    }
    const bool committed = outcome == GroupOutcome::Committed;
    const auto t1 = std::chrono::steady_clock::now();
    if (profile) {
        size_t rows = 0;
        for (const WriteTask &task : tasks)
            rows += task.rows;
        timespec cpu {};
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu);
        fprintf(stderr, "commit at=%.3f rows=%zu wal-frames=%d write=%.1fms writer-cpu-total=%.1fms\n",
            std::chrono::duration<double>(t0.time_since_epoch()).count(), rows, m_lastCommitFrames,
            std::chrono::duration<double, std::milli>(t1 - t0).count(),
            static_cast<double>(cpu.tv_sec) * 1e3 + static_cast<double>(cpu.tv_nsec) / 1e6);
    }
    if (outcome == GroupOutcome::Failed) {
        for (CommitResult &result : results)
            result = CommitResult { false, 0, transactionError };
        if (m_hooks.failed)
            m_hooks.failed(transactionError);
    } else if (committed) {
        m_seq = seq;
    }
    // The change notice goes out before the callbacks, so a client told "stored" finds the
    // notice already on its way to the views.
    if (committed) {
        const StoreChange &change = m_context->change();
        if (m_hooks.committed)
            m_hooks.committed(change);
        if (m_hooks.payloadsWritten)
            m_hooks.payloadsWritten(m_context->lastPayloadRk());
    }
    for (size_t i = 0; i < tasks.size(); ++i) {
        if (tasks[i].done)
            tasks[i].done(results[i]);
    }
}

} // namespace tg
