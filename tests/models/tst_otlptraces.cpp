// OtlpTraceMapper: trace records from root spans, trace updates from child spans, merging.
#include "mapping/otlptracemapper.h"
#include "otlptestutil.h"

#include <QJsonArray>
#include <QTest>

using namespace otlptest;

class TestOtlpTraces : public QObject
{
    Q_OBJECT

private slots:
    void rootSpanMakesTheFullTrace()
    {
        Request request;
        set(resourceAttributes(request), "service.version", "1.2.3");
        set(resourceAttributes(request), "langfuse.release", "r-resource");
        Span &root = addSpan(request, kRootSpan, "", "agent run");
        set(root.mutable_attributes(), "user.id", "alice");
        set(root.mutable_attributes(), "session.id", "s-1");
        set(root.mutable_attributes(), "langfuse.trace.public", true);
        const auto result = tg::mapTraceRequest(request);
        QCOMPARE(result.batch.traces.size(), size_t(1));
        const tg::TraceRecord &trace = result.batch.traces.at(0);
        QCOMPARE(trace.id, QString::fromLatin1(kTrace));
        QCOMPARE(trace.name, QStringLiteral("agent run"));
        QCOMPARE(trace.timestampNs, qint64(1752384000123456789LL));
        QCOMPARE(trace.userId, QStringLiteral("alice"));
        QCOMPARE(trace.sessionId, QStringLiteral("s-1"));
        QCOMPARE(trace.isPublic, std::optional<bool>(true));
        QCOMPARE(trace.version, QStringLiteral("1.2.3"));
        QCOMPARE(trace.release, QStringLiteral("r-resource"));
        QCOMPARE(trace.environment, QStringLiteral("default"));
        QVERIFY(!trace.metadata.isEmpty());
    }

    void asRootMakesAChildSpanTheTraceRoot()
    {
        for (auto makeValue : { +[](KeyValues *a) { set(a, "langfuse.internal.as_root", true); },
                 +[](KeyValues *a) { set(a, "langfuse.internal.as_root", "true"); } }) {
            Request request;
            Span &span = addSpan(request, kChildSpan, kRootSpan, "detached root");
            makeValue(span.mutable_attributes());
            const auto result = tg::mapTraceRequest(request);
            QCOMPARE(result.batch.traces.at(0).name, QStringLiteral("detached root"));
            // The observation keeps its parent.
            QCOMPARE(result.batch.observations.at(0).parentId, QString::fromLatin1(kRootSpan));
        }
        Request notRoot;
        set(addSpan(notRoot, kChildSpan, kRootSpan, "child").mutable_attributes(),
            "langfuse.internal.as_root", "false");
        QVERIFY(tg::mapTraceRequest(notRoot).batch.traces.at(0).name.isNull());
    }

    void childSpansMakeShallowTraces()
    {
        Request request;
        Span &child = addSpan(request, kChildSpan, kRootSpan, "child");
        set(child.mutable_attributes(), "langfuse.observation.input", "\"hi\"");
        const auto result = tg::mapTraceRequest(request);
        const tg::TraceRecord &trace = result.batch.traces.at(0);
        QCOMPARE(trace.id, QString::fromLatin1(kTrace));
        QCOMPARE(trace.timestampNs, qint64(1752384000123456789LL));
        QVERIFY(trace.name.isNull());
        QVERIFY(trace.userId.isNull());
        QVERIFY(trace.environment.isNull()); // not named by any attribute: left to the root
        QVERIFY(trace.input.isEmpty());
        QVERIFY(trace.metadata.isEmpty());
        QVERIFY(trace.tags.isEmpty());
        QVERIFY(!trace.isPublic);
    }

    void childSpansUpdateTheTrace()
    {
        Request request;
        Span &child = addSpan(request, kChildSpan, kRootSpan, "child");
        set(child.mutable_attributes(), "langfuse.trace.name", "renamed");
        set(child.mutable_attributes(), "langfuse.trace.input", "{\"q\":1}");
        set(child.mutable_attributes(), "langfuse.observation.input", "\"observation only\"");
        set(child.mutable_attributes(), "langfuse.trace.metadata.team", "search");
        set(child.mutable_attributes(), "langfuse.environment", "staging");
        const auto result = tg::mapTraceRequest(request);
        const tg::TraceRecord &trace = result.batch.traces.at(0);
        QCOMPARE(trace.name, QStringLiteral("renamed"));
        QCOMPARE(json(trace.input), json("{\"q\":1}"));
        QVERIFY(trace.output.isEmpty());
        QCOMPARE(trace.environment, QStringLiteral("staging"));
        const QJsonObject metadata = json(trace.metadata).toObject();
        QCOMPARE(metadata.value(u"team").toString(), QStringLiteral("search"));
        QVERIFY(metadata.contains(u"resourceAttributes"));
        QVERIFY(!metadata.contains(u"attributes")); // leftovers stay with the root span
    }

