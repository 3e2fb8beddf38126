// The window following live ingest (issue: local receiver): the main window with the receiver
// installed and Follow live on, OTLP/HTTP protobuf batches of 512 realistic spans arriving at a
// steady 20,000 spans/s from two loopback clients, and a 5 ms timer probing the GUI event loop.
// Figures, not assertions: the longest stall (time between probe ticks beyond the interval), the
// 99th and 99.9th percentile tick gaps, and the spans committed meanwhile.
#include "mainwindow.h"
#include "receiver/receivercontroller.h"
#include "receiver/receiversettings.h"
#include "receiver/tracereceiver.h"
#include "receiverbenchclient.h"
#include "store/tracestore.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTimer>

#include <algorithm>
#include <atomic>
#include <benchmark/benchmark.h>
#include <thread>

using namespace tg;
using namespace tg::bench;

namespace {

quint16 freePort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort();
}

void BM_GuiFollowingLiveIngest(benchmark::State &state)
{
    const int spansPerSecond = static_cast<int>(state.range(0));
    const int seconds = 10;
    const int clients = 2;
    const double batchesPerClientPerSecond = spansPerSecond / double(kSpansPerBatch) / clients;
    const int batchesPerClient = static_cast<int>(batchesPerClientPerSecond * seconds);
    std::vector<std::vector<QByteArray>> perClient;
    for (int c = 0; c < clients; ++c)
        perClient.push_back(makeBatches(batchesPerClient, 70000 + 1000 * c));

    std::vector<double> gaps;
    double maxStall = 0;
    qint64 committed = 0;
    for (auto _ : state) {
        StoreOptions storeOptions;
        storeOptions.path = freshStore(QStringLiteral("livegui.db"));
        QString error;
        auto store = TraceStore::open(storeOptions, &error);
        if (!store)
            qFatal("%s", qPrintable(error));
        MainWindow window(store.get());
        ReceiverController controller(store.get());
        ReceiverLaunchOverrides overrides;
        overrides.httpPort = freePort();
        overrides.grpcPort = freePort();
        controller.setOverrides(overrides);
        controller.install(&window);
        controller.startAtLaunch();
        if (!controller.isRunning())
            qFatal("receiver did not start: %s", qPrintable(controller.status().error));
        window.resize(1440, 900);
        window.show();
        QElapsedTimer settle;
        settle.start();
        while (settle.elapsed() < 500)
            QCoreApplication::processEvents(QEventLoop::AllEvents, 20);

        const quint16 port = controller.receiver()->httpPort();
        std::atomic<int> running { clients };
        std::vector<std::thread> senders;
        const auto interval = std::chrono::nanoseconds(static_cast<qint64>(1e9 / batchesPerClientPerSecond));
        for (int c = 0; c < clients; ++c) {
            senders.emplace_back([&, c] {
                PostClient client(port);
                auto next = std::chrono::steady_clock::now() + interval * c / clients;
                for (const QByteArray &body : perClient[static_cast<size_t>(c)]) {
                    std::this_thread::sleep_until(next);
                    next += interval;
                    client.post(body);
                }
                --running;
            });
        }

        // The probe: a 5 ms timer; any tick later than that is time the event loop was busy.
        constexpr double kIntervalMs = 5.0;
        QElapsedTimer clock;
        clock.start();
        double lastTick = 0;
        QTimer probe;
        probe.setTimerType(Qt::PreciseTimer);
        probe.setInterval(static_cast<int>(kIntervalMs));
        QObject::connect(&probe, &QTimer::timeout, [&] {
            const double now = clock.nsecsElapsed() / 1e6;
            const double gap = now - lastTick;
            lastTick = now;
            gaps.push_back(gap);
            maxStall = std::max(maxStall, gap - kIntervalMs);
        });
        probe.start();
        while (running.load() > 0)
            QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
        QElapsedTimer tail;
        tail.start();
        while (tail.elapsed() < 1000)
            QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
        probe.stop();
        for (auto &sender : senders)
            sender.join();
        committed = controller.status().stats.spansAccepted;
        controller.stop();
    }
    std::sort(gaps.begin(), gaps.end());
    auto percentile = [&](double p) {
        return gaps.empty() ? 0.0 : gaps[std::min(gaps.size() - 1, static_cast<size_t>(p * gaps.size()))];
    };
    state.counters["max_stall_ms"] = maxStall;
    state.counters["p99_tick_gap_ms"] = percentile(0.99);
    state.counters["p999_tick_gap_ms"] = percentile(0.999);
    state.counters["ticks"] = static_cast<double>(gaps.size());
    state.counters["spans_committed"] = static_cast<double>(committed);
}
BENCHMARK(BM_GuiFollowingLiveIngest)->Arg(20000)->Unit(benchmark::kMillisecond)->Iterations(1)->UseRealTime();

} // namespace

int main(int argc, char **argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QStandardPaths::setTestModeEnabled(true); // settings and data of its own, not the user's
    QApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("traceglass-bench"));
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
