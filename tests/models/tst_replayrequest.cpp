// Replay requests from every recorded-input format: messages (system, user, assistant, tool with
// calls and results), tools, model and parameters carried over, and the fidelity report naming what
// was not. Plus the provider bodies built from them (exact JSON).
#include "replay/providerbodies.h"
#include "replay/replayrequest.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace tg;
using Severity = FidelityNote::Severity;

namespace {

QByteArray fixture(const QString &name)
{
    QFile file(QStringLiteral(TRACEGLASS_TEST_DATA_DIR "/chat/") + name);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("missing fixture %s", qPrintable(name));
    return file.readAll();
}

/// Inline JSON with single quotes for readability.
QByteArray json(const char *text)
{
    return QByteArray(text).replace('\'', '"');
}

/// JSON re-serialised compactly with sorted keys, so documents compare as text.
QByteArray normalised(const QByteArray &text)
{
    const QJsonDocument doc = QJsonDocument::fromJson(text);
    if (doc.isNull())
        return "not JSON: " + text;
    return doc.toJson(QJsonDocument::Compact);
}

bool hasNote(const ReplayRequest &r, Severity severity, const QString &fragment)
{
    for (const FidelityNote &n : r.fidelity) {
        if (n.severity == severity && n.text.contains(fragment))
            return true;
    }
    return false;
}

QString notes(const ReplayRequest &r)
{
    QStringList out;
    for (const FidelityNote &n : r.fidelity)
        out << fidelitySeverityName(n.severity) + QStringLiteral(": ") + n.text;
    return out.join(u'\n');
}

ReplayRequest fromFixture(const QString &format, const QByteArray &parameters = {},
    const QByteArray &metadata = {}, const QString &model = {})
{
    return replayRequestFromGeneration(
        fixture(format + QStringLiteral("-input.json")), parameters, metadata, model);
}

} // namespace

