#include "demoloader.h"

#include "domain/timeformat.h"
#include "store/storereader.h"
#include "store/tracestore.h"

#include <thread>

namespace tg {

DemoOptions defaultDemoOptions()
{
    DemoOptions options;
    options.seed = 20261124;
    options.traceCount = 600;
    options.sessions = 90;
    options.timeSpanNs = 7LL * 24 * 3600 * 1'000'000'000LL;
    options.startNs = nowNs() - options.timeSpanNs;
    options.hugeTraceCount = 1;
    options.hugeTraceObservations = 100'000;
    return options;
}

qint64 loadDemoData(
    TraceStore &store, DemoOptions options, const std::function<void(int)> &progress, QString *error)
{
    const qint64 source = store.ensureSource(
        SourceKind::Demo, QStringLiteral("demo"), QStringLiteral("Demo data"), {}, error);
    if (source == 0)
        return 0;
    {
        auto reader = store.reader();
        TraceFilter filter;
        filter.sourceIds = { source };
        if (reader && reader->countTraces(filter) > 0)
            return source; // already there
    }
    options.sourceId = source;
    DemoGenerator generator(options);
    int batches = 0;
    bool failed = false;
    QString failure;
    std::mutex failureMutex;
    generator.generate([&](WriteBatch &&batch) {
        for (;;) {
            const SubmitStatus status = store.submit(batch, [&](const CommitResult &result) {
                if (!result.ok) {
                    std::lock_guard lock(failureMutex);
                    failure = result.error;
                }
            });
            if (status == SubmitStatus::Queued)
                break;
            if (status != SubmitStatus::Overloaded) {
                failed = true;
                return false;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        if (progress)
            progress(++batches);
        return true;
    });
    store.flush();
    std::lock_guard lock(failureMutex);
    if (failed || !failure.isEmpty()) {
        if (error)
            *error = failure.isEmpty() ? QStringLiteral("the store refused the demo data") : failure;
        return 0;
    }
    return source;
}

} // namespace tg
