// Metrics benchmarks (issue 6). Figures, not assertions:
//   aggregate 1,000,000 local observations into a 30-day daily series (p95 latency, all
//   percentiles, cost by model, cost by trace name, tokens of every kind, trace latency);
//   redraw a 100,000-point series (reduce to the pixel width, then a QChart render into a QImage).
// The data set is built once under $TRACEGLASS_BENCH_DIR (default /tmp/traceglass-bench).
#include "benchdata.h"
#include "metrics/localaggregator.h"
#include "store/storereader.h"
#include "store/tracestore.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>

#include <benchmark/benchmark.h>
#include <thread>

using namespace tg;

namespace {

constexpr qint64 kSecond = 1'000'000'000;
constexpr qint64 kDay = 86'400 * kSecond;
const qint64 kStart = 1'780'000'000LL * kSecond;
constexpr int kTraces = 50'000;
constexpr int kPerTrace = 20;

QString benchDir()
{
    const QString dir = qEnvironmentVariable("TRACEGLASS_BENCH_DIR", QStringLiteral("/tmp/traceglass-bench"));
    QDir().mkpath(dir);
    return dir;
}

std::unique_ptr<TraceStore> openOrDie(const QString &path)
{
    StoreOptions options;
    options.path = path;
    options.fullTextIndex = false;
    QString error;
    auto store = TraceStore::open(options, &error);
    if (!store)
        qFatal("cannot open %s: %s", qPrintable(path), qPrintable(error));
    return store;
}

/// 1,000,000 observations in 50,000 traces of 20, spread evenly over 30 days.
TraceStore &dataset()
{
    static std::unique_ptr<TraceStore> store = [] {
        const QString path = benchDir() + QStringLiteral("/metrics-1m.db");
        const QString donePath = path + QStringLiteral(".complete");
        if (QFile::exists(donePath))
            return openOrDie(path);
        for (const QString &suffix : { QString(), QStringLiteral("-wal"), QStringLiteral("-shm") })
            QFile::remove(path + suffix);
        auto s = openOrDie(path);
        const qint64 source = s->ensureSource(SourceKind::Demo, QStringLiteral("bench"), QStringLiteral("Bench"));
        QRandomGenerator rng(42);
        QElapsedTimer timer;
        timer.start();
        const qint64 step = 30 * kDay / kTraces;
        for (int t = 0; t < kTraces; t += 100) {
            WriteBatch batch;
            batch.sourceId = source;
            for (int i = t; i < t + 100; ++i)
                bench::appendTrace(batch, rng, kStart + i * step, kPerTrace, 300);
            while (true) {
                WriteBatch copy = batch;
                if (s->submit(std::move(copy)) == SubmitStatus::Queued)
                    break;
                std::this_thread::sleep_for(std::chrono::milliseconds(1));
            }
        }
        s->flush();
        fprintf(stderr, "built metrics-1m in %.1f s\n", timer.elapsed() / 1000.0);
        QFile done(donePath);
        done.open(QIODevice::WriteOnly);
        return s;
    }();
    return *store;
}

MetricsQuery monthQuery()
{
    MetricsQuery q;
    q.fromNs = kStart;
    q.toNs = kStart + 30 * kDay;
    q.granularity = Granularity::Day;
    q.timeZone = "Europe/Berlin";
    return q;
}

void runAggregation(benchmark::State &state, MetricsQuery q)
{
    TraceStore &store = dataset();
    LocalAggregator aggregator(store.readerPool());
    if (state.range(0) == 0)
        aggregator.setParallelRowThreshold(std::numeric_limits<qint64>::max());
    qint64 samples = 0;
    for (auto _ : state) {
        const MetricsSeries result = aggregator.run(q);
        if (!result.error.isEmpty())
            state.SkipWithError(qPrintable(result.error));
        samples = 0;
        for (const MetricsSeriesData &s : result.series)
            samples = std::max(samples, s.totalSamples);
        benchmark::DoNotOptimize(result.series.data());
    }
    state.counters["rows"] = static_cast<double>(samples);
    state.counters["threads"] = state.range(0) == 0 ? 1 : 2;
}

void BM_P95ObservationLatencyDaily(benchmark::State &state)
{
    MetricsQuery q = monthQuery();
    q.measure = Measure::Latency;
    q.latencyScope = LatencyScope::Observations;
    q.percentile = Percentile::P95;
    runAggregation(state, q);
}
BENCHMARK(BM_P95ObservationLatencyDaily)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_AllPercentilesObservationLatencyDaily(benchmark::State &state)
{
    MetricsQuery q = monthQuery();
    q.measure = Measure::Latency;
    q.latencyScope = LatencyScope::Observations;
    runAggregation(state, q);
}
BENCHMARK(BM_AllPercentilesObservationLatencyDaily)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_P95LatencyByModelDaily(benchmark::State &state)
{
    MetricsQuery q = monthQuery();
    q.measure = Measure::Latency;
    q.latencyScope = LatencyScope::Generations;
    q.groupBy = Dimension::Model;
    runAggregation(state, q);
}
BENCHMARK(BM_P95LatencyByModelDaily)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_CostByModelDaily(benchmark::State &state)
{
    MetricsQuery q = monthQuery();
    q.groupBy = Dimension::Model;
    runAggregation(state, q);
}
BENCHMARK(BM_CostByModelDaily)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_CostByTraceNameDaily(benchmark::State &state)
{
    MetricsQuery q = monthQuery();
    q.groupBy = Dimension::TraceName;
    runAggregation(state, q);
}
BENCHMARK(BM_CostByTraceNameDaily)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_TokensAllKindsDaily(benchmark::State &state)
{
    MetricsQuery q = monthQuery();
    q.measure = Measure::Tokens;
    runAggregation(state, q);
}
BENCHMARK(BM_TokensAllKindsDaily)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_TraceLatencyPercentilesDaily(benchmark::State &state)
{
    MetricsQuery q = monthQuery();
    q.measure = Measure::Latency;
    q.latencyScope = LatencyScope::Traces;
    runAggregation(state, q);
}
BENCHMARK(BM_TraceLatencyPercentilesDaily)->Arg(0)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_ErrorRateByEnvironmentHourly(benchmark::State &state)
{
    MetricsQuery q = monthQuery();
    q.measure = Measure::ErrorRate;
    q.groupBy = Dimension::Environment;
    q.granularity = Granularity::Hour;
    runAggregation(state, q);
}
BENCHMARK(BM_ErrorRateByEnvironmentHourly)->Arg(0)->Unit(benchmark::kMillisecond)->UseRealTime();

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
