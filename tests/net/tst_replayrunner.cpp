// Replay plumbing around the providers, against the FAKE provider (tests/net/fakeprovider.h): the
// SSE parser on awkward chunk boundaries, provider settings with keys only in the keychain, batch
// replay with a concurrency limit, cancel and stored replays, and sending replays to Langfuse.
#include "../models/storetestutil.h"
#include "fakeprovider.h"
#include "http/contentdecoding.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"
#include "providers/openaicompatibleprovider.h"
#include "providers/providerregistry.h"
#include "providers/sseparser.h"
#include "replay/batchreplayrunner.h"
#include "replay/langfuseuploader.h"

#include <QFile>
#include <QJsonArray>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

#include <set>

using namespace tg;
using namespace tg::test;

namespace {

QByteArray fixture(const char *name)
{
    QFile file(QStringLiteral(TRACEGLASS_TEST_DATA_DIR "/chat/") + QLatin1String(name));
    if (!file.open(QIODevice::ReadOnly))
        qFatal("missing fixture %s", name);
    return file.readAll();
}

/// `count` traces with one generation each (the OpenAI chat fixture) and a span.
WriteBatch traces(qint64 sourceId, int count)
{
    WriteBatch batch;
    batch.sourceId = sourceId;
    for (int i = 0; i < count; ++i) {
        const QString id = QStringLiteral("t%1").arg(i);
        batch.traces.push_back(makeTrace(id, QStringLiteral("support-chat"), i * 10));
        ObservationRecord span = makeObservation(id + QStringLiteral("-root"), id, i * 10, 2000);
        batch.observations.push_back(span);
        ObservationRecord g = makeObservation(id + QStringLiteral("-gen"), id, i * 10, 1000, 0.01);
        g.type = ObservationType::Generation;
        g.name = QStringLiteral("chat-completion");
        g.model = QStringLiteral("gpt-4o");
        g.input = fixture("openai-chat-input.json");
        g.output = R"({"role":"assistant","content":"Your order has shipped."})";
        g.usage.set(QStringLiteral("input"), 100);
        g.usage.set(QStringLiteral("output"), 10);
        batch.observations.push_back(g);
    }
    return batch;
}

QList<QByteArray> answer(const QByteArray &text, int delayChunks)
{
    QList<QByteArray> chunks;
    chunks << sseData(
        q("{'id':'c','model':'gpt-4o-mini','choices':[{'index':0,'delta':{'role':'assistant'}}]}"));
    for (int i = 0; i < delayChunks; ++i)
        chunks << QByteArray(": waiting\n\n");
    chunks << sseData("{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + text + "\"}}]}");
    chunks << sseData(q("{'choices':[{'index':0,'delta':{},'finish_reason':'stop'}]}"));
    chunks << sseData(
        q("{'choices':[],'usage':{'prompt_tokens':90,'completion_tokens':5,'total_tokens':95}}"));
    chunks << sseData("[DONE]");
    return chunks;
}

ProviderConfig fakeConfig(const FakeProvider &server)
{
    ProviderConfig c;
    c.id = QStringLiteral("fake");
    c.name = QStringLiteral("Fake");
    c.baseUrl = server.url() + QStringLiteral("/v1");
    c.timeoutSeconds = 10;
    return c;
}

} // namespace

