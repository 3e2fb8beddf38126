// OtlpTraceMapper: ids, times, rejection, observation type and name, level, prompt, environment.
#include "domain/timeformat.h"
#include "mapping/otlpspanids.h"
#include "mapping/otlpspanreader.h"
#include "mapping/otlptracemapper.h"
#include "otlptestutil.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QTest>

using namespace otlptest;
using tg::Level;
using tg::ObservationType;

class TestOtlpMapping : public QObject
{
    Q_OBJECT

private slots:
    void emptyRequest()
    {
        const auto result = tg::mapTraceRequest(Request());
        QVERIFY(result.batch.isEmpty());
        QCOMPARE(result.rejectedSpans, 0);
        QCOMPARE(result.acceptedSpans, 0);
        QVERIFY(result.errorMessage().isEmpty());

        Request emptyScopes;
        emptyScopes.add_resource_spans()->add_scope_spans();
        QVERIFY(tg::mapTraceRequest(emptyScopes).batch.isEmpty());
    }

    void idsAreLowercaseHexAndTimesKeepNanoseconds()
    {
        Request request;
        addSpan(request, kRootSpan, "", "root");
        addSpan(request, kChildSpan, kRootSpan, "child");
        const auto result = tg::mapTraceRequest(request);
        QCOMPARE(result.acceptedSpans, 2);
        QCOMPARE(result.batch.observations.size(), size_t(2));
        QCOMPARE(result.batch.sourceId, 0);
        const auto *child = &observation(result.batch, QString::fromLatin1(kChildSpan));
        QCOMPARE(child->traceId, QString::fromLatin1(kTrace));
        QCOMPARE(child->parentId, QString::fromLatin1(kRootSpan));
        QCOMPARE(child->startNs, qint64(1752384000123456789LL));
        QCOMPARE(child->endNs, qint64(1752384001987654321LL));
        QCOMPARE(child->name, QStringLiteral("child"));
        const auto *root = &observation(result.batch, QString::fromLatin1(kRootSpan));
        QVERIFY(root->parentId.isNull());

        Request upper;
        Span &span = addSpan(upper, "ABCDEF0123456789");
        span.set_trace_id(bytes("ABCDEF0123456789ABCDEF0123456789"));
        const auto upperResult = tg::mapTraceRequest(upper);
        QCOMPARE(upperResult.batch.observations.at(0).id, QStringLiteral("abcdef0123456789"));
        QCOMPARE(
            upperResult.batch.observations.at(0).traceId, QStringLiteral("abcdef0123456789abcdef0123456789"));
    }

    void missingTimesTakeTheOtherEdge()
    {
        Request request;
        addSpan(request, "0000000000000001").set_start_time_unix_nano(0);
        addSpan(request, "0000000000000002").set_end_time_unix_nano(0);
        Span &none = addSpan(request, "0000000000000003");
        none.set_start_time_unix_nano(0);
        none.set_end_time_unix_nano(0);
        const qint64 before = tg::nowNs();
        const auto result = tg::mapTraceRequest(request);
        const qint64 after = tg::nowNs();
        const auto *noStart = &observation(result.batch, QStringLiteral("0000000000000001"));
        QCOMPARE(noStart->startNs, qint64(1752384001987654321LL));
        QCOMPARE(noStart->endNs, qint64(1752384001987654321LL));
        const auto *noEnd = &observation(result.batch, QStringLiteral("0000000000000002"));
        QCOMPARE(noEnd->endNs, qint64(1752384000123456789LL));
        const auto *neither = &observation(result.batch, QStringLiteral("0000000000000003"));
        QVERIFY(*neither->startNs >= before && *neither->startNs <= after);
        QCOMPARE(neither->endNs, neither->startNs);
    }

