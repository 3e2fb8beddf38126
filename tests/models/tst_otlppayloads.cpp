// OtlpTraceMapper: input/output, metadata, model, model parameters, usage, cost, completion start.
#include "mapping/otlpattributes.h"
#include "mapping/otlptracemapper.h"
#include "otlptestutil.h"

#include <QJsonArray>
#include <QTest>

using namespace otlptest;

namespace {

// Maps one root span configured by `configure` and returns its observation.
template<typename Configure>
tg::ObservationRecord mapOne(Configure configure, const char *scopeName = "test-scope")
{
    Request request;
    scopeOf(request, scopeName);
    Span &span = addSpan(request, kRootSpan);
    configure(span);
    auto result = tg::mapTraceRequest(request);
    return result.batch.observations.at(0);
}

void setAll(Span &span, std::initializer_list<std::pair<const char *, const char *>> attributes)
{
    for (const auto &[key, value] : attributes)
        set(span.mutable_attributes(), key, value);
}

} // namespace

class TestOtlpPayloads : public QObject
{
    Q_OBJECT

private slots:
    void stringPayloadsThatAreJsonStayJson()
    {
        const auto o = mapOne([](Span &span) {
            setAll(span,
                { { "langfuse.observation.input", " {\"messages\": [1, 2]} " },
                    { "langfuse.observation.output", "plain text, not JSON" } });
        });
        QCOMPARE(o.input, QByteArray("{\"messages\": [1, 2]}"));
        QCOMPARE(json(o.output), QJsonValue(QStringLiteral("plain text, not JSON")));
        const auto numbers = mapOne([](Span &span) {
            setAll(span, { { "input.value", "42" }, { "output.value", "{\"broken\": " } });
        });
        QCOMPARE(numbers.input, QByteArray("42"));
        QCOMPARE(json(numbers.output), QJsonValue(QStringLiteral("{\"broken\": ")));
    }

    void payloadsShareTheRequestBytes()
    {
        Request request;
        scopeOf(request, "test-scope");
        Span &span = addSpan(request, kRootSpan);
        const QByteArray input = "{\"messages\": [\"" + QByteArray(2000, 'q') + "\"]}";
        set(span.mutable_attributes(), "langfuse.observation.input", input.constData());
        set(span.mutable_attributes(), "langfuse.observation.output", "not JSON");
        QByteArray body = QByteArray::fromStdString(request.SerializeAsString());
        tg::OtlpMappingResult result = tg::mapTraceRequest(tg::otlpwire::TraceRequest(body));
        const tg::ObservationRecord &o = result.batch.observations.at(0);
        QCOMPARE(o.input, input);
        // JSON sent as a string is a view of the body, not a copy of it...
        QVERIFY(o.input.constData() >= body.constData() && o.input.constData() < body.constData() + body.size());
        QCOMPARE(result.batch.traces.at(0).input, input);
        QCOMPARE(json(o.output), QJsonValue(QStringLiteral("not JSON")));
        // ...that stays valid when the request's buffer is gone.
        body.fill('\0');
        body = QByteArray();
        QCOMPARE(result.batch.observations.at(0).input, input);
        QCOMPARE(result.batch.traces.at(0).input, input);
    }

    void nonStringPayloads()
    {
        const auto o = mapOne([](Span &span) {
            set(span.mutable_attributes(), "langfuse.observation.input", qint64(7));
            auto &list = addValue(span.mutable_attributes(), "langfuse.observation.output");
            auto *kv = list.mutable_kvlist_value()->add_values();
            kv->set_key("answer");
            kv->mutable_value()->set_bool_value(true);
        });
        QCOMPARE(o.input, QByteArray("7"));
        QCOMPARE(o.output, QByteArray("{\"answer\":true}"));
    }

