// Replays as traces: an origin read from the store, a replay stored under the Replays source with
// its link to the original (metadata replay_of, tag, session), listed by TraceListModel; the price
// table; the Langfuse ingestion batch of a replay; the batch summary model.
#include "itemmodels/modelroles.h"
#include "itemmodels/tracelistmodel.h"
#include "replay/batchsummarymodel.h"
#include "replay/pricetable.h"
#include "replay/replayingestion.h"
#include "replay/replayrecord.h"
#include "storetestutil.h"

#include <QAbstractItemModelTester>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTest>

using namespace tg;

namespace {

QByteArray fixture(const char *name)
{
    QFile file(QStringLiteral(TRACEGLASS_TEST_DATA_DIR "/chat/") + QLatin1String(name));
    if (!file.open(QIODevice::ReadOnly))
        qFatal("missing fixture %s", name);
    return file.readAll();
}

constexpr qint64 kStart = 1'780'000'000'000'000'000LL;

/// A local trace with a span and one generation (OpenAI chat fixture).
WriteBatch originalTrace(qint64 sourceId)
{
    WriteBatch batch;
    batch.sourceId = sourceId;
    TraceRecord t = test::makeTrace(QStringLiteral("orig-trace"), QStringLiteral("support-chat"), 0);
    batch.traces.push_back(t);
    ObservationRecord span = test::makeObservation(QStringLiteral("root"), t.id, 0, 3000);
    batch.observations.push_back(span);
    ObservationRecord g = test::makeObservation(QStringLiteral("gen-1"), t.id, 1, 1500);
    g.parentId = span.id;
    g.type = ObservationType::Generation;
    g.name = QStringLiteral("chat-completion");
    g.model = QStringLiteral("gpt-4o");
    g.completionStartNs = *g.startNs + 400'000'000;
    g.input = fixture("openai-chat-input.json");
    g.output = fixture("openai-chat-output.json");
    g.modelParameters = R"({"temperature":"0.2","max_tokens":"256"})";
    g.usage.set(QStringLiteral("input"), 1000);
    g.usage.set(QStringLiteral("output"), 100);
    g.cost.set(QStringLiteral("total"), 0.0035);
    batch.observations.push_back(g);
    return batch;
}

ReplayResult sampleResult()
{
    ReplayResult r;
    r.ok = true;
    r.text = QStringLiteral("Your order 4417 has shipped.");
    r.toolCalls.push_back({ QStringLiteral("call_9"), QStringLiteral("get_shipping_status"),
        QStringLiteral(R"({"tracking":"1Z"})") });
    r.finishReason = QStringLiteral("tool_calls");
    r.model = QStringLiteral("gpt-4o-mini-2024-07-18");
    r.usage.set(QStringLiteral("input"), 900);
    r.usage.set(QStringLiteral("input_cached_tokens"), 100);
    r.usage.set(QStringLiteral("output"), 40);
    r.usage.set(QStringLiteral("total"), 1040);
    r.startedMs = kStart / 1'000'000 + 60'000;
    r.latencyMs = 1200;
    r.ttftMs = 300;
    r.streamed = true;
    return r;
}

} // namespace

