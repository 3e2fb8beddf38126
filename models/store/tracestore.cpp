#include "tracestore.h"

#include "store/fulltextindexer.h"
#include "store/readerpool.h"
#include "store/storereader.h"
#include "store/storewriter.h"
#include "store/writecontext.h"

#include <QDir>
#include <QFileInfo>
#include <QMetaObject>
#include <QPointer>

#include <future>

namespace tg {

TraceStore::TraceStore(const StoreOptions &options)
    : m_options(options)
{
    qRegisterMetaType<tg::StoreChange>();
}

TraceStore::~TraceStore()
{
    if (m_writer)
        m_writer->stop();
    if (m_indexer)
        m_indexer->stop();
}

QString TraceStore::fullTextPath() const
{
    return m_options.path + QStringLiteral(".fts");
}

std::unique_ptr<TraceStore> TraceStore::open(const StoreOptions &options, QString *error)
{
    QString ignored;
    QString &err = error ? *error : ignored;
    if (options.path.isEmpty()) {
        err = QStringLiteral("no store path given");
        return nullptr;
    }
    const QFileInfo info(options.path);
    if (!QDir().mkpath(info.absolutePath())) {
        err = QStringLiteral("cannot create the folder %1").arg(info.absolutePath());
        return nullptr;
    }
    std::unique_ptr<TraceStore> store(new TraceStore(options));
    if (!store->start(&err))
        return nullptr;
    return store;
}

bool TraceStore::start(QString *error)
{
    const QPointer<TraceStore> self(this);
    StoreWriter::Hooks hooks;
    hooks.committed = [this, self](const StoreChange &change) {
        if (change.observationsWritten == 0 && change.tracesWritten == 0 && change.scoresWritten == 0
            && !change.sourcesChanged && change.insertedTraceRks.isEmpty()
            && change.updatedTraceRks.isEmpty())
            return;
        QMetaObject::invokeMethod(
            this,
            [self, change] {
                if (self)
                    Q_EMIT self->committed(change);
            },
            Qt::QueuedConnection);
    };
    hooks.failed = [this, self](const QString &message) {
        QMetaObject::invokeMethod(
            this,
            [self, message] {
                if (self)
                    Q_EMIT self->writeFailed(message);
            },
            Qt::QueuedConnection);
    };
    hooks.payloadsWritten = [this](qint64 lastPayloadRk) {
        if (m_indexer)
            m_indexer->notifyWritten(lastPayloadRk);
    };
    m_writer = std::make_unique<StoreWriter>(m_options, std::move(hooks));
    if (!m_writer->start(error))
        return false;
    if (m_options.fullTextIndex) {
        m_indexer = std::make_unique<FullTextIndexer>(m_options.path, fullTextPath(), [this, self] {
            QMetaObject::invokeMethod(
                this,
                [self] {
                    if (self)
                        Q_EMIT self->fullTextCaughtUp();
                },
                Qt::QueuedConnection);
        });
        if (!m_indexer->start(error))
            return false;
    }
    m_readers
        = std::make_unique<ReaderPool>(m_options.path, m_options.fullTextIndex ? fullTextPath() : QString());
    return true;
}

SubmitStatus TraceStore::submit(WriteBatch batch, CommitCallback onCommitted)
{
    if (batch.sourceId <= 0)
        return SubmitStatus::Invalid;
    WriteTask task;
    task.rows = batch.rowCount();
    task.preps = prepareObservations(batch.observations);
    task.batch = std::move(batch);
    task.done = std::move(onCommitted);
    return m_writer->enqueue(std::move(task));
}

bool TraceStore::runSync(const std::function<bool(WriteContext &, QString *)> &function, QString *error)
{
    auto promise = std::make_shared<std::promise<CommitResult>>();
    std::future<CommitResult> future = promise->get_future();
    WriteTask task;
    task.function = function;
    task.done = [promise](const CommitResult &result) { promise->set_value(result); };
    if (m_writer->enqueue(std::move(task)) != SubmitStatus::Queued) {
        if (error)
            *error = QStringLiteral("the store is closed");
        return false;
    }
    const CommitResult result = future.get();
    if (!result.ok && error)
        *error = result.error;
    return result.ok;
}

bool TraceStore::flush(int timeoutMs)
{
    auto promise = std::make_shared<std::promise<void>>();
    std::future<void> future = promise->get_future();
    WriteTask task;
    task.function = [](WriteContext &, QString *) { return true; };
    task.done = [promise](const CommitResult &) { promise->set_value(); };
    if (m_writer->enqueue(std::move(task)) != SubmitStatus::Queued)
        return false;
    if (timeoutMs < 0) {
        future.wait();
        return true;
    }
    return future.wait_for(std::chrono::milliseconds(timeoutMs)) == std::future_status::ready;
}

qint64 TraceStore::ensureSource(
    SourceKind kind, const QString &key, const QString &name, const QString &detail, QString *error)
{
    qint64 id = 0;
    const bool ok = runSync(
        [&](WriteContext &ctx, QString *err) {
            sql::Statement find(ctx.db(), "SELECT id FROM sources WHERE key = ?1");
            find.bind(1, key);
            if (find.step()) {
                id = find.columnInt(0);
                return true;
            }
            sql::Statement insert(ctx.db(),
                "INSERT INTO sources(kind, key, name, detail, created_ns) VALUES(?1, ?2, ?3, ?4, "
                "CAST((julianday('now') - 2440587.5) * 86400000000000 AS INTEGER))");
            insert.bind(1, static_cast<qint64>(kind));
            insert.bind(2, key);
            insert.bind(3, name);
            insert.bind(4, detail.isNull() ? QStringLiteral("") : detail);
            if (!insert.run()) {
                *err = QStringLiteral("cannot add source %1: %2").arg(name, ctx.db().lastSqliteError());
                return false;
            }
            id = ctx.db().lastInsertRowId();
            ctx.change().sourcesChanged = true;
            return true;
        },
        error);
    return ok ? id : 0;
}

bool TraceStore::renameSource(qint64 sourceId, const QString &name)
{
    return runSync(
        [&](WriteContext &ctx, QString *err) {
            sql::Statement st(ctx.db(), "UPDATE sources SET name = ?1 WHERE id = ?2");
            st.bind(1, name);
            st.bind(2, sourceId);
            if (!st.run()) {
                *err = ctx.db().lastSqliteError();
                return false;
            }
            ctx.change().sourcesChanged = true;
            return true;
        },
        nullptr);
}

bool TraceStore::removeSource(qint64 sourceId, QString *error)
{
    return runSync(
        [&](WriteContext &ctx, QString *err) {
            const char *statements[] = {
                "DELETE FROM payloads WHERE rk IN (SELECT o.payload_rk FROM observations o JOIN traces t ON "
                "t.rk = "
                "o.trace_rk WHERE t.source_id = ?1 UNION ALL SELECT payload_rk FROM traces WHERE source_id = "
                "?1)",
                "DELETE FROM observations WHERE trace_rk IN (SELECT rk FROM traces WHERE source_id = ?1)",
                "DELETE FROM trace_tags WHERE trace_rk IN (SELECT rk FROM traces WHERE source_id = ?1)",
                "DELETE FROM outbox WHERE trace_rk IN (SELECT rk FROM traces WHERE source_id = ?1)",
                "DELETE FROM traces WHERE source_id = ?1",
                "DELETE FROM trace_names WHERE source_id = ?1",
                "DELETE FROM scores WHERE source_id = ?1",
                "DELETE FROM sessions WHERE source_id = ?1",
                "DELETE FROM sync_state WHERE source_id = ?1",
                "DELETE FROM forward_rules WHERE source_id = ?1",
                "DELETE FROM sources WHERE id = ?1",
            };
            for (const char *sql : statements) {
                sql::Statement st(ctx.db(), sql);
                st.bind(1, sourceId);
                if (!st.run()) {
                    *err = QStringLiteral("cannot remove source: %1").arg(ctx.db().lastSqliteError());
                    return false;
                }
            }
            ctx.invalidateCaches();
            ctx.change().sourcesChanged = true;
            ctx.change().sessionsChanged = true;
            return true;
        },
        error);
}

bool TraceStore::deleteTraces(const QList<qint64> &traceRks, QString *error)
{
    return runSync(
        [&](WriteContext &ctx, QString *err) {
            const char *statements[] = {
                ("DELETE FROM payloads WHERE rk IN (SELECT payload_rk FROM observations WHERE trace_rk = ?1 "
                 "UNION ALL SELECT payload_rk FROM traces WHERE rk = ?1)"),
                "DELETE FROM observations WHERE trace_rk = ?1",
                "DELETE FROM trace_tags WHERE trace_rk = ?1",
            };
            sql::Statement info(ctx.db(), "SELECT source_id, session_id, name FROM traces WHERE rk = ?1");
            sql::Statement remove(ctx.db(), "DELETE FROM traces WHERE rk = ?1");
            sql::Statement name(
                ctx.db(), "UPDATE trace_names SET count = count - 1 WHERE source_id = ?1 AND name = ?2");
            for (const qint64 rk : traceRks) {
                info.bind(1, rk);
                if (!info.step()) {
                    info.reset();
                    continue;
                }
                const qint64 sourceId = info.columnInt(0);
                const QString session = info.columnText(1);
                const QString traceName = info.columnText(2);
                info.reset();
                for (const char *sql : statements) {
                    sql::Statement st(ctx.db(), sql);
                    st.bind(1, rk);
                    if (!st.run()) {
                        *err = ctx.db().lastSqliteError();
                        return false;
                    }
                }
                remove.bind(1, rk);
                if (!remove.run()) {
                    *err = ctx.db().lastSqliteError();
                    return false;
                }
                if (!traceName.isNull()) {
                    name.bind(1, sourceId);
                    name.bind(2, traceName);
                    name.run();
                }
                if (!session.isEmpty())
                    ctx.noteSessionChanged(sourceId, session);
                ctx.change().sourceIds.append(sourceId);
            }
            ctx.invalidateCaches();
            ctx.change().sourcesChanged = true;
            return true;
        },
        error);
}

bool TraceStore::setSyncState(qint64 sourceId, const QString &key, const QString &value)
{
    return runSync(
        [&](WriteContext &ctx, QString *err) {
            sql::Statement st(
                ctx.db(), "INSERT OR REPLACE INTO sync_state(source_id, key, value) VALUES(?1, ?2, ?3)");
            st.bind(1, sourceId);
            st.bind(2, key);
            st.bind(3, value);
            if (!st.run()) {
                *err = ctx.db().lastSqliteError();
                return false;
            }
            return true;
        },
        nullptr);
}

SubmitStatus TraceStore::submitTask(StoreTask task, CommitCallback onCommitted)
{
    WriteTask write;
    write.function
        = [task = std::move(task)](WriteContext &ctx, QString *error) { return task(ctx.db(), error); };
    write.done = std::move(onCommitted);
    return m_writer->enqueue(std::move(write));
}

bool TraceStore::runTask(const StoreTask &task, QString *error)
{
    return runSync([&task](WriteContext &ctx, QString *err) { return task(ctx.db(), err); }, error);
}

ReaderLease TraceStore::reader() const
{
    return m_readers->lease();
}

size_t TraceStore::pendingRows() const
{
    return m_writer ? m_writer->pendingRows() : 0;
}

qint64 TraceStore::fullTextBacklog() const
{
    return m_indexer ? m_indexer->backlog() : 0;
}

qint64 TraceStore::lastCommittedSeq() const
{
    return m_writer ? m_writer->lastSeq() : 0;
}

} // namespace tg