    void priorityOfPayloadSources_data()
    {
        QTest::addColumn<QStringList>("attributes");
        QTest::addColumn<QByteArray>("input");
        QTest::addColumn<QByteArray>("output");
        QTest::newRow("langfuse over everything") << QStringList { "langfuse.observation.input=\"lf\"",
            "input.value=\"oi\"", "gen_ai.prompt.0.content=x" }
                                                  << QByteArray("\"lf\"") << QByteArray();
        QTest::newRow("traceloop entity")
            << QStringList { "traceloop.entity.input={\"a\":1}", "traceloop.entity.output=ok" }
            << QByteArray("{\"a\":1}") << QByteArray("\"ok\"");
        QTest::newRow("traceloop before input.value") << QStringList { "traceloop.entity.output=t",
            "input.value=i" } << QByteArray() << QByteArray("\"t\"");
        QTest::newRow("input.value before gen_ai.prompt")
            << QStringList { "input.value=i", "gen_ai.prompt.0.content=x" } << QByteArray("\"i\"")
            << QByteArray();
        QTest::newRow("mlflow") << QStringList { "mlflow.spanInputs=[1]", "mlflow.spanOutputs=[2]" }
                                << QByteArray("[1]") << QByteArray("[2]");
        QTest::newRow("plain input/output")
            << QStringList { "input=in", "output=out" } << QByteArray("\"in\"") << QByteArray("\"out\"");
        QTest::newRow("gen_ai.prompt exact key") << QStringList { "gen_ai.prompt=[{\"role\":\"user\"}]" }
                                                 << QByteArray("[{\"role\":\"user\"}]") << QByteArray();
        QTest::newRow("gen_ai.prompt before llm.input_messages")
            << QStringList { "gen_ai.completion.0.content=c", "llm.input_messages.0.message.content=x" }
            << QByteArray() << QByteArray("[{\"content\":\"c\"}]");
        QTest::newRow("llm messages before gen_ai.input.messages")
            << QStringList { "llm.output_messages.0.message.content=o", "gen_ai.input.messages=[]" }
            << QByteArray() << QByteArray("[{\"message\":{\"content\":\"o\"}}]");
        QTest::newRow("gen_ai.input.messages before tool call") << QStringList {
            "gen_ai.output.messages=[{\"role\":\"assistant\"}]", "gen_ai.tool.call.arguments={}"
        } << QByteArray() << QByteArray("[{\"role\":\"assistant\"}]");
        QTest::newRow("tool call arguments and result")
            << QStringList { "gen_ai.tool.call.arguments={\"city\":\"Oslo\"}", "gen_ai.tool.call.result=12C" }
            << QByteArray("{\"city\":\"Oslo\"}") << QByteArray("\"12C\"");
        QTest::newRow("empty strings are not given")
            << QStringList { "input.value=", "traceloop.entity.input=t" } << QByteArray("\"t\"")
            << QByteArray();
        QTest::newRow("google adk tool")
            << QStringList { "gcp.vertex.agent.llm_request={}", "gcp.vertex.agent.tool_call_args={\"q\":1}" }
            << QByteArray("{\"q\":1}") << QByteArray();
        QTest::newRow("nothing") << QStringList { "some.attribute=1" } << QByteArray() << QByteArray();
    }

    void priorityOfPayloadSources()
    {
        QFETCH(QStringList, attributes);
        QFETCH(QByteArray, input);
        QFETCH(QByteArray, output);
        const auto o = mapOne([&](Span &span) {
            for (const QString &pair : attributes) {
                const qsizetype eq = pair.indexOf(u'=');
                set(span.mutable_attributes(), pair.left(eq).toStdString(), pair.mid(eq + 1));
            }
        });
        QCOMPARE(o.input, input);
        QCOMPARE(o.output, output);
    }