class TestReplayStore : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void originAndStoredReplay()
    {
        auto store = test::openTempStore(m_dir, QStringLiteral("replay.db"));
        QVERIFY(store);
        const qint64 local = store->ensureSource(
            SourceKind::LocalReceiver, QStringLiteral("local"), QStringLiteral("Local"));
        QVERIFY(test::commit(*store, originalTrace(local)));

        ReaderLease reader = store->reader();
        const std::optional<TraceRow> trace = reader->traceById(local, QStringLiteral("orig-trace"));
        QVERIFY(trace);
        const std::vector<qint64> generations = ReplayOrigin::generationsOf(*reader, { trace->rk });
        QCOMPARE(generations.size(), size_t(1));
        QString error;
        // Only generations replay.
        const std::vector<ObservationRow> rows = reader->observations(trace->rk);
        const auto span
            = std::find_if(rows.begin(), rows.end(), [](const ObservationRow &r) { return r.id == u"root"; });
        QVERIFY(!ReplayOrigin::load(*reader, span->rk, &error));
        QVERIFY(error.contains(QStringLiteral("SPAN")));
        QVERIFY(!ReplayOrigin::load(*reader, 999'999, &error));

        const std::optional<ReplayOrigin> origin = ReplayOrigin::load(*reader, generations[0], &error);
        QVERIFY2(origin, qPrintable(error));
        QCOMPARE(origin->sourceKey, QStringLiteral("local"));
        QCOMPARE(origin->traceId, QStringLiteral("orig-trace"));
        QCOMPARE(origin->traceName, QStringLiteral("support-chat"));
        QCOMPARE(origin->observationId, QStringLiteral("gen-1"));
        QCOMPARE(origin->latencyNs, 1'500'000'000LL);
        QCOMPARE(origin->ttftNs, 400'000'000LL);
        const ReplayRequest request = origin->request();
        QCOMPARE(request.model, QStringLiteral("gpt-4o"));
        QCOMPARE(request.messages.size(), size_t(4));
        QCOMPARE(request.parameters.maxTokens, std::optional<qint64>(256));
        QVERIFY(!origin->recordedText().isEmpty());
        reader.reset();

        ReplayRecord record;
        record.origin = *origin;
        record.request = request;
        record.request.model = QStringLiteral("gpt-4o-mini");
        record.sentBody = R"({"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]})";
        record.result = sampleResult();
        record.providerName = QStringLiteral("OpenAI");
        record.variant = QStringLiteral("B");
        record.cost
            = replayCost(record.result, record.request.model, PriceTable::defaults(), &record.costSource);
        QCOMPARE(record.costSource, QStringLiteral("price table"));
        QVERIFY2(submitReplay(*store, record, &error), qPrintable(error));
        QVERIFY(record.traceId.startsWith(QStringLiteral("replay-")));

        // Under the Replays source, linked, tagged, in the session of the original trace.
        reader = store->reader();
        const std::optional<Source> replays = reader->sourceByKey(QStringLiteral("replays"));
        QVERIFY(replays);
        QCOMPARE(replays->kind, SourceKind::Replays);
        QCOMPARE(replays->name, QStringLiteral("Replays"));
        const std::optional<TraceRow> stored = reader->traceById(replays->id, record.traceId);
        QVERIFY(stored);
        QCOMPARE(stored->name, QStringLiteral("replay: chat-completion"));
        QCOMPARE(stored->sessionId, QStringLiteral("replay:orig-trace"));
        QVERIFY(stored->tags.contains(QStringLiteral("replay")));
        QCOMPARE(stored->inputTokens, 1000);
        QCOMPARE(stored->outputTokens, 40);
        QVERIFY(stored->cost > 0);
        QCOMPARE(stored->latencyNs, 1'200'000'000LL);
        const std::vector<ObservationRow> replayRows = reader->observations(stored->rk);
        QCOMPARE(replayRows.size(), size_t(1));
        QCOMPARE(replayRows[0].type, ObservationType::Generation);
        QCOMPARE(replayRows[0].id, replayObservationId(record.traceId));
        const std::optional<ObservationDetail> detail = reader->observationDetail(replayRows[0].rk);
        QVERIFY(detail);
        QCOMPARE(detail->row.model, QStringLiteral("gpt-4o-mini-2024-07-18"));
        QCOMPARE(detail->completionStartNs - detail->row.startNs, 300'000'000LL);
        QCOMPARE(detail->input, record.sentBody);
        const QJsonObject metadata = QJsonDocument::fromJson(detail->metadata).object();
        const QJsonObject link = metadata.value(QStringLiteral("replay_of")).toObject();
        QCOMPARE(link.value(QStringLiteral("source")).toString(), QStringLiteral("local"));
        QCOMPARE(link.value(QStringLiteral("trace_id")).toString(), QStringLiteral("orig-trace"));
        QCOMPARE(link.value(QStringLiteral("observation_id")).toString(), QStringLiteral("gen-1"));
        QCOMPARE(metadata.value(QStringLiteral("finish_reason")).toString(), QStringLiteral("tool_calls"));
        QCOMPARE(metadata.value(QStringLiteral("provider")).toString(), QStringLiteral("OpenAI"));
        QVERIFY(!metadata.value(QStringLiteral("fidelity")).toArray().isEmpty());
        const QJsonObject output = QJsonDocument::fromJson(detail->output).object();
        QCOMPARE(output.value(QStringLiteral("content")).toString(), record.result.text);
        QCOMPARE(output.value(QStringLiteral("tool_calls")).toArray().size(), 1);
        QCOMPARE(comparableOutputText(detail->output), record.result.comparableText());
        // The replay is itself replayable (its input is a Chat Completions request).
        const std::optional<ReplayOrigin> again = ReplayOrigin::load(*reader, replayRows[0].rk, &error);
        QVERIFY(again);
        QCOMPARE(again->request().messages.size(), size_t(1));
        reader.reset();

        // A second replay of the same trace: same session; both in the trace list under Replays.
        ReplayRecord failed = record;
        failed.traceId.clear();
        failed.result = ReplayResult();
        failed.result.error = QStringLiteral("OpenAI is rate limiting (429).");
        failed.result.startedMs = record.result.startedMs + 5000;
        QVERIFY(submitReplay(*store, failed, &error));
        TraceListModel model(store.get());
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        QSignalSpy loaded(&model, &TraceListModel::loaded);
        TraceFilter filter;
        filter.sourceIds = { replays->id };
        model.setFilter(filter);
        QTRY_VERIFY(loaded.count() > 0 && !model.isLoading());
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.index(0, 0).data(IdRole).toString(), failed.traceId); // newest first
        QCOMPARE(model.index(0, 0).data(SessionIdRole).toString(), QStringLiteral("replay:orig-trace"));
        QCOMPARE(model.index(1, 0).data(IdRole).toString(), record.traceId);
        reader = store->reader();
        const std::optional<TraceRow> failedRow = reader->traceById(replays->id, failed.traceId);
        QVERIFY(failedRow);
        QCOMPARE(failedRow->errorCount, 1);
        QCOMPARE(reader->sessionTraces(replays->id, QStringLiteral("replay:orig-trace")).size(), size_t(2));
    }

    void priceTable()
    {
        const PriceTable prices = PriceTable::defaults();
        QVERIFY(prices.find(u"gpt-4o"));
        QCOMPARE(prices.find(u"gpt-4o-mini-2024-07-18")->model, QStringLiteral("gpt-4o-mini"));
        QCOMPARE(prices.find(u"openai/gpt-4o")->model, QStringLiteral("gpt-4o")); // OpenRouter names
        QCOMPARE(prices.find(u"claude-sonnet-4-20250514")->model, QStringLiteral("claude-sonnet-4"));
        QCOMPARE(prices.find(u"Claude-Opus-4-5-20251101")->model, QStringLiteral("claude-opus-4-5"));
        QVERIFY(!prices.find(u"llama3.2"));
        QVERIFY(!prices.find(u""));

        UsageDetails usage;
        usage.set(QStringLiteral("input"), 1'000'000);
        usage.set(QStringLiteral("input_cached_tokens"), 1'000'000);
        usage.set(QStringLiteral("output"), 500'000);
        usage.set(QStringLiteral("output_reasoning_tokens"), 500'000);
        const std::optional<CostDetails> cost = prices.cost(u"gpt-4o", usage);
        QVERIFY(cost);
        QCOMPARE(cost->value(QStringLiteral("input")), 2.50);
        QCOMPARE(cost->value(QStringLiteral("input_cached_tokens")), 1.25);
        QCOMPARE(cost->value(QStringLiteral("output")), 5.0);
        QCOMPARE(cost->value(QStringLiteral("output_reasoning_tokens")), 5.0);
        QCOMPARE(cost->total(), 13.75);
        QVERIFY(!prices.cost(u"my-local-model", usage));

        // The provider's own cost wins over the table.
        ReplayResult r = sampleResult();
        r.providerCost = 0.0042;
        QString source;
        QCOMPARE(replayCost(r, QStringLiteral("gpt-4o"), prices, &source).total(), 0.0042);
        QCOMPARE(source, QStringLiteral("provider"));
        r.providerCost.reset();
        QVERIFY(replayCost(r, QStringLiteral("unknown"), prices, &source).isEmpty());
        QVERIFY(source.isEmpty());

        // Edits and the settings round trip.
        PriceTable edited = prices;
        edited.set({ QStringLiteral("my-local-model"), 0.0, 0.0, -1.0 });
        edited.set({ QStringLiteral("GPT-4O"), 1.0, 2.0, -1.0 });
        QCOMPARE(edited.find(u"gpt-4o")->inputPerMillion, 1.0);
        QVERIFY(edited.remove(QStringLiteral("gpt-4o-mini")));
        QVERIFY(!edited.remove(QStringLiteral("gpt-4o-mini")));
        QString error;
        const std::optional<PriceTable> back = PriceTable::fromJson(edited.toJson(), &error);
        QVERIFY2(back, qPrintable(error));
        QCOMPARE(*back, edited);
        QVERIFY(!PriceTable::fromJson("{}", &error));
        QVERIFY(!PriceTable::fromJson(R"([{"model":"x","input":-1,"output":1}])", &error));
        QVERIFY(!PriceTable::fromJson(R"([{"input":1,"output":1}])", &error));
    }

    void ingestionBatch()
    {
        ReplayRecord record;
        record.origin.sourceKey = QStringLiteral("local");
        record.origin.traceId = QStringLiteral("orig");
        record.origin.observationId = QStringLiteral("g");
        record.origin.name = QStringLiteral("chat");
        record.request.model = QStringLiteral("gpt-4o");
        record.request.parameters.temperature = 0.5;
        record.request.parameters.responseFormat = R"({"type":"json_object"})";
        record.request.parameters.stop = { QStringLiteral("END") };
        record.sentBody = R"({"model":"gpt-4o","messages":[]})";
        record.result = sampleResult();
        record.cost.set(QStringLiteral("total"), 0.01);
        record.traceId = QStringLiteral("replay-1");
        const WriteBatch batch = replayWriteBatch(record, 7);
        const QJsonObject doc = QJsonDocument::fromJson(langfuseIngestionBatch(batch, kStart)).object();
        const QJsonArray events = doc.value(QStringLiteral("batch")).toArray();
        QCOMPARE(events.size(), 2);
        const QJsonObject trace = events.at(0).toObject();
        QCOMPARE(trace.value(QStringLiteral("type")).toString(), QStringLiteral("trace-create"));
        QCOMPARE(trace.value(QStringLiteral("id")).toString(), QStringLiteral("trace-create:replay-1"));
        const QJsonObject traceBody = trace.value(QStringLiteral("body")).toObject();
        QCOMPARE(traceBody.value(QStringLiteral("id")).toString(), QStringLiteral("replay-1"));
        QCOMPARE(traceBody.value(QStringLiteral("sessionId")).toString(), QStringLiteral("replay:orig"));
        QCOMPARE(
            traceBody.value(QStringLiteral("tags")).toArray().at(0).toString(), QStringLiteral("replay"));
        QVERIFY(traceBody.value(QStringLiteral("input")).isObject());
        const QJsonObject gen = events.at(1).toObject();
        QCOMPARE(gen.value(QStringLiteral("type")).toString(), QStringLiteral("generation-create"));
        const QJsonObject body = gen.value(QStringLiteral("body")).toObject();
        QCOMPARE(body.value(QStringLiteral("traceId")).toString(), QStringLiteral("replay-1"));
        QCOMPARE(body.value(QStringLiteral("model")).toString(), QStringLiteral("gpt-4o-mini-2024-07-18"));
        QCOMPARE(
            body.value(QStringLiteral("startTime")).toString(), QStringLiteral("2026-05-28T20:27:40.000Z"));
        QCOMPARE(body.value(QStringLiteral("completionStartTime")).toString(),
            QStringLiteral("2026-05-28T20:27:40.300Z"));
        QCOMPARE(
            body.value(QStringLiteral("endTime")).toString(), QStringLiteral("2026-05-28T20:27:41.200Z"));
        const QJsonObject parameters = body.value(QStringLiteral("modelParameters")).toObject();
        QCOMPARE(parameters.value(QStringLiteral("temperature")).toDouble(), 0.5);
        QCOMPARE(parameters.value(QStringLiteral("stop")).toArray().at(0).toString(), QStringLiteral("END"));
        QVERIFY(parameters.value(QStringLiteral("response_format")).isString()); // objects go as JSON text
        QCOMPARE(
            body.value(QStringLiteral("usageDetails")).toObject().value(QStringLiteral("output")).toInt(),
            40);
        QCOMPARE(
            body.value(QStringLiteral("costDetails")).toObject().value(QStringLiteral("total")).toDouble(),
            0.01);
        QCOMPARE(body.value(QStringLiteral("metadata"))
                     .toObject()
                     .value(QStringLiteral("replay_of"))
                     .toObject()
                     .value(QStringLiteral("trace_id"))
                     .toString(),
            QStringLiteral("orig"));

        bool ok = false;
        QVERIFY(
            langfuseIngestionErrors(R"({"successes":[{"id":"a","status":201}],"errors":[]})", &ok).isEmpty());
        QVERIFY(ok);
        const QStringList errors = langfuseIngestionErrors(
            R"({"successes":[],"errors":[{"id":"generation-create:x","status":400,"message":"Invalid model"}]})",
            &ok);
        QCOMPARE(errors, QStringList { QStringLiteral("generation-create:x: 400 Invalid model") });
        langfuseIngestionErrors("<html>", &ok);
        QVERIFY(!ok);
    }

    void summaryModel()
    {
        BatchSummaryModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        ReplayOrigin origin;
        origin.observationRk = 11;
        origin.traceName = QStringLiteral("support-chat");
        origin.name = QStringLiteral("chat-completion");
        origin.model = QStringLiteral("gpt-4o");
        origin.usage.set(QStringLiteral("input"), 1000);
        origin.usage.set(QStringLiteral("output"), 100);
        origin.cost.set(QStringLiteral("total"), 0.01);
        origin.latencyNs = 2'000'000'000;
        std::vector<BatchReplayRow> rows { BatchReplayRow::fromOrigin(origin),
            BatchReplayRow::fromOrigin(origin), BatchReplayRow::fromOrigin(origin) };
        model.setRows(rows);
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(
            model.index(0, BatchSummaryModel::StatusColumn).data().toString(), QStringLiteral("waiting"));
        QVERIFY(model.index(0, BatchSummaryModel::CostColumn).data().toString().isEmpty());

        ReplayResult same;
        same.ok = true;
        same.text = QStringLiteral("Shipped.");
        same.model = QStringLiteral("gpt-4o-mini");
        same.usage.set(QStringLiteral("input"), 1000);
        same.usage.set(QStringLiteral("output"), 80);
        same.latencyMs = 500;
        CostDetails cheap;
        cheap.set(QStringLiteral("total"), 0.002);
        BatchReplayRow r0 = model.row(0);
        r0.setResult(same, cheap, QStringLiteral("Shipped."));
        model.updateRow(0, r0);
        ReplayResult different = same;
        different.text = QStringLiteral("It was delivered yesterday.");
        BatchReplayRow r1 = model.row(1);
        r1.setResult(different, cheap, QStringLiteral("Shipped."));
        model.updateRow(1, r1);
        ReplayResult failed;
        failed.error = QStringLiteral("OpenAI refused the API key (401).");
        BatchReplayRow r2 = model.row(2);
        r2.setResult(failed, {}, QStringLiteral("Shipped."));
        model.updateRow(2, r2);

        QCOMPARE(model.index(0, BatchSummaryModel::ChangedColumn).data().toString(), QStringLiteral("no"));
        QVERIFY(model.index(1, BatchSummaryModel::ChangedColumn)
                    .data()
                    .toString()
                    .startsWith(QStringLiteral("yes")));
        QCOMPARE(model.index(1, BatchSummaryModel::ChangedColumn).data(SortRole).toInt(), 1);
        QCOMPARE(model.index(0, BatchSummaryModel::ModelColumn).data().toString(),
            QStringLiteral("gpt-4o → gpt-4o-mini"));
        QCOMPARE(
            model.index(0, BatchSummaryModel::CostDeltaColumn).data().toString(), QStringLiteral("−$0.0080"));
        QCOMPARE(model.index(0, BatchSummaryModel::CostDeltaColumn).data(SortRole).toDouble(), 0.002 - 0.01);
        QCOMPARE(model.index(0, BatchSummaryModel::OutputTokensDeltaColumn).data().toString(),
            QStringLiteral("−20"));
        QCOMPARE(
            model.index(0, BatchSummaryModel::InputTokensDeltaColumn).data().toString(), QStringLiteral("0"));
        QCOMPARE(model.index(0, BatchSummaryModel::LatencyDeltaColumn).data(SortRole).toLongLong(), -1500);
        QVERIFY(model.index(2, BatchSummaryModel::StatusColumn)
                    .data()
                    .toString()
                    .contains(QStringLiteral("401")));
        QVERIFY(model.index(2, BatchSummaryModel::CostColumn).data().toString().isEmpty());

        const BatchReplayTotals t = model.totals();
        QCOMPARE(t.done, 2);
        QCOMPARE(t.failed, 1);
        QCOMPARE(t.changed, 1);
        QCOMPARE(t.originalCost, 0.02);
        QCOMPARE(t.cost, 0.004);
        QCOMPARE(t.outputTokenDelta, -40);
        QCOMPARE(t.latencyMs, 1000);
        QCOMPARE(t.originalLatencyMs, 4000);
        const QString text = model.totalsText();
        QVERIFY2(text.contains(QStringLiteral("2 of 3 replayed")), qPrintable(text));
        QVERIFY(text.contains(QStringLiteral("1 failed")));
        QVERIFY(text.contains(QStringLiteral("1 outputs changed")));
        QVERIFY(text.contains(QStringLiteral("−80%")));
    }
};

QTEST_GUILESS_MAIN(TestReplayStore)
#include "tst_replaystore.moc"
