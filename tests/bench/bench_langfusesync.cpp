// Langfuse client benchmarks.
// - BM_ClientParseV2Page1000: the client's path from the bytes of a GET /v2/observations answer
//   (1,000 observations, ~2 KB input and ~2 KB output each, about 5 MB) to records:
//   parseLangfusePage, which the client runs off the GUI thread for every page.
// - BM_SyncTraces: LangfuseSync backfilling traces with their observations and scores from a
//   local fake Langfuse server (its own thread, no rate limit) into a fresh store, until the last
//   write committed. Reports traces/s, with the store's full-text index on (as in the app) and off.
#include "../net/fakelangfuseproject.h"
#include "../net/fakelangfuseserver.h"
#include "langfuse/langfuseclient.h"
#include "langfuse/langfusepage.h"
#include "langfuse/langfusesync.h"
#include "store/storereader.h"
#include "store/tracestore.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>

#include <benchmark/benchmark.h>
#include <future>

namespace {

QString text(QRandomGenerator &rng, int bytes, bool dense)
{
    static const char *words[]
        = { "the", "model", "agent", "tool", "weather", "forecast", "search", "result", "customer", "order",
              "refund", "policy", "invoice", "latency", "budget", "token", "prompt", "summary" };
    QString out;
    out.reserve(bytes + 32);
    while (out.size() < bytes) {
        out += QLatin1String(words[rng.bounded(int(std::size(words)))]);
        if (dense && rng.bounded(12) == 0)
            out += QStringLiteral(" \"quoted\"\nnäive café — 東京 ");
        else
            out += u' ';
    }
    return out;
}

/// A v2 page as Langfuse sends it: every field group, input/output as JSON held in strings.
QByteArray v2Page(int count, int ioBytes, bool dense)
{
    QRandomGenerator rng(11);
    QJsonArray data;
    for (int i = 0; i < count; ++i) {
        const bool root = i % 10 == 0;
        const QString id = QStringLiteral("%1").arg(i, 16, 16, QLatin1Char('0'));
        const QString traceId = QStringLiteral("%1").arg(i / 10, 32, 16, QLatin1Char('0'));
        const QJsonObject input { { QStringLiteral("messages"),
            QJsonArray { QJsonObject { { QStringLiteral("role"), QStringLiteral("user") },
                { QStringLiteral("content"), text(rng, ioBytes - 60, dense) } } } } };
        const QJsonObject output { { QStringLiteral("role"), QStringLiteral("assistant") },
            { QStringLiteral("content"), text(rng, ioBytes - 40, dense) } };
        data.append(QJsonObject {
            { QStringLiteral("id"), id },
            { QStringLiteral("traceId"), traceId },
            { QStringLiteral("startTime"),
                QStringLiteral("2026-11-20T10:00:%1.123Z").arg(i % 60, 2, 10, QLatin1Char('0')) },
            { QStringLiteral("endTime"),
                QStringLiteral("2026-11-20T10:01:%1.456Z").arg(i % 60, 2, 10, QLatin1Char('0')) },
            { QStringLiteral("projectId"), QStringLiteral("proj-1") },
            { QStringLiteral("parentObservationId"),
                root ? QJsonValue()
                     : QJsonValue(QStringLiteral("%1").arg(i - i % 10, 16, 16, QLatin1Char('0'))) },
            { QStringLiteral("type"), root ? QStringLiteral("AGENT") : QStringLiteral("GENERATION") },
            { QStringLiteral("isRootObservation"), root },
            { QStringLiteral("name"), QStringLiteral("chat-completion") },
            { QStringLiteral("level"), QStringLiteral("DEFAULT") },
            { QStringLiteral("environment"), QStringLiteral("production") },
            { QStringLiteral("userId"), QStringLiteral("user-42") },
            { QStringLiteral("sessionId"), QStringLiteral("session-7") },
            { QStringLiteral("completionStartTime"), QStringLiteral("2026-11-20T10:00:30.000Z") },
            { QStringLiteral("createdAt"), QStringLiteral("2026-11-20T10:02:00.000Z") },
            { QStringLiteral("updatedAt"), QStringLiteral("2026-11-20T10:02:00.000Z") },
            { QStringLiteral("input"),
                QString::fromUtf8(QJsonDocument(input).toJson(QJsonDocument::Compact)) },
            { QStringLiteral("output"),
                QString::fromUtf8(QJsonDocument(output).toJson(QJsonDocument::Compact)) },
            { QStringLiteral("metadata"),
                QJsonObject { { QStringLiteral("tenant"), QStringLiteral("acme") } } },
            { QStringLiteral("providedModelName"), QStringLiteral("gpt-4o-mini") },
            { QStringLiteral("internalModelId"), QStringLiteral("m-1") },
            { QStringLiteral("modelParameters"), QJsonObject { { QStringLiteral("temperature"), 0.2 } } },
            { QStringLiteral("usageDetails"),
                QJsonObject { { QStringLiteral("input"), 812 }, { QStringLiteral("output"), 95 },
                    { QStringLiteral("total"), 907 } } },
            { QStringLiteral("costDetails"),
                QJsonObject { { QStringLiteral("input"), 0.0001218 }, { QStringLiteral("output"), 0.000057 },
                    { QStringLiteral("total"), 0.0001788 } } },
            { QStringLiteral("totalCost"), 0.0001788 },
            { QStringLiteral("usagePricingTierName"), QJsonValue() },
            { QStringLiteral("promptId"), QJsonValue() },
            { QStringLiteral("promptName"), QJsonValue() },
            { QStringLiteral("promptVersion"), QJsonValue() },
            { QStringLiteral("latency"), 61.333 },
            { QStringLiteral("timeToFirstToken"), 0.45 },
            { QStringLiteral("traceName"), QStringLiteral("support-agent") },
            { QStringLiteral("tags"), QJsonArray { QStringLiteral("prod"), QStringLiteral("support") } },
            { QStringLiteral("release"), QJsonValue() },
            { QStringLiteral("modelId"), QStringLiteral("m-1") },
            { QStringLiteral("inputPrice"), QStringLiteral("0.00000015") },
            { QStringLiteral("outputPrice"), QStringLiteral("0.0000006") },
            { QStringLiteral("totalPrice"), QJsonValue() },
        });
    }
    return QJsonDocument(
        QJsonObject { { QStringLiteral("data"), data },
            { QStringLiteral("meta"),
                QJsonObject { { QStringLiteral("cursor"), QStringLiteral("fn4+Pz1000") } } } })
        .toJson(QJsonDocument::Compact);
}

void BM_ClientParseV2Page1000(benchmark::State &state)
{
    const bool dense = state.range(0) == 0;
    const QByteArray json = v2Page(1000, 2048, dense);
    state.SetLabel(dense ? "dense: quotes, newlines, non-ASCII" : "plain ASCII text");
    for (auto _ : state) {
        tg::LangfusePage page = tg::parseLangfusePage(
            tg::LangfuseEndpoint::ObservationsV2, tg::LangfusePageKind::Observations, json, 1000);
        benchmark::DoNotOptimize(page.batch.observations.data());
        if (!page.ok() || page.batch.observations.size() != 1000 || page.batch.traces.size() != 100
            || !page.hasMore)
            state.SkipWithError("wrong page");
    }
    state.SetBytesProcessed(int64_t(state.iterations()) * json.size());
    state.counters["MB"] = double(json.size()) / 1e6;
}
BENCHMARK(BM_ClientParseV2Page1000)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

/// The fake server on a thread of its own, as a real server is another process.
class ServerThread
{
public:
    explicit ServerThread(tg::test::FakeLangfuseProject &project)
    {
        std::promise<QString> url;
        auto future = url.get_future();
        m_thread.reset(QThread::create([&project, &url] {
            tg::test::FakeLangfuseServer server(project.handler());
            url.set_value(server.url());
            QEventLoop loop;
            loop.exec();
        }));
        m_thread->start();
        m_url = future.get();
    }
    ~ServerThread()
    {
        m_thread->quit();
        m_thread->wait();
    }
    QString url() const { return m_url; }

private:
    std::unique_ptr<QThread> m_thread;
    QString m_url;
};

void BM_SyncTraces(benchmark::State &state)
{
    const int traceCount = int(state.range(0));
    const int perTrace = int(state.range(1));
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    tg::test::FakeLangfuseProject project
        = tg::test::FakeLangfuseProject::generate(traceCount, perTrace, now - 60'000, 2'000, 1000);
    // Render every page once up front: the benchmark measures the client, not the fake server.
    {
        QString cursor;
        do {
            tg::test::FakeRequest r;
            r.path = QStringLiteral("/api/public/v2/observations");
            r.query.addQueryItem(QStringLiteral("fields"), tg::LangfuseClient::observationFieldsAll());
            r.query.addQueryItem(QStringLiteral("limit"), QStringLiteral("1000"));
            if (!cursor.isEmpty())
                r.query.addQueryItem(
                    QStringLiteral("cursor"), QString::fromLatin1(QUrl::toPercentEncoding(cursor)));
            r.headers.insert("authorization",
                "Basic " + (project.publicKey + u':' + project.secretKey).toUtf8().toBase64());
            const QByteArray body = project.handle(r).body;
            const qsizetype at = body.lastIndexOf("\"cursor\":\"");
            cursor = at < 0 ? QString()
                            : QString::fromLatin1(body.mid(at + 10, body.indexOf('"', at + 10) - at - 10));
        } while (!cursor.isEmpty());
    }
    ServerThread server(project);
    double seconds = 0;
    qint64 observations = 0;
    for (auto _ : state) {
        QTemporaryDir dir;
        tg::StoreOptions options;
        options.path = dir.filePath(QStringLiteral("bench.db"));
        // The full-text index runs behind ingest on its own thread; on a busy 2-core machine it
        // competes with the sync for CPU, so it is measured both ways.
        options.fullTextIndex = state.range(2) != 0;
        QString error;
        std::unique_ptr<tg::TraceStore> store = tg::TraceStore::open(options, &error);
        if (!store) {
            state.SkipWithError(qPrintable(error));
            return;
        }
        tg::LangfuseTransport transport;
        tg::LangfuseConnection c;
        c.id = QStringLiteral("bench");
        c.name = QStringLiteral("bench");
        c.host = server.url();
        c.publicKey = project.publicKey;
        tg::LangfuseSync::Options syncOptions;
        syncOptions.autoSync = false;
        tg::LangfuseSync sync(store.get(), &transport, c, project.secretKey, syncOptions);
        sync.start();
        QEventLoop wait;
        QObject::connect(&sync, &tg::LangfuseSync::sourceReady, &wait, &QEventLoop::quit);
        QTimer::singleShot(10'000, &wait, &QEventLoop::quit);
        if (sync.sourceId() == 0)
            wait.exec();
        while (sync.project().id.isEmpty())
            QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 50);

        QElapsedTimer timer;
        timer.start();
        bool ok = false;
        QString message;
        QEventLoop done;
        QObject::connect(
            &sync, &tg::LangfuseSync::backfillFinished, &done, [&](bool success, bool, const QString &m) {
                ok = success;
                message = m;
                done.quit();
            });
        const QDateTime to = QDateTime::currentDateTimeUtc().addSecs(60);
        sync.backfill({ to.addDays(-7), to });
        done.exec();
        seconds = double(timer.nsecsElapsed()) / 1e9;
        if (!ok) {
            state.SkipWithError(qPrintable(message));
            return;
        }
        tg::ReaderLease reader = store->reader();
        tg::TraceFilter filter;
        filter.sourceIds = { sync.sourceId() };
        const qint64 stored = reader->countTraces(filter);
        if (stored != traceCount) {
            state.SkipWithError(
                qPrintable(QStringLiteral("%1 traces stored, %2 expected").arg(stored).arg(traceCount)));
            return;
        }
        observations = qint64(traceCount) * perTrace;
        state.SetIterationTime(seconds);
    }
    state.counters["traces/s"] = double(traceCount) / seconds;
    state.counters["observations/s"] = double(observations) / seconds;
    state.counters["seconds"] = seconds;
}
BENCHMARK(BM_SyncTraces)
    ->ArgNames({ "traces", "perTrace", "fullText" })
    ->Args({ 10'000, 6, 1 })
    ->Args({ 10'000, 6, 0 })
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv))
        return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