    void flattenedGenAiPrompt()
    {
        const auto o = mapOne([](Span &span) {
            setAll(span,
                { { "gen_ai.prompt.1.role", "user" }, { "gen_ai.prompt.1.content", "What is 2+2?" },
                    { "gen_ai.prompt.0.role", "system" }, { "gen_ai.prompt.0.content", "Be brief." },
                    { "gen_ai.prompt.10.role", "user" }, { "gen_ai.completion.0.role", "assistant" },
                    { "gen_ai.completion.0.content", "4" },
                    { "gen_ai.completion.0.tool_calls.0.name", "calc" },
                    { "gen_ai.completion.0.tool_calls.0.arguments", "{\"x\":2}" } });
        });
        const QJsonArray input = json(o.input).toArray();
        QCOMPARE(input.size(), 3);
        QCOMPARE(input.at(0).toObject().value(u"role").toString(), QStringLiteral("system"));
        QCOMPARE(input.at(0).toObject().value(u"content").toString(), QStringLiteral("Be brief."));
        QCOMPARE(input.at(1).toObject().value(u"content").toString(), QStringLiteral("What is 2+2?"));
        QCOMPARE(
            input.at(2).toObject().value(u"role").toString(), QStringLiteral("user")); // index 10, after 1
        const QJsonObject answer = json(o.output).toArray().at(0).toObject();
        QCOMPARE(answer.value(u"content").toString(), QStringLiteral("4"));
        const QJsonObject call = answer.value(u"tool_calls").toArray().at(0).toObject();
        QCOMPARE(call.value(u"name").toString(), QStringLiteral("calc"));
        QCOMPARE(call.value(u"arguments").toString(), QStringLiteral("{\"x\":2}")); // leaves stay as sent
    }

    void flattenedOpenInferenceMessages()
    {
        const auto o = mapOne([](Span &span) {
            setAll(span,
                { { "llm.input_messages.0.message.role", "user" },
                    { "llm.input_messages.0.message.content", "hello" },
                    { "llm.output_messages.0.message.role", "assistant" },
                    { "llm.output_messages.0.message.content", "hi!" } });
        });
        QCOMPARE(json(o.input), json("[{\"message\":{\"content\":\"hello\",\"role\":\"user\"}}]"));
        QCOMPARE(json(o.output), json("[{\"message\":{\"content\":\"hi!\",\"role\":\"assistant\"}}]"));
    }

    void flattenedObjectAndDeepPaths()
    {
        std::string deepKey = "gen_ai.prompt.0";
        for (int i = 0; i < 100; ++i)
            deepKey += ".k";
        const auto o = mapOne([&](Span &span) {
            set(span.mutable_attributes(), deepKey, "deep");
            setAll(span, { { "gen_ai.completion.text", "t" }, { "gen_ai.completion.meta.finish", "stop" } });
        });
        // A path deeper than the rebuild depth keeps its tail as one key: bounded, still valid JSON.
        QVERIFY(json(o.input).isArray());
        QVERIFY(o.input.contains("\"deep\""));
        QCOMPARE(json(o.output), json("{\"meta\":{\"finish\":\"stop\"},\"text\":\"t\"}"));
    }

