// Langfuse JSON -> records: a GET /v2/observations page of 1,000 observations with ~2 KB of
// input and output each, a GET /observations (v1) page, and an ingestion batch of 500 events.
// Prints time per page and MB/s (bytes of JSON in).

#include "mapping/flatjson.h"
#include "mapping/langfuseapimapper.h"
#include "mapping/langfuseingestionparser.h"

#include <QByteArray>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <benchmark/benchmark.h>

namespace {

/// Page content: Dense has quotes, newlines and non-ASCII in every sentence (a JSON-in-a-string
/// worst case); Plain is ASCII prose.
enum class Text { Dense, Plain };
Text g_text = Text::Dense;

/// ~2 KB of chat text.
QString chatText(int seed)
{
    QString text;
    const QString sentence = g_text == Text::Dense
        ? QStringLiteral("The \"agent\" looked up order #%1 and said: \u00e9t\u00e9 \u2014 ok.\n")
        : QStringLiteral("The agent looked up order number %1 and reported that it shipped today. ");
    while (text.size() < 1900)
        text += sentence.arg(seed++);
    return text;
}

QJsonObject messages(int seed)
{
    QJsonArray list;
    list.append(QJsonObject { { QStringLiteral("role"), QStringLiteral("system") },
        { QStringLiteral("content"), QStringLiteral("You are a helpful assistant.") } });
    list.append(QJsonObject {
        { QStringLiteral("role"), QStringLiteral("user") }, { QStringLiteral("content"), chatText(seed) } });
    return QJsonObject { { QStringLiteral("messages"), list } };
}

QString hexId(int i, int width)
{
    return QStringLiteral("%1")
        .arg(static_cast<qulonglong>(i) * 2654435761ULL, width, 16, QLatin1Char('0'))
        .right(width);
}

QByteArray v2Page(int count)
{
    QJsonArray data;
    for (int i = 0; i < count; ++i) {
        const bool root = i % 10 == 0;
        QJsonObject o {
            { QStringLiteral("id"), hexId(i, 16) },
            { QStringLiteral("traceId"), hexId(i / 10, 32) },
            { QStringLiteral("startTime"),
                QStringLiteral("2026-08-22T10:00:%1.123Z").arg(i % 60, 2, 10, QLatin1Char('0')) },
            { QStringLiteral("endTime"),
                QStringLiteral("2026-08-22T10:01:%1.456Z").arg(i % 60, 2, 10, QLatin1Char('0')) },
            { QStringLiteral("projectId"), QStringLiteral("proj-1") },
            { QStringLiteral("parentObservationId"),
                root ? QJsonValue() : QJsonValue(hexId(i - i % 10, 16)) },
            { QStringLiteral("type"), QStringLiteral("GENERATION") },
            { QStringLiteral("isRootObservation"), root },
            { QStringLiteral("name"), QStringLiteral("chat-completion") },
            { QStringLiteral("level"), QStringLiteral("DEFAULT") },
            { QStringLiteral("statusMessage"), QJsonValue() },
            { QStringLiteral("environment"), QStringLiteral("production") },
            { QStringLiteral("userId"), QStringLiteral("user-42") },
            { QStringLiteral("sessionId"), QStringLiteral("session-7") },
            { QStringLiteral("completionStartTime"), QStringLiteral("2026-08-22T10:00:30.000Z") },
            { QStringLiteral("input"),
                QString::fromUtf8(QJsonDocument(messages(i)).toJson(QJsonDocument::Compact)) },
            { QStringLiteral("output"),
                QString::fromUtf8(
                    QJsonDocument(QJsonObject { { QStringLiteral("role"), QStringLiteral("assistant") },
                                      { QStringLiteral("content"), chatText(i + 7) } })
                        .toJson(QJsonDocument::Compact)) },
            { QStringLiteral("metadata"),
                QJsonObject { { QStringLiteral("tenant"), QStringLiteral("acme") } } },
            { QStringLiteral("providedModelName"), QStringLiteral("gpt-4o-mini") },
            { QStringLiteral("modelParameters"),
                QJsonObject {
                    { QStringLiteral("temperature"), 0.2 }, { QStringLiteral("max_tokens"), 512 } } },
            { QStringLiteral("usageDetails"),
                QJsonObject { { QStringLiteral("input"), 812 }, { QStringLiteral("output"), 95 },
                    { QStringLiteral("total"), 907 } } },
            { QStringLiteral("costDetails"),
                QJsonObject { { QStringLiteral("input"), 0.0001218 }, { QStringLiteral("output"), 0.000057 },
                    { QStringLiteral("total"), 0.0001788 } } },
            { QStringLiteral("totalCost"), 0.0001788 },
            { QStringLiteral("latency"), 61.333 },
            { QStringLiteral("timeToFirstToken"), 0.45 },
            { QStringLiteral("traceName"), QStringLiteral("support-agent") },
            { QStringLiteral("tags"), QJsonArray { QStringLiteral("prod"), QStringLiteral("support") } },
            { QStringLiteral("modelId"), QStringLiteral("m-1") },
            { QStringLiteral("inputPrice"), QStringLiteral("0.00000015") },
            { QStringLiteral("outputPrice"), QStringLiteral("0.0000006") },
            { QStringLiteral("totalPrice"), QJsonValue() },
        };
        data.append(o);
    }
    const QJsonObject page { { QStringLiteral("data"), data },
        { QStringLiteral("meta"),
            QJsonObject { { QStringLiteral("cursor"), QStringLiteral("eyJ0IjoxfQ") } } } };
    return QJsonDocument(page).toJson(QJsonDocument::Compact);
}

QByteArray v1Page(int count)
{
    QJsonArray data;
    for (int i = 0; i < count; ++i) {
        data.append(QJsonObject {
            { QStringLiteral("id"), hexId(i, 16) },
            { QStringLiteral("traceId"), hexId(i / 10, 32) },
            { QStringLiteral("type"), QStringLiteral("GENERATION") },
            { QStringLiteral("name"), QStringLiteral("chat-completion") },
            { QStringLiteral("startTime"), QStringLiteral("2026-08-22T10:00:00.123Z") },
            { QStringLiteral("endTime"), QStringLiteral("2026-08-22T10:00:01.456Z") },
            { QStringLiteral("model"), QStringLiteral("gpt-4o-mini") },
            { QStringLiteral("input"), messages(i) },
            { QStringLiteral("output"),
                QJsonObject { { QStringLiteral("role"), QStringLiteral("assistant") },
                    { QStringLiteral("content"), chatText(i + 3) } } },
            { QStringLiteral("usageDetails"),
                QJsonObject { { QStringLiteral("input"), 812 }, { QStringLiteral("output"), 95 } } },
            { QStringLiteral("costDetails"), QJsonObject { { QStringLiteral("total"), 0.0002 } } },
            { QStringLiteral("level"), QStringLiteral("DEFAULT") },
        });
    }
    const QJsonObject page { { QStringLiteral("data"), data },
        { QStringLiteral("meta"),
            QJsonObject { { QStringLiteral("page"), 1 }, { QStringLiteral("limit"), 100 },
                { QStringLiteral("totalItems"), count }, { QStringLiteral("totalPages"), 1 } } } };
    return QJsonDocument(page).toJson(QJsonDocument::Compact);
}

QByteArray ingestionBatch(int count)
{
    QJsonArray batch;
    for (int i = 0; i < count; ++i) {
        const QString traceId = hexId(i / 5, 32);
        const QString ts = QStringLiteral("2026-08-22T10:00:00.%1Z").arg(i % 1000, 3, 10, QLatin1Char('0'));
        QJsonObject body;
        QString type;
        switch (i % 5) {
        case 0:
            type = QStringLiteral("trace-create");
            body = { { QStringLiteral("id"), traceId },
                { QStringLiteral("name"), QStringLiteral("support-agent") },
                { QStringLiteral("userId"), QStringLiteral("user-42") },
                { QStringLiteral("input"), messages(i) },
                { QStringLiteral("tags"), QJsonArray { QStringLiteral("prod") } } };
            break;
        case 1:
            type = QStringLiteral("span-create");
            body = { { QStringLiteral("id"), hexId(i, 16) }, { QStringLiteral("traceId"), traceId },
                { QStringLiteral("name"), QStringLiteral("retrieve") }, { QStringLiteral("startTime"), ts },
                { QStringLiteral("input"),
                    QJsonObject { { QStringLiteral("query"), chatText(i).left(400) } } } };
            break;
        case 2:
            type = QStringLiteral("generation-create");
            body = { { QStringLiteral("id"), hexId(i, 16) }, { QStringLiteral("traceId"), traceId },
                { QStringLiteral("name"), QStringLiteral("llm") }, { QStringLiteral("startTime"), ts },
                { QStringLiteral("model"), QStringLiteral("gpt-4o-mini") },
                { QStringLiteral("modelParameters"), QJsonObject { { QStringLiteral("temperature"), 0.2 } } },
                { QStringLiteral("input"), messages(i) } };
            break;
        case 3:
            type = QStringLiteral("generation-update");
            body = { { QStringLiteral("id"), hexId(i - 1, 16) }, { QStringLiteral("endTime"), ts },
                { QStringLiteral("output"), QJsonObject { { QStringLiteral("content"), chatText(i) } } },
                { QStringLiteral("usageDetails"),
                    QJsonObject { { QStringLiteral("prompt_tokens"), 812 },
                        { QStringLiteral("completion_tokens"), 95 }, { QStringLiteral("total_tokens"), 907 },
                        { QStringLiteral("prompt_tokens_details"),
                            QJsonObject { { QStringLiteral("cached_tokens"), 512 } } } } } };
            break;
        default:
            type = QStringLiteral("span-update");
            body = { { QStringLiteral("id"), hexId(i - 3, 16) }, { QStringLiteral("endTime"), ts },
                { QStringLiteral("output"), QJsonObject { { QStringLiteral("documents"), 3 } } } };
            break;
        }
        batch.append(QJsonObject { { QStringLiteral("id"), QStringLiteral("evt-%1").arg(i) },
            { QStringLiteral("type"), type }, { QStringLiteral("timestamp"), ts },
            { QStringLiteral("body"), body } });
    }
    return QJsonDocument(QJsonObject { { QStringLiteral("batch"), batch } }).toJson(QJsonDocument::Compact);
}

void report(benchmark::State &state, const QByteArray &json)
{
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * json.size());
    state.counters["MB/s"] = benchmark::Counter(
        static_cast<double>(json.size()) / 1e6, benchmark::Counter::kIsIterationInvariantRate);
    state.counters["KB"] = static_cast<double>(json.size()) / 1024.0;
}