    void invalidIdsRejectOnlyThatSpan_data()
    {
        QTest::addColumn<QByteArray>("traceId");
        QTest::addColumn<QByteArray>("spanId");
        QTest::addColumn<QByteArray>("parentId");
        QTest::addColumn<QString>("expected");
        const QByteArray trace = QByteArray::fromHex(kTrace);
        const QByteArray span = QByteArray::fromHex(kChildSpan);
        QTest::newRow("missing traceId") << QByteArray() << span << QByteArray() << "traceId is missing";
        QTest::newRow("short traceId")
            << trace.left(15) << span << QByteArray() << "traceId has 15 bytes, expected 16";
        QTest::newRow("long traceId") << trace + 'x' << span << QByteArray() << "traceId has 17 bytes";
        QTest::newRow("zero traceId")
            << QByteArray(16, '\0') << span << QByteArray() << "traceId is all zeros";
        QTest::newRow("missing spanId") << trace << QByteArray() << QByteArray() << "spanId is missing";
        QTest::newRow("short spanId")
            << trace << span.left(7) << QByteArray() << "spanId has 7 bytes, expected 8";
        QTest::newRow("zero spanId") << trace << QByteArray(8, '\0') << QByteArray() << "spanId is all zeros";
        QTest::newRow("bad parent") << trace << span << QByteArray(5, 'p') << "parentSpanId has 5 bytes";
    }

    void invalidIdsRejectOnlyThatSpan()
    {
        QFETCH(QByteArray, traceId);
        QFETCH(QByteArray, spanId);
        QFETCH(QByteArray, parentId);
        QFETCH(QString, expected);
        Request request;
        addSpan(request, kRootSpan, "", "good before");
        Span &bad = addSpan(request, kChildSpan, "", "the bad one");
        bad.set_trace_id(traceId.toStdString());
        bad.set_span_id(spanId.toStdString());
        bad.set_parent_span_id(parentId.toStdString());
        addSpan(request, "1111111111111111", kRootSpan, "good after");
        const auto result = tg::mapTraceRequest(request);
        QCOMPARE(result.acceptedSpans, 2);
        QCOMPARE(result.rejectedSpans, 1);
        QCOMPARE(result.batch.observations.size(), size_t(2));
        QCOMPARE(result.errors.size(), 1);
        QVERIFY2(result.errors.front().contains(expected), qPrintable(result.errors.front()));
        QVERIFY2(result.errors.front().contains(u"resourceSpans[0].scopeSpans[0].spans[1] \"the bad one\""),
            qPrintable(result.errors.front()));
        QVERIFY(result.errorMessage().startsWith(u"1 span(s) rejected: "));
    }

    void allZeroParentCountsAsRoot()
    {
        Request request;
        addSpan(request, kRootSpan, "0000000000000000", "root");
        const auto result = tg::mapTraceRequest(request);
        QCOMPARE(result.rejectedSpans, 0);
        QVERIFY(result.batch.observations.at(0).parentId.isNull());
        QCOMPARE(result.batch.traces.at(0).name, QStringLiteral("root"));
    }

    void errorListIsCapped()
    {
        Request request;
        for (int i = 0; i < 50; ++i)
            addSpan(request, "00000000000001").set_name("bad");
        addSpan(request, kRootSpan);
        const auto result = tg::mapTraceRequest(request);
        QCOMPARE(result.rejectedSpans, 50);
        QCOMPARE(result.acceptedSpans, 1);
        QCOMPARE(result.errors.size(), tg::OtlpTraceMapper::kMaxErrors);
        QVERIFY(result.errorMessage().startsWith(u"50 span(s) rejected"));
        QVERIFY(result.errorMessage().endsWith(u"and 30 more"));
    }

    void decodeMarkRejectsTheSpan()
    {
        Request request;
        Span &span = addSpan(request, kRootSpan);
        tg::OtlpSpanIds::markUndecodable(span, QStringLiteral("traceId \"xyz\" is not hex"));
        QVERIFY(span.trace_id().empty());
        const auto result = tg::mapTraceRequest(request);
        QCOMPARE(result.rejectedSpans, 1);
        QVERIFY(result.errors.front().endsWith(u"traceId \"xyz\" is not hex"));
        // The mark survives a protobuf round trip, as unknown fields do.
        Request copy;
        QVERIFY(copy.ParseFromString(request.SerializeAsString()));
        QCOMPARE(tg::mapTraceRequest(copy).rejectedSpans, 1);
    }