    void genAiMessagesWithSystemInstructions_data()
    {
        QTest::addColumn<QString>("instructions");
        QTest::addColumn<QString>("messages");
        QTest::addColumn<QByteArray>("expected");
        const QString user = QStringLiteral("[{\"role\":\"user\",\"content\":\"Hi\"}]");
        QTest::newRow("structured")
            << "[{\"role\":\"system\",\"parts\":[{\"type\":\"text\",\"content\":\"Be kind.\"}]}]" << user
            << QByteArray("[{\"role\":\"system\",\"parts\":[{\"type\":\"text\",\"content\":\"Be kind.\"}]},"
                          "{\"role\":\"user\",\"content\":\"Hi\"}]");
        QTest::newRow("structured without role")
            << "[{\"parts\":[{\"type\":\"text\",\"content\":\"x\"}]}]" << user
            << QByteArray("[{\"role\":\"system\",\"parts\":[{\"type\":\"text\",\"content\":\"x\"}]},"
                          "{\"role\":\"user\",\"content\":\"Hi\"}]");
        QTest::newRow("text parts joined")
            << "[{\"type\":\"text\",\"content\":\"Be concise.\"},{\"type\":\"text\",\"content\":\"Be "
               "exact.\"}]"
            << user
            << QByteArray("[{\"role\":\"system\",\"content\":\"Be concise.\\nBe "
                          "exact.\"},{\"role\":\"user\",\"content\":\"Hi\"}]");
        QTest::newRow("mixed shapes use text")
            << "[{\"type\":\"text\",\"content\":\"pre\"},"
               "{\"role\":\"system\",\"parts\":[{\"type\":\"text\",\"content\":\"main\"}]}]"
            << user
            << QByteArray("[{\"role\":\"system\",\"content\":\"pre\\nmain\"},"
                          "{\"role\":\"user\",\"content\":\"Hi\"}]");
        QTest::newRow("json string") << "\"Be helpful.\"" << user
                                     << QByteArray("[{\"role\":\"system\",\"content\":\"Be helpful.\"},"
                                                   "{\"role\":\"user\",\"content\":\"Hi\"}]");
        QTest::newRow("not json") << "just text" << user
                                  << QByteArray("[{\"role\":\"system\",\"content\":\"just text\"},"
                                                "{\"role\":\"user\",\"content\":\"Hi\"}]");
        QTest::newRow("empty array") << "[]" << user << user.toUtf8();
        QTest::newRow("unusable values") << "[42,true,null]" << user << user.toUtf8();
        const QString withSystem
            = QStringLiteral("[{\"role\":\"system\",\"content\":\"Old.\"},{\"role\":\"user\"}]");
        QTest::newRow("already has a system message") << "\"New.\"" << withSystem << withSystem.toUtf8();
        QTest::newRow("no input messages")
            << "\"Sys.\"" << QString() << QByteArray("[{\"role\":\"system\",\"content\":\"Sys.\"}]");
    }

    void genAiMessagesWithSystemInstructions()
    {
        QFETCH(QString, instructions);
        QFETCH(QString, messages);
        QFETCH(QByteArray, expected);
        const auto o = mapOne([&](Span &span) {
            set(span.mutable_attributes(), "gen_ai.system_instructions", instructions);
            if (!messages.isEmpty())
                set(span.mutable_attributes(), "gen_ai.input.messages", messages);
            set(span.mutable_attributes(), "gen_ai.output.messages",
                "[{\"role\":\"assistant\",\"content\":\"Hello\"}]");
        });
        QCOMPARE(json(o.input), json(expected));
        QCOMPARE(json(o.output), json("[{\"role\":\"assistant\",\"content\":\"Hello\"}]"));
    }

    void genAiSpanEvents()
    {
        const auto o = mapOne([](Span &span) {
            for (const auto &[name, content] :
                { std::pair { "gen_ai.system.message", "sys" }, { "gen_ai.user.message", "question" } }) {
                auto *event = span.add_events();
                event->set_name(name);
                set(event->mutable_attributes(), "content", content);
            }
            auto *choice = span.add_events();
            choice->set_name("gen_ai.choice");
            set(choice->mutable_attributes(), "index", qint64(0));
            set(choice->mutable_attributes(), "message", "{\"content\":\"answer\"}");
            span.add_events()->set_name("unrelated");
            set(span.mutable_attributes(), "gen_ai.prompt.0.content", "loses to events");
        });
        QCOMPARE(json(o.input),
            json("[{\"role\":\"system\",\"content\":\"sys\"},{\"role\":\"user\",\"content\":\"question\"}]"));
        QCOMPARE(json(o.output), json("{\"index\":0,\"message\":\"{\\\"content\\\":\\\"answer\\\"}\"}"));

        const auto twoChoices = mapOne([](Span &span) {
            span.add_events()->set_name("gen_ai.choice");
            span.add_events()->set_name("gen_ai.choice");
        });
        QCOMPARE(json(twoChoices.output), json("[{},{}]"));
        QVERIFY(twoChoices.input.isEmpty());
    }

