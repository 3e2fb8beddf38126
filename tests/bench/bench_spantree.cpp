// Span tree figures: building a 100,000-observation trace and growing one live.
//
// The trace is the demo generator's long agent run (root -> phases of 50 steps -> step spans
// with generations, tools, HTTP spans, retrievers and sub-agents), so fan-out and depth are
// what a real 100k-span trace looks like, not a synthetic chain or star.

#include "demo/demogenerator.h"
#include "itemmodels/spantree.h"
#include "itemmodels/spantreemodel.h"

#include <algorithm>
#include <benchmark/benchmark.h>
#include <map>
#include <memory>
#include <random>

namespace {

const std::vector<tg::ObservationRow> &hugeTrace(int observations)
{
    static std::map<int, std::vector<tg::ObservationRow>> cache;
    auto it = cache.find(observations);
    if (it == cache.end()) {
        tg::DemoOptions options;
        options.traceCount = 1;
        options.sessions = 0;
        options.hugeTraceCount = 1;
        options.hugeTraceObservations = observations;
        options.payloadBytes = 64; // payloads are not part of tree rows
        tg::DemoGenerator generator(options);
        std::vector<tg::ObservationRow> rows
            = tg::DemoGenerator::toObservationRows(generator.generateAll().observations);
        // Fresh, adjacent string allocations, as rows read from the store have; the generator's
        // strings lie scattered among megabytes of freed payloads, which would measure cache
        // misses rather than the tree.
        const auto fresh
            = [](const QString &s) { return s.isNull() ? QString() : QString(s.constData(), s.size()); };
        for (tg::ObservationRow &row : rows) {
            row.id = fresh(row.id);
            row.parentId = fresh(row.parentId);
            row.name = fresh(row.name);
            row.model = fresh(row.model);
        }
        it = cache.emplace(observations, std::move(rows)).first;
    }
    return it->second;
}

void BM_BuildInOrder(benchmark::State &state)
{
    const auto &rows = hugeTrace(static_cast<int>(state.range(0)));
    for (auto _ : state) {
        tg::SpanTree tree = tg::SpanTree::build(rows);
        benchmark::DoNotOptimize(tree.maxDepth());
    }
    state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(rows.size()));
}
BENCHMARK(BM_BuildInOrder)->Arg(10'000)->Arg(100'000)->Unit(benchmark::kMillisecond);

void BM_BuildShuffled(benchmark::State &state)
{
    std::vector<tg::ObservationRow> rows = hugeTrace(static_cast<int>(state.range(0)));
    std::mt19937 rng(7);
    std::shuffle(rows.begin(), rows.end(), rng);
    for (auto _ : state) {
        tg::SpanTree tree = tg::SpanTree::build(rows);
        benchmark::DoNotOptimize(tree.maxDepth());
    }
    state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(rows.size()));
}
BENCHMARK(BM_BuildShuffled)->Arg(100'000)->Unit(benchmark::kMillisecond);

// Destroying a big tree happens on the GUI thread when a trace is replaced.
void BM_Destroy(benchmark::State &state)
{
    const auto &rows = hugeTrace(100'000);
    for (auto _ : state) {
        state.PauseTiming();
        auto tree = std::make_unique<tg::SpanTree>(tg::SpanTree::build(rows));
        state.ResumeTiming();
        tree.reset();
    }
}
BENCHMARK(BM_Destroy)->Unit(benchmark::kMillisecond);

// A live trace growing from 50,000 to 100,000 observations in batches of `range(0)` new rows,
// each batch also re-sending 10% already-known rows with a later end (updates in place).
// Every fourth batch arrives children first, as OTLP exporters send finished spans.
template<bool WithModel> void liveGrowth(benchmark::State &state)
{
    const auto &rows = hugeTrace(100'000);
    const auto batchSize = static_cast<size_t>(state.range(0));
    std::vector<std::vector<tg::ObservationRow>> batches;
    std::mt19937 rng(3);
    for (size_t begin = 50'000; begin < rows.size(); begin += batchSize) {
        std::vector<tg::ObservationRow> batch(rows.begin() + static_cast<std::ptrdiff_t>(begin),
            rows.begin() + static_cast<std::ptrdiff_t>(std::min(rows.size(), begin + batchSize)));
        for (size_t i = 0; i < batchSize / 10; ++i) {
            tg::ObservationRow again = rows[rng() % begin];
            again.endNs += 1'000'000;
            batch.push_back(again);
        }
        if (batches.size() % 4 == 3)
            std::reverse(batch.begin(), batch.end());
        batches.push_back(std::move(batch));
    }
    const std::vector<tg::ObservationRow> initial(rows.begin(), rows.begin() + 50'000);
    for (auto _ : state) {
        state.PauseTiming();
        tg::SpanTree tree = tg::SpanTree::build(initial);
        tg::SpanTreeModel model;
        if constexpr (WithModel)
            model.setTree(std::move(tree));
        state.ResumeTiming();
        for (const auto &batch : batches) {
            if constexpr (WithModel)
                benchmark::DoNotOptimize(model.applyUpdate(batch));
            else
                benchmark::DoNotOptimize(tree.applyUpdate(batch));
        }
    }
    state.counters["batches"] = static_cast<double>(batches.size());
    // Seconds per batch (an inverted rate).
    state.counters["per_batch"] = benchmark::Counter(static_cast<double>(batches.size()),
        benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

void BM_LiveGrowthTree(benchmark::State &state)
{
    liveGrowth<false>(state);
}
BENCHMARK(BM_LiveGrowthTree)->Arg(100)->Arg(1000)->Arg(10'000)->Unit(benchmark::kMillisecond);

void BM_LiveGrowthModel(benchmark::State &state)
{
    liveGrowth<true>(state);
}
BENCHMARK(BM_LiveGrowthModel)->Arg(100)->Arg(1000)->Unit(benchmark::kMillisecond);

// The OTLP case at its worst: 100,000 spans of one trace arrive children first, so nearly
// everything is an orphan until its parent comes in a later batch.
void BM_LiveChildrenFirst(benchmark::State &state)
{
    std::vector<tg::ObservationRow> rows = hugeTrace(100'000);
    std::reverse(rows.begin(), rows.end());
    std::vector<std::vector<tg::ObservationRow>> batches;
    for (size_t begin = 0; begin < rows.size(); begin += 1000)
        batches.emplace_back(rows.begin() + static_cast<std::ptrdiff_t>(begin),
            rows.begin() + static_cast<std::ptrdiff_t>(std::min(rows.size(), begin + 1000)));
    for (auto _ : state) {
        tg::SpanTreeModel model;
        for (const auto &batch : batches)
            benchmark::DoNotOptimize(model.applyUpdate(batch));
    }
    state.counters["per_batch"] = benchmark::Counter(static_cast<double>(batches.size()),
        benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_LiveChildrenFirst)->Unit(benchmark::kMillisecond);

} // namespace

BENCHMARK_MAIN();