void BM_V2ObservationsPage1000(benchmark::State &state)
{
    g_text = state.range(0) ? Text::Plain : Text::Dense;
    const QByteArray json = v2Page(1000);
    g_text = Text::Dense;
    state.SetLabel(state.range(0) ? "plain ASCII text" : "dense: quotes, newlines, non-ASCII");
    for (auto _ : state) {
        tg::LangfuseApiResult result = tg::LangfuseApiMapper::mapObservationsV2Page(json);
        benchmark::DoNotOptimize(result.batch.observations.data());
        if (result.batch.observations.size() != 1000 || result.batch.traces.size() != 100)
            state.SkipWithError("wrong record count");
    }
    report(state, json);
}
BENCHMARK(BM_V2ObservationsPage1000)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

void BM_V1ObservationsPage1000(benchmark::State &state)
{
    const QByteArray json = v1Page(1000);
    for (auto _ : state) {
        tg::LangfuseApiResult result = tg::LangfuseApiMapper::mapObservationsPage(json);
        benchmark::DoNotOptimize(result.batch.observations.data());
        if (result.batch.observations.size() != 1000)
            state.SkipWithError("wrong record count");
    }
    report(state, json);
}
BENCHMARK(BM_V1ObservationsPage1000)->Unit(benchmark::kMillisecond);