    void vercelAiSdkPayloads()
    {
        const auto o = mapOne(
            [](Span &span) {
                setAll(span,
                    { { "ai.prompt.messages", "[{\"role\":\"user\",\"content\":\"hey\"}]" },
                        { "ai.response.text", "hello" },
                        { "ai.response.toolCalls", "[{\"toolName\":\"x\"}]" } });
            },
            "ai");
        QCOMPARE(json(o.input), json("[{\"role\":\"user\",\"content\":\"hey\"}]"));
        QCOMPARE(json(o.output),
            json("{\"role\":\"assistant\",\"content\":\"hello\",\"tool_calls\":[{\"toolName\":\"x\"}]}"));
    }

    void observationMetadata()
    {
        Request request;
        set(resourceAttributes(request), "service.name", "svc");
        set(resourceAttributes(request), "langfuse.trace.metadata.region", "eu");
        auto &scope = scopeOf(request, "my.instrumentation");
        scope.mutable_scope()->set_version("0.9");
        set(scope.mutable_scope()->mutable_attributes(), "scope.attr", "s");
        Span &span = addSpan(request, kRootSpan);
        set(span.mutable_attributes(), "langfuse.observation.metadata", "{\"a\":1,\"nested\":{\"b\":2}}");
        set(span.mutable_attributes(), "langfuse.observation.metadata.c", "3");
        set(span.mutable_attributes(), "langfuse.metadata.d", true);
        set(span.mutable_attributes(), "http.status_code", qint64(200));
        set(span.mutable_attributes(), "gen_ai.request.model", "gpt");
        set(span.mutable_attributes(), "input.value", "consumed as input");
        set(span.mutable_attributes(), "gen_ai.prompt.0.content", "consumed as input");
        const QJsonObject metadata
            = json(tg::mapTraceRequest(request).batch.observations.at(0).metadata).toObject();
        QCOMPARE(metadata.value(u"a").toInt(), 1);
        QCOMPARE(metadata.value(u"nested").toObject().value(u"b").toInt(), 2);
        QCOMPARE(metadata.value(u"c").toString(), QStringLiteral("3"));
        QCOMPARE(metadata.value(u"d").toBool(), true);
        QCOMPARE(metadata.value(u"region").toString(), QStringLiteral("eu")); // resource trace metadata
        const QJsonObject attributes = metadata.value(u"attributes").toObject();
        QCOMPARE(attributes.value(u"http.status_code").toString(), QStringLiteral("200"));
        QCOMPARE(attributes.value(u"gen_ai.request.model").toString(), QStringLiteral("gpt"));
        QVERIFY(!attributes.contains(u"input.value"));
        QVERIFY(!attributes.contains(u"gen_ai.prompt.0.content"));
        QCOMPARE(metadata.value(u"resourceAttributes").toObject().value(u"service.name").toString(),
            QStringLiteral("svc"));
        const QJsonObject scopeJson = metadata.value(u"scope").toObject();
        QCOMPARE(scopeJson.value(u"name").toString(), QStringLiteral("my.instrumentation"));
        QCOMPARE(scopeJson.value(u"version").toString(), QStringLiteral("0.9"));
        QCOMPARE(
            scopeJson.value(u"attributes").toObject().value(u"scope.attr").toString(), QStringLiteral("s"));
    }

    void langfuseSdkScopesSkipLeftoverAttributes()
    {
        const auto o
            = mapOne([](Span &span) { set(span.mutable_attributes(), "custom", "x"); }, "langfuse-sdk");
        const QJsonObject metadata = json(o.metadata).toObject();
        QVERIFY(!metadata.contains(u"attributes"));
        QVERIFY(metadata.contains(u"resourceAttributes"));
        QVERIFY(metadata.contains(u"scope"));
    }

