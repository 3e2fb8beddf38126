// Receiver benchmarks (issue: local receiver). Figures, not assertions:
//   end to end, OTLP/HTTP protobuf, 512-span batches of ~1 KB spans, 4 concurrent clients on
//   loopback, counted when committed (a 200 is only sent after the commit);
//   request-to-200 latency percentiles at a steady 20,000 spans/s.
#include "benchcpu.h"
#include "benchstore.h"
#include "receiver/tracereceiver.h"
#include "receiverbenchclient.h"
#include "store/tracestore.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QHostAddress>
#include <QTcpSocket>

#include <atomic>
#include <benchmark/benchmark.h>
#include <functional>
#include <thread>

using namespace tg;
using namespace tg::bench;

namespace {

/// A copy of a store already holding 1,000,000 traces of two observations with short payloads
/// (bench_store's "million-traces" data set, built once).
QString prefilledStore()
{
    const QString cached = benchDir() + QStringLiteral("/million-traces.db");
    dataset(QStringLiteral("million-traces"), 1'000'000, 2, 100).reset();
    const QString path = freshStore(QStringLiteral("receiver-e2e-large.db"));
    for (const QString &suffix : { QString(), QStringLiteral(".fts") })
        if (!QFile::copy(cached + suffix, path + suffix))
            qFatal("cannot copy %s", qPrintable(cached + suffix));
    return path;
}

/// `clients` clients each sending 200 batches of 512 spans into the store at `storePath()`.
void runEndToEnd(benchmark::State &state, int clients, const std::function<QString()> &storePath)
{
    const int batchesPerClient = 200;
    std::vector<std::vector<QByteArray>> perClient;
    for (int c = 0; c < clients; ++c)
        perClient.push_back(makeBatches(batchesPerClient, 1000 * (c + 1)));
    qint64 bytes = 0;
    for (const auto &list : perClient)
        for (const QByteArray &b : list)
            bytes += b.size();
    double spansPerSecond = 0;
    double cpuPerSpan = 0;
    int failures = 0;
    for (auto _ : state) {
        state.PauseTiming();
        StoreOptions storeOptions;
        storeOptions.path = storePath();
        storeOptions.fullTextIndex = !qEnvironmentVariableIsSet("TG_NO_FTS");
        QString error;
        auto store = TraceStore::open(storeOptions, &error);
        TraceReceiver receiver(store.get());
        ReceiverOptions options;
        options.httpPort = 0;
        options.grpcEnabled = false;
        if (!receiver.start(options, &error))
            qFatal("%s", qPrintable(error));
        const quint16 port = receiver.httpPort();
        std::atomic<qint64> acked { 0 };
        std::atomic<int> failed { 0 };
        state.ResumeTiming();
        QElapsedTimer timer;
        timer.start();
        const double cpuAtStart = processCpuSeconds();
        std::vector<std::thread> threads;
        for (int c = 0; c < clients; ++c) {
            threads.emplace_back([&, c] {
                PostClient client(port);
                for (const QByteArray &body : perClient[static_cast<size_t>(c)]) {
                    int status = 0;
                    while ((status = client.post(body)) == 429)
                        std::this_thread::sleep_for(std::chrono::milliseconds(20));
                    if (status == 200)
                        acked += kSpansPerBatch;
                    else
                        ++failed;
                }
            });
        }
        for (auto &t : threads)
            t.join();
        const double seconds = timer.nsecsElapsed() / 1e9;
        const double cpuMicroseconds = (processCpuSeconds() - cpuAtStart) * 1e6;
        state.PauseTiming();
        spansPerSecond = acked.load() / seconds;
        cpuPerSpan = acked.load() > 0 ? cpuMicroseconds / static_cast<double>(acked.load()) : 0;
        failures = failed.load();
        receiver.stop();
        store.reset();
        state.ResumeTiming();
    }
    state.SetBytesProcessed(state.iterations() * bytes);
    state.counters["spans_per_s_committed"] = spansPerSecond;
    // All threads (receiver, store, indexer, the clients themselves): what a span costs in CPU.
    state.counters["cpu_us_per_span"] = cpuPerSpan;
    state.counters["failed_requests"] = failures;
}
void BM_ReceiverEndToEnd(benchmark::State &state)
{
    runEndToEnd(state, static_cast<int>(state.range(0)),
        [] { return freshStore(QStringLiteral("receiver-e2e.db")); });
}
BENCHMARK(BM_ReceiverEndToEnd)->Arg(4)->Arg(1)->Unit(benchmark::kMillisecond)->Iterations(1)->UseRealTime();

// The same load into a store that already holds a million traces: the trace indexes are then
// large, so each commit's new traces land on many different index pages.
void BM_ReceiverEndToEndIntoLargeStore(benchmark::State &state)
{
    runEndToEnd(state, 4, prefilledStore);
}
BENCHMARK(BM_ReceiverEndToEndIntoLargeStore)->Unit(benchmark::kMillisecond)->Iterations(1)->UseRealTime();

void BM_ReceiverLatencyAtSteadyRate(benchmark::State &state)
{
    const int spansPerSecond = static_cast<int>(state.range(0));
    const int clients = 4;
    const int seconds = 8;
    const double batchesPerClientPerSecond = spansPerSecond / double(kSpansPerBatch) / clients;
    const int batchesPerClient = static_cast<int>(batchesPerClientPerSecond * seconds);
    std::vector<std::vector<QByteArray>> perClient;
    for (int c = 0; c < clients; ++c)
        perClient.push_back(makeBatches(batchesPerClient, 50000 + 1000 * c));
    std::vector<double> latencies;
    for (auto _ : state) {
        StoreOptions storeOptions;
        storeOptions.path = freshStore(QStringLiteral("receiver-latency.db"));
        QString error;
        auto store = TraceStore::open(storeOptions, &error);
        TraceReceiver receiver(store.get());
        ReceiverOptions options;
        options.httpPort = 0;
        options.grpcEnabled = false;
        if (!receiver.start(options, &error))
            qFatal("%s", qPrintable(error));
        const quint16 port = receiver.httpPort();
        std::mutex mutex;
        std::vector<std::thread> threads;
        const auto interval = std::chrono::nanoseconds(static_cast<qint64>(1e9 / batchesPerClientPerSecond));
        const auto begin = std::chrono::steady_clock::now();
        for (int c = 0; c < clients; ++c) {
            threads.emplace_back([&, c] {
                PostClient client(port);
                auto next = std::chrono::steady_clock::now() + interval * c / clients;
                for (const QByteArray &body : perClient[static_cast<size_t>(c)]) {
                    std::this_thread::sleep_until(next);
                    next += interval;
                    const auto start = std::chrono::steady_clock::now();
                    client.post(body);
                    const double ms
                        = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                              .count();
                    std::lock_guard lock(mutex);
                    latencies.push_back(ms);
                    if (ms > 40 && qEnvironmentVariableIsSet("TG_BENCH_TRACE"))
                        fprintf(stderr, "slow request %zu (client %d, %.3f s in): %.0f ms\n",
                            latencies.size(), c, std::chrono::duration<double>(start - begin).count(), ms);
                }
            });
        }
        for (auto &t : threads)
            t.join();
        receiver.stop();
    }
    std::sort(latencies.begin(), latencies.end());
    auto percentile = [&](double p) {
        return latencies.empty()
            ? 0.0
            : latencies[std::min(latencies.size() - 1, static_cast<size_t>(p * latencies.size()))];
    };
    state.counters["p50_ms"] = percentile(0.50);
    state.counters["p90_ms"] = percentile(0.90);
    state.counters["p99_ms"] = percentile(0.99);
    state.counters["max_ms"] = latencies.empty() ? 0.0 : latencies.back();
    state.counters["requests"] = static_cast<double>(latencies.size());
}
BENCHMARK(BM_ReceiverLatencyAtSteadyRate)
    ->Arg(20000)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1)
    ->UseRealTime();

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