    void parentCyclesAreKept()
    {
        Request request;
        addSpan(request, "aaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbb");
        addSpan(request, "bbbbbbbbbbbbbbbb", "aaaaaaaaaaaaaaaa");
        addSpan(request, "cccccccccccccccc", "cccccccccccccccc");
        const auto result = tg::mapTraceRequest(request);
        QCOMPARE(result.acceptedSpans, 3);
        QCOMPARE(observation(result.batch, QStringLiteral("aaaaaaaaaaaaaaaa")).parentId,
            QStringLiteral("bbbbbbbbbbbbbbbb"));
        QCOMPARE(observation(result.batch, QStringLiteral("bbbbbbbbbbbbbbbb")).parentId,
            QStringLiteral("aaaaaaaaaaaaaaaa"));
        QCOMPARE(observation(result.batch, QStringLiteral("cccccccccccccccc")).parentId,
            QStringLiteral("cccccccccccccccc"));
        // No root among them: the trace is a shallow record only.
        QCOMPARE(result.batch.traces.size(), size_t(1));
        QVERIFY(result.batch.traces.at(0).name.isNull());
    }

    void observationType_data()
    {
        QTest::addColumn<QStringList>("attributes"); // key=value pairs
        QTest::addColumn<int>("expected");
        const auto row = [](const char *name, QStringList attributes, ObservationType type) {
            QTest::newRow(name) << attributes << int(type);
        };
        row("nothing", {}, ObservationType::Span);
        row("langfuse generation", { "langfuse.observation.type=generation" }, ObservationType::Generation);
        row("langfuse event", { "langfuse.observation.type=event" }, ObservationType::Event);
        row("langfuse guardrail", { "langfuse.observation.type=guardrail" }, ObservationType::Guardrail);
        row("langfuse unknown falls through",
            { "langfuse.observation.type=banana", "gen_ai.operation.name=chat" },
            ObservationType::Generation);
        row("openinference LLM", { "openinference.span.kind=LLM" }, ObservationType::Generation);
        row("openinference RETRIEVER", { "openinference.span.kind=RETRIEVER" }, ObservationType::Retriever);
        row("openinference EVALUATOR", { "openinference.span.kind=EVALUATOR" }, ObservationType::Evaluator);
        row("gen_ai chat", { "gen_ai.operation.name=chat" }, ObservationType::Generation);
        row("gen_ai text_completion", { "gen_ai.operation.name=text_completion" },
            ObservationType::Generation);
        row("gen_ai generate_content", { "gen_ai.operation.name=generate_content" },
            ObservationType::Generation);
        row("gen_ai embeddings", { "gen_ai.operation.name=embeddings" }, ObservationType::Embedding);
        row("gen_ai invoke_agent", { "gen_ai.operation.name=invoke_agent" }, ObservationType::Agent);
        row("gen_ai create_agent", { "gen_ai.operation.name=create_agent" }, ObservationType::Agent);
        row("gen_ai execute_tool", { "gen_ai.operation.name=execute_tool" }, ObservationType::Tool);
        row("gen_ai unknown op", { "gen_ai.operation.name=dance" }, ObservationType::Span);
        row("gen_ai tool name", { "gen_ai.tool.name=search" }, ObservationType::Tool);
        row("gen_ai tool call id", { "gen_ai.tool.call.id=call_1" }, ObservationType::Tool);
        row("model fallback request", { "gen_ai.request.model=gpt-4o" }, ObservationType::Generation);
        row("model fallback llm", { "llm.model_name=claude" }, ObservationType::Generation);
        row("model fallback plain", { "model=m" }, ObservationType::Generation);
        row("model fallback langfuse", { "langfuse.observation.model.name=m" }, ObservationType::Generation);
        row("empty model is no model", { "model=" }, ObservationType::Span);
        row("explicit span beats model", { "langfuse.observation.type=span", "gen_ai.request.model=gpt-4o" },
            ObservationType::Span);
        row("langfuse beats openinference",
            { "langfuse.observation.type=agent", "openinference.span.kind=LLM" }, ObservationType::Agent);
        row("openinference beats gen_ai", { "openinference.span.kind=CHAIN", "gen_ai.operation.name=chat" },
            ObservationType::Chain);
        row("gen_ai op beats tool name", { "gen_ai.operation.name=chat", "gen_ai.tool.name=x" },
            ObservationType::Generation);
        row("tool name beats model", { "gen_ai.tool.name=x", "model=m" }, ObservationType::Tool);
        row("vercel generate", { "operation.name=ai.generateText.doGenerate fn", "ai.model.id=gpt" },
            ObservationType::Generation);
        row("vercel embed", { "ai.operationId=ai.embed.doEmbed", "gen_ai.request.model=emb" },
            ObservationType::Embedding);
        row("vercel tool", { "operation.name=ai.toolCall weather" }, ObservationType::Tool);
    }

