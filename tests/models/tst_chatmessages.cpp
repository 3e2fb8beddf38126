// ChatMessages: every supported provider shape -> neutral messages; non-chat JSON stays non-chat.
#include "chat/chatmessages.h"
#include "mapping/flatjson.h"

#include <QElapsedTimer>
#include <QFile>
#include <QTest>

using namespace tg;
using Kind = ChatPart::Kind;

namespace {

QByteArray fixture(const char *name)
{
    QFile file(QStringLiteral(TRACEGLASS_TEST_DATA_DIR "/chat/") + QLatin1String(name));
    if (!file.open(QIODevice::ReadOnly))
        qFatal("missing fixture %s", name);
    return file.readAll();
}

/// Inline JSON with single quotes for readability: {'a':'b'} -> {"a":"b"}.
QByteArray json(const char *text)
{
    return QByteArray(text).replace('\'', '"');
}

const ChatPart &partOf(const ChatMessage &m, Kind kind, int nth = 0)
{
    for (const ChatPart &p : m.parts) {
        if (p.kind == kind && nth-- == 0)
            return p;
    }
    static const ChatPart none;
    return none;
}

} // namespace

class TestChatMessages : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void openAiChatInput()
    {
        const ChatMessages c = ChatMessages::parse(fixture("openai-chat-input.json"));
        QCOMPARE(c.format(), ChatFormat::OpenAIChat);
        QCOMPARE(c.messages().size(), size_t(4));
        QCOMPARE(c.messages()[0].role, QStringLiteral("system"));
        QCOMPARE(c.messages()[0].text(), QStringLiteral("You are a support agent for Acme. Be brief."));
        const ChatMessage &user = c.messages()[1];
        QCOMPARE(user.role, QStringLiteral("user"));
        QVERIFY(user.text().startsWith(QStringLiteral("Where is my order")));
        const ChatPart &image = partOf(user, Kind::Image);
        QCOMPARE(image.mimeType, QStringLiteral("image/png"));
        QCOMPARE(image.byteSize, qint64(70)); // the 1x1 PNG
        QVERIFY(image.url.isEmpty()); // inline data is never kept
        const ChatMessage &assistant = c.messages()[2];
        QCOMPARE(assistant.toolCalls().size(), size_t(1));
        QCOMPARE(assistant.toolCalls()[0].id, QStringLiteral("call_abc123"));
        QCOMPARE(assistant.toolCalls()[0].name, QStringLiteral("lookup_order"));
        QCOMPARE(assistant.toolCalls()[0].arguments, QStringLiteral("{\"order_id\":\"4417\"}"));
        const ChatMessage &tool = c.messages()[3];
        QCOMPARE(tool.role, QStringLiteral("tool"));
        const ChatPart &result = partOf(tool, Kind::ToolResult);
        QCOMPARE(result.toolCall.id, QStringLiteral("call_abc123"));
        QVERIFY(result.text.contains(QStringLiteral("shipped")));
        QCOMPARE(c.tools().size(), size_t(1));
        QCOMPARE(c.tools()[0].name, QStringLiteral("lookup_order"));
        QVERIFY(c.tools()[0].parameters.contains(QStringLiteral("order_id")));
    }

    void openAiChatOutput()
    {
        const ChatMessages c = ChatMessages::parse(fixture("openai-chat-output.json"), ChatMessages::Output);
        QCOMPARE(c.format(), ChatFormat::OpenAIChat);
        QCOMPARE(c.messages().size(), size_t(1));
        QCOMPARE(c.messages()[0].role, QStringLiteral("assistant"));
        QVERIFY(c.messages()[0].text().contains(QStringLiteral("24 August")));
        QCOMPARE(c.messages()[0].finishReason, QStringLiteral("stop"));
    }

    void openAiSingleMessageAndLegacyFunctionCall()
    {
        const ChatMessages c = ChatMessages::parse(
            json("{'role':'assistant','content':null,'function_call':{'name':'f','arguments':'{}'}}"),
            ChatMessages::Output);
        QCOMPARE(c.format(), ChatFormat::OpenAIChat);
        QCOMPARE(c.messages().front().toolCalls().front().name, QStringLiteral("f"));
    }

    void openAiResponses()
    {
        const ChatMessages in = ChatMessages::parse(fixture("openai-responses-input.json"));
        QCOMPARE(in.format(), ChatFormat::OpenAIResponses);
        QCOMPARE(in.messages().size(), size_t(4));
        QCOMPARE(in.messages()[0].role, QStringLiteral("system"));
        QCOMPARE(in.messages()[0].text(), QStringLiteral("Answer with citations."));
        QCOMPARE(
            partOf(in.messages()[1], Kind::Image).url, QStringLiteral("https://example.org/changelog.png"));
        QCOMPARE(partOf(in.messages()[2], Kind::ToolCall).toolCall.id, QStringLiteral("call_r1"));
        QCOMPARE(in.messages()[3].role, QStringLiteral("tool"));
        QCOMPARE(partOf(in.messages()[3], Kind::ToolResult).toolCall.id, QStringLiteral("call_r1"));
        QCOMPARE(in.tools().front().name, QStringLiteral("search_docs"));

        const ChatMessages out
            = ChatMessages::parse(fixture("openai-responses-output.json"), ChatMessages::Output);
        QCOMPARE(out.format(), ChatFormat::OpenAIResponses);
        QCOMPARE(out.messages().size(), size_t(2));
        QVERIFY(partOf(out.messages()[0], Kind::Thinking).text.contains(QStringLiteral("SSO")));
        QVERIFY(out.messages()[1].text().startsWith(QStringLiteral("Release 4.2")));
    }

    void anthropic()
    {
        const ChatMessages in = ChatMessages::parse(fixture("anthropic-input.json"));
        QCOMPARE(in.format(), ChatFormat::Anthropic);
        QCOMPARE(in.messages().size(), size_t(5));
        QCOMPARE(in.messages()[0].role, QStringLiteral("system"));
        const ChatPart &image = partOf(in.messages()[1], Kind::Image);
        QCOMPARE(image.mimeType, QStringLiteral("image/jpeg"));
        QVERIFY(image.byteSize > 0);
        const ChatMessage &assistant = in.messages()[2];
        QCOMPARE(partOf(assistant, Kind::Thinking).text, QStringLiteral("I should run the tests first."));
        QCOMPARE(assistant.text(), QStringLiteral("Let me run them."));
        QCOMPARE(assistant.toolCalls().front().arguments, QStringLiteral("{\"path\":\"tests/\"}"));
        const ChatPart &result = partOf(in.messages()[3], Kind::ToolResult);
        QCOMPARE(result.toolCall.id, QStringLiteral("toolu_01"));
        QVERIFY(result.isError);
        QCOMPARE(result.text, QStringLiteral("2 failed: test_parse, test_render"));
        QVERIFY(partOf(in.messages()[4], Kind::Thinking).redacted);
        QCOMPARE(in.tools().front().name, QStringLiteral("run_tests"));

        const ChatMessages out = ChatMessages::parse(fixture("anthropic-output.json"), ChatMessages::Output);
        QCOMPARE(out.format(), ChatFormat::Anthropic);
        QCOMPARE(out.messages().size(), size_t(1));
        QCOMPARE(out.messages()[0].finishReason, QStringLiteral("tool_use"));
        QCOMPARE(out.messages()[0].toolCalls().front().name, QStringLiteral("read_file"));
    }

    void gemini()
    {
        const ChatMessages in = ChatMessages::parse(fixture("gemini-input.json"));
        QCOMPARE(in.format(), ChatFormat::Gemini);
        QCOMPARE(in.messages().size(), size_t(4));
        QCOMPARE(in.messages()[0].role, QStringLiteral("system"));
        QCOMPARE(in.messages()[0].text(), QStringLiteral("You plan trips."));
        const ChatPart &image = partOf(in.messages()[1], Kind::Image);
        QCOMPARE(image.mimeType, QStringLiteral("image/webp"));
        QCOMPARE(image.byteSize, qint64(44));
        QCOMPARE(in.messages()[2].role, QStringLiteral("assistant"));
        QCOMPARE(in.messages()[2].toolCalls().front().arguments, QStringLiteral("{\"city\":\"Lisbon\"}"));
        const ChatPart &response = partOf(in.messages()[3], Kind::ToolResult);
        QCOMPARE(response.toolCall.name, QStringLiteral("get_weather"));
        QVERIFY(response.text.contains(QStringLiteral("sunny")));
        QCOMPARE(in.tools().front().name, QStringLiteral("get_weather"));

        const ChatMessages out = ChatMessages::parse(fixture("gemini-output.json"), ChatMessages::Output);
        QCOMPARE(out.format(), ChatFormat::Gemini);
        QCOMPARE(out.messages().size(), size_t(1));
        QCOMPARE(out.messages()[0].role, QStringLiteral("assistant"));
        QCOMPARE(out.messages()[0].finishReason, QStringLiteral("STOP"));
        QVERIFY(partOf(out.messages()[0], Kind::Thinking).text.startsWith(QStringLiteral("Weighing")));
        QVERIFY(out.messages()[0].text().startsWith(QStringLiteral("Start at Belém")));
    }

    void geminiSnakeCaseAndStringContents()
    {
        ChatMessages c = ChatMessages::parse(json("{'contents':'hello there'}"));
        QCOMPARE(c.format(), ChatFormat::Gemini);
        QCOMPARE(c.messages().front().text(), QStringLiteral("hello there"));
        c = ChatMessages::parse(json("{'contents':[{'role':'user','parts':[{'inline_data':{'mime_type':'"
                                     "audio/wav','data':'AAAA'}}]}]}"));
        QCOMPARE(partOf(c.messages().front(), Kind::Audio).byteSize, qint64(3));
    }

    void otelGenAi()
    {
        const ChatMessages in = ChatMessages::parse(fixture("otel-input.json"));
        QCOMPARE(in.format(), ChatFormat::OtelGenAi);
        QCOMPARE(in.messages().size(), size_t(4));
        QCOMPARE(in.messages()[0].text(), QStringLiteral("You are a research assistant."));
        const ChatMessage &user = in.messages()[1];
        QCOMPARE(partOf(user, Kind::Image, 0).byteSize, qint64(70));
        QCOMPARE(partOf(user, Kind::Image, 1).url, QStringLiteral("https://example.org/figure1.jpg"));
        const ChatToolCall call = in.messages()[2].toolCalls().front();
        QCOMPARE(call.id, QStringLiteral("call_p1"));
        QCOMPARE(call.arguments, QStringLiteral("{\"url\":\"https://arxiv.org/pdf/1234\"}"));
        QCOMPARE(partOf(in.messages()[3], Kind::ToolResult).text, QStringLiteral("12 pages, 3 figures"));

        const ChatMessages out = ChatMessages::parse(fixture("otel-output.json"), ChatMessages::Output);
        QCOMPARE(out.format(), ChatFormat::OtelGenAi);
        QCOMPARE(out.messages()[0].finishReason, QStringLiteral("stop"));
        QCOMPARE(partOf(out.messages()[0], Kind::Thinking).text,
            QStringLiteral("The abstract states the main result."));
    }

    void langChain()
    {
        const ChatMessages in = ChatMessages::parse(fixture("langchain-input.json"));
        QCOMPARE(in.format(), ChatFormat::LangChain);
        QCOMPARE(in.messages().size(), size_t(4));
        QCOMPARE(in.messages()[0].role, QStringLiteral("system"));
        QCOMPARE(in.messages()[1].role, QStringLiteral("user"));
        QCOMPARE(in.messages()[2].role, QStringLiteral("assistant"));
        QVERIFY(in.messages()[2].toolCalls().front().arguments.contains(QStringLiteral("SELECT count(*)")));
        QCOMPARE(partOf(in.messages()[3], Kind::ToolResult).toolCall.id, QStringLiteral("call_sql1"));
        QCOMPARE(partOf(in.messages()[3], Kind::ToolResult).text, QStringLiteral("1284"));

        const ChatMessages out = ChatMessages::parse(fixture("langchain-output.json"), ChatMessages::Output);
        QCOMPARE(out.format(), ChatFormat::LangChain);
        QCOMPARE(out.messages().size(), size_t(1));
        QCOMPARE(out.messages()[0].role, QStringLiteral("assistant"));
        QCOMPARE(out.messages()[0].text(), QStringLiteral("1,284 users signed up last week."));
    }

    void plainText()
    {
        ChatMessages c = ChatMessages::parse("\"What is the capital of France?\"");
        QCOMPARE(c.format(), ChatFormat::Text);
        QCOMPARE(c.messages().front().role, QStringLiteral("user"));
        c = ChatMessages::parse("Paris.", ChatMessages::Output); // not JSON at all
        QCOMPARE(c.format(), ChatFormat::Text);
        QCOMPARE(c.messages().front().role, QStringLiteral("assistant"));
        QCOMPARE(c.messages().front().text(), QStringLiteral("Paris."));
    }

    void jsonInsideAString()
    {
        // Some SDKs stringify the messages.
        const QByteArray inner = json("[{'role':'user','content':'hi'}]");
        QByteArray outer = "\"" + QByteArray(inner).replace('"', "\\\"") + "\"";
        const ChatMessages c = ChatMessages::parse(outer);
        QCOMPARE(c.format(), ChatFormat::OpenAIChat);
        QCOMPARE(c.messages().front().text(), QStringLiteral("hi"));
    }

    void notChat_data()
    {
        QTest::addColumn<QByteArray>("payload");
        QTest::newRow("tool args") << json("{'query':'weather in Paris','max_results':5}");
        QTest::newRow("number") << QByteArray("42");
        QTest::newRow("null") << QByteArray("null");
        QTest::newRow("empty") << QByteArray();
        QTest::newRow("empty array") << QByteArray("[]");
        QTest::newRow("array of numbers") << QByteArray("[1,2,3]");
        QTest::newRow("mixed array") << json("[{'role':'user','content':'a'},{'x':1}]");
        QTest::newRow("role only") << json("{'role':'admin'}");
        QTest::newRow("documents") << json("{'documents':[{'id':'d1','text':'x'}]}");
    }

    void notChat()
    {
        QFETCH(QByteArray, payload);
        const ChatMessages c = ChatMessages::parse(payload);
        QCOMPARE(c.format(), ChatFormat::None);
        QVERIFY(c.isEmpty());
    }

    void mediaReferencesAndDataUrls()
    {
        const ChatMessages c = ChatMessages::parse(json(
            "[{'role':'user','content':[{'type':'image_url','image_url':{'url':'@@@langfuseMedia:type=image/"
            "png|id=m1|source=base64_data_uri@@@'}},"
            "{'type':'input_audio','input_audio':{'data':'AAAAAAAA','format':'wav'}},"
            "{'type':'file','file':{'file_data':'data:application/pdf;base64,AAAA','filename':'a.pdf'}}]}]"));
        const ChatMessage &m = c.messages().front();
        QCOMPARE(partOf(m, Kind::Image).url, QStringLiteral("langfuse-media:m1"));
        QCOMPARE(partOf(m, Kind::Image).mimeType, QStringLiteral("image/png"));
        QCOMPARE(partOf(m, Kind::Audio).mimeType, QStringLiteral("audio/wav"));
        QCOMPARE(partOf(m, Kind::Audio).byteSize, qint64(6));
        QCOMPARE(partOf(m, Kind::File).mimeType, QStringLiteral("application/pdf"));
        QCOMPARE(partOf(m, Kind::File).text, QStringLiteral("a.pdf"));
        QCOMPARE(partOf(m, Kind::File).byteSize, qint64(3));
    }

    void base64Sizes()
    {
        QCOMPARE(ChatMessages::base64DecodedSize("AAAA"), qint64(3));
        QCOMPARE(ChatMessages::base64DecodedSize("AAA="), qint64(2));
        QCOMPARE(ChatMessages::base64DecodedSize("AA=="), qint64(1));
        QCOMPARE(ChatMessages::base64DecodedSize("AAA"), qint64(2)); // unpadded
        QCOMPARE(ChatMessages::base64DecodedSize("AAAA\nAAAA"), qint64(6));
        QCOMPARE(ChatMessages::base64DecodedSize(""), qint64(0));
    }

    void roles()
    {
        QCOMPARE(ChatMessages::normalizeRole(u"Human"), QStringLiteral("user"));
        QCOMPARE(ChatMessages::normalizeRole(u"model"), QStringLiteral("assistant"));
        QCOMPARE(ChatMessages::normalizeRole(u"function"), QStringLiteral("tool"));
        QCOMPARE(ChatMessages::normalizeRole(u"developer"), QStringLiteral("developer"));
    }

    void unknownBlocksAreKept()
    {
        const ChatMessages c = ChatMessages::parse(json("[{'role':'assistant','content':[{'type':'citation','"
                                                        "source':'x'},{'type':'refusal','refusal':'no'}]}]"));
        QCOMPARE(partOf(c.messages().front(), Kind::Other).text,
            QStringLiteral("{\"type\":\"citation\",\"source\":\"x\"}"));
        QCOMPARE(partOf(c.messages().front(), Kind::Refusal).text, QStringLiteral("no"));
    }

    void largeInputStaysFast()
    {
        // 5 MB of messages and one 5 MB base64 image: parsed well under the chat view's budget.
        QByteArray big = "[";
        const QByteArray sentence = QByteArray("The quick brown fox jumps over the lazy dog. ").repeated(40);
        for (int i = 0; big.size() < 5 * 1024 * 1024; ++i)
            big += (i ? "," : "") + json("{'role':'user','content':'") + sentence + json("'}");
        big += "]";
        QElapsedTimer timer;
        timer.start();
        const ChatMessages c = ChatMessages::parse(big);
        const qint64 elapsed = timer.elapsed();
        QVERIFY2(c.messages().size() > 2000,
            qPrintable(QStringLiteral("%1 messages, format %2, %3 bytes")
                           .arg(c.messages().size())
                           .arg(int(c.format()))
                           .arg(big.size())));
        QVERIFY2(elapsed < 1000, qPrintable(QString::number(elapsed)));

        const QByteArray image
            = json(
                  "[{'role':'user','content':[{'type':'image_url','image_url':{'url':'data:image/png;base64,")
            + QByteArray(5 * 1024 * 1024, 'A') + json("'}}]}]");
        const ChatMessages withImage = ChatMessages::parse(image);
        QCOMPARE(partOf(withImage.messages().front(), Kind::Image).byteSize, qint64(5 * 1024 * 1024 / 4 * 3));
    }

    void garbageNeverCrashes()
    {
        const QList<QByteArray> inputs { "{", "[[[[", "{\"messages\":5}", "{\"contents\":[1,2]}",
            "{\"choices\":[1]}", "{\"candidates\":[{\"content\":5}]}", "{\"generations\":[[5]]}",
            "[{\"role\":5}]", "[{\"role\":\"user\",\"content\":[{\"type\":5}]}]", "\"[{\\\"role\\\":1}]\"",
            "{\"output\":[{\"type\":\"message\"}]}", "[{\"type\":\"constructor\",\"kwargs\":{}}]" };
        for (const QByteArray &input : inputs)
            ChatMessages::parse(input);
    }
};

QTEST_GUILESS_MAIN(TestChatMessages)
#include "tst_chatmessages.moc"