    void onlyTraceMetadataKeysCountAsUpdates()
    {
        Request request;
        set(addSpan(request, kChildSpan, kRootSpan).mutable_attributes(), "langfuse.trace.metadata.x", "1");
        QVERIFY(!tg::mapTraceRequest(request).batch.traces.at(0).metadata.isEmpty());
        Request plain;
        set(addSpan(plain, kChildSpan, kRootSpan).mutable_attributes(), "langfuse.observation.metadata.x",
            "1");
        QVERIFY(tg::mapTraceRequest(plain).batch.traces.at(0).metadata.isEmpty());
    }

    void tracesMergeWithinABatch()
    {
        Request request;
        Span &early = addSpan(request, kChildSpan, kRootSpan, "tool");
        early.set_start_time_unix_nano(1752384000500000000ULL);
        set(early.mutable_attributes(), "langfuse.trace.tags", "from-child");
        set(early.mutable_attributes(), "langfuse.environment", "child-env");
        Span &root = addSpan(request, kRootSpan, "", "root");
        set(root.mutable_attributes(), "langfuse.trace.tags", "from-root");
        set(root.mutable_attributes(), "langfuse.environment", "prod");
        Span &late = addSpan(request, "2222222222222222", kRootSpan, "late");
        late.set_start_time_unix_nano(1752384000900000000ULL);
        set(late.mutable_attributes(), "user.id", "bob");
        addSpan(request, "3333333333333333", kRootSpan, "plain")
            .set_start_time_unix_nano(1752384000000000001ULL);
        addSpan(request, "4444444444444444", "", "other trace", "11111111111111111111111111111111");
        const auto result = tg::mapTraceRequest(request);
        QCOMPARE(result.batch.observations.size(), size_t(5));
        QCOMPARE(result.batch.traces.size(), size_t(2));
        const tg::TraceRecord *trace = &traceRecord(result.batch, QString::fromLatin1(kTrace));
        QCOMPARE(trace->name, QStringLiteral("root"));
        QCOMPARE(trace->timestampNs, qint64(1752384000123456789LL)); // the root's start
        QCOMPARE(trace->environment, QStringLiteral("prod"));
        QCOMPARE(trace->userId, QStringLiteral("bob"));
        QCOMPARE(trace->tags, QStringList({ QStringLiteral("from-child"), QStringLiteral("from-root") }));
        QCOMPARE(traceRecord(result.batch, QStringLiteral("11111111111111111111111111111111")).name,
            QStringLiteral("other trace"));
    }