    void observationType()
    {
        QFETCH(QStringList, attributes);
        QFETCH(int, expected);
        Request request;
        Span &span = addSpan(request, kRootSpan);
        for (const QString &pair : attributes) {
            const qsizetype eq = pair.indexOf(u'=');
            set(span.mutable_attributes(), pair.left(eq).toStdString(), pair.mid(eq + 1));
        }
        const auto o = tg::mapTraceRequest(request).batch.observations.at(0);
        QCOMPARE(int(*o.type), expected);
    }

    void pythonSdkSpanWithGenerationAttributes()
    {
        const auto typeFor = [](const char *scopeVersion) {
            Request request;
            set(resourceAttributes(request), "telemetry.sdk.language", "python");
            scopeOf(request, "langfuse-sdk").mutable_scope()->set_version(scopeVersion);
            Span &span = addSpan(request, kRootSpan);
            set(span.mutable_attributes(), "langfuse.observation.type", "span");
            set(span.mutable_attributes(), "langfuse.observation.usage_details", "{\"input\":3}");
            return *tg::mapTraceRequest(request).batch.observations.at(0).type;
        };
        QCOMPARE(typeFor("3.3.0"), ObservationType::Generation);
        QCOMPARE(typeFor("3.4.1"), ObservationType::Span);
    }

    void observationName()
    {
        Request request;
        Span &tool = addSpan(request, kRootSpan, "", "execute_tool");
        set(tool.mutable_attributes(), "gen_ai.tool.name", "get_weather");
        Span &vercel = addSpan(request, kChildSpan, kRootSpan, "ai.generateText");
        set(vercel.mutable_attributes(), "ai.operationId", "ai.generateText");
        set(vercel.mutable_attributes(), "ai.telemetry.functionId", "summarise");
        const auto result = tg::mapTraceRequest(request);
        QCOMPARE(
            observation(result.batch, QString::fromLatin1(kRootSpan)).name, QStringLiteral("get_weather"));
        QCOMPARE(observation(result.batch, QString::fromLatin1(kChildSpan)).name,
            QStringLiteral("summarise:ai.generateText"));
        // The root's tool name also names the trace.
        QCOMPARE(result.batch.traces.at(0).name, QStringLiteral("get_weather"));
    }

    void levelAndStatus_data()
    {
        QTest::addColumn<QString>("level"); // langfuse.observation.level, empty: not set
        QTest::addColumn<int>("statusCode");
        QTest::addColumn<QString>("statusMessage");
        QTest::addColumn<bool>("exception");
        QTest::addColumn<int>("expectedLevel");
        QTest::addColumn<QString>("expectedMessage");
        QTest::newRow("plain") << "" << 0 << "" << false << int(Level::Default) << QString();
        QTest::newRow("ok status") << "" << 1 << "" << false << int(Level::Default) << QString();
        QTest::newRow("error status") << "" << 2 << "boom" << false << int(Level::Error) << "boom";
        QTest::newRow("explicit warn") << "warn" << 2 << "" << false << int(Level::Warning) << QString();
        QTest::newRow("alias info") << "INFO" << 0 << "" << false << int(Level::Default) << QString();
        QTest::newRow("alias fatal") << "fatal" << 0 << "" << false << int(Level::Error) << QString();
        QTest::newRow("alias critical") << "Critical" << 0 << "" << false << int(Level::Error) << QString();
        QTest::newRow("alias trace") << "TRACE" << 0 << "" << false << int(Level::Debug) << QString();
        QTest::newRow("bad level falls back") << "LOUD" << 2 << "" << false << int(Level::Error) << QString();
        QTest::newRow("exception event")
            << "" << 0 << "" << true << int(Level::Error) << "ValueError: bad input";
        QTest::newRow("status message beats exception")
            << "" << 2 << "from status" << true << int(Level::Error) << "from status";
        QTest::newRow("explicit level beats exception")
            << "DEBUG" << 0 << "" << true << int(Level::Debug) << QString();
    }

