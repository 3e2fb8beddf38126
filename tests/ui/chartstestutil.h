#pragma once
// Helpers for the chart GUI tests: a store with two projects of generated agent traces.

#include "demo/demogenerator.h"
#include "store/tracestore.h"

#include <chrono>
#include <thread>

namespace tg::test {

/// Fills a new source with DemoGenerator traces over [startNs, startNs + spanNs).
inline qint64 addDemoProject(TraceStore &store, const QString &key, const QString &name, quint64 seed,
    int traces, qint64 startNs, qint64 spanNs, SourceKind kind = SourceKind::Demo)
{
    const qint64 source = store.ensureSource(kind, key, name);
    DemoOptions options;
    options.seed = seed;
    options.traceCount = traces;
    options.sessions = traces / 5;
    options.startNs = startNs;
    options.timeSpanNs = spanNs;
    options.payloadBytes = 200;
    options.sourceId = source;
    DemoGenerator generator(options);
    generator.generate([&store](WriteBatch &&batch) {
        while (store.submit(batch) != SubmitStatus::Queued)
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
        return true;
    });
    store.flush();
    return source;
}

} // namespace tg::test