class TestReplayRequest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void openAiChat()
    {
        const ReplayRequest r = fromFixture(QStringLiteral("openai-chat"));
        QCOMPARE(r.sourceFormat, ChatFormat::OpenAIChat);
        QCOMPARE(r.model, QStringLiteral("gpt-4o")); // from the request when the observation has none
        QCOMPARE(r.messages.size(), size_t(4));
        QCOMPARE(r.messages[0].role, QStringLiteral("system"));
        QCOMPARE(r.messages[0].content, QStringLiteral("You are a support agent for Acme. Be brief."));
        QCOMPARE(r.messages[1].role, QStringLiteral("user"));
        QCOMPARE(r.messages[1].content,
            QStringLiteral("Where is my order 4417? Here is the receipt.\n\n[image (image/png, 70 bytes) not "
                           "carried over]"));
        QCOMPARE(r.messages[2].role, QStringLiteral("assistant"));
        QVERIFY(r.messages[2].content.isEmpty());
        QCOMPARE(r.messages[2].toolCalls.size(), size_t(1));
        QCOMPARE(r.messages[2].toolCalls[0],
            (ReplayToolCall { QStringLiteral("call_abc123"), QStringLiteral("lookup_order"),
                QStringLiteral(R"({"order_id":"4417"})") }));
        QCOMPARE(r.messages[3].role, QStringLiteral("tool"));
        QCOMPARE(r.messages[3].toolCallId, QStringLiteral("call_abc123"));
        QCOMPARE(r.messages[3].name, QStringLiteral("lookup_order"));
        QCOMPARE(r.messages[3].content, QStringLiteral(R"({"status":"shipped","eta":"2026-08-24"})"));
        QCOMPARE(r.tools.size(), size_t(1));
        QCOMPARE(r.tools[0].name, QStringLiteral("lookup_order"));
        QCOMPARE(r.tools[0].description, QStringLiteral("Look up an order by number."));
        QCOMPARE(normalised(r.tools[0].parameters.toUtf8()),
            normalised(json(
                "{'type':'object','properties':{'order_id':{'type':'string'}},'required':['order_id']}")));
        QCOMPARE(r.parameters.temperature, std::optional<double>(0.2));
        QVERIFY2(hasNote(r, Severity::Lost, QStringLiteral("image")), qPrintable(notes(r)));
        QVERIFY(r.validate().isEmpty());

        const ProviderBody body = openAiChatBody(r, true);
        QVERIFY(body.notes.empty());
        QCOMPARE(normalised(body.json), normalised(json(R"({'model':'gpt-4o','messages':[
            {'role':'system','content':'You are a support agent for Acme. Be brief.'},
            {'role':'user','content':'Where is my order 4417? Here is the receipt.\n\n[image (image/png, 70 bytes) not carried over]'},
            {'role':'assistant','content':null,'tool_calls':[{'id':'call_abc123','type':'function',
                'function':{'name':'lookup_order','arguments':'{\'order_id\':\'4417\'}'}}]},
            {'role':'tool','tool_call_id':'call_abc123','content':'{\'status\':\'shipped\',\'eta\':\'2026-08-24\'}'}],
            'tools':[{'type':'function','function':{'name':'lookup_order','description':'Look up an order by number.',
                'parameters':{'type':'object','properties':{'order_id':{'type':'string'}},'required':['order_id']}}}],
            'temperature':0.2,'stream':true,'stream_options':{'include_usage':true}})")));
    }

    void openAiChatAsAnthropic()
    {
        ReplayRequest r = fromFixture(QStringLiteral("openai-chat"));
        r.model = QStringLiteral("claude-sonnet-4");
        r.parameters.seed = 42;
        r.parameters.toolChoice = "\"required\"";
        const ProviderBody body = anthropicMessagesBody(r, false);
        QCOMPARE(normalised(body.json), normalised(json(R"({'model':'claude-sonnet-4','max_tokens':4096,
            'system':'You are a support agent for Acme. Be brief.','temperature':0.2,
            'messages':[
              {'role':'user','content':[{'type':'text','text':'Where is my order 4417? Here is the receipt.\n\n[image (image/png, 70 bytes) not carried over]'}]},
              {'role':'assistant','content':[{'type':'tool_use','id':'call_abc123','name':'lookup_order','input':{'order_id':'4417'}}]},
              {'role':'user','content':[{'type':'tool_result','tool_use_id':'call_abc123','content':'{\'status\':\'shipped\',\'eta\':\'2026-08-24\'}'}]}],
            'tools':[{'name':'lookup_order','description':'Look up an order by number.',
              'input_schema':{'type':'object','properties':{'order_id':{'type':'string'}},'required':['order_id']}}],
            'tool_choice':{'type':'any'}})")));
        bool maxTokensNote = false;
        bool seedNote = false;
        for (const FidelityNote &n : body.notes) {
            maxTokensNote = maxTokensNote || n.text.contains(QStringLiteral("max_tokens"));
            seedNote = seedNote || (n.severity == Severity::Lost && n.text.contains(QStringLiteral("seed")));
        }
        QVERIFY(maxTokensNote);
        QVERIFY(seedNote);
    }

    void openAiResponses()
    {
        const ReplayRequest r = fromFixture(QStringLiteral("openai-responses"),
            json("{'max_output_tokens':'800'}"), {}, QStringLiteral("o3-mini"));
        QCOMPARE(r.sourceFormat, ChatFormat::OpenAIResponses);
        QCOMPARE(r.messages.size(), size_t(4));
        QCOMPARE(r.messages[0].role, QStringLiteral("system"));
        QCOMPARE(r.messages[0].content, QStringLiteral("Answer with citations."));
        QCOMPARE(r.messages[1].content, QStringLiteral("What changed in release 4.2?"));
        QCOMPARE(
            r.messages[1].imageUrls, QStringList { QStringLiteral("https://example.org/changelog.png") });
        QCOMPARE(r.messages[2].toolCalls.size(), size_t(1));
        QCOMPARE(r.messages[2].toolCalls[0].id, QStringLiteral("call_r1"));
        QCOMPARE(r.messages[2].toolCalls[0].name, QStringLiteral("search_docs"));
        QCOMPARE(r.messages[3].toolCallId, QStringLiteral("call_r1"));
        QCOMPARE(r.messages[3].content, QStringLiteral("4.2 adds SSO and faster exports."));
        QCOMPARE(r.tools.size(), size_t(1));
        QCOMPARE(r.tools[0].name, QStringLiteral("search_docs"));
        QCOMPARE(r.parameters.maxTokens, std::optional<qint64>(800)); // a number recorded as a string
        QVERIFY2(!hasNote(r, Severity::Lost, QString()), qPrintable(notes(r))); // a URL image is carried

        // o-series models take max_completion_tokens; the image goes as an image_url part.
        const QJsonObject body = QJsonDocument::fromJson(openAiChatBody(r, false).json).object();
        QCOMPARE(body.value(QStringLiteral("max_completion_tokens")).toInt(), 800);
        QVERIFY(!body.contains(QStringLiteral("max_tokens")));
        QVERIFY(!body.contains(QStringLiteral("stream")));
        const QJsonArray parts = body.value(QStringLiteral("messages"))
                                     .toArray()
                                     .at(1)
                                     .toObject()
                                     .value(QStringLiteral("content"))
                                     .toArray();
        QCOMPARE(parts.size(), 2);
        QCOMPARE(parts.at(1)
                     .toObject()
                     .value(QStringLiteral("image_url"))
                     .toObject()
                     .value(QStringLiteral("url"))
                     .toString(),
            QStringLiteral("https://example.org/changelog.png"));
    }

    void anthropic()
    {
        const ReplayRequest r
            = fromFixture(QStringLiteral("anthropic"), {}, {}, QStringLiteral("claude-sonnet-4"));
        QCOMPARE(r.sourceFormat, ChatFormat::Anthropic);
        QCOMPARE(r.parameters.maxTokens, std::optional<qint64>(2048));
        // system, user (text + image placeholder), assistant (text + tool_use), tool result; the
        // last assistant turn held only redacted thinking and is left out.
        QCOMPARE(r.messages.size(), size_t(4));
        QCOMPARE(r.messages[0].content, QStringLiteral("You are a coding assistant."));
        QVERIFY(r.messages[1].content.startsWith(
            QStringLiteral("The tests fail, see the screenshot.\n\n[image (image/jpeg")));
        QCOMPARE(r.messages[2].content, QStringLiteral("Let me run them."));
        QCOMPARE(r.messages[2].toolCalls.size(), size_t(1));
        QCOMPARE(r.messages[2].toolCalls[0].id, QStringLiteral("toolu_01"));
        QCOMPARE(
            normalised(r.messages[2].toolCalls[0].arguments.toUtf8()), normalised(json("{'path':'tests/'}")));
        QCOMPARE(r.messages[3].role, QStringLiteral("tool"));
        QCOMPARE(r.messages[3].toolCallId, QStringLiteral("toolu_01"));
        QVERIFY(r.messages[3].isError);
        QCOMPARE(r.messages[3].content, QStringLiteral("2 failed: test_parse, test_render"));
        QCOMPARE(r.tools.size(), size_t(1));
        QCOMPARE(r.tools[0].name, QStringLiteral("run_tests"));
        QVERIFY2(hasNote(r, Severity::Info, QStringLiteral("2 reasoning block")), qPrintable(notes(r)));
        QVERIFY(hasNote(r, Severity::Lost, QStringLiteral("image/jpeg")));

        const ProviderBody body = anthropicMessagesBody(r, true);
        QCOMPARE(normalised(body.json),
            normalised(json(R"({'model':'claude-sonnet-4','max_tokens':2048,'stream':true,
            'system':'You are a coding assistant.',
            'messages':[
              {'role':'user','content':[{'type':'text','text':'The tests fail, see the screenshot.\n\n[image (image/jpeg, 90 bytes) not carried over]'}]},
              {'role':'assistant','content':[{'type':'text','text':'Let me run them.'},
                 {'type':'tool_use','id':'toolu_01','name':'run_tests','input':{'path':'tests/'}}]},
              {'role':'user','content':[{'type':'tool_result','tool_use_id':'toolu_01','is_error':true,
                 'content':'2 failed: test_parse, test_render'}]}],
            'tools':[{'name':'run_tests','description':'Runs the test suite.',
              'input_schema':{'type':'object','properties':{'path':{'type':'string'}}}}]})")));
        QVERIFY(body.notes.empty());

        // Sent to an OpenAI-compatible server instead: thinking is Anthropic's and stays out.
        ReplayRequest withThinking = r;
        withThinking.parameters.extra.insert(QStringLiteral("thinking"),
            QJsonObject { { QStringLiteral("type"), QStringLiteral("enabled") },
                { QStringLiteral("budget_tokens"), 1024 } });
        const ProviderBody openai = openAiChatBody(withThinking, false);
        QVERIFY(!QJsonDocument::fromJson(openai.json).object().contains(QStringLiteral("thinking")));
        QCOMPARE(openai.notes.size(), size_t(1));
        const QJsonObject anthropic
            = QJsonDocument::fromJson(anthropicMessagesBody(withThinking, false).json).object();
        QCOMPARE(anthropic.value(QStringLiteral("thinking"))
                     .toObject()
                     .value(QStringLiteral("budget_tokens"))
                     .toInt(),
            1024);
    }

    void gemini()
    {
        const ReplayRequest r = fromFixture(QStringLiteral("gemini"),
            json("{'temperature':'0.7','topP':0.9,'maxOutputTokens':300,'stopSequences':['END'],'safety_"
                 "settings':[]}"));
        QCOMPARE(r.sourceFormat, ChatFormat::Gemini);
        QCOMPARE(r.model, QStringLiteral("gemini-2.5-flash"));
        QCOMPARE(r.messages.size(), size_t(4));
        QCOMPARE(r.messages[0].content, QStringLiteral("You plan trips."));
        QVERIFY(r.messages[1].content.contains(QStringLiteral("[image (image/webp")));
        // Gemini records calls without ids: generated, and the result paired by name.
        QCOMPARE(r.messages[2].toolCalls.size(), size_t(1));
        QCOMPARE(r.messages[2].toolCalls[0].id, QStringLiteral("call_1"));
        QCOMPARE(r.messages[3].role, QStringLiteral("tool"));
        QCOMPARE(r.messages[3].toolCallId, QStringLiteral("call_1"));
        QCOMPARE(r.messages[3].name, QStringLiteral("get_weather"));
        QCOMPARE(
            normalised(r.messages[3].content.toUtf8()), normalised(json("{'forecast':'sunny','high_c':27}")));
        QCOMPARE(r.tools.size(), size_t(1));
        // Gemini's OBJECT/STRING become JSON Schema's object/string.
        QCOMPARE(normalised(r.tools[0].parameters.toUtf8()),
            normalised(json("{'type':'object','properties':{'city':{'type':'string'}}}")));
        QCOMPARE(r.parameters.temperature, std::optional<double>(0.7));
        QCOMPARE(r.parameters.topP, std::optional<double>(0.9));
        QCOMPARE(r.parameters.maxTokens, std::optional<qint64>(300));
        QCOMPARE(r.parameters.stop, QStringList { QStringLiteral("END") });
        QVERIFY2(hasNote(r, Severity::Info, QStringLiteral("ids were generated")), qPrintable(notes(r)));
        QVERIFY(hasNote(r, Severity::Lost, QStringLiteral("safety settings")));
        QVERIFY(r.validate().isEmpty());
    }

    void otelGenAi()
    {
        // OTel instrumentations keep tool definitions in the span attributes and parameters as
        // gen_ai.request.* (arrays as JSON text).
        const QByteArray metadata = json(R"({'attributes':{'gen_ai.tool.definitions':
            '[{\'type\':\'function\',\'name\':\'fetch_pdf\',\'description\':\'Downloads a PDF.\',\'parameters\':{\'type\':\'object\',\'properties\':{\'url\':{\'type\':\'string\'}}}}]'}})");
        const QByteArray parameters = json(
            R"({'temperature':0.3,'max_tokens':'512','stop_sequences':'[\'END\']','seed':7,'frequency_penalty':0.5,'top_k':40,'max_retries':3})");
        const ReplayRequest r
            = fromFixture(QStringLiteral("otel"), parameters, metadata, QStringLiteral("gpt-4.1"));
        QCOMPARE(r.sourceFormat, ChatFormat::OtelGenAi);
        QCOMPARE(r.messages.size(), size_t(4));
        QCOMPARE(r.messages[0].content, QStringLiteral("You are a research assistant."));
        QCOMPARE(r.messages[1].content,
            QStringLiteral(
                "Summarise the attached paper.\n\n[image (image/png, 70 bytes) not carried over]"));
        QCOMPARE(r.messages[1].imageUrls, QStringList { QStringLiteral("https://example.org/figure1.jpg") });
        QCOMPARE(r.messages[2].toolCalls.size(), size_t(1));
        QCOMPARE(r.messages[2].toolCalls[0].id, QStringLiteral("call_p1"));
        QCOMPARE(r.messages[3].toolCallId, QStringLiteral("call_p1"));
        QCOMPARE(r.messages[3].content, QStringLiteral("12 pages, 3 figures"));
        QCOMPARE(r.tools.size(), size_t(1));
        QCOMPARE(r.tools[0].name, QStringLiteral("fetch_pdf"));
        QCOMPARE(r.parameters.temperature, std::optional<double>(0.3));
        QCOMPARE(r.parameters.maxTokens, std::optional<qint64>(512));
        QCOMPARE(r.parameters.stop, QStringList { QStringLiteral("END") });
        QCOMPARE(r.parameters.seed, std::optional<qint64>(7));
        QCOMPARE(r.parameters.extra.value(QStringLiteral("frequency_penalty")).toDouble(), 0.5);
        QCOMPARE(r.parameters.extra.value(QStringLiteral("top_k")).toInt(), 40);
        QVERIFY2(hasNote(r, Severity::Info, QStringLiteral("gen_ai.tool.definitions")), qPrintable(notes(r)));
        QVERIFY(hasNote(r, Severity::Lost, QStringLiteral("max_retries")));

        // Anthropic keeps top_k and drops what it lacks, saying so.
        const ProviderBody body = anthropicMessagesBody(r, false);
        const QJsonObject o = QJsonDocument::fromJson(body.json).object();
        QCOMPARE(o.value(QStringLiteral("top_k")).toInt(), 40);
        QCOMPARE(o.value(QStringLiteral("stop_sequences")).toArray().at(0).toString(), QStringLiteral("END"));
        QVERIFY(!o.contains(QStringLiteral("frequency_penalty")));
        bool penaltyNote = false;
        for (const FidelityNote &n : body.notes)
            penaltyNote = penaltyNote || n.text.contains(QStringLiteral("frequency_penalty"));
        QVERIFY(penaltyNote);
        const QJsonArray first = o.value(QStringLiteral("messages"))
                                     .toArray()
                                     .at(0)
                                     .toObject()
                                     .value(QStringLiteral("content"))
                                     .toArray();
        QCOMPARE(first.at(1)
                     .toObject()
                     .value(QStringLiteral("source"))
                     .toObject()
                     .value(QStringLiteral("url"))
                     .toString(),
            QStringLiteral("https://example.org/figure1.jpg"));
    }

    void langChain()
    {
        const ReplayRequest r
            = fromFixture(QStringLiteral("langchain"), {}, {}, QStringLiteral("gpt-4o-mini"));
        QCOMPARE(r.sourceFormat, ChatFormat::LangChain);
        QCOMPARE(r.messages.size(), size_t(4));
        QCOMPARE(r.messages[0].role, QStringLiteral("system"));
        QCOMPARE(r.messages[1].content, QStringLiteral("How many users signed up last week?"));
        QCOMPARE(r.messages[2].toolCalls.size(), size_t(1));
        QCOMPARE(r.messages[2].toolCalls[0].id, QStringLiteral("call_sql1"));
        QCOMPARE(r.messages[2].toolCalls[0].name, QStringLiteral("run_sql"));
        QCOMPARE(r.messages[3].toolCallId, QStringLiteral("call_sql1"));
        QCOMPARE(r.messages[3].content, QStringLiteral("1284"));
        // Tool calls, but no tool definitions anywhere: a warning says so.
        QVERIFY(r.tools.empty());
        QVERIFY2(hasNote(r, Severity::Warning, QStringLiteral("no tool definitions")), qPrintable(notes(r)));

        // With the definitions in the model parameters (as some SDKs log them) the warning goes.
        const ReplayRequest withTools = fromFixture(QStringLiteral("langchain"),
            json(
                "{'tools':[{'type':'function','function':{'name':'run_sql','parameters':{'type':'object'}}}],"
                "'tool_choice':{'type':'tool','name':'run_sql'}}"),
            {}, QStringLiteral("gpt-4o-mini"));
        QCOMPARE(withTools.tools.size(), size_t(1));
        QVERIFY(!hasNote(withTools, Severity::Warning, QStringLiteral("no tool definitions")));
        QVERIFY(hasNote(withTools, Severity::Info, QStringLiteral("model parameters")));
        QCOMPARE(normalised(withTools.parameters.toolChoice),
            normalised(json("{'type':'function','function':{'name':'run_sql'}}")));
    }

    void notAConversation()
    {
        const ReplayRequest r
            = replayRequestFromGeneration("\"Summarise: the quick brown fox\"", {}, {}, QStringLiteral("m"));
        QCOMPARE(r.messages.size(), size_t(1));
        QCOMPARE(r.messages[0].role, QStringLiteral("user"));
        QCOMPARE(r.messages[0].content, QStringLiteral("Summarise: the quick brown fox"));

        const ReplayRequest object
            = replayRequestFromGeneration(json("{'query':'fox','k':3}"), {}, {}, QStringLiteral("m"));
        QCOMPARE(object.messages.size(), size_t(1));
        QVERIFY(hasNote(object, Severity::Warning, QStringLiteral("not a conversation")));

        const ReplayRequest empty = replayRequestFromGeneration({}, {}, {}, QString());
        QVERIFY(empty.messages.empty());
        QVERIFY(hasNote(empty, Severity::Lost, QStringLiteral("No input")));
        QVERIFY(hasNote(empty, Severity::Warning, QStringLiteral("No model")));
        QVERIFY(!empty.validate().isEmpty());

        // Garbage never crashes and never invents messages from nothing.
        for (const QByteArray &bad :
            { QByteArray("{"), QByteArray("[[[]]]"), QByteArray("null"), QByteArray("42"),
                QByteArray("{\"messages\":[{\"role\":\"user\"}]}"), QByteArray("\xff\xfe") }) {
            const ReplayRequest b = replayRequestFromGeneration(bad, bad, bad, QStringLiteral("m"));
            for (const ReplayMessage &m : b.messages)
                QVERIFY(!m.role.isEmpty());
        }
    }

    void orphanToolResultAndUnansweredCall()
    {
        const ReplayRequest r
            = replayRequestFromGeneration(json("{'messages':[{'role':'user','content':'hi'},"
                                               "{'role':'assistant','content':null,'tool_calls':[{'id':'a','"
                                               "type':'function','function':{'name':'f','arguments':'{}'}}]},"
                                               "{'role':'user','content':'never mind'},"
                                               "{'role':'tool','tool_call_id':'zzz','content':'late'}]}"),
                {}, {}, QStringLiteral("m"));
        QVERIFY2(hasNote(r, Severity::Warning, QStringLiteral("has no result")), qPrintable(notes(r)));
        // "zzz" answers no call in the conversation: the ids were recorded, so it is flagged, not guessed.
        QVERIFY2(
            hasNote(r, Severity::Warning, QStringLiteral("not in the conversation")), qPrintable(notes(r)));
    }

    void editingHelpers()
    {
        std::vector<ReplayTool> tools;
        QString error;
        QVERIFY(replayToolsFromJson(json("[{'name':'a','description':'d','parameters':{'type':'object'}},"
                                         "{'type':'function','function':{'name':'b'}},"
                                         "{'name':'c','input_schema':{'type':'object','properties':{}}}]"),
            &tools, &error));
        QCOMPARE(tools.size(), size_t(3));
        QCOMPARE(tools[1].name, QStringLiteral("b"));
        QCOMPARE(tools[2].parameters, QStringLiteral("{\"properties\":{},\"type\":\"object\"}"));
        std::vector<ReplayTool> again;
        QVERIFY(replayToolsFromJson(replayToolsToJson(tools), &again, &error));
        QCOMPARE(again[0], tools[0]);
        QVERIFY(!replayToolsFromJson("{", &again, &error));
        QVERIFY(error.contains(QStringLiteral("JSON")));
        QVERIFY(!replayToolsFromJson(json("[{'description':'no name'}]"), &again, &error));
        QVERIFY(!replayToolsFromJson(json("[{'name':'x','parameters':3}]"), &again, &error));
        QCOMPARE(again.size(), size_t(3)); // untouched on failure

        std::vector<ReplayToolCall> calls;
        QVERIFY(replayToolCallsFromJson(json("[{'id':'1','name':'f','arguments':{'x':1}}]"), &calls, &error));
        QCOMPARE(calls[0].arguments, QStringLiteral("{\"x\":1}"));
        std::vector<ReplayToolCall> back;
        QVERIFY(replayToolCallsFromJson(replayToolCallsToJson(calls), &back, &error));
        QCOMPARE(back, calls);
        QVERIFY(replayToolCallsFromJson("", &back, &error));
        QVERIFY(back.empty());
        QVERIFY(!replayToolCallsFromJson(json("[{'id':'1'}]"), &back, &error));
    }

    void overridesAndSystemPrompt()
    {
        ReplayRequest r = fromFixture(QStringLiteral("openai-chat"));
        ReplayOverrides o;
        o.model = QStringLiteral("gpt-4.1-mini");
        o.temperature = 0.0;
        o.systemMode = ReplayOverrides::SystemPrompt::Append;
        o.systemPrompt = QStringLiteral("Answer in French.");
        o.apply(r);
        QCOMPARE(r.model, QStringLiteral("gpt-4.1-mini"));
        QCOMPARE(r.parameters.temperature, std::optional<double>(0.0));
        QCOMPARE(r.systemPrompt(),
            QStringLiteral("You are a support agent for Acme. Be brief.\n\nAnswer in French."));
        QCOMPARE(r.messages[0].role, QStringLiteral("system"));
        QCOMPARE(r.messages.size(), size_t(4));
        o.systemMode = ReplayOverrides::SystemPrompt::Replace;
        o.systemPrompt.clear();
        o.apply(r);
        QCOMPARE(r.messages.size(), size_t(3));
        QVERIFY(r.systemPrompt().isEmpty());
        QVERIFY(hasNote(r, Severity::Info, QStringLiteral("replaced")));
    }

    void validation()
    {
        ReplayRequest r;
        r.model = QStringLiteral("m");
        QVERIFY(!r.validate().isEmpty()); // no messages
        r.messages.push_back({ QStringLiteral("system"), QStringLiteral("s"), {}, {}, {}, false, {} });
        QVERIFY(!r.validate().isEmpty()); // only a system prompt
        r.messages.push_back({ QStringLiteral("user"), QStringLiteral("u"), {}, {}, {}, false, {} });
        QVERIFY(r.validate().isEmpty());
        r.messages.push_back({ QStringLiteral("robot"), QStringLiteral("?"), {}, {}, {}, false, {} });
        QVERIFY(r.validate().contains(QStringLiteral("robot")));
        r.messages.back().role = QStringLiteral("tool");
        QVERIFY(r.validate().contains(QStringLiteral("tool call id")));
    }
};

QTEST_GUILESS_MAIN(TestReplayRequest)
#include "tst_replayrequest.moc"