    void levelAndStatus()
    {
        QFETCH(QString, level);
        QFETCH(int, statusCode);
        QFETCH(QString, statusMessage);
        QFETCH(bool, exception);
        QFETCH(int, expectedLevel);
        QFETCH(QString, expectedMessage);
        Request request;
        Span &span = addSpan(request, kRootSpan);
        if (!level.isEmpty())
            set(span.mutable_attributes(), "langfuse.observation.level", level);
        span.mutable_status()->set_code(pb::trace::v1::Status::StatusCode(statusCode));
        span.mutable_status()->set_message(statusMessage.toStdString());
        if (exception) {
            auto *event = span.add_events();
            event->set_name("exception");
            set(event->mutable_attributes(), "exception.type", "ValueError");
            set(event->mutable_attributes(), "exception.message", "bad input");
        }
        const auto o = tg::mapTraceRequest(request).batch.observations.at(0);
        QCOMPARE(int(*o.level), expectedLevel);
        QCOMPARE(o.statusMessage, expectedMessage);
    }

    void explicitStatusMessage()
    {
        Request request;
        Span &span = addSpan(request, kRootSpan);
        set(span.mutable_attributes(), "langfuse.observation.status_message", "explicit");
        span.mutable_status()->set_message("from status");
        QCOMPARE(
            tg::mapTraceRequest(request).batch.observations.at(0).statusMessage, QStringLiteral("explicit"));
    }

    void promptOnlyForGenerations()
    {
        for (const bool generation : { true, false }) {
            Request request;
            Span &span = addSpan(request, kRootSpan);
            set(span.mutable_attributes(), "langfuse.observation.type", generation ? "generation" : "tool");
            set(span.mutable_attributes(), "langfuse.observation.prompt.name", "greeting");
            set(span.mutable_attributes(), "langfuse.observation.prompt.version", qint64(3));
            const auto o = tg::mapTraceRequest(request).batch.observations.at(0);
            QCOMPARE(o.promptName, generation ? QStringLiteral("greeting") : QString());
            QCOMPARE(o.promptVersion, generation ? std::optional<int>(3) : std::nullopt);
        }
        Request legacy;
        Span &span = addSpan(legacy, kRootSpan);
        set(span.mutable_attributes(), "gen_ai.request.model", "m");
        set(span.mutable_attributes(), "langfuse.prompt.name", "legacy");
        set(span.mutable_attributes(), "langfuse.prompt.version", "7");
        const auto o = tg::mapTraceRequest(legacy).batch.observations.at(0);
        QCOMPARE(o.promptName, QStringLiteral("legacy"));
        QCOMPARE(o.promptVersion, std::optional<int>(7));
    }

    void environmentNormalisation_data()
    {
        QTest::addColumn<QString>("raw");
        QTest::addColumn<QString>("expected");
        QTest::newRow("plain") << "production"
                               << "production";
        QTest::newRow("upper") << "Staging"
                               << "staging";
        QTest::newRow("langfuse prefix") << "langfuse-dev"
                                         << "dev";
        QTest::newRow("only langfuse") << "langfuse"
                                       << "default";
        QTest::newRow("spaces") << "my env"
                                << "default";
        QTest::newRow("punctuation") << "prod!"
                                     << "default";
        QTest::newRow("long") << QString(50, u'a') << QString(40, u'a');
        QTest::newRow("dash and underscore") << "eu-west_1"
                                             << "eu-west_1";
    }

    void environmentNormalisation()
    {
        QFETCH(QString, raw);
        QFETCH(QString, expected);
        QCOMPARE(tg::OtlpSpanReader::normaliseEnvironment(raw), expected);
    }