    void brokenMetadataJsonIsSkipped()
    {
        const auto o = mapOne([](Span &span) {
            setAll(span,
                { { "langfuse.observation.metadata", "{not json" },
                    { "langfuse.observation.metadata.k", "v" } });
        });
        const QJsonObject metadata = json(o.metadata).toObject();
        QCOMPARE(metadata.value(u"k").toString(), QStringLiteral("v"));
    }

    void modelName()
    {
        auto o = mapOne([](Span &span) {
            setAll(
                span, { { "gen_ai.request.model", "requested" }, { "gen_ai.response.model", "responded" } });
        });
        QCOMPARE(o.model, QStringLiteral("responded"));
        o = mapOne([](Span &span) {
            setAll(span,
                { { "langfuse.observation.model.name", "explicit" }, { "gen_ai.response.model", "r" } });
        });
        QCOMPARE(o.model, QStringLiteral("explicit"));
        o = mapOne([](Span &span) { setAll(span, { { "llm.model_name", "oi" } }); });
        QCOMPARE(o.model, QStringLiteral("oi"));
        o = mapOne([](Span &) {});
        QVERIFY(o.model.isNull());
    }

    void modelParameters()
    {
        auto o = mapOne([](Span &span) {
            setAll(span,
                { { "langfuse.observation.model.parameters",
                    "{\"temperature\":0.2,\"stream\":true,\"stop\":[\"x\"],\"tag\":\"t\"}" } });
        });
        QCOMPARE(json(o.modelParameters),
            json("{\"temperature\":0.2,\"stream\":\"true\",\"stop\":\"[\\\"x\\\"]\",\"tag\":\"t\"}"));
        o = mapOne([](Span &span) {
            setAll(span, { { "llm.invocation_parameters", "{\"max_tokens\":100}" } });
            set(span.mutable_attributes(), "gen_ai.request.temperature", 0.5);
        });
        QCOMPARE(json(o.modelParameters), json("{\"max_tokens\":100}"));
        o = mapOne([](Span &span) {
            set(span.mutable_attributes(), "gen_ai.request.model", "m");
            set(span.mutable_attributes(), "gen_ai.request.temperature", 0.5);
            set(span.mutable_attributes(), "gen_ai.request.max_tokens", qint64(256));
            setStrings(span.mutable_attributes(), "gen_ai.request.stop_sequences", { "END" });
            set(span.mutable_attributes(), "llm.invocation_parameters.top_p", "0.9");
        });
        QCOMPARE(json(o.modelParameters),
            json("{\"max_tokens\":256,\"stop_sequences\":\"[\\\"END\\\"]\",\"temperature\":0.5,\"top_p\":\"0."
                 "9\"}"));
        o = mapOne([](Span &span) {
            setAll(span, { { "langfuse.observation.model.parameters", "not json" } });
        });
        QVERIFY(o.modelParameters.isEmpty());
    }

    void usageFromGenAi()
    {
        const auto o = mapOne([](Span &span) {
            set(span.mutable_attributes(), "gen_ai.usage.input_tokens", qint64(48183));
            set(span.mutable_attributes(), "gen_ai.usage.output_tokens", qint64(714));
            set(span.mutable_attributes(), "gen_ai.usage.cache_read.input_tokens", qint64(47105));
            set(span.mutable_attributes(), "gen_ai.usage.cache_creation.input_tokens", qint64(1076));
            set(span.mutable_attributes(), "gen_ai.usage.reasoning_tokens", qint64(200));
            set(span.mutable_attributes(), "gen_ai.usage.total_tokens", "48897");
            set(span.mutable_attributes(), "gen_ai.usage.cost", 0.5);
            set(span.mutable_attributes(), "gen_ai.usage.details", "not a number");
        });
        QCOMPARE(o.usage.value(QStringLiteral("input")), 2);
        QCOMPARE(o.usage.value(QStringLiteral("input_cached_tokens")), 47105);
        QCOMPARE(o.usage.value(QStringLiteral("input_cache_creation")), 1076);
        QCOMPARE(o.usage.value(QStringLiteral("output")), 514);
        QCOMPARE(o.usage.value(QStringLiteral("output_reasoning_tokens")), 200);
        QCOMPARE(o.usage.value(QStringLiteral("total")), 48897);
        QVERIFY(!o.usage.values.contains(QStringLiteral("cost")));
        QVERIFY(!o.usage.values.contains(QStringLiteral("details")));
        QCOMPARE(o.usage.totalTokens(), 48897);
    }

