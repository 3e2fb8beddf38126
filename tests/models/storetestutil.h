#pragma once
// Helpers for tests that need a populated store.

#include "store/storereader.h"
#include "store/tracestore.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <future>
#include <utility>

namespace tg::test {

inline std::unique_ptr<TraceStore> openTempStore(
    const QTemporaryDir &dir, const QString &name = QStringLiteral("t.db"))
{
    QString error;
    StoreOptions options;
    options.path = dir.filePath(name);
    auto store = TraceStore::open(options, &error);
    if (!store)
        qWarning("cannot open store: %s", qPrintable(error));
    return store;
}

/// Holds the store's writer thread inside a task from construction (which returns once the
/// writer is there) until release() or destruction: nothing commits meanwhile, and what is
/// submitted meanwhile waits in the queue.
class WriterHold
{
public:
    explicit WriterHold(TraceStore &store)
    {
        std::promise<void> held;
        auto reached = held.get_future();
        const SubmitStatus status = store.submitTask(
            [&held, released = m_release.get_future().share()](sql::Database &, QString *) {
                held.set_value();
                released.wait();
                return true;
            });
        if (status == SubmitStatus::Queued)
            reached.wait();
        else
            release();
    }
    ~WriterHold() { release(); }
    WriterHold(const WriterHold &) = delete;
    WriterHold &operator=(const WriterHold &) = delete;

    void release()
    {
        if (!std::exchange(m_released, true))
            m_release.set_value();
    }

private:
    std::promise<void> m_release;
    bool m_released = false;
};

inline bool commit(TraceStore &store, WriteBatch batch)
{
    std::promise<bool> done;
    auto future = done.get_future();
    if (store.submit(std::move(batch), [&done](const CommitResult &r) { done.set_value(r.ok); })
        != SubmitStatus::Queued)
        return false;
    return future.get();
}

inline TraceRecord makeTrace(const QString &id, const QString &name, qint64 tsSeconds)
{
    TraceRecord t;
    t.id = id;
    t.name = name;
    t.timestampNs = (1'780'000'000LL + tsSeconds) * 1'000'000'000LL;
    return t;
}

inline ObservationRecord makeObservation(
    const QString &id, const QString &traceId, qint64 startSeconds, qint64 durationMs, double cost = 0.0)
{
    ObservationRecord o;
    o.id = id;
    o.traceId = traceId;
    o.type = ObservationType::Span;
    o.name = id;
    o.startNs = (1'780'000'000LL + startSeconds) * 1'000'000'000LL;
    o.endNs = *o.startNs + durationMs * 1'000'000LL;
    if (cost > 0)
        o.cost.set(QStringLiteral("total"), cost);
    return o;
}

/// Writes `bytes` to `name` in `dir` and returns the path; a test cannot go on without it.
inline QString writeFile(const QTemporaryDir &dir, const QString &name, const QByteArray &bytes)
{
    const QString path = dir.filePath(name);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size())
        qFatal("cannot write %s", qPrintable(path));
    return path;
}

} // namespace tg::test