    void environmentSources()
    {
        const auto environmentOf = [](auto configure) {
            Request request;
            Span &span = addSpan(request, kRootSpan);
            configure(resourceAttributes(request), span.mutable_attributes());
            return tg::mapTraceRequest(request);
        };
        auto result = environmentOf(
            [](KeyValues *resource, KeyValues *) { set(resource, "deployment.environment.name", "qa"); });
        QCOMPARE(result.batch.observations.at(0).environment, QStringLiteral("qa"));
        QCOMPARE(result.batch.traces.at(0).environment, QStringLiteral("qa"));
        result = environmentOf([](KeyValues *resource, KeyValues *span) {
            set(resource, "langfuse.environment", "from-resource");
            set(span, "langfuse.environment", "from-span");
        });
        QCOMPARE(result.batch.observations.at(0).environment, QStringLiteral("from-span"));
        // An earlier key on the resource beats a later key on the span.
        result = environmentOf([](KeyValues *resource, KeyValues *span) {
            set(resource, "langfuse.environment", "from-resource");
            set(span, "deployment.environment", "from-span");
        });
        QCOMPARE(result.batch.observations.at(0).environment, QStringLiteral("from-resource"));
        result = environmentOf([](KeyValues *, KeyValues *) {});
        QCOMPARE(result.batch.observations.at(0).environment, QStringLiteral("default"));
    }

    void versionAndRelease()
    {
        Request request;
        set(resourceAttributes(request), "service.version", "svc-1");
        Span &a = addSpan(request, kRootSpan);
        set(a.mutable_attributes(), "langfuse.version", "v2");
        set(a.mutable_attributes(), "langfuse.release", "rel-9");
        addSpan(request, kChildSpan, kRootSpan);
        const auto result = tg::mapTraceRequest(request);
        QCOMPARE(observation(result.batch, QString::fromLatin1(kRootSpan)).version, QStringLiteral("v2"));
        QCOMPARE(observation(result.batch, QString::fromLatin1(kChildSpan)).version, QStringLiteral("svc-1"));
        QCOMPARE(result.batch.traces.at(0).release, QStringLiteral("rel-9"));
    }

    void severalResourcesAndScopes()
    {
        Request request;
        for (int r = 0; r < 2; ++r) {
            auto *resource = request.add_resource_spans();
            set(resource->mutable_resource()->mutable_attributes(), "service.name",
                QStringLiteral("svc-%1").arg(r));
            for (int s = 0; s < 2; ++s) {
                auto *scope = resource->add_scope_spans();
                scope->mutable_scope()->set_name(QStringLiteral("scope-%1").arg(s).toStdString());
                Span *span = scope->add_spans();
                span->set_trace_id(bytes(kTrace));
                span->set_span_id(
                    bytes(QStringLiteral("%1%2").arg(r + 1).arg(s + 1).repeated(8).toLatin1().constData()));
            }
        }
        const auto result = tg::mapTraceRequest(request);
        QCOMPARE(result.acceptedSpans, 4);
        const QJsonObject metadata
            = json(observation(result.batch, QStringLiteral("2121212121212121")).metadata).toObject();
        QCOMPARE(metadata.value(u"resourceAttributes").toObject().value(u"service.name").toString(),
            QStringLiteral("svc-1"));
        QCOMPARE(metadata.value(u"scope").toObject().value(u"name").toString(), QStringLiteral("scope-0"));
    }

    void observationMetadataText()
    {
        // The exact text, with and without metadata members of the span's own: leftover
        // attributes by key as strings (non-strings as their JSON text), then resource and scope.
        Request request;
        set(resourceAttributes(request), "service.name", "svc");
        Span &plain = addSpan(request, kRootSpan, "", "plain");
        set(plain.mutable_attributes(), "app.k", "v \"q\"");
        set(plain.mutable_attributes(), "app.n", qint64(42));
        set(plain.mutable_attributes(), "app.b", true);
        setStrings(plain.mutable_attributes(), "app.list", { "x", "y" });
        set(plain.mutable_attributes(), "langfuse.observation.input", "ignored here");
        Span &tagged = addSpan(request, kChildSpan, kRootSpan, "tagged");
        set(tagged.mutable_attributes(), "langfuse.observation.metadata.team", "search");
        set(tagged.mutable_attributes(), "app.k", "w");
        const auto result = tg::mapTraceRequest(request);
        QCOMPARE(observation(result.batch, QString::fromLatin1(kRootSpan)).metadata,
            QByteArray("{\"attributes\":{\"app.b\":\"true\",\"app.k\":\"v \\\"q\\\"\",\"app.list\":"
                       "\"[\\\"x\\\",\\\"y\\\"]\",\"app.n\":\"42\"},\"resourceAttributes\":{\"service.name\":"
                       "\"svc\"},\"scope\":{\"name\":\"test-scope\",\"attributes\":{}}}"));
        QCOMPARE(observation(result.batch, QString::fromLatin1(kChildSpan)).metadata,
            QByteArray("{\"team\":\"search\",\"attributes\":{\"app.k\":\"w\",\"langfuse.observation.metadata."
                       "team\":\"search\"},\"resourceAttributes\":{"
                       "\"service.name\":\"svc\"},"
                       "\"scope\":{\"name\":\"test-scope\",\"attributes\":{}}}"));
    }

