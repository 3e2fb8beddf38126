#pragma once
// Stores for the benchmarks: opening, filling, and data sets built once under benchDir().

#include "benchdata.h"
#include "store/tracestore.h"

#include <QElapsedTimer>
#include <QFile>

#include <chrono>
#include <cstdio>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

namespace tg::bench {

/// Where the data sets' timestamps begin (2026-05-28).
constexpr qint64 kDatasetStartNs = 1'780'000'000LL * 1'000'000'000LL;

inline void submitAll(TraceStore &store, std::vector<WriteBatch> &batches)
{
    for (WriteBatch &batch : batches) {
        for (;;) {
            WriteBatch copy = batch;
            const SubmitStatus status = store.submit(std::move(copy));
            if (status == SubmitStatus::Queued)
                break;
            std::this_thread::sleep_for(std::chrono::microseconds(200));
        }
    }
}

inline std::unique_ptr<TraceStore> openOrDie(const QString &path, bool fullText = true)
{
    StoreOptions options;
    options.path = path;
    options.fullTextIndex = fullText;
    QString error;
    auto store = TraceStore::open(options, &error);
    if (!store)
        qFatal("cannot open %s: %s", qPrintable(path), qPrintable(error));
    return store;
}

inline void waitForIndex(TraceStore &store)
{
    while (store.fullTextBacklog() > 0)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
}

/// Builds (once) a store at `name` with `traces` traces of `perTrace` observations, payloads of
/// `payloadBytes`; `decorate` may tweak each batch. Opens it when it was built before.
inline std::unique_ptr<TraceStore> dataset(const QString &name, int traces, int perTrace, int payloadBytes,
    const std::function<void(WriteBatch &, int)> &decorate = {})
{
    const QString path = benchDir() + u'/' + name + QStringLiteral(".db");
    const QString donePath = path + QStringLiteral(".complete");
    if (QFile::exists(donePath))
        return openOrDie(path);
    removeStoreFiles(path);
    auto store = openOrDie(path);
    const qint64 source
        = store->ensureSource(SourceKind::Demo, QStringLiteral("bench"), QStringLiteral("Bench"));
    QRandomGenerator rng(42);
    QElapsedTimer timer;
    timer.start();
    const int tracesPerBatch = std::max(1, 2000 / perTrace);
    for (int t = 0; t < traces; t += tracesPerBatch) {
        WriteBatch batch;
        batch.sourceId = source;
        for (int i = t; i < std::min(traces, t + tracesPerBatch); ++i)
            appendTrace(batch, rng, kDatasetStartNs + i * 1'000'000'000LL, perTrace, payloadBytes);
        if (decorate)
            decorate(batch, t);
        std::vector<WriteBatch> one { std::move(batch) };
        submitAll(*store, one);
    }
    store->flush();
    fprintf(stderr, "built %s in %.1f s; indexing...\n", qPrintable(name), timer.elapsed() / 1000.0);
    waitForIndex(*store);
    QFile done(donePath);
    done.open(QIODevice::WriteOnly);
    return store;
}

} // namespace tg::bench
