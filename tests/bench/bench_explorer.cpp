// Explorer benchmarks (issue: trace explorer), offscreen. Figures, not assertions:
//   a 100,000-observation trace to first paint (store query + tree build + model reset + paint of
//   the tree, the timeline and the minimap), budget 300 ms;
//   paint time per frame while scrolling and while expanding/collapsing that trace, budget 16 ms;
//   the chat view of a 5 MB input to first paint (normalise + render + paint), budget 200 ms.
// The store is built once under $TRACEGLASS_BENCH_DIR (default /tmp/traceglass-bench).
#include "benchdata.h"
#include "chat/chatmessages.h"
#include "chatview.h"
#include "detailcontent.h"
#include "itemmodels/spantreemodel.h"
#include "observationdetailview.h"
#include "spantreeview.h"
#include "store/storereader.h"
#include "store/tracestore.h"
#include "timelineminimap.h"
#include "timelineview.h"
#include "traceview.h"

#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTest>

#include <benchmark/benchmark.h>
#include <thread>

using namespace tg;

namespace {

constexpr int kObservations = 100'000;

/// A store holding one 100,000-observation trace (agent -> 33k tools -> generations), built once.
TraceStore &largeTraceStore(qint64 *traceRk)
{
    static std::unique_ptr<TraceStore> store;
    static qint64 rk = 0;
    if (!store) {
        const QString path = bench::benchDir() + QStringLiteral("/explorer-large-trace.db");
        const QString done = path + QStringLiteral(".complete");
        if (!QFile::exists(done)) {
            bench::removeStoreFiles(path);
        }
        StoreOptions options;
        options.path = path;
        QString error;
        store = TraceStore::open(options, &error);
        if (!store)
            qFatal("cannot open %s: %s", qPrintable(path), qPrintable(error));
        if (!QFile::exists(done)) {
            const qint64 source
                = store->ensureSource(SourceKind::Demo, QStringLiteral("bench"), QStringLiteral("Bench"));
            QRandomGenerator rng(11);
            WriteBatch batch;
            batch.sourceId = source;
            bench::appendTrace(batch, rng, 1'780'000'000LL * 1'000'000'000LL, kObservations, 200,
                QStringLiteral("huge-agent-run"));
            // Submit in slices: one batch of 100k rows would exceed the writer's queue.
            WriteBatch slice;
            slice.sourceId = source;
            slice.traces = batch.traces;
            for (size_t i = 0; i < batch.observations.size(); ++i) {
                slice.observations.push_back(std::move(batch.observations[i]));
                if (slice.observations.size() == 5000 || i + 1 == batch.observations.size()) {
                    while (store->submit(slice) != SubmitStatus::Queued)
                        std::this_thread::sleep_for(std::chrono::milliseconds(2));
                    slice = WriteBatch();
                    slice.sourceId = source;
                }
            }
            store->flush();
            while (store->fullTextBacklog() > 0)
                std::this_thread::sleep_for(std::chrono::milliseconds(20));
            QFile marker(done);
            marker.open(QIODevice::WriteOnly);
        }
        rk = store->reader()->traces({}, 0, 1).front().rk;
    }
    *traceRk = rk;
    return *store;
}

/// Paints what a user sees of the trace: tree, timeline and minimap (synchronously).
void paintTraceView(TraceView &view)
{
    view.tree()->viewport()->repaint();
    view.timeline()->repaint();
    view.minimap()->repaint();
}

/// A frame while scrolling or expanding: the rows move, the minimap (the whole trace) does not.
void paintRows(TraceView &view)
{
    view.tree()->viewport()->repaint();
    view.timeline()->repaint();
}

bool openAndWait(TraceView &view, qint64 rk)
{
    QSignalSpy loaded(&view, &TraceView::traceLoaded);
    view.openTrace(rk);
    return loaded.wait(60000);
}

std::unique_ptr<TraceView> makeView(TraceStore &store)
{
    auto view = std::make_unique<TraceView>(&store);
    view->resize(1440, 900);
    view->show();
    if (!QTest::qWaitForWindowExposed(view.get()))
        qWarning("window not exposed");
    return view;
}

void BM_LargeTraceFirstPaint(benchmark::State &state)
{
    qint64 rk = 0;
    TraceStore &store = largeTraceStore(&rk);
    auto view = makeView(store);
    int observations = 0;
    for (auto _ : state) {
        view->openTrace(0);
        QCoreApplication::processEvents();
        QElapsedTimer timer;
        timer.start();
        if (!openAndWait(*view, rk))
            state.SkipWithError("the trace did not load");
        paintTraceView(*view);
        state.SetIterationTime(static_cast<double>(timer.nsecsElapsed()) / 1e9);
        observations = view->model()->tree().size();
        // Let the detail of the first row load outside the measured time.
        QTest::qWait(50);
    }
    state.counters["observations"] = observations;
}
BENCHMARK(BM_LargeTraceFirstPaint)->Unit(benchmark::kMillisecond)->UseManualTime()->Iterations(5);

/// The GUI thread's share of the first paint: model reset with a tree built elsewhere, the top
/// level expanded, the first row selected, and the paint (the query and build run on a worker).
void BM_LargeTraceFirstPaintGuiPart(benchmark::State &state)
{
    qint64 rk = 0;
    TraceStore &store = largeTraceStore(&rk);
    const SpanTree built = SpanTree::build(store.reader()->observations(rk));
    auto view = makeView(store);
    SpanTreeView *tree = view->tree();
    for (auto _ : state) {
        view->model()->clear();
        QCoreApplication::processEvents();
        SpanTree copy = built;
        QElapsedTimer timer;
        timer.start();
        view->model()->setTree(std::move(copy));
        tree->expand(view->model()->index(0, 0));
        tree->setCurrentIndex(view->model()->index(0, 0));
        paintTraceView(*view);
        state.SetIterationTime(static_cast<double>(timer.nsecsElapsed()) / 1e9);
    }
}
BENCHMARK(BM_LargeTraceFirstPaintGuiPart)->Unit(benchmark::kMillisecond)->UseManualTime()->Iterations(5);

/// The worker's share: the store query and the flat tree build.
void BM_LargeTraceQueryAndBuild(benchmark::State &state)
{
    qint64 rk = 0;
    TraceStore &store = largeTraceStore(&rk);
    auto reader = store.reader();
    for (auto _ : state) {
        const SpanTree tree = SpanTree::build(reader->observations(rk));
        benchmark::DoNotOptimize(tree.size());
    }
}
BENCHMARK(BM_LargeTraceQueryAndBuild)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(5);

/// Paint time per frame while scrolling page by page through the trace, collapsed to its top
/// level (arg 0: 33k visible rows) or fully expanded (arg 1: 100k visible rows).
void BM_LargeTraceScrollFrame(benchmark::State &state)
{
    qint64 rk = 0;
    TraceStore &store = largeTraceStore(&rk);
    auto view = makeView(store);
    if (!openAndWait(*view, rk))
        state.SkipWithError("the trace did not load");
    if (state.range(0) == 1)
        view->expandAll();
    paintTraceView(*view);
    QScrollBar *bar = view->tree()->verticalScrollBar();
    const int page = std::max(1, view->tree()->viewport()->height());
    int value = 0;
    double worst = 0;
    for (auto _ : state) {
        value += page;
        if (value > bar->maximum())
            value = 0;
        QElapsedTimer timer;
        timer.start();
        bar->setValue(value);
        paintRows(*view);
        const double seconds = static_cast<double>(timer.nsecsElapsed()) / 1e9;
        worst = std::max(worst, seconds);
        state.SetIterationTime(seconds);
    }
    state.counters["rows"]
        = state.range(0) == 1 ? kObservations : view->model()->rowCount(view->model()->index(0, 0)) + 1;
    state.counters["worst_ms"] = worst * 1000;
}
BENCHMARK(BM_LargeTraceScrollFrame)
    ->Arg(0)
    ->Arg(1)
    ->Unit(benchmark::kMillisecond)
    ->UseManualTime()
    ->Iterations(200);

/// Paint time per frame when a row is expanded or collapsed: arg 0 a tool with its generations,
/// arg 1 the root with its 33,333 children.
void BM_LargeTraceExpandFrame(benchmark::State &state)
{
    qint64 rk = 0;
    TraceStore &store = largeTraceStore(&rk);
    auto view = makeView(store);
    if (!openAndWait(*view, rk))
        state.SkipWithError("the trace did not load");
    SpanTreeModel *model = view->model();
    const QModelIndex root = model->index(0, 0);
    const QModelIndex target = state.range(0) == 1 ? root : model->index(7, 0, root);
    view->tree()->scrollTo(target, QAbstractItemView::PositionAtTop);
    paintTraceView(*view);
    double worst = 0;
    double expandNs = 0;
    for (auto _ : state) {
        QElapsedTimer timer;
        timer.start();
        view->tree()->setExpanded(target, !view->tree()->isExpanded(target));
        expandNs += static_cast<double>(timer.nsecsElapsed());
        paintRows(*view);
        const double seconds = static_cast<double>(timer.nsecsElapsed()) / 1e9;
        worst = std::max(worst, seconds);
        state.SetIterationTime(seconds);
    }
    state.counters["expand_ms"] = expandNs / 1e6 / static_cast<double>(state.iterations());
    state.counters["children"] = model->rowCount(target);
    state.counters["worst_ms"] = worst * 1000;
}
BENCHMARK(BM_LargeTraceExpandFrame)
    ->Arg(0)
    ->Arg(1)
    ->Unit(benchmark::kMillisecond)
    ->UseManualTime()
    ->Iterations(40);

/// A 5 MB input: arg 0 thousands of short messages, arg 1 one 5 MB message, arg 2 a 5 MB image.
QByteArray fiveMegabyteInput(int shape)
{
    const qsizetype target = 5 * 1024 * 1024;
    QRandomGenerator rng(5);
    if (shape == 1) {
        return "[{\"role\":\"system\",\"content\":\"Summarise.\"},{\"role\":\"user\",\"content\":\""
            + bench::sentence(rng, static_cast<int>(target)) + "\"}]";
    }
    if (shape == 2) {
        return "[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"What is in this picture?\"},"
               "{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64,"
            + QByteArray(target, 'A') + "\"}}]}]";
    }
    QByteArray out = "[";
    for (int i = 0; out.size() < target; ++i)
        out += (i ? "," : "") + QByteArray(R"({"role":")") + (i % 2 ? "assistant" : "user")
            + R"(","content":")" + bench::sentence(rng, 1500) + "\"}";
    return out + "]";
}

void BM_ChatViewFirstPaint5MB(benchmark::State &state)
{
    const QByteArray input = fiveMegabyteInput(static_cast<int>(state.range(0)));
    ChatView view;
    view.resize(700, 850);
    view.show();
    if (!QTest::qWaitForWindowExposed(&view))
        qWarning("window not exposed");
    for (auto _ : state) {
        view.showMessage(QStringLiteral("…"));
        QElapsedTimer timer;
        timer.start();
        const ChatMessages chat = ChatMessages::parse(input, ChatMessages::Input);
        view.setConversation(chat, {}, input, {});
        view.viewport()->repaint();
        state.SetIterationTime(static_cast<double>(timer.nsecsElapsed()) / 1e9);
    }
    state.counters["input_MB"] = static_cast<double>(input.size()) / (1024.0 * 1024.0);
}
BENCHMARK(BM_ChatViewFirstPaint5MB)
    ->Arg(0)
    ->Arg(1)
    ->Arg(2)
    ->Unit(benchmark::kMillisecond)
    ->UseManualTime()
    ->Iterations(10);

/// The whole detail pane for a 5 MB input: the worker's part (normalise, parse JSON trees) and
/// the GUI part (chat, details, JSON tabs, paint), reported separately.
void BM_DetailPane5MB(benchmark::State &state)
{
    ObservationDetail detail;
    detail.row.id = QStringLiteral("o1");
    detail.row.name = QStringLiteral("big-generation");
    detail.row.type = ObservationType::Generation;
    detail.input = fiveMegabyteInput(static_cast<int>(state.range(0)));
    detail.output = R"({"role":"assistant","content":"Short answer."})";
    ObservationDetailView view;
    view.resize(700, 850);
    view.show();
    if (!QTest::qWaitForWindowExposed(&view))
        qWarning("window not exposed");
    double worker = 0;
    for (auto _ : state) {
        view.showMessage(QStringLiteral("…"));
        QElapsedTimer timer;
        timer.start();
        DetailContent content = DetailContent::fromObservation(detail);
        worker = static_cast<double>(timer.nsecsElapsed()) / 1e6;
        timer.restart();
        view.showContent(std::move(content));
        view.repaint();
        state.SetIterationTime(static_cast<double>(timer.nsecsElapsed()) / 1e9);
    }
    state.counters["worker_ms"] = worker;
}
BENCHMARK(BM_DetailPane5MB)
    ->Arg(0)
    ->Arg(1)
    ->Arg(2)
    ->Unit(benchmark::kMillisecond)
    ->UseManualTime()
    ->Iterations(5);

} // namespace

int main(int argc, char **argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv))
        return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