    void usageFromOpenInference()
    {
        const auto o = mapOne([](Span &span) {
            set(span.mutable_attributes(), "llm.token_count.prompt", qint64(80));
            set(span.mutable_attributes(), "llm.token_count.completion", qint64(150));
            set(span.mutable_attributes(), "llm.token_count.completion_details.reasoning", qint64(100));
            set(span.mutable_attributes(), "llm.token_count.completion_details.audio", qint64(20));
            set(span.mutable_attributes(), "llm.token_count.prompt_details.cache_read", qint64(30));
            set(span.mutable_attributes(), "llm.token_count.total", qint64(230));
        });
        QCOMPARE(o.usage.value(QStringLiteral("input")), 50);
        QCOMPARE(o.usage.value(QStringLiteral("input_cached_tokens")), 30);
        QCOMPARE(o.usage.value(QStringLiteral("output")), 30);
        QCOMPARE(o.usage.value(QStringLiteral("output_reasoning_tokens")), 100);
        QCOMPARE(o.usage.value(QStringLiteral("output_audio_tokens")), 20);
        QCOMPARE(o.usage.value(QStringLiteral("total")), 230);
    }

    void usageSubtractionNeverGoesNegative()
    {
        const auto o = mapOne([](Span &span) {
            set(span.mutable_attributes(), "gen_ai.usage.prompt_tokens", qint64(10));
            set(span.mutable_attributes(), "gen_ai.usage.cache_read_input_tokens", qint64(50));
            set(span.mutable_attributes(), "gen_ai.usage.thoughts_tokens", qint64(5));
        });
        QCOMPARE(o.usage.value(QStringLiteral("input")), 0);
        QVERIFY(!o.usage.values.contains(
            QStringLiteral("output"))); // no output count given: nothing to subtract from
        QCOMPARE(o.usage.value(QStringLiteral("output_reasoning_tokens")), 5);
    }

    void usageDetailsAttributeIsVerbatim()
    {
        const auto o = mapOne([](Span &span) {
            set(span.mutable_attributes(), "langfuse.observation.usage_details",
                "{\"input\":100,\"input_cached_tokens\":40,\"x\":\"y\"}");
            set(span.mutable_attributes(), "gen_ai.usage.input_tokens", qint64(999));
        });
        QCOMPARE(o.usage.value(QStringLiteral("input")), 100); // no subtraction on explicit details
        QCOMPARE(o.usage.value(QStringLiteral("input_cached_tokens")), 40);
        QVERIFY(!o.usage.values.contains(QStringLiteral("x")));
    }

    void costDetails()
    {
        auto o = mapOne([](Span &span) {
            setAll(span,
                { { "langfuse.observation.cost_details",
                    "{\"input\":0.01,\"output\":0.02,\"total\":0.03}" } });
            set(span.mutable_attributes(), "gen_ai.usage.cost", 9.0);
        });
        QCOMPARE(o.cost.value(QStringLiteral("total")), 0.03);
        QCOMPARE(o.cost.value(QStringLiteral("input")), 0.01);
        o = mapOne([](Span &span) { set(span.mutable_attributes(), "gen_ai.usage.cost", "0.25"); });
        QCOMPARE(o.cost.values, (QMap<QString, double> { { QStringLiteral("total"), 0.25 } }));
        o = mapOne([](Span &span) {
            set(span.mutable_attributes(), "llm.cost.total", 1.5);
            set(span.mutable_attributes(), "llm.cost.prompt", 0.5);
        });
        QCOMPARE(o.cost.value(QStringLiteral("total")), 1.5);
        QCOMPARE(o.cost.value(QStringLiteral("input")), 0.5);
        o = mapOne([](Span &span) { set(span.mutable_attributes(), "gen_ai.usage.cost", "free"); });
        QVERIFY(o.cost.isEmpty());
    }

