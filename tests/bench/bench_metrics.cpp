// Metrics benchmarks (issue 6). Figures, not assertions:
//   aggregate 1,000,000 local observations into a 30-day daily series (p95 latency, all
//   percentiles, cost by model, cost by trace name, tokens of every kind, trace latency);
//   redraw a 100,000-point series (reduce to the pixel width, then a QChart render into a QImage).
// The data set is built once under $TRACEGLASS_BENCH_DIR (default /tmp/traceglass-bench).
#include "benchdata.h"
#include "benchstore.h"
#include "charts/metricschartview.h"
#include "metrics/localaggregator.h"
#include "metrics/pointreducer.h"
#include "store/storereader.h"
#include "store/tracestore.h"

#include <QApplication>
#include <QChart>
#include <QDateTimeAxis>
#include <QDir>
#include <QElapsedTimer>
#include <QGraphicsScene>
#include <QLineSeries>
#include <QPainter>
#include <QValueAxis>

#include <benchmark/benchmark.h>
#include <thread>

using namespace tg;

namespace {

constexpr qint64 kSecond = 1'000'000'000;
constexpr qint64 kDay = 86'400 * kSecond;
const qint64 kStart = 1'780'000'000LL * kSecond;
constexpr int kTraces = 50'000;
constexpr int kPerTrace = 20;

/// 1,000,000 observations in 50,000 traces of 20, spread evenly over 30 days.
TraceStore &dataset()
{
    static std::unique_ptr<TraceStore> store = [] {
        const QString path = bench::benchDir() + QStringLiteral("/metrics-1m.db");
        const QString donePath = path + QStringLiteral(".complete");
        if (QFile::exists(donePath))
            return bench::openOrDie(path, false);
        bench::removeStoreFiles(path);
        auto s = bench::openOrDie(path, false);
        const qint64 source
            = s->ensureSource(SourceKind::Demo, QStringLiteral("bench"), QStringLiteral("Bench"));
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

MetricsSeries hundredThousandPoints()
{
    MetricsSeries big;
    big.query.measure = Measure::Latency;
    big.query.granularity = Granularity::Minute;
    big.query.percentile = Percentile::P95;
    MetricsSeriesData s;
    s.key = s.label = QStringLiteral("p95");
    QRandomGenerator rng(3);
    const qint64 start = 1'780'000'020LL * kSecond;
    for (int i = 0; i <= 100'000; ++i)
        big.edges.push_back(start + i * 60 * kSecond);
    double v = 800;
    for (int i = 0; i < 100'000; ++i) {
        v = std::max(50.0, v + rng.bounded(200.0) - 100.0);
        s.values.push_back(v + (rng.bounded(1000) == 0 ? 5000 : 0));
        s.samples.push_back(1);
    }
    s.totalSamples = 100'000;
    big.series.push_back(s);
    return big;
}

const QSize kChartSize(1200, 500);

void BM_ReduceMinMax100k(benchmark::State &state)
{
    const MetricsSeries big = hundredThousandPoints();
    std::vector<QPointF> points;
    for (int i = 0; i < 100'000; ++i)
        points.emplace_back(i, big.series[0].values[static_cast<size_t>(i)]);
    qsizetype kept = 0;
    for (auto _ : state)
        kept = PointReducer::minMaxPerPixel(points, 0, 99'999, 1100).size();
    state.counters["points_out"] = static_cast<double>(kept);
}
BENCHMARK(BM_ReduceMinMax100k)->Unit(benchmark::kMicrosecond);

void BM_ReduceLttb100k(benchmark::State &state)
{
    const MetricsSeries big = hundredThousandPoints();
    std::vector<QPointF> points;
    for (int i = 0; i < 100'000; ++i)
        points.emplace_back(i, big.series[0].values[static_cast<size_t>(i)]);
    for (auto _ : state)
        benchmark::DoNotOptimize(PointReducer::lttb(points, 2200).size());
}
BENCHMARK(BM_ReduceLttb100k)->Unit(benchmark::kMicrosecond);

// The figure: a new 100,000-point series reduced to the pixel width and drawn by
// QChart into a 1200x500 image.
void BM_Redraw100kPointSeries(benchmark::State &state)
{
    const MetricsSeries big = hundredThousandPoints();
    MetricsChartView view;
    view.resize(kChartSize);
    view.show();
    QCoreApplication::processEvents();
    qsizetype drawn = 0;
    for (auto _ : state) {
        view.setMetrics(big);
        const QImage image = view.renderImage(kChartSize);
        benchmark::DoNotOptimize(image.constBits());
        drawn = view.drawnPointCount();
    }
    state.counters["points_drawn"] = static_cast<double>(drawn);
}
BENCHMARK(BM_Redraw100kPointSeries)->Unit(benchmark::kMillisecond)->UseRealTime();

// For comparison: all 100,000 points handed to a QLineSeries without reduction.
void BM_Redraw100kPointSeriesUnreduced(benchmark::State &state)
{
    const MetricsSeries big = hundredThousandPoints();
    QList<QPointF> points;
    for (int i = 0; i < 100'000; ++i)
        points.append(QPointF(static_cast<double>(big.edges[static_cast<size_t>(i)] / 1'000'000),
            big.series[0].values[static_cast<size_t>(i)]));
    QGraphicsScene scene;
    auto *chart = new QChart;
    scene.addItem(chart);
    chart->resize(kChartSize);
    auto *x = new QDateTimeAxis;
    auto *y = new QValueAxis;
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(y, Qt::AlignLeft);
    x->setRange(QDateTime::fromMSecsSinceEpoch(static_cast<qint64>(points.front().x())),
        QDateTime::fromMSecsSinceEpoch(static_cast<qint64>(points.back().x())));
    y->setRange(0, 12'000);
    for (auto _ : state) {
        chart->removeAllSeries();
        auto *line = new QLineSeries;
        line->replace(points);
        chart->addSeries(line);
        line->attachAxis(x);
        line->attachAxis(y);
        QImage image(kChartSize, QImage::Format_ARGB32_Premultiplied);
        image.fill(Qt::white);
        QPainter painter(&image);
        scene.render(&painter, QRectF(QPointF(0, 0), QSizeF(kChartSize)), chart->geometry());
        painter.end();
        benchmark::DoNotOptimize(image.constBits());
    }
}
BENCHMARK(BM_Redraw100kPointSeriesUnreduced)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(5);

} // namespace

int main(int argc, char **argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
