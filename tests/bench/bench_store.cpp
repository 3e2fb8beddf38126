// Store benchmarks (issue: foundation). Figures, not assertions:
//   ingest of ~1 KB observations, batched, with the full-text indexer running behind it;
//   background full-text indexing rate;
//   opening a 100,000-observation trace (query);
//   first page of the trace list over 1,000,000 traces (time-sorted with a name filter, other sorts);
//   full-text search over 1,000,000 indexed observations.
// Large data sets are built once and kept under $TRACEGLASS_BENCH_DIR (default /tmp/traceglass-bench).
#include "benchdata.h"
#include "benchstore.h"
#include "itemmodels/spantree.h"
#include "store/storereader.h"
#include "store/tracestore.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>

#include <benchmark/benchmark.h>
#include <thread>

using namespace tg;
using bench::dataset;
using bench::openOrDie;
using bench::submitAll;
using bench::waitForIndex;

namespace {

constexpr qint64 kSecond = 1'000'000'000;
const qint64 kStart = bench::kDatasetStartNs;

void BM_IngestObservations(benchmark::State &state)
{
    const bool fullText = state.range(0) != 0;
    const int observations = qEnvironmentVariableIntValue("TG_BENCH_OBS") > 0
        ? qEnvironmentVariableIntValue("TG_BENCH_OBS")
        : 400'000;
    const int perTrace = 50;
    QRandomGenerator rng(7);
    std::vector<WriteBatch> batches;
    for (int i = 0; i < observations / perTrace; i += 10) {
        WriteBatch batch;
        batch.sourceId = 1;
        for (int t = 0; t < 10; ++t)
            bench::appendTrace(batch, rng, kStart + (i + t) * kSecond, perTrace, 1024);
        batches.push_back(std::move(batch));
    }
    qint64 payloadBytes = 0;
    for (const WriteBatch &b : batches)
        for (const ObservationRecord &o : b.observations)
            payloadBytes += o.input.size() + o.output.size();
    {
        // Sustained ingest is measured warm: the first ingest of a fresh process also pays the
        // page faults of growing the heap and SQLite's page cache, which moved the figure by 30%.
        const QString warmPath = bench::benchDir() + QStringLiteral("/ingest-warmup.db");
        bench::removeStoreFiles(warmPath);
        auto warm = openOrDie(warmPath, fullText);
        warm->ensureSource(SourceKind::Demo, QStringLiteral("bench"), QStringLiteral("Bench"));
        std::vector<WriteBatch> first(
            batches.begin(), batches.begin() + static_cast<qsizetype>(batches.size() / 4));
        submitAll(*warm, first);
        warm->flush();
        warm.reset();
        bench::removeStoreFiles(warmPath);
    }
    double indexRate = 0;
    for (auto _ : state) {
        state.PauseTiming();
        const QString path = bench::benchDir() + QStringLiteral("/ingest.db");
        bench::removeStoreFiles(path);
        auto store = openOrDie(path, fullText);
        store->ensureSource(SourceKind::Demo, QStringLiteral("bench"), QStringLiteral("Bench"));
        state.ResumeTiming();
        submitAll(*store, batches);
        store->flush();
        state.PauseTiming();
        if (fullText) {
            QElapsedTimer timer;
            timer.start();
            const qint64 backlog = store->fullTextBacklog();
            waitForIndex(*store);
            const double seconds = timer.elapsed() / 1000.0;
            // Rows indexed during ingest plus the remaining backlog over the whole index time.
            if (seconds > 0.01)
                indexRate = backlog / seconds;
        }
        state.ResumeTiming();
    }
    state.SetItemsProcessed(state.iterations() * observations);
    state.SetBytesProcessed(state.iterations() * payloadBytes);
    state.counters["observations_per_s"]
        = benchmark::Counter(observations * state.iterations(), benchmark::Counter::kIsRate);
    if (fullText)
        state.counters["fts_backlog_rows_per_s"] = indexRate;
}
BENCHMARK(BM_IngestObservations)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->Iterations(1)->UseRealTime();

void BM_FullTextCatchUp(benchmark::State &state)
{
    // Index an existing store from scratch: the background indexer's own rate.
    const int observations = 200'000;
    const QString path = bench::benchDir() + QStringLiteral("/catchup.db");
    bench::removeStoreFiles(path);
    {
        auto store = openOrDie(path, false);
        const qint64 source
            = store->ensureSource(SourceKind::Demo, QStringLiteral("bench"), QStringLiteral("Bench"));
        QRandomGenerator rng(9);
        std::vector<WriteBatch> batches;
        for (int i = 0; i < observations / 50; i += 10) {
            WriteBatch batch;
            batch.sourceId = source;
            for (int t = 0; t < 10; ++t)
                bench::appendTrace(batch, rng, kStart + (i + t) * kSecond, 50, 1024);
            batches.push_back(std::move(batch));
        }
        submitAll(*store, batches);
        store->flush();
    }
    for (auto _ : state) {
        auto store = openOrDie(path, true);
        while (store->fullTextBacklog() == 0 && store->reader()->fullTextIndexedRk() == 0)
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        waitForIndex(*store);
    }
    state.SetItemsProcessed(state.iterations() * observations);
    state.counters["observations_per_s"]
        = benchmark::Counter(observations * state.iterations(), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_FullTextCatchUp)->Unit(benchmark::kMillisecond)->Iterations(1)->UseRealTime();

void BM_OpenLargeTraceQuery(benchmark::State &state)
{
    static auto store = dataset(QStringLiteral("large-trace"), 1, 100'000, 200);
    auto reader = store->reader();
    const qint64 rk = reader->traces({}, 0, 1).front().rk;
    size_t rows = 0;
    for (auto _ : state) {
        const auto observations = reader->observations(rk);
        rows = observations.size();
        benchmark::DoNotOptimize(observations.data());
    }
    state.counters["observations"] = static_cast<double>(rows);
}
BENCHMARK(BM_OpenLargeTraceQuery)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_OpenLargeTrace(benchmark::State &state)
{
    // What the trace view does before it can show the tree: query + flat tree build.
    static auto store = dataset(QStringLiteral("large-trace"), 1, 100'000, 200);
    auto reader = store->reader();
    const qint64 rk = reader->traces({}, 0, 1).front().rk;
    int nodes = 0;
    for (auto _ : state) {
        const SpanTree tree = SpanTree::build(reader->observations(rk));
        nodes = tree.size();
        benchmark::DoNotOptimize(nodes);
    }
    state.counters["observations"] = nodes;
}
BENCHMARK(BM_OpenLargeTrace)->Unit(benchmark::kMillisecond)->UseRealTime();

TraceStore &millionTraces()
{
    static auto store = dataset(QStringLiteral("million-traces"), 1'000'000, 2, 100);
    return *store;
}

void listFirstPage(benchmark::State &state, const TraceQuery &query)
{
    auto reader = millionTraces().reader();
    size_t rows = 0;
    for (auto _ : state) {
        const auto page = reader->traces(query, 0, 100);
        rows = page.size();
        benchmark::DoNotOptimize(page.data());
    }
    state.counters["rows"] = static_cast<double>(rows);
}

void BM_ListTimeSortedNameFilter(benchmark::State &state)
{
    TraceQuery q;
    q.filter.name = QStringLiteral("agent-run-7");
    listFirstPage(state, q);
}
BENCHMARK(BM_ListTimeSortedNameFilter)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_ListTimeSortedNameContains(benchmark::State &state)
{
    TraceQuery q;
    q.filter.nameContains = QStringLiteral("run-1");
    listFirstPage(state, q);
}
BENCHMARK(BM_ListTimeSortedNameContains)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_ListTimeSorted(benchmark::State &state)
{
    listFirstPage(state, TraceQuery {});
}
BENCHMARK(BM_ListTimeSorted)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_ListOtherSort(benchmark::State &state)
{
    TraceQuery q;
    q.sortKey = static_cast<TraceSortKey>(state.range(0));
    q.descending = state.range(1) != 0;
    listFirstPage(state, q);
}
BENCHMARK(BM_ListOtherSort)
    ->ArgNames({ "key", "desc" })
    ->Args({ int(TraceSortKey::Latency), 1 })
    ->Args({ int(TraceSortKey::Cost), 1 })
    ->Args({ int(TraceSortKey::Tokens), 1 })
    ->Args({ int(TraceSortKey::Name), 0 })
    ->Args({ int(TraceSortKey::Latency), 0 })
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

void BM_ListOtherSortWithFilter(benchmark::State &state)
{
    TraceQuery q;
    q.sortKey = TraceSortKey::Cost;
    q.filter.environments = { QStringLiteral("staging") };
    q.filter.minLevel = Level::Error;
    listFirstPage(state, q);
}
BENCHMARK(BM_ListOtherSortWithFilter)->Unit(benchmark::kMillisecond)->UseRealTime();

TraceStore &millionObservations()
{
    // 1,000,000 observations of ~1 KB; ten of them carry a rare word.
    static auto store
        = dataset(QStringLiteral("million-observations"), 20'000, 50, 1024, [](WriteBatch &batch, int t) {
              if (t % 2000 == 0)
                  batch.observations[5].input
                      = R"([{"role":"user","content":"where is the zanzibarite needle"}])";
          });
    return *store;
}

void search(benchmark::State &state, const QString &text)
{
    auto reader = millionObservations().reader();
    size_t hits = 0;
    for (auto _ : state) {
        const FullTextResult result = reader->search(text, 100);
        hits = result.hits.size();
        benchmark::DoNotOptimize(result.hits.data());
    }
    state.counters["hits"] = static_cast<double>(hits);
}

void BM_SearchRareWord(benchmark::State &state)
{
    search(state, QStringLiteral("zanzibarite"));
}
BENCHMARK(BM_SearchRareWord)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_SearchCommonWord(benchmark::State &state)
{
    search(state, QStringLiteral("refund"));
}
BENCHMARK(BM_SearchCommonWord)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_SearchTwoWordsWithPrefix(benchmark::State &state)
{
    search(state, QStringLiteral("invoice quart"));
}
BENCHMARK(BM_SearchTwoWordsWithPrefix)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_SearchInsideOneTrace(benchmark::State &state)
{
    auto reader = millionObservations().reader();
    const qint64 rk = reader->traces({}, 0, 1).front().rk;
    size_t hits = 0;
    for (auto _ : state) {
        const FullTextResult result = reader->search(QStringLiteral("refund"), 100'000, rk);
        hits = result.hits.size();
    }
    state.counters["hits"] = static_cast<double>(hits);
}
BENCHMARK(BM_SearchInsideOneTrace)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_TraceListFullTextFilter(benchmark::State &state)
{
    auto reader = millionObservations().reader();
    TraceQuery q;
    q.filter.text = QStringLiteral("zanzibarite needle");
    size_t rows = 0;
    for (auto _ : state) {
        rows = reader->traces(q, 0, 100).size();
    }
    state.counters["rows"] = static_cast<double>(rows);
}
BENCHMARK(BM_TraceListFullTextFilter)->Unit(benchmark::kMillisecond)->UseRealTime();

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