    void completionStartTime()
    {
        auto o = mapOne([](Span &span) {
            setAll(span, { { "langfuse.observation.completion_start_time", "2025-07-13T05:20:00.5Z" } });
        });
        QCOMPARE(o.completionStartNs, std::optional<qint64>(1752384000500000000LL));
        o = mapOne([](Span &span) {
            setAll(
                span, { { "langfuse.observation.completion_start_time", "\"2025-07-13T05:20:00.250Z\"" } });
        });
        QCOMPARE(o.completionStartNs, std::optional<qint64>(1752384000250000000LL));
        o = mapOne([](Span &span) { set(span.mutable_attributes(), "ai.response.msToFirstChunk", 100.2); });
        QCOMPARE(o.completionStartNs, std::optional<qint64>(1752384000123456789LL + 101'000'000LL));
        o = mapOne([](Span &span) {
            setAll(span, { { "langfuse.observation.completion_start_time", "yesterday" } });
        });
        QVERIFY(!o.completionStartNs);
        // Past 2262 nanoseconds no longer fit in 64 bits (found by fuzzing: it overflowed).
        o = mapOne([](Span &span) {
            setAll(span, { { "langfuse.observation.completion_start_time", "9999-12-31T23:59:59Z" } });
        });
        QVERIFY(!o.completionStartNs);
    }

    void attributeValuesAsJson()
    {
        AnyValue value;
        auto *kvlist = value.mutable_kvlist_value();
        auto *bytesKv = kvlist->add_values();
        bytesKv->set_key("raw");
        bytesKv->mutable_value()->set_bytes_value(std::string("\x00\xff", 2));
        auto *arrayKv = kvlist->add_values();
        arrayKv->set_key("list");
        auto *array = arrayKv->mutable_value()->mutable_array_value();
        array->add_values()->set_double_value(1.5);
        array->add_values()->set_double_value(std::numeric_limits<double>::quiet_NaN());
        array->add_values()->set_int_value(std::numeric_limits<qint64>::min());
        array->add_values(); // unset
        array->add_values()->set_string_value("quote\" and \n newline");
        const std::string wire = value.SerializeAsString();
        QCOMPARE(tg::OtlpAttributes::toJson(tg::otlpwire::AnyValue::decode(wire)),
            QByteArray("{\"raw\":\"AP8=\",\"list\":[1.5,null,-9223372036854775808,null,\"quote\\\" and \\n "
                       "newline\"]}"));
    }

    void deeplyNestedValuesAreBounded()
    {
        // Built iteratively; 2,000 levels is far past the conversion limit and still safe for
        // protobuf's recursive destructor.
        Request request;
        Span &span = addSpan(request, kRootSpan);
        AnyValue *value = &addValue(span.mutable_attributes(), "langfuse.observation.input");
        for (int i = 0; i < 2000; ++i)
            value = value->mutable_array_value()->add_values();
        value->set_string_value("bottom");
        const auto result = tg::mapTraceRequest(request);
        const QByteArray input = result.batch.observations.at(0).input;
        const QByteArray expectedStart
            = QByteArray(tg::OtlpAttributes::kMaxValueDepth, '[') + QByteArray("null");
        QVERIFY(input.startsWith(expectedStart));
        QVERIFY(!input.contains("bottom"));
        QVERIFY(!json(input).isUndefined());
    }
};

QTEST_GUILESS_MAIN(TestOtlpPayloads)
#include "tst_otlppayloads.moc"
