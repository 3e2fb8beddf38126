// Chat providers against a FAKE provider (tests/net/fakeprovider.h; no real provider can run here):
// the exact request bodies and headers (auth included) of OpenAI-compatible and Anthropic requests,
// SSE streaming with text and tool-call deltas, the non-streaming fallback, errors 400/401/429/500,
// stream errors, a slow stream cancelled mid-way, a dropped stream, timeouts, refused connections,
// model lists, and logs that never contain the key.
#include "fakeprovider.h"
#include "providers/anthropicprovider.h"
#include "providers/openaicompatibleprovider.h"

#include <QLoggingCategory>
#include <QMutex>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTest>

using namespace tg;
using namespace tg::test;

namespace {

/// A provider key generated per run (no key-shaped literal in the source).
const QByteArray kKey = []() -> QByteArray {
    QByteArray key("sk-test-");
    for (int i = 0; i < 32; ++i)
        key += "0123456789abcdef"[QRandomGenerator::global()->bounded(16)];
    return key;
}();
constexpr char kAnthropicKey[] = "sk-ant-api03-secretsecretsecretsecret0123";

QMutex g_logMutex;
QStringList g_logs;
QtMessageHandler g_previous = nullptr;

void captureLogs(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    {
        QMutexLocker lock(&g_logMutex);
        g_logs << message;
    }
    if (g_previous && type >= QtWarningMsg)
        g_previous(type, context, message);
}

QByteArray normalised(const QByteArray &text)
{
    const QJsonDocument doc = QJsonDocument::fromJson(text);
    return doc.isNull() ? "not JSON: " + text : doc.toJson(QJsonDocument::Compact);
}

ReplayRequest orderRequest(const QString &model)
{
    ReplayRequest r;
    r.model = model;
    r.messages.push_back({ QStringLiteral("system"), QStringLiteral("Be brief."), {}, {}, {}, false, {} });
    r.messages.push_back(
        { QStringLiteral("user"), QStringLiteral("Where is order 7?"), {}, {}, {}, false, {} });
    ReplayMessage call;
    call.role = QStringLiteral("assistant");
    call.toolCalls.push_back(
        { QStringLiteral("call_1"), QStringLiteral("lookup_order"), QStringLiteral(R"({"id":"7"})") });
    r.messages.push_back(call);
    ReplayMessage result;
    result.role = QStringLiteral("tool");
    result.toolCallId = QStringLiteral("call_1");
    result.content = QStringLiteral(R"({"status":"shipped"})");
    r.messages.push_back(result);
    r.tools.push_back({ QStringLiteral("lookup_order"), QStringLiteral("Finds an order."),
        QStringLiteral(R"({"type":"object","properties":{"id":{"type":"string"}}})") });
    r.parameters.temperature = 0.1;
    r.parameters.topP = 0.9;
    r.parameters.maxTokens = 64;
    r.parameters.stop = { QStringLiteral("END") };
    r.parameters.seed = 3;
    r.parameters.responseFormat = R"({"type":"json_object"})";
    r.parameters.toolChoice = "\"auto\"";
    return r;
}

ProviderConfig config(const FakeProvider &server, ProviderKind kind, bool streaming = true)
{
    ProviderConfig c;
    c.id = QStringLiteral("p1");
    c.name = kind == ProviderKind::Anthropic ? QStringLiteral("Anthropic") : QStringLiteral("OpenAI");
    c.kind = kind;
    c.baseUrl = server.url() + (kind == ProviderKind::Anthropic ? QString() : QStringLiteral("/v1"));
    c.streaming = streaming;
    c.timeoutSeconds = 10;
    return c;
}

QList<QByteArray> openAiTextStream()
{
    return { sseData(q("{'id':'chatcmpl-1','model':'gpt-4o-mini-2024-07-18','choices':[{'index':0,'delta':{'"
                       "role':'assistant','content':''},'finish_reason':null}]}")),
        sseData(q("{'id':'chatcmpl-1','choices':[{'index':0,'delta':{'content':'Your order'}}]}")),
        // One event split over two chunks, with CRLF line ends.
        QByteArray("data: {\"id\":\"chatcmpl-1\",\"choices\":[{\"index\":0,\"delta\":"),
        QByteArray("{\"content\":\" has shipped.\"}}]}\r\n\r\n"), QByteArray(": keep-alive comment\n\n"),
        sseData(q("{'id':'chatcmpl-1','choices':[{'index':0,'delta':{},'finish_reason':'stop'}]}")),
        sseData(q("{'id':'chatcmpl-1','choices':[],'usage':{'prompt_tokens':120,'completion_tokens':8,'total_"
                  "tokens':128,"
                  "'prompt_tokens_details':{'cached_tokens':100},'completion_tokens_details':{'reasoning_"
                  "tokens':2},'cost':0.00042}}")),
        sseData("[DONE]") };
}

QList<QByteArray> openAiToolStream()
{
    return { sseData(q("{'id':'c2','model':'gpt-4o','choices':[{'index':0,'delta':{'role':'assistant','"
                       "content':null,'tool_calls':"
                       "[{'index':0,'id':'call_a','type':'function','function':{'name':'lookup_order','"
                       "arguments':''}}]}}]}")),
        sseData(q("{'choices':[{'index':0,'delta':{'tool_calls':[{'index':0,'function':{'arguments':'{\\'"
                  "id\\':'}}]}}]}")),
        sseData(q("{'choices':[{'index':0,'delta':{'tool_calls':[{'index':0,'function':{'arguments':'\\'7\\'}"
                  "'}}]}}]}")),
        sseData(q("{'choices':[{'index':0,'delta':{'tool_calls':[{'index':1,'id':'call_b','type':'function','"
                  "function':"
                  "{'name':'get_shipping_status','arguments':'{\\'tracking\\':\\'1Z9\\'}'}}]}}]}")),
        sseData(q("{'choices':[{'index':0,'delta':{},'finish_reason':'tool_calls'}]}")), sseData("[DONE]") };
}

QList<QByteArray> anthropicStream()
{
    return { sseEvent("message_start",
                 q("{'type':'message_start','message':{'id':'msg_1','type':'message','role':'assistant',"
                   "'model':'claude-3-5-haiku-20241022','content':[],'usage':{'input_tokens':50,"
                   "'cache_read_input_tokens':20,'output_tokens':1}}}")),
        sseEvent("content_block_start",
            q("{'type':'content_block_start','index':0,'content_block':{'type':'text','text':''}}")),
        sseEvent("ping", q("{'type':'ping'}")),
        sseEvent("content_block_delta",
            q("{'type':'content_block_delta','index':0,'delta':{'type':'text_delta','text':'Let me "
              "check'}}")),
        sseEvent("content_block_delta",
            q("{'type':'content_block_delta','index':0,'delta':{'type':'text_delta','text':' that.'}}")),
        sseEvent("content_block_stop", q("{'type':'content_block_stop','index':0}")),
        sseEvent("content_block_start",
            q("{'type':'content_block_start','index':1,'content_block':{'type':'tool_use','id':'toolu_9',"
              "'name':'lookup_order','input':{}}}")),
        sseEvent("content_block_delta",
            q("{'type':'content_block_delta','index':1,'delta':{'type':'input_json_delta','partial_json':'{"
              "\\'id\\': '}}")),
        sseEvent("content_block_delta",
            q("{'type':'content_block_delta','index':1,'delta':{'type':'input_json_delta','partial_json':'\\'"
              "7\\'}'}}")),
        sseEvent("content_block_stop", q("{'type':'content_block_stop','index':1}")),
        sseEvent("message_delta",
            q("{'type':'message_delta','delta':{'stop_reason':'tool_use','stop_sequence':null},'usage':{'"
              "output_tokens':30}}")),
        sseEvent("message_stop", q("{'type':'message_stop'}")) };
}

struct Outcome
{
    ReplayResult result;
    QStringList deltas;
    int toolCallSignals = 0;
    QByteArray sentBody;
};

Outcome run(ChatProvider &provider, const ReplayRequest &request, ProviderRunOptions options,
    const std::function<void(ChatRun *)> &onFirstDelta = {})
{
    Outcome out;
    ChatRun *chatRun = provider.start(request, options);
    QObject::connect(
        chatRun, &ChatRun::textDelta, chatRun, [&out, chatRun, onFirstDelta](const QString &text) {
            out.deltas << text;
            if (out.deltas.size() == 1 && onFirstDelta)
                onFirstDelta(chatRun);
        });
    QObject::connect(chatRun, &ChatRun::toolCallsChanged, chatRun, [&out] { ++out.toolCallSignals; });
    QSignalSpy finished(chatRun, &ChatRun::finished);
    if (!finished.wait(15000))
        qWarning("the run did not finish");
    if (!finished.isEmpty())
        out.result = finished.at(0).at(0).value<ReplayResult>();
    out.sentBody = chatRun->requestBody();
    [&] { QCOMPARE(finished.count(), 1); }();
    delete chatRun;
    return out;
}

} // namespace