    void userAndSessionKeys_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<bool>("isUser");
        for (const char *key :
            { "langfuse.user.id", "user.id", "langfuse.observation.metadata.langfuse_user_id",
                "langfuse.trace.metadata.langfuse_user_id", "ai.telemetry.metadata.userId" })
            QTest::newRow(key) << QString::fromLatin1(key) << true;
        for (const char *key : { "langfuse.session.id", "session.id", "gen_ai.conversation.id",
                 "langfuse.observation.metadata.langfuse_session_id",
                 "langfuse.trace.metadata.langfuse_session_id", "ai.telemetry.metadata.sessionId" })
            QTest::newRow(key) << QString::fromLatin1(key) << false;
    }

    void userAndSessionKeys()
    {
        QFETCH(QString, key);
        QFETCH(bool, isUser);
        Request request;
        set(addSpan(request, kRootSpan).mutable_attributes(), key.toStdString(), "v-1");
        const tg::TraceRecord trace = tg::mapTraceRequest(request).batch.traces.at(0);
        QCOMPARE(isUser ? trace.userId : trace.sessionId, QStringLiteral("v-1"));
        QVERIFY((isUser ? trace.sessionId : trace.userId).isNull());
    }

    void userIdPriorityAndNumbers()
    {
        Request request;
        Span &span = addSpan(request, kRootSpan);
        set(span.mutable_attributes(), "user.id", "second");
        set(span.mutable_attributes(), "langfuse.user.id", "first");
        set(span.mutable_attributes(), "session.id", qint64(42));
        const tg::TraceRecord trace = tg::mapTraceRequest(request).batch.traces.at(0);
        QCOMPARE(trace.userId, QStringLiteral("first"));
        QCOMPARE(trace.sessionId, QStringLiteral("42"));
    }

    void tagForms_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("value");
        QTest::addColumn<QStringList>("expected");
        QTest::newRow("json array") << "langfuse.trace.tags"
                                    << "[\"a\", \"b\", 3]" << QStringList { "a", "b", "3" };
        QTest::newRow("comma separated") << "langfuse.tags"
                                         << " a, b ,c" << QStringList { "a", "b", "c" };
        QTest::newRow("single") << "langfuse.observation.metadata.langfuse_tags"
                                << "solo" << QStringList { "solo" };
        QTest::newRow("broken json") << "tag.tags"
                                     << "[oops" << QStringList { "[oops" };
        QTest::newRow("vercel") << "ai.telemetry.metadata.tags"
                                << "x,x,y" << QStringList { "x", "y" };
    }

    void tagForms()
    {
        QFETCH(QString, key);
        QFETCH(QString, value);
        QFETCH(QStringList, expected);
        Request request;
        set(addSpan(request, kRootSpan).mutable_attributes(), key.toStdString(), value);
        QCOMPARE(tg::mapTraceRequest(request).batch.traces.at(0).tags, expected);
    }

    void tagArrayAttribute()
    {
        Request request;
        setStrings(addSpan(request, kRootSpan).mutable_attributes(), "langfuse.trace.tags", { "one", "two" });
        QCOMPARE(tg::mapTraceRequest(request).batch.traces.at(0).tags, QStringList({ "one", "two" }));
    }

    void publicForms()
    {
        const auto publicOf = [](auto setter) {
            Request request;
            setter(addSpan(request, kRootSpan).mutable_attributes());
            return tg::mapTraceRequest(request).batch.traces.at(0).isPublic;
        };
        QCOMPARE(
            publicOf([](KeyValues *a) { set(a, "langfuse.trace.public", true); }), std::optional<bool>(true));
        QCOMPARE(
            publicOf([](KeyValues *a) { set(a, "langfuse.public", "true"); }), std::optional<bool>(true));
        QCOMPARE(publicOf([](KeyValues *a) { set(a, "langfuse.trace.public", "yes"); }),
            std::optional<bool>(false));
        QCOMPARE(publicOf([](KeyValues *a) { set(a, "langfuse.trace.public", false); }),
            std::optional<bool>(false));
        QCOMPARE(publicOf([](KeyValues *) {}), std::optional<bool>());
    }

    void traceNameAndPayloads()
    {
        Request request;
        Span &root = addSpan(request, kRootSpan, "", "span name");
        set(root.mutable_attributes(), "langfuse.trace.name", "trace name");
        set(root.mutable_attributes(), "langfuse.trace.output", "done");
        set(root.mutable_attributes(), "langfuse.observation.input", "[1,2]");
        set(root.mutable_attributes(), "input.value", "ignored: explicit keys win");
        const auto result = tg::mapTraceRequest(request);
        const tg::TraceRecord &trace = result.batch.traces.at(0);
        QCOMPARE(trace.name, QStringLiteral("trace name"));
        QCOMPARE(result.batch.observations.at(0).name, QStringLiteral("span name"));
        QCOMPARE(json(trace.output), QJsonValue(QStringLiteral("done")));
        QCOMPARE(json(trace.input), json("[1,2]")); // the observation's input fills the gap
        QCOMPARE(json(result.batch.observations.at(0).input), json("[1,2]"));
        QVERIFY(result.batch.observations.at(0).output.isEmpty());

        Request framework;
        Span &span = addSpan(framework, kRootSpan);
        set(span.mutable_attributes(), "input.value", "{\"question\":\"why\"}");
        set(span.mutable_attributes(), "output.value", "because");
        const tg::TraceRecord fromFramework = tg::mapTraceRequest(framework).batch.traces.at(0);
        QCOMPARE(json(fromFramework.input), json("{\"question\":\"why\"}"));
        QCOMPARE(json(fromFramework.output), QJsonValue(QStringLiteral("because")));
    }

    void traceMetadata()
    {
        Request request;
        set(resourceAttributes(request), "service.name", "svc");
        set(resourceAttributes(request), "langfuse.trace.metadata.fromResource", "r");
        Span &root = addSpan(request, kRootSpan);
        set(root.mutable_attributes(), "langfuse.trace.metadata", "{\"a\":1,\"b\":{\"c\":true}}");
        set(root.mutable_attributes(), "langfuse.trace.metadata.b", "override");
        set(root.mutable_attributes(), "langfuse.observation.metadata.o", qint64(7));
        set(root.mutable_attributes(), "custom.flag", true);
        const QJsonObject metadata
            = json(tg::mapTraceRequest(request).batch.traces.at(0).metadata).toObject();
        QCOMPARE(metadata.value(u"a").toInt(), 1);
        QCOMPARE(metadata.value(u"b").toString(), QStringLiteral("override"));
        QCOMPARE(metadata.value(u"o").toInt(), 7);
        QCOMPARE(metadata.value(u"fromResource").toString(), QStringLiteral("r"));
        QCOMPARE(metadata.value(u"resourceAttributes").toObject().value(u"service.name").toString(),
            QStringLiteral("svc"));
        QCOMPARE(metadata.value(u"attributes").toObject().value(u"custom.flag").toString(),
            QStringLiteral("true"));
        QCOMPARE(metadata.value(u"scope").toObject().value(u"name").toString(), QStringLiteral("test-scope"));
    }
};

QTEST_GUILESS_MAIN(TestOtlpTraces)
#include "tst_otlptraces.moc"