void BM_IngestionBatch500(benchmark::State &state)
{
    const QByteArray json = ingestionBatch(500);
    for (auto _ : state) {
        tg::LangfuseIngestionResult result = tg::LangfuseIngestionParser::parse(json);
        benchmark::DoNotOptimize(result.batch.observations.data());
        if (result.successes.size() != 500)
            state.SkipWithError("wrong success count");
    }
    report(state, json);
}
BENCHMARK(BM_IngestionBatch500)->Unit(benchmark::kMillisecond);

// The JSON scan alone, for comparison with the mapping cost above.
void BM_FlatJsonParseV2Page(benchmark::State &state)
{
    const QByteArray json = v2Page(1000);
    tg::FlatJson doc;
    for (auto _ : state) {
        const bool ok = doc.parse(json);
        benchmark::DoNotOptimize(ok);
    }
    report(state, json);
}
BENCHMARK(BM_FlatJsonParseV2Page)->Unit(benchmark::kMillisecond);

void BM_QJsonDocumentParseV2Page(benchmark::State &state)
{
    const QByteArray json = v2Page(1000);
    for (auto _ : state) {
        QJsonDocument doc = QJsonDocument::fromJson(json);
        benchmark::DoNotOptimize(doc);
    }
    report(state, json);
}
BENCHMARK(BM_QJsonDocumentParseV2Page)->Unit(benchmark::kMillisecond);

} // namespace

BENCHMARK_MAIN();