class TestChatProviders : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        qRegisterMetaType<tg::ReplayResult>();
        QLoggingCategory::setFilterRules(
            QStringLiteral("traceglass.providers.debug=true\ntraceglass.providers.info=true"));
        g_previous = qInstallMessageHandler(captureLogs);
    }

    void cleanupTestCase() { qInstallMessageHandler(g_previous); }

    void openAiStreamsText()
    {
        FakeProvider server(
            [](const ProviderRequest &) { return ProviderResponse::stream(openAiTextStream(), 20); });
        OpenAiCompatibleProvider provider(
            config(server, ProviderKind::OpenAiCompatible), QString::fromLatin1(kKey));
        const Outcome o
            = run(provider, orderRequest(QStringLiteral("gpt-4o-mini")), provider.defaultOptions());

        QCOMPARE(server.requestCount(), 1);
        const ProviderRequest sent = server.last();
        QCOMPARE(sent.method, QByteArray("POST"));
        QCOMPARE(sent.path, QStringLiteral("/v1/chat/completions"));
        QCOMPARE(sent.headers.value("authorization"), QByteArray("Bearer ") + kKey);
        QCOMPARE(sent.headers.value("content-type"), QByteArray("application/json"));
        QCOMPARE(sent.headers.value("accept"), QByteArray("text/event-stream"));
        QVERIFY(!sent.headers.contains("x-api-key"));
        QCOMPARE(sent.body, o.sentBody);
        QCOMPARE(normalised(sent.body), normalised(q(R"({'model':'gpt-4o-mini','messages':[
            {'role':'system','content':'Be brief.'},{'role':'user','content':'Where is order 7?'},
            {'role':'assistant','content':null,'tool_calls':[{'id':'call_1','type':'function','function':{'name':'lookup_order','arguments':'{\'id\':\'7\'}'}}]},
            {'role':'tool','tool_call_id':'call_1','content':'{\'status\':\'shipped\'}'}],
            'tools':[{'type':'function','function':{'name':'lookup_order','description':'Finds an order.',
              'parameters':{'type':'object','properties':{'id':{'type':'string'}}}}}],
            'tool_choice':'auto','temperature':0.1,'top_p':0.9,'max_tokens':64,'stop':['END'],'seed':3,
            'response_format':{'type':'json_object'},'stream':true,'stream_options':{'include_usage':true}})")));

        const ReplayResult &r = o.result;
        QVERIFY2(r.ok, qPrintable(r.error));
        QVERIFY(r.streamed);
        QCOMPARE(o.deltas, (QStringList { QStringLiteral("Your order"), QStringLiteral(" has shipped.") }));
        QCOMPARE(r.text, QStringLiteral("Your order has shipped."));
        QCOMPARE(r.finishReason, QStringLiteral("stop"));
        QCOMPARE(r.model, QStringLiteral("gpt-4o-mini-2024-07-18"));
        QCOMPARE(r.responseId, QStringLiteral("chatcmpl-1"));
        QCOMPARE(r.usage.value(QStringLiteral("input")), 20);
        QCOMPARE(r.usage.value(QStringLiteral("input_cached_tokens")), 100);
        QCOMPARE(r.usage.value(QStringLiteral("output")), 6);
        QCOMPARE(r.usage.value(QStringLiteral("output_reasoning_tokens")), 2);
        QCOMPARE(r.usage.value(QStringLiteral("total")), 128);
        QCOMPARE(r.providerCost, std::optional<double>(0.00042)); // OpenRouter's usage.cost
        QCOMPARE(r.httpStatus, 200);
        QVERIFY(r.ttftMs >= 0);
        QVERIFY(r.latencyMs >= r.ttftMs);
        QVERIFY2(r.latencyMs >= 80, "six chunks 20 ms apart"); // timing comes from the wire
        QVERIFY(r.startedMs > 0);
    }

    void openAiAssemblesToolCallDeltas()
    {
        FakeProvider server(
            [](const ProviderRequest &) { return ProviderResponse::stream(openAiToolStream()); });
        OpenAiCompatibleProvider provider(config(server, ProviderKind::OpenAiCompatible), QString());
        const Outcome o = run(provider, orderRequest(QStringLiteral("gpt-4o")), provider.defaultOptions());
        const ReplayResult &r = o.result;
        QVERIFY2(r.ok, qPrintable(r.error));
        QVERIFY(!server.last().headers.contains("authorization")); // no key, no header (local servers)
        QCOMPARE(r.toolCalls.size(), size_t(2));
        QCOMPARE(r.toolCalls[0],
            (ReplayToolCall {
                QStringLiteral("call_a"), QStringLiteral("lookup_order"), QStringLiteral(R"({"id":"7"})") }));
        QCOMPARE(r.toolCalls[1],
            (ReplayToolCall { QStringLiteral("call_b"), QStringLiteral("get_shipping_status"),
                QStringLiteral(R"({"tracking":"1Z9"})") }));
        QCOMPARE(r.finishReason, QStringLiteral("tool_calls"));
        QCOMPARE(o.toolCallSignals, 4);
        QVERIFY(r.text.isEmpty());
        QVERIFY(r.ttftMs >= 0); // a tool call is the first token
        QCOMPARE(r.comparableText(),
            QStringLiteral("→ lookup_order {\"id\":\"7\"}\n→ get_shipping_status {\"tracking\":\"1Z9\"}"));
    }

    void nonStreamingAndFallback()
    {
        const QByteArray completion
            = q("{'id':'c3','object':'chat.completion','model':'llama3.2','choices':[{'index':0,"
                "'message':{'role':'assistant','content':'Shipped.','tool_calls':[{'id':'call_z','type':'"
                "function',"
                "'function':{'name':'lookup_order','arguments':'{}'}}]},'finish_reason':'stop'}],"
                "'usage':{'prompt_tokens':10,'completion_tokens':2,'total_tokens':12}}");
        FakeProvider server([&](const ProviderRequest &) { return ProviderResponse::json(200, completion); });
        // Streaming off: no stream flags, JSON accepted.
        OpenAiCompatibleProvider plain(config(server, ProviderKind::OpenAiCompatible, false), QString());
        const Outcome o = run(plain, orderRequest(QStringLiteral("llama3.2")), plain.defaultOptions());
        QVERIFY2(o.result.ok, qPrintable(o.result.error));
        const QJsonObject body = server.last().json();
        QVERIFY(!body.contains(QStringLiteral("stream")));
        QVERIFY(!body.contains(QStringLiteral("stream_options")));
        QCOMPARE(server.last().headers.value("accept"), QByteArray("application/json"));
        QCOMPARE(o.result.text, QStringLiteral("Shipped."));
        QCOMPARE(o.result.toolCalls.size(), size_t(1));
        QCOMPARE(o.result.usage.value(QStringLiteral("input")), 10);
        QVERIFY(!o.result.streamed);
        QCOMPARE(o.result.ttftMs, -1);
        // Streaming asked for, but the server answers with plain JSON: read as JSON.
        OpenAiCompatibleProvider streaming(config(server, ProviderKind::OpenAiCompatible, true), QString());
        const Outcome f
            = run(streaming, orderRequest(QStringLiteral("llama3.2")), streaming.defaultOptions());
        QVERIFY(server.last().json().value(QStringLiteral("stream")).toBool());
        QVERIFY2(f.result.ok, qPrintable(f.result.error));
        QCOMPARE(f.result.text, QStringLiteral("Shipped."));
        // A 200 that is not a completion is an error, not a crash.
        server.setHandler(
            [](const ProviderRequest &) { return ProviderResponse::json(200, "<html>proxy login</html>"); });
        const Outcome bad = run(plain, orderRequest(QStringLiteral("m")), plain.defaultOptions());
        QVERIFY(!bad.result.ok);
        QVERIFY2(bad.result.error.contains(QStringLiteral("unexpected")), qPrintable(bad.result.error));
    }

    void anthropicStreams()
    {
        FakeProvider server(
            [](const ProviderRequest &) { return ProviderResponse::stream(anthropicStream(), 5); });
        AnthropicProvider provider(
            config(server, ProviderKind::Anthropic), QString::fromLatin1(kAnthropicKey));
        const Outcome o = run(
            provider, orderRequest(QStringLiteral("claude-3-5-haiku-latest")), provider.defaultOptions());
        const ProviderRequest sent = server.last();
        QCOMPARE(sent.path, QStringLiteral("/v1/messages"));
        QCOMPARE(sent.headers.value("x-api-key"), QByteArray(kAnthropicKey));
        QCOMPARE(sent.headers.value("anthropic-version"), QByteArray("2023-06-01"));
        QVERIFY(!sent.headers.contains("authorization"));
        QCOMPARE(normalised(sent.body),
            normalised(q(R"({'model':'claude-3-5-haiku-latest','max_tokens':64,'system':'Be brief.',
            'messages':[{'role':'user','content':[{'type':'text','text':'Where is order 7?'}]},
              {'role':'assistant','content':[{'type':'tool_use','id':'call_1','name':'lookup_order','input':{'id':'7'}}]},
              {'role':'user','content':[{'type':'tool_result','tool_use_id':'call_1','content':'{\'status\':\'shipped\'}'}]}],
            'tools':[{'name':'lookup_order','description':'Finds an order.','input_schema':{'type':'object','properties':{'id':{'type':'string'}}}}],
            'tool_choice':{'type':'auto'},'temperature':0.1,'top_p':0.9,'stop_sequences':['END'],'stream':true})")));

        const ReplayResult &r = o.result;
        QVERIFY2(r.ok, qPrintable(r.error));
        QCOMPARE(o.deltas, (QStringList { QStringLiteral("Let me check"), QStringLiteral(" that.") }));
        QCOMPARE(r.text, QStringLiteral("Let me check that."));
        QCOMPARE(r.toolCalls.size(), size_t(1));
        QCOMPARE(r.toolCalls[0].id, QStringLiteral("toolu_9"));
        QCOMPARE(r.toolCalls[0].arguments, QStringLiteral(R"({"id": "7"})"));
        QCOMPARE(r.finishReason, QStringLiteral("tool_use"));
        QCOMPARE(r.model, QStringLiteral("claude-3-5-haiku-20241022"));
        QCOMPARE(r.usage.value(QStringLiteral("input")), 50);
        QCOMPARE(r.usage.value(QStringLiteral("input_cached_tokens")), 20);
        QCOMPARE(r.usage.value(QStringLiteral("output")), 30);
        QCOMPARE(r.usage.value(QStringLiteral("total")), 100);
    }

    void anthropicJsonAndStreamError()
    {
        FakeProvider server([](const ProviderRequest &) {
            return ProviderResponse::json(200,
                q("{'id':'msg_2','type':'message','role':'assistant','model':'claude-sonnet-4-20250514',"
                  "'content':[{'type':'text','text':'Done.'},{'type':'tool_use','id':'toolu_1','name':'f','"
                  "input':{'a':1}}],"
                  "'stop_reason':'end_turn','usage':{'input_tokens':7,'output_tokens':3}}"));
        });
        AnthropicProvider provider(
            config(server, ProviderKind::Anthropic, false), QString::fromLatin1(kAnthropicKey));
        const Outcome o
            = run(provider, orderRequest(QStringLiteral("claude-sonnet-4")), provider.defaultOptions());
        QVERIFY2(o.result.ok, qPrintable(o.result.error));
        QCOMPARE(o.result.text, QStringLiteral("Done."));
        QCOMPARE(o.result.toolCalls[0].arguments, QStringLiteral(R"({"a":1})"));
        QCOMPARE(o.result.finishReason, QStringLiteral("end_turn"));

        // An error event in the middle of a stream ends the run with its message; text so far is kept.
        server.setHandler([](const ProviderRequest &) {
            QList<QByteArray> events = anthropicStream().mid(0, 4);
            events << sseEvent(
                "error", q("{'type':'error','error':{'type':'overloaded_error','message':'Overloaded'}}"));
            return ProviderResponse::stream(events);
        });
        AnthropicProvider streaming(
            config(server, ProviderKind::Anthropic, true), QString::fromLatin1(kAnthropicKey));
        const Outcome e
            = run(streaming, orderRequest(QStringLiteral("claude-sonnet-4")), streaming.defaultOptions());
        QVERIFY(!e.result.ok);
        QVERIFY2(e.result.error.contains(QStringLiteral("Overloaded")), qPrintable(e.result.error));
        QCOMPARE(e.result.text, QStringLiteral("Let me check"));
    }

    void httpErrors_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QByteArray>("retryAfter");
        QTest::addColumn<QString>("expected");
        QTest::newRow("400")
            << 400 << q("{'error':{'message':'Unsupported parameter: seed','type':'invalid_request_error'}}")
            << QByteArray()
            << QStringLiteral("OpenAI rejected the request (400): Unsupported parameter: seed");
        // The server echoes the key: the message must not.
        QTest::newRow("401") << 401
                             << (q("{'error':{'message':'Incorrect API key provided: ") + kKey + q("'}}"))
                             << QByteArray() << QStringLiteral("OpenAI refused the API key (401)");
        QTest::newRow("429") << 429 << q("{'error':{'message':'Rate limit reached for gpt-4o'}}")
                             << QByteArray("7") << QStringLiteral("Retry after 7 s.");
        QTest::newRow("500") << 500 << QByteArray("upstream exploded") << QByteArray()
                             << QStringLiteral("OpenAI failed (500): upstream exploded");
        QTest::newRow("ollama") << 404 << q("{'error':'model \\'llama9\\' not found'}") << QByteArray()
                                << QStringLiteral("Check the base URL and the model name");
    }

    void httpErrors()
    {
        QFETCH(int, status);
        QFETCH(QByteArray, body);
        QFETCH(QByteArray, retryAfter);
        QFETCH(QString, expected);
        FakeProvider server([&](const ProviderRequest &) {
            ProviderResponse r = ProviderResponse::json(status, body);
            if (!retryAfter.isEmpty())
                r.header("Retry-After", retryAfter);
            return r;
        });
        OpenAiCompatibleProvider provider(
            config(server, ProviderKind::OpenAiCompatible), QString::fromLatin1(kKey));
        const Outcome o = run(provider, orderRequest(QStringLiteral("gpt-4o")), provider.defaultOptions());
        QVERIFY(!o.result.ok);
        QVERIFY(!o.result.cancelled);
        QCOMPARE(o.result.httpStatus, status);
        QVERIFY2(o.result.error.contains(expected), qPrintable(o.result.error));
        QVERIFY2(!o.result.error.contains(QLatin1String(kKey)), qPrintable(o.result.error));
        QCOMPARE(o.result.retryAfterSeconds, retryAfter.isEmpty() ? -1 : retryAfter.toInt());
    }

    void slowStreamCancelledMidway()
    {
        QList<QByteArray> chunks;
        for (int i = 0; i < 40; ++i)
            chunks << sseData("{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"word "
                + QByteArray::number(i) + " \"}}]}");
        chunks << sseData("[DONE]");
        FakeProvider server([&](const ProviderRequest &) { return ProviderResponse::stream(chunks, 150); });
        OpenAiCompatibleProvider provider(config(server, ProviderKind::OpenAiCompatible), QString());
        QElapsedTimer timer;
        timer.start();
        const Outcome o = run(provider, orderRequest(QStringLiteral("m")), provider.defaultOptions(),
            [](ChatRun *r) { QTimer::singleShot(200, r, [r] { r->cancel(); }); });
        QVERIFY(o.result.cancelled);
        QVERIFY(!o.result.ok);
        QVERIFY(!o.deltas.isEmpty());
        QVERIFY2(o.deltas.size() < 10, "stopped well before the end");
        QVERIFY(o.result.text.startsWith(QStringLiteral("word 0 "))); // the partial answer is kept
        QVERIFY2(timer.elapsed() < 3000, "cancel does not wait for the stream");
        QTRY_COMPARE(server.clientAborts(), 1); // the connection really closed
    }

    void droppedStream()
    {
        FakeProvider server([](const ProviderRequest &) {
            ProviderResponse r = ProviderResponse::stream(openAiTextStream());
            r.dropAfter = 2; // the role chunk and "Your order", then the connection dies
            return r;
        });
        OpenAiCompatibleProvider provider(config(server, ProviderKind::OpenAiCompatible), QString());
        const Outcome o = run(provider, orderRequest(QStringLiteral("m")), provider.defaultOptions());
        QVERIFY(!o.result.ok);
        QVERIFY(!o.result.cancelled);
        QVERIFY2(o.result.error.contains(QStringLiteral("closed before the answer was complete")),
            qPrintable(o.result.error));
        QCOMPARE(o.result.text, QStringLiteral("Your order"));
    }

    void timeouts()
    {
        FakeProvider silent([](const ProviderRequest &) {
            ProviderResponse r;
            r.mode = ProviderResponse::Mode::Silent;
            return r;
        });
        OpenAiCompatibleProvider provider(config(silent, ProviderKind::OpenAiCompatible), QString());
        ProviderRunOptions options = provider.defaultOptions();
        options.firstByteTimeoutMs = 300;
        options.idleTimeoutMs = 300;
        const Outcome o = run(provider, orderRequest(QStringLiteral("m")), options);
        QVERIFY(!o.result.ok);
        QVERIFY2(
            o.result.error.contains(QStringLiteral("No answer from OpenAI")), qPrintable(o.result.error));

        FakeProvider stalled([](const ProviderRequest &) {
            ProviderResponse r = ProviderResponse::stream(openAiTextStream());
            r.stallAfter = 2;
            return r;
        });
        OpenAiCompatibleProvider second(config(stalled, ProviderKind::OpenAiCompatible), QString());
        const Outcome s = run(second, orderRequest(QStringLiteral("m")), options);
        QVERIFY(!s.result.ok);
        QVERIFY2(s.result.error.contains(QStringLiteral("stalled")), qPrintable(s.result.error));
        QCOMPARE(s.result.text, QStringLiteral("Your order"));
    }

    void refusedConnection()
    {
        ProviderConfig c;
        c.id = QStringLiteral("x");
        c.name = QStringLiteral("Nowhere");
        {
            FakeProvider closed;
            c.baseUrl = closed.url() + QStringLiteral("/v1"); // a port nobody listens on once it is gone
        }
        OpenAiCompatibleProvider provider(c, QString());
        const Outcome o = run(provider, orderRequest(QStringLiteral("m")), provider.defaultOptions());
        QVERIFY(!o.result.ok);
        QVERIFY2(
            o.result.error.contains(QStringLiteral("refused the connection")), qPrintable(o.result.error));
        QCOMPARE(o.result.httpStatus, 0);
    }

    void modelLists()
    {
        FakeProvider server([](const ProviderRequest &request) {
            if (request.path == u"/v1/models" && request.headers.contains("x-api-key"))
                return ProviderResponse::json(200,
                    q("{'data':[{'type':'model','id':'claude-sonnet-4-20250514'},{'id':'claude-3-5-haiku-"
                      "20241022'}],'has_more':false}"));
            if (request.path == u"/v1/models")
                return ProviderResponse::json(
                    200, q("{'object':'list','data':[{'id':'gpt-4o'},{'id':'Gpt-4.1'},{'id':'dall-e-3'}]}"));
            return ProviderResponse::json(404, "{}");
        });
        OpenAiCompatibleProvider openai(
            config(server, ProviderKind::OpenAiCompatible), QString::fromLatin1(kKey));
        QStringList models;
        QString error;
        bool done = false;
        openai.fetchModels(this, [&](const QStringList &m, const QString &e) {
            models = m;
            error = e;
            done = true;
        });
        QTRY_VERIFY(done);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(models,
            (QStringList {
                QStringLiteral("dall-e-3"), QStringLiteral("Gpt-4.1"), QStringLiteral("gpt-4o") }));
        QCOMPARE(server.last().method, QByteArray("GET"));
        QCOMPARE(server.last().headers.value("authorization"), QByteArray("Bearer ") + kKey);

        AnthropicProvider anthropic(
            config(server, ProviderKind::Anthropic), QString::fromLatin1(kAnthropicKey));
        done = false;
        anthropic.fetchModels(this, [&](const QStringList &m, const QString &e) {
            models = m;
            error = e;
            done = true;
        });
        QTRY_VERIFY(done);
        QCOMPARE(models,
            (QStringList {
                QStringLiteral("claude-3-5-haiku-20241022"), QStringLiteral("claude-sonnet-4-20250514") }));
        QCOMPARE(server.last().query, QStringLiteral("limit=1000"));
        QCOMPARE(server.last().headers.value("anthropic-version"), QByteArray("2023-06-01"));

        server.setHandler([](const ProviderRequest &) {
            return ProviderResponse::json(401, q("{'error':{'message':'bad key'}}"));
        });
        done = false;
        openai.fetchModels(this, [&](const QStringList &m, const QString &e) {
            models = m;
            error = e;
            done = true;
        });
        QTRY_VERIFY(done);
        QVERIFY(models.isEmpty());
        QVERIFY2(error.contains(QStringLiteral("401")), qPrintable(error));
    }

    void retryAfterParsing()
    {
        QCOMPARE(ChatProvider::parseRetryAfter("12"), 12);
        QCOMPARE(ChatProvider::parseRetryAfter(" 0.5 "), 1);
        QCOMPARE(ChatProvider::parseRetryAfter(""), -1);
        QCOMPARE(ChatProvider::parseRetryAfter("soon"), -1);
        const QByteArray inAMinute
            = QDateTime::currentDateTimeUtc().addSecs(60).toString(Qt::RFC2822Date).toLatin1();
        QVERIFY(qAbs(ChatProvider::parseRetryAfter(inAMinute) - 60) <= 2);
    }

    void logsNeverHoldKeys()
    {
        // Requests are logged with their headers, error bodies too (this one echoes the key):
        // whatever the earlier tests and these two logged, the keys never appear.
        FakeProvider server([](const ProviderRequest &request) {
            const QByteArray key = request.headers.value("x-api-key");
            return ProviderResponse::json(401, q("{'error':{'message':'Invalid key ") + key + q("'}}"));
        });
        OpenAiCompatibleProvider openai(
            config(server, ProviderKind::OpenAiCompatible), QString::fromLatin1(kKey));
        AnthropicProvider anthropic(
            config(server, ProviderKind::Anthropic), QString::fromLatin1(kAnthropicKey));
        QVERIFY(!run(openai, orderRequest(QStringLiteral("m")), openai.defaultOptions()).result.ok);
        const Outcome o = run(anthropic, orderRequest(QStringLiteral("m")), anthropic.defaultOptions());
        QVERIFY(!o.result.error.contains(QLatin1String(kAnthropicKey)));
        QMutexLocker lock(&g_logMutex);
        const QString all = g_logs.join(u'\n');
        QVERIFY2(all.contains(QStringLiteral("Authorization: Bearer [redacted]")), qPrintable(all));
        QVERIFY2(all.contains(QStringLiteral("x-api-key: [redacted]")), qPrintable(all));
        QVERIFY2(all.contains(QStringLiteral("HTTP 401")), "error bodies are logged (redacted)");
        QVERIFY2(!all.contains(QLatin1String(kKey)), "the OpenAI key leaked into a log");
        QVERIFY2(!all.contains(QLatin1String(kAnthropicKey)), "the Anthropic key leaked into a log");
        QVERIFY(!all.contains(QStringLiteral("abcdef0123456789")));
        QVERIFY(!all.contains(QStringLiteral("secretsecret")));
    }
};

QTEST_GUILESS_MAIN(TestChatProviders)
#include "tst_chatproviders.moc"