class TestReplayRunner : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("TraceglassTest"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_replayrunner"));
        QSettings().clear();
        qRegisterMetaType<tg::ReplayResult>();
    }

    void sseParser()
    {
        SseParser parser;
        std::vector<SseParser::Event> events = parser.feed("data: one\r");
        QVERIFY(events.empty());
        events = parser.feed("\n\r\nevent: ping\ndata: {}\n\n: comment\n\ndata: a\ndata:b\nid: 7\n\nda");
        QCOMPARE(events.size(), size_t(3));
        QCOMPARE(events[0].data, QByteArray("one"));
        QCOMPARE(events[1].event, QByteArray("ping"));
        QCOMPARE(events[1].data, QByteArray("{}"));
        QCOMPARE(events[2].data, QByteArray("a\nb"));
        QCOMPARE(events[2].id, QByteArray("7"));
        events = parser.feed("ta: tail");
        QVERIFY(events.empty());
        events = parser.finish(); // the stream ended without the blank line
        QCOMPARE(events.size(), size_t(1));
        QCOMPARE(events[0].data, QByteArray("tail"));
        // A chunk per byte gives the same events.
        SseParser bytewise;
        const QByteArray text = "event: message_start\r\ndata: {\"x\":1}\r\n\r\ndata: [DONE]\n\n";
        std::vector<SseParser::Event> all;
        for (const char c : text) {
            for (SseParser::Event &e : bytewise.feed(QByteArrayView(&c, 1)))
                all.push_back(std::move(e));
        }
        QCOMPARE(all.size(), size_t(2));
        QCOMPARE(all[0].event, QByteArray("message_start"));
        QCOMPARE(all[1].data, QByteArray("[DONE]"));
        QCOMPARE(bytewise.bytesSeen(), text.size());
    }

    void providerUrls()
    {
        QCOMPARE(normalizeProviderUrl(QStringLiteral(" api.openai.com/v1/ "), ProviderKind::OpenAiCompatible),
            QStringLiteral("https://api.openai.com/v1"));
        QCOMPARE(normalizeProviderUrl(QStringLiteral("localhost:11434/v1"), ProviderKind::OpenAiCompatible),
            QStringLiteral("http://localhost:11434/v1"));
        QCOMPARE(
            normalizeProviderUrl(QStringLiteral("https://api.anthropic.com/v1"), ProviderKind::Anthropic),
            QStringLiteral("https://api.anthropic.com"));
        QCOMPARE(normalizeProviderUrl(QStringLiteral("https://user:pw@Proxy.example.org/llm?x=1"),
                     ProviderKind::OpenAiCompatible),
            QStringLiteral("https://proxy.example.org/llm"));
        QString error;
        QVERIFY(normalizeProviderUrl(QStringLiteral("ftp://x"), ProviderKind::OpenAiCompatible, &error)
                    .isEmpty());
        QVERIFY(!error.isEmpty());
        QVERIFY(normalizeProviderUrl(QString(), ProviderKind::OpenAiCompatible, &error).isEmpty());
        QVERIFY(providerPresets().size() >= 8);
    }

    void registryKeepsKeysOutOfSettings()
    {
        CredentialStore credentials(QStringLiteral("TraceglassTest-replay"));
        ProviderRegistry registry(&credentials, QStringLiteral("replay/providers"));
        registry.load();
        QVERIFY(registry.providers().isEmpty());
        const QString key = QStringLiteral("sk-registry-test-0123456789abcdef");
        ProviderConfig c;
        c.name = QStringLiteral("OpenRouter");
        c.baseUrl = QStringLiteral("openrouter.ai/api/v1/");
        c.defaultModel = QStringLiteral("openai/gpt-4o-mini");
        bool done = false;
        bool ok = false;
        registry.save(c, key, false, this, [&](bool success, const QString &) {
            ok = success;
            done = true;
        });
        QTRY_VERIFY_WITH_TIMEOUT(done, 30000);
        QVERIFY(ok);
        if (qEnvironmentVariableIsSet("TRACEGLASS_KEYRING_SESSION")) // scripts/with-keyring, as in CI
            QCOMPARE(credentials.status(), CredentialStore::Status::Keychain);
        QCOMPARE(registry.providers().size(), 1);
        const ProviderConfig saved = registry.providers().first();
        QCOMPARE(saved.baseUrl, QStringLiteral("https://openrouter.ai/api/v1"));
        QVERIFY(!saved.id.isEmpty());

        // Settings hold the provider but never the key.
        QSettings settings;
        settings.sync();
        QFile file(settings.fileName());
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray text = file.readAll();
        QVERIFY(text.contains("openrouter.ai"));
        QVERIFY2(!text.contains(key.toUtf8()), "the key is in the settings file");

        ProviderRegistry reloaded(&credentials, QStringLiteral("replay/providers"));
        reloaded.load();
        QCOMPARE(reloaded.providers(), registry.providers());
        QString readKey;
        done = false;
        reloaded.apiKey(saved.id, this, [&](bool success, const QString &k, const QString &) {
            ok = success;
            readKey = k;
            done = true;
        });
        QTRY_VERIFY_WITH_TIMEOUT(done, 30000);
        QVERIFY(ok);
        QCOMPARE(readKey, key);

        // Editing without a key keeps it; removing the provider removes it.
        ProviderConfig edited = saved;
        edited.defaultModel = QStringLiteral("anthropic/claude-sonnet-4");
        done = false;
        registry.save(edited, QString(), false, this, [&](bool success, const QString &) {
            ok = success;
            done = true;
        });
        QTRY_VERIFY(done);
        QCOMPARE(registry.provider(saved.id)->defaultModel, QStringLiteral("anthropic/claude-sonnet-4"));
        done = false;
        registry.apiKey(saved.id, this, [&](bool, const QString &k, const QString &) {
            readKey = k;
            done = true;
        });
        QTRY_VERIFY_WITH_TIMEOUT(done, 30000);
        QCOMPARE(readKey, key);
        done = false;
        registry.remove(saved.id, this, [&](bool, const QString &) { done = true; });
        QTRY_VERIFY_WITH_TIMEOUT(done, 30000);
        QVERIFY(registry.providers().isEmpty());
        QCOMPARE(credentials.readSecretBlocking(saved.account()).error, CredentialResult::Error::NotFound);

        // A bad URL is refused with a message, and nothing is saved.
        ProviderConfig bad;
        bad.name = QStringLiteral("bad");
        bad.baseUrl = QStringLiteral("not a url at all");
        QString message;
        done = false;
        registry.save(bad, QString(), false, this, [&](bool success, const QString &m) {
            ok = success;
            message = m;
            done = true;
        });
        QTRY_VERIFY(done);
        QVERIFY(!ok);
        QVERIFY(!message.isEmpty());
        QVERIFY(registry.providers().isEmpty());
    }

    void batchReplayWithConcurrencyLimit()
    {
        auto store = openTempStore(m_dir, QStringLiteral("batch.db"));
        QVERIFY(store);
        const qint64 source = store->ensureSource(
            SourceKind::LocalReceiver, QStringLiteral("local"), QStringLiteral("Local"));
        QVERIFY(commit(*store, traces(source, 6)));
        QList<qint64> traceRks;
        {
            ReaderLease reader = store->reader();
            for (int i = 0; i < 6; ++i)
                traceRks << reader->traceById(source, QStringLiteral("t%1").arg(i))->rk;
        }
        // Every other answer differs from the recording; each takes a few chunks 40 ms apart.
        int n = 0;
        FakeProvider server([&n](const ProviderRequest &) {
            const QByteArray text = (n++ % 2) ? QByteArray("It was delivered yesterday.")
                                              : QByteArray("Your order has shipped.");
            return ProviderResponse::stream(answer(text, 3), 40);
        });
        OpenAiCompatibleProvider provider(fakeConfig(server), QString());
        BatchReplayRunner::Options options;
        options.concurrency = 2;
        options.overrides.model = QStringLiteral("gpt-4o-mini");
        options.overrides.systemMode = ReplayOverrides::SystemPrompt::Replace;
        options.overrides.systemPrompt = QStringLiteral("Answer in one sentence.");
        options.prices = PriceTable::defaults();
        BatchReplayRunner runner(store.get(), &provider, options);
        QSignalSpy finished(&runner, &BatchReplayRunner::finished);
        QSignalSpy stored(&runner, &BatchReplayRunner::replayStored);
        QSignalSpy progress(&runner, &BatchReplayRunner::progress);
        runner.startForTraces(traceRks);
        QVERIFY(finished.wait(30000));
        QCOMPARE(finished.at(0).at(0).toBool(), false);
        QCOMPARE(server.requestCount(), 6);
        QCOMPARE(server.maxConcurrent(), 2);
        for (const ProviderRequest &r : server.requests()) {
            const QJsonObject body = r.json();
            QCOMPARE(body.value(QStringLiteral("model")).toString(), QStringLiteral("gpt-4o-mini"));
            const QJsonArray messages = body.value(QStringLiteral("messages")).toArray();
            QCOMPARE(messages.at(0).toObject().value(QStringLiteral("content")).toString(),
                QStringLiteral("Answer in one sentence."));
            QCOMPARE(messages.size(), 4);
        }
        QCOMPARE(progress.last().at(0).toInt(), 6);
        QCOMPARE(stored.count(), 6);

        BatchSummaryModel *model = runner.model();
        QCOMPARE(model->rowCount(), 6);
        const BatchReplayTotals totals = model->totals();
        QCOMPARE(totals.done, 6);
        QCOMPARE(totals.failed, 0);
        QCOMPARE(totals.changed, 3);
        QCOMPARE(totals.outputTokenDelta, qint64(6 * (5 - 10)));
        QVERIFY(totals.cost > 0); // gpt-4o-mini from the price table
        QCOMPARE(totals.originalCost, 0.06);
        for (int row = 0; row < 6; ++row)
            QCOMPARE(model->row(row).state, BatchReplayRow::State::Done);

        // Stored under Replays, each in the session of its original trace.
        ReaderLease reader = store->reader();
        const std::optional<Source> replays = reader->sourceByKey(QStringLiteral("replays"));
        QVERIFY(replays);
        TraceFilter onlyReplays;
        onlyReplays.sourceIds = { replays->id };
        QCOMPARE(reader->countTraces(onlyReplays), qint64(6));
        QCOMPARE(reader->sessionTraces(replays->id, QStringLiteral("replay:t3")).size(), size_t(1));
    }

    void batchCancelAndFailures()
    {
        auto store = openTempStore(m_dir, QStringLiteral("cancel.db"));
        const qint64 source = store->ensureSource(
            SourceKind::LocalReceiver, QStringLiteral("local"), QStringLiteral("Local"));
        QVERIFY(commit(*store, traces(source, 5)));
        std::vector<qint64> generations;
        {
            ReaderLease reader = store->reader();
            QList<qint64> rks;
            for (int i = 0; i < 5; ++i)
                rks << reader->traceById(source, QStringLiteral("t%1").arg(i))->rk;
            generations = ReplayOrigin::generationsOf(*reader, rks);
        }
        QCOMPARE(generations.size(), size_t(5));
        // The first request fails (401), the others stream slowly until cancelled.
        int n = 0;
        FakeProvider server([&n](const ProviderRequest &) {
            if (n++ == 0)
                return ProviderResponse::json(401, q("{'error':{'message':'bad key'}}"));
            return ProviderResponse::stream(answer("slow", 20), 100);
        });
        OpenAiCompatibleProvider provider(fakeConfig(server), QString());
        BatchReplayRunner::Options options;
        options.concurrency = 2;
        BatchReplayRunner runner(store.get(), &provider, options);
        QSignalSpy finished(&runner, &BatchReplayRunner::finished);
        runner.start(generations);
        QTRY_VERIFY(server.requestCount() >= 3);
        runner.cancel();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 10000);
        QCOMPARE(finished.at(0).at(0).toBool(), true);
        const BatchReplayTotals totals = runner.model()->totals();
        QCOMPARE(totals.failed, 1);
        QCOMPARE(totals.done, 0);
        QCOMPARE(totals.cancelled, 4);
        QVERIFY(runner.model()->row(0).error.contains(QStringLiteral("401")));
        QVERIFY(server.requestCount() < 5); // the rest never went out
        QVERIFY(!runner.isRunning());
    }

    void sendToLangfuse()
    {
        // Langfuse's OpenTelemetry endpoint (the batch ingestion API is gone on Cloud): gzip
        // protobuf with Basic auth and ingestion version 4. A fake, because Langfuse cannot run
        // here; it rejects requests with more than one trace as a partial success.
        FakeProvider langfuse([](const ProviderRequest &request) {
            if (request.path != u"/api/public/otel/v1/traces")
                return ProviderResponse::json(404, "{}");
            const DecodedBody body = decodeContent(request.body, ContentEncoding::Gzip, 64 << 20);
            opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest export_;
            opentelemetry::proto::collector::trace::v1::ExportTraceServiceResponse answer;
            if (body.status != DecodedBody::Status::Ok
                || !export_.ParseFromArray(body.data.constData(), int(body.data.size())))
                return ProviderResponse::json(400, "{}");
            std::set<std::string> traces;
            for (const auto &resource : export_.resource_spans())
                for (const auto &scope : resource.scope_spans())
                    for (const auto &span : scope.spans())
                        traces.insert(span.trace_id());
            if (traces.size() > 1) {
                answer.mutable_partial_success()->set_rejected_spans(1);
                answer.mutable_partial_success()->set_error_message("Invalid request data");
            }
            ProviderResponse r;
            r.status = 200;
            const std::string bytes = answer.SerializeAsString();
            r.body = QByteArray(bytes.data(), qsizetype(bytes.size()));
            r.header("Content-Type", "application/x-protobuf");
            return r;
        });
        ReplayRecord record;
        record.origin.traceId = QStringLiteral("orig");
        record.origin.name = QStringLiteral("chat");
        record.request.model = QStringLiteral("gpt-4o");
        record.result.ok = true;
        record.result.text = QStringLiteral("hi");
        record.traceId = QStringLiteral("replay-x");
        const WriteBatch one = replayWriteBatch(record, 1);
        LangfuseUploader uploader;
        bool ok = false;
        QString message;
        bool done = false;
        uploader.send(langfuse.url(), QStringLiteral("pk-lf-123"), QStringLiteral("sk-lf-secret"), one, this,
            [&](bool success, const QString &m) {
                ok = success;
                message = m;
                done = true;
            });
        QTRY_VERIFY(done);
        QVERIFY2(ok, qPrintable(message));
        const ProviderRequest sent = langfuse.last();
        QCOMPARE(sent.method, QByteArray("POST"));
        QCOMPARE(sent.headers.value("authorization"),
            QByteArray("Basic ") + QByteArray("pk-lf-123:sk-lf-secret").toBase64());
        QCOMPARE(sent.headers.value("x-langfuse-ingestion-version"), QByteArray("4"));
        QCOMPARE(sent.headers.value("content-encoding"), QByteArray("gzip"));
        const DecodedBody plain = decodeContent(sent.body, ContentEncoding::Gzip, 64 << 20);
        QCOMPARE(plain.data, LangfuseUploader::otlpBody(one, QStringLiteral("pk-lf-123")));
        // The replay's generation goes out as a span with its model.
        opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest parsed;
        QVERIFY(parsed.ParseFromArray(plain.data.constData(), int(plain.data.size())));
        QVERIFY(parsed.ShortDebugString().find("gpt-4o") != std::string::npos);

        // Two replays in one request: the fake rejects a span; the send says so.
        record.traceId = QStringLiteral("replay-y");
        WriteBatch two = one;
        const WriteBatch other = replayWriteBatch(record, 2);
        two.traces.insert(two.traces.end(), other.traces.begin(), other.traces.end());
        two.observations.insert(two.observations.end(), other.observations.begin(), other.observations.end());
        done = false;
        uploader.send(langfuse.url(), QStringLiteral("pk-lf-123"), QStringLiteral("sk-lf-secret"), two, this,
            [&](bool success, const QString &m) {
                ok = success;
                message = m;
                done = true;
            });
        QTRY_VERIFY(done);
        QVERIFY(!ok);
        QVERIFY2(message.contains(QStringLiteral("Invalid request data")), qPrintable(message));
        QVERIFY(!message.contains(QStringLiteral("sk-lf-secret")));
    }
};

QTEST_GUILESS_MAIN(TestReplayRunner)
#include "tst_replayrunner.moc"