    void tenThousandAttributes()
    {
        Request request;
        Span &span = addSpan(request, kRootSpan);
        for (int i = 0; i < 10000; ++i)
            set(span.mutable_attributes(), QStringLiteral("attr.%1").arg(i).toStdString(), qint64(i));
        QElapsedTimer timer;
        timer.start();
        const auto result = tg::mapTraceRequest(request);
        qInfo("10,000 attributes mapped in %lld ms", timer.elapsed());
        const QJsonObject attributes
            = json(result.batch.observations.at(0).metadata).toObject().value(u"attributes").toObject();
        QCOMPARE(attributes.size(), 10000);
        QCOMPARE(attributes.value(u"attr.9999").toString(), QStringLiteral("9999"));
    }

    void duplicateAttributeKeysKeepTheLast()
    {
        Request request;
        Span &span = addSpan(request, kRootSpan);
        set(span.mutable_attributes(), "user.id", "first");
        set(span.mutable_attributes(), "user.id", "last");
        QCOMPARE(tg::mapTraceRequest(request).batch.traces.at(0).userId, QStringLiteral("last"));
    }

    void spansSeeOnlyTheirOwnAttributes()
    {
        // Attribute tables reuse the storage of earlier ones: nothing of a span may show in the
        // next, whether it had more attributes, fewer, or thousands.
        Request request;
        Span &big = addSpan(request, kRootSpan);
        for (int i = 0; i < 300; ++i)
            set(big.mutable_attributes(), QByteArray("attr." + QByteArray::number(i)).constData(), "x");
        set(big.mutable_attributes(), "user.id", "u-big");
        set(big.mutable_attributes(), "session.id", "s-big");
        Span &many = addSpan(request, "0000000000000002", kRootSpan);
        for (int i = 0; i < 40; ++i)
            set(many.mutable_attributes(), QByteArray("k." + QByteArray::number(i)).constData(), "y");
        set(many.mutable_attributes(), "gen_ai.request.model", "model-a");
        addSpan(request, "0000000000000003", kRootSpan); // none at all
        Span &few = addSpan(request, "0000000000000004", kRootSpan);
        set(few.mutable_attributes(), "gen_ai.usage.input_tokens", qint64(5));
        for (int round = 0; round < 2; ++round) {
            const auto result = tg::mapTraceRequest(request);
            const auto &o = result.batch.observations;
            QCOMPARE(o.size(), size_t(4));
            QCOMPARE(json(o[0].metadata).toObject().value(u"attributes").toObject().size(), 302);
            QCOMPARE(o[1].model, QStringLiteral("model-a"));
            QCOMPARE(json(o[1].metadata).toObject().value(u"attributes").toObject().size(), 41);
            QVERIFY(o[2].model.isEmpty());
            QVERIFY(json(o[2].metadata).toObject().value(u"attributes").toObject().isEmpty());
            QVERIFY(o[3].model.isEmpty());
            QCOMPARE(o[3].usage.values.value(QStringLiteral("input")), 5);
            QCOMPARE(result.batch.traces.at(0).userId, QStringLiteral("u-big"));
        }
    }
};

QTEST_GUILESS_MAIN(TestOtlpMapping)
#include "tst_otlpmapping.moc"
