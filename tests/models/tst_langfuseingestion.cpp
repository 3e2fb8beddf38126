#include "domain/timeformat.h"
#include "langfusetestutil.h"
#include "mapping/langfuseingestionparser.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace tg;
using namespace tg::test;

namespace {

/// A batch of one event with the given type and body.
QByteArray one(const QString &type, const QJsonObject &body, const QString &id = QStringLiteral("evt-1"),
    const QString &timestamp = QStringLiteral("2026-08-22T10:00:00.000Z"))
{
    const QJsonObject event { { QStringLiteral("id"), id }, { QStringLiteral("type"), type },
        { QStringLiteral("timestamp"), timestamp }, { QStringLiteral("body"), body } };
    return QJsonDocument(QJsonObject { { QStringLiteral("batch"), QJsonArray { event } } })
        .toJson(QJsonDocument::Compact);
}

QJsonObject parseJson(const QByteArray &text)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(text, &error);
    if (error.error != QJsonParseError::NoError)
        qFatal("response is not JSON: %s", text.constData());
    return doc.object();
}

} // namespace

class TestLangfuseIngestion : public QObject
{
    Q_OBJECT

private slots:
    void jsSdkBatch();
    void liteLlmBatch();
    void everyEventType_data();
    void everyEventType();
    void createThenUpdateSetsOnlyGivenFields();
    void badEventsInsideAGoodBatch();
    void eventValidation_data();
    void eventValidation();
    void topLevelErrors_data();
    void topLevelErrors();
    void usageForms_data();
    void usageForms();
    void scoreKinds_data();
    void scoreKinds();
    void duplicateEnvelopeIds();
    void orderFollowsLangfuse();
    void nullsEverywhere();
    void environmentNormalisation_data();
    void environmentNormalisation();
    void payloadsAndMetadata();
    void modelParametersTolerated();
    void deepPayloadWithinLimitIsKept();
    void invalidUtf8IsReplaced();
    void bodyWithoutIdIsAcceptedButNotStored();
    void failAccepted();
};

void TestLangfuseIngestion::jsSdkBatch()
{
    const LangfuseIngestionResult r
        = LangfuseIngestionParser::parse(readLangfuseData("ingestion-langfuse-js.json"));
    QVERIFY(r.valid);
    QCOMPARE(r.httpStatus(), 207);
    QCOMPARE(r.eventCount, 9);
    QCOMPARE(r.errors.size(), size_t(0));
    // sdk-log is accepted but, as in Langfuse, not listed.
    QCOMPARE(r.successes.size(), size_t(8));
    QCOMPARE(r.batch.traces.size(), size_t(2));
    QCOMPARE(r.batch.observations.size(), size_t(5));
    QCOMPARE(r.batch.scores.size(), size_t(1));

    const TraceRecord &t = r.batch.traces[0];
    QCOMPARE(t.id, QStringLiteral("c1f7a0d2-8a55-4f3e-9b7e-3a1f6a2b9c10"));
    QCOMPARE(t.name, QStringLiteral("support-chat"));
    QCOMPARE(t.timestampNs, ns("2026-08-22T10:00:00.000Z"));
    QCOMPARE(t.userId, QStringLiteral("user-42"));
    QCOMPARE(t.sessionId, QStringLiteral("session-7"));
    QCOMPARE(t.release, QStringLiteral("v1.4.2"));
    QCOMPARE(t.version, QStringLiteral("2"));
    QCOMPARE(t.environment, QStringLiteral("production"));
    QCOMPARE(t.tags, (QStringList { "prod", "support" }));
    QCOMPARE(t.metadata, QByteArray(R"({"tenant":"acme","plan":"pro"})"));
    QCOMPARE(t.input, QByteArray(R"({"question":"Where is my order #1234?"})"));
    QVERIFY(t.output.isEmpty());
    QVERIFY(!t.isPublic);

    // The second trace-create only carries output (and the defaults of a create).
    const TraceRecord &t2 = r.batch.traces[1];
    QCOMPARE(t2.id, t.id);
    QVERIFY(t2.name.isNull());
    QCOMPARE(t2.output, QByteArray(R"({"answer":"Your order shipped and arrives on Aug 24."})"));
    QCOMPARE(t2.timestampNs, ns("2026-08-22T10:00:01.470Z")); // envelope timestamp as default

    const auto &obs = r.batch.observations;
    // Apply order: by envelope timestamp.
    QCOMPARE(obs[0].type, std::optional(ObservationType::Span));
    QCOMPARE(obs[0].name, QStringLiteral("retrieve-order"));
    QCOMPARE(obs[1].id, obs[0].id); // span-update
    QCOMPARE(obs[1].endNs, ns("2026-08-22T10:00:00.180Z"));
    QCOMPARE(obs[2].type, std::optional(ObservationType::Generation));
    const ObservationRecord &gen = obs[2];
    QCOMPARE(gen.model, QStringLiteral("gpt-4o-mini"));
    QCOMPARE(gen.parentId, QStringLiteral("7d3c2b1a-0000-4000-8000-000000000001"));
    QCOMPARE(gen.modelParameters,
        QByteArray(R"({"temperature":0.2,"max_tokens":256,"stream":false,"stop":["\n\n"]})"));
    QCOMPARE(gen.promptName, QStringLiteral("support-answer"));
    QCOMPARE(gen.promptVersion, std::optional(3));
    QCOMPARE(gen.startNs, ns("2026-08-22T10:00:00.200Z"));
    QVERIFY(gen.input.startsWith("[{\"role\":\"system\""));
    const ObservationRecord &genUpdate = obs[3];
    QCOMPARE(genUpdate.id, gen.id);
    QCOMPARE(genUpdate.completionStartNs, ns("2026-08-22T10:00:00.650Z"));
    QCOMPARE(genUpdate.usage.value(QStringLiteral("input")), 52);
    QCOMPARE(genUpdate.usage.value(QStringLiteral("output")), 14);
    QCOMPARE(genUpdate.usage.value(QStringLiteral("total")), 66);
    QVERIFY(genUpdate.model.isNull());
    QCOMPARE(obs[4].type, std::optional(ObservationType::Event));
    QCOMPARE(obs[4].level, std::optional(Level::Debug));
    QCOMPARE(obs[4].input, QByteArray(R"("content check")"));

    const ScoreRecord &s = r.batch.scores[0];
    QCOMPARE(s.id, QStringLiteral("score-helpful-1"));
    QCOMPARE(s.value, std::optional(0.9));
    QCOMPARE(s.dataType, std::optional(ScoreDataType::Numeric));
    QCOMPARE(s.source, QStringLiteral("API"));
    QCOMPARE(s.comment, QStringLiteral("clear and correct"));
    QCOMPARE(s.timestampNs, ns("2026-08-22T10:00:05.000Z"));
    QCOMPARE(s.environment, QStringLiteral("default"));

    // Successes: creates by timestamp, then the updates by timestamp.
    QStringList order;
    for (const auto &e : r.successes) {
        QCOMPARE(e.status, 201);
        order << e.id.right(2);
    }
    QCOMPARE(order, (QStringList { "01", "02", "04", "06", "07", "08", "03", "05" }));
}

void TestLangfuseIngestion::liteLlmBatch()
{
    const LangfuseIngestionResult r
        = LangfuseIngestionParser::parse(readLangfuseData("ingestion-litellm.json"));
    QVERIFY(r.valid);
    QCOMPARE(r.errors.size(), size_t(0));
    QCOMPARE(r.successes.size(), size_t(2));
    QCOMPARE(r.batch.traces.size(), size_t(1));
    QCOMPARE(r.batch.observations.size(), size_t(1));
    const TraceRecord &t = r.batch.traces[0];
    QCOMPARE(t.name, QStringLiteral("litellm-acompletion"));
    QCOMPARE(t.userId, QStringLiteral("alice@example.com"));
    QCOMPARE(t.timestampNs, ns("2026-08-22T11:30:00.123456Z"));
    QVERIFY(t.release.isNull()); // null = not given
    QCOMPARE(t.tags, (QStringList { "litellm", "proxy" }));

    const ObservationRecord &g = r.batch.observations[0];
    QCOMPARE(g.traceId, QStringLiteral("litellm-trace-7f3a"));
    QCOMPARE(g.startNs, ns("2026-08-22T11:29:58.901234Z"));
    QCOMPARE(g.endNs, ns("2026-08-22T11:30:00.118765Z"));
    QCOMPARE(g.completionStartNs, ns("2026-08-22T11:29:59.402311Z"));
    QCOMPARE(g.model, QStringLiteral("claude-3-5-sonnet-20240620"));
    QCOMPARE(g.modelParameters, QByteArray(R"({"temperature":"0.3","max_tokens":300,"stream":false})"));
    // usageDetails wins over the deprecated usage object...
    QCOMPARE(g.usage.value(QStringLiteral("input")), 180);
    QCOMPARE(g.usage.value(QStringLiteral("cache_read_input_tokens")), 1024);
    QCOMPARE(g.usage.value(QStringLiteral("total")), 1235);
    QCOMPARE(g.usage.values.size(), 5);
    // ...and the costs come from usage because no costDetails were sent.
    QCOMPARE(g.cost.value(QStringLiteral("total")), 0.004077);
    QCOMPARE(g.cost.values.size(), 1);
    QCOMPARE(g.level, std::optional(Level::Default));
    QVERIFY(g.statusMessage.isNull());
    QVERIFY(g.version.isNull());
    QCOMPARE(g.environment, QStringLiteral("default"));
    QVERIFY(g.metadata.contains("\"cache_hit\":false"));
}

void TestLangfuseIngestion::everyEventType_data()
{
    QTest::addColumn<QString>("type");
    QTest::addColumn<int>("traces");
    QTest::addColumn<int>("observations");
    QTest::addColumn<int>("scores");
    QTest::addColumn<int>("listed");
    QTest::addColumn<int>("observationType");

    QTest::newRow("trace-create") << "trace-create" << 1 << 0 << 0 << 1 << -1;
    QTest::newRow("score-create") << "score-create" << 0 << 0 << 1 << 1 << -1;
    QTest::newRow("span-create") << "span-create" << 0 << 1 << 0 << 1 << int(ObservationType::Span);
    QTest::newRow("span-update") << "span-update" << 0 << 1 << 0 << 1 << int(ObservationType::Span);
    QTest::newRow("generation-create")
        << "generation-create" << 0 << 1 << 0 << 1 << int(ObservationType::Generation);
    QTest::newRow("generation-update")
        << "generation-update" << 0 << 1 << 0 << 1 << int(ObservationType::Generation);
    QTest::newRow("event-create") << "event-create" << 0 << 1 << 0 << 1 << int(ObservationType::Event);
    QTest::newRow("agent-create") << "agent-create" << 0 << 1 << 0 << 1 << int(ObservationType::Agent);
    QTest::newRow("tool-create") << "tool-create" << 0 << 1 << 0 << 1 << int(ObservationType::Tool);
    QTest::newRow("chain-create") << "chain-create" << 0 << 1 << 0 << 1 << int(ObservationType::Chain);
    QTest::newRow("retriever-create")
        << "retriever-create" << 0 << 1 << 0 << 1 << int(ObservationType::Retriever);
    QTest::newRow("evaluator-create")
        << "evaluator-create" << 0 << 1 << 0 << 1 << int(ObservationType::Evaluator);
    QTest::newRow("embedding-create")
        << "embedding-create" << 0 << 1 << 0 << 1 << int(ObservationType::Embedding);
    QTest::newRow("guardrail-create")
        << "guardrail-create" << 0 << 1 << 0 << 1 << int(ObservationType::Guardrail);
    QTest::newRow("observation-create")
        << "observation-create" << 0 << 1 << 0 << 1 << int(ObservationType::Tool);
    QTest::newRow("observation-update")
        << "observation-update" << 0 << 1 << 0 << 1 << int(ObservationType::Tool);
    QTest::newRow("sdk-log") << "sdk-log" << 0 << 0 << 0 << 0 << -1;
    QTest::newRow("dataset-run-item-create") << "dataset-run-item-create" << 0 << 0 << 0 << 1 << -1;
}

void TestLangfuseIngestion::everyEventType()
{
    QFETCH(QString, type);
    QFETCH(int, traces);
    QFETCH(int, observations);
    QFETCH(int, scores);
    QFETCH(int, listed);
    QFETCH(int, observationType);

    QJsonObject body { { QStringLiteral("id"), QStringLiteral("entity-1") } };
    if (type == u"score-create") {
        body.insert(QStringLiteral("name"), QStringLiteral("quality"));
        body.insert(QStringLiteral("value"), 1);
        body.insert(QStringLiteral("traceId"), QStringLiteral("t-1"));
    } else if (type == u"sdk-log") {
        body = QJsonObject { { QStringLiteral("log"), QStringLiteral("hello") } };
    } else if (type.startsWith(u"observation-")) {
        body.insert(QStringLiteral("type"), QStringLiteral("TOOL"));
    } else if (type == u"dataset-run-item-create") {
        body = QJsonObject { { QStringLiteral("runName"), QStringLiteral("r") },
            { QStringLiteral("datasetItemId"), QStringLiteral("d") } };
    }
    const LangfuseIngestionResult r = LangfuseIngestionParser::parse(one(type, body));
    QVERIFY(r.valid);
    QCOMPARE(r.errors.size(), size_t(0));
    QCOMPARE(int(r.successes.size()), listed);
    QCOMPARE(int(r.batch.traces.size()), traces);
    QCOMPARE(int(r.batch.observations.size()), observations);
    QCOMPARE(int(r.batch.scores.size()), scores);
    if (observationType >= 0) {
        QCOMPARE(r.batch.observations[0].type, observationTypeFromInt(observationType));
        QCOMPARE(r.batch.observations[0].id, QStringLiteral("entity-1"));
    }
    if (listed) {
        QCOMPARE(r.successes[0].id, QStringLiteral("evt-1"));
        QCOMPARE(r.successes[0].status, 201);
    }
}

void TestLangfuseIngestion::createThenUpdateSetsOnlyGivenFields()
{
    const QByteArray body = R"({"batch":[
        {"id":"e1","type":"span-create","timestamp":"2026-08-22T10:00:00Z",
         "body":{"id":"s1","traceId":"t1","name":"step","startTime":"2026-08-22T10:00:00Z","input":{"q":1},
                 "metadata":{"a":1},"environment":"dev"}},
        {"id":"e2","type":"span-update","timestamp":"2026-08-22T10:00:02Z",
         "body":{"id":"s1","endTime":"2026-08-22T10:00:02Z","output":"done","metadata":{"b":2}}}]})";
    const LangfuseIngestionResult r = LangfuseIngestionParser::parse(body);
    QCOMPARE(r.batch.observations.size(), size_t(2));
    const ObservationRecord &create = r.batch.observations[0];
    QCOMPARE(create.traceId, QStringLiteral("t1"));
    QCOMPARE(create.name, QStringLiteral("step"));
    QCOMPARE(create.environment, QStringLiteral("dev"));
    QVERIFY(!create.endNs);

    const ObservationRecord &update = r.batch.observations[1];
    QCOMPARE(update.id, QStringLiteral("s1"));
    QVERIFY(update.traceId.isEmpty()); // not given: the store resolves it from the stored span
    QVERIFY(update.name.isNull());
    QVERIFY(!update.startNs); // updates do not default the start time
    QCOMPARE(update.endNs, ns("2026-08-22T10:00:02Z"));
    QVERIFY(update.input.isEmpty());
    QCOMPARE(update.output, QByteArray(R"("done")"));
    QCOMPARE(update.metadata, QByteArray(R"({"b":2})"));
    QVERIFY(update.environment.isNull()); // updates do not default the environment
    QVERIFY(!update.level);
    QVERIFY(update.model.isNull());
    QVERIFY(update.usage.isEmpty());
    QVERIFY(update.cost.isEmpty());
    QVERIFY(update.parentId.isNull());
    QCOMPARE(update.type, std::optional(ObservationType::Span));
}

void TestLangfuseIngestion::badEventsInsideAGoodBatch()
{
    const QByteArray body = R"({"batch":[
        {"id":"ok-1","type":"trace-create","timestamp":"2026-08-22T10:00:00Z","body":{"id":"t1","name":"a"}},
        {"id":"bad-1","type":"span-create","timestamp":"2026-08-22T10:00:01Z","body":{"traceId":"t1"}},
        {"id":"ok-2","type":"span-create","timestamp":"2026-08-22T10:00:02Z","body":{"id":"s1","traceId":"t1"}},
        {"id":42,"type":"span-create","timestamp":"2026-08-22T10:00:03Z","body":{"id":"s2"}},
        "not an event",
        {"id":"bad-3","type":"span-create","timestamp":"yesterday","body":{"id":"s3","name":7}}
    ],"metadata":null})";
    const LangfuseIngestionResult r = LangfuseIngestionParser::parse(body);
    QVERIFY(r.valid);
    QCOMPARE(r.httpStatus(), 207);
    QCOMPARE(r.batch.traces.size(), size_t(1));
    QCOMPARE(r.batch.observations.size(), size_t(1));
    QCOMPARE(r.batch.observations[0].id, QStringLiteral("s1"));
    const QByteArray expected
        = R"({"successes":[{"id":"ok-1","status":201},{"id":"ok-2","status":201}],"errors":[)"
          R"({"id":"bad-1","status":400,"message":"Invalid request data","error":"body.id: Required"},)"
          R"({"id":"unknown","status":400,"message":"Invalid request data","error":"id: Expected string, received number"},)"
          R"({"id":"unknown","status":400,"message":"Invalid request data","error":"Expected object, received string"},)"
          R"({"id":"bad-3","status":400,"message":"Invalid request data","error":"timestamp: Invalid datetime; body.name: Expected string, received number"}]})";
    QCOMPARE(r.responseBody(), expected);
    // The answer is valid JSON with the IngestionResponse shape.
    const QJsonObject answer = parseJson(r.responseBody());
    QVERIFY(answer.value(QStringLiteral("successes")).isArray());
    QVERIFY(answer.value(QStringLiteral("errors")).isArray());
}

void TestLangfuseIngestion::eventValidation_data()
{
    QTest::addColumn<QByteArray>("event");
    QTest::addColumn<QString>("expectedId");
    QTest::addColumn<QString>("errorContains");

    const QByteArray ts = R"("timestamp":"2026-08-22T10:00:00Z")";
    auto ev = [&](const char *type, const char *body, const char *id = "\"e\"") -> QByteArray {
        return QByteArray("{\"id\":") + id + ",\"type\":\"" + type + "\"," + ts + ",\"body\":" + body + "}";
    };
    const QByteArray longId = "\"" + QByteArray(801, 'x') + "\"";
    QTest::newRow("no envelope id") << QByteArray(R"({"type":"trace-create",)" + ts + R"(,"body":{}})")
                                    << "unknown"
                                    << "id: Required";
    QTest::newRow("empty envelope id") << ev("trace-create", "{}", "\"\"") << ""
                                       << "at least 1 character";
    QTest::newRow("801-char envelope id")
        << ev("trace-create", "{}", longId.constData()) << QString(801, u'x') << "at most 800";
    QTest::newRow("id with CR") << ev("trace-create", "{}", R"("a\rb")") << "a\rb"
                                << "carriage return";
    QTest::newRow("id null") << ev("trace-create", "{}", "null") << "unknown"
                             << "id: Expected string, received null";
    QTest::newRow("no timestamp") << QByteArray(R"({"id":"e","type":"trace-create","body":{}})") << "e"
                                  << "timestamp: Required";
    QTest::newRow("timestamp number")
        << QByteArray(R"({"id":"e","type":"trace-create","timestamp":1,"body":{}})") << "e"
        << "timestamp: Expected string";
    QTest::newRow("bad timestamp") << QByteArray(
        R"({"id":"e","type":"trace-create","timestamp":"2026-13-40","body":{}})")
                                   << "e"
                                   << "Invalid datetime";
    QTest::newRow("timestamp beyond 2262")
        << QByteArray(R"({"id":"e","type":"trace-create","timestamp":"9999-12-31T23:59:59Z","body":{}})")
        << "e"
        << "timestamp: Invalid datetime";
    QTest::newRow("startTime before 1677")
        << ev("span-create", R"({"id":"s","startTime":"1600-01-01T00:00:00Z"})") << "e"
        << "body.startTime: Invalid datetime";
    QTest::newRow("unknown type") << ev("trace-delete", "{}") << "e"
                                  << "type: Invalid discriminator value";
    QTest::newRow("type missing") << QByteArray(R"({"id":"e",)" + ts + R"(,"body":{}})") << "e"
                                  << "type: Required";
    QTest::newRow("body missing") << QByteArray(R"({"id":"e","type":"trace-create",)" + ts + "}") << "e"
                                  << "body: Required";
    QTest::newRow("body array") << ev("trace-create", "[]") << "e"
                                << "body: Expected object, received array";
    QTest::newRow("span-create without id") << ev("span-create", "{}") << "e"
                                            << "body.id: Required";
    QTest::newRow("generation-update without id") << ev("generation-update", R"({"output":1})") << "e"
                                                  << "body.id: Required";
    QTest::newRow("body id too long")
        << ev("span-create", QByteArray("{\"id\":" + longId + "}").constData()) << "e"
        << "body.id: String must contain at most 800";
    QTest::newRow("traceId with CR") << ev("span-create", R"({"id":"s","traceId":"t\r"})") << "e"
                                     << "body.traceId: ID cannot contain";
    QTest::newRow("name number") << ev("span-create", R"({"id":"s","name":5})") << "e"
                                 << "body.name: Expected string, received number";
    QTest::newRow("startTime bad") << ev("span-create", R"({"id":"s","startTime":"soon"})") << "e"
                                   << "body.startTime: Invalid datetime";
    QTest::newRow("level unknown") << ev("span-create", R"({"id":"s","level":"LOUD"})") << "e"
                                   << "body.level: Invalid enum value";
    QTest::newRow("level number") << ev("span-create", R"({"id":"s","level":2})") << "e"
                                  << "body.level: Invalid enum value";
    QTest::newRow("tags with number") << ev("trace-create", R"({"id":"t","tags":["a",1]})") << "e"
                                      << "body.tags: Expected an array of strings";
    QTest::newRow("tags string") << ev("trace-create", R"({"id":"t","tags":"a,b"})") << "e"
                                 << "body.tags: Expected array, received string";
    QTest::newRow("public string") << ev("trace-create", R"({"id":"t","public":"yes"})") << "e"
                                   << "body.public: Expected boolean";
    QTest::newRow("trace name too long") << ev(
        "trace-create", QByteArray("{\"id\":\"t\",\"name\":\"" + QByteArray(1001, 'n') + "\"}").constData())
                                         << "e"
                                         << "at most 1000";
    QTest::newRow("environment number") << ev("trace-create", R"({"id":"t","environment":1})") << "e"
                                        << "body.environment: Expected string";
    QTest::newRow("modelParameters array")
        << ev("generation-create", R"({"id":"g","modelParameters":[1]})") << "e"
        << "modelParameters: Expected object, received array";
    QTest::newRow("usageDetails negative")
        << ev("generation-create", R"({"id":"g","usageDetails":{"input":-1}})") << "e"
        << "usageDetails.input: Expected a non-negative integer";
    QTest::newRow("usageDetails fraction")
        << ev("generation-create", R"({"id":"g","usageDetails":{"input":1.5}})") << "e"
        << "usageDetails.input";
    QTest::newRow("usageDetails array") << ev("generation-create", R"({"id":"g","usageDetails":[1]})") << "e"
                                        << "usageDetails: Expected object";
    QTest::newRow("openai details wrong") << ev("generation-create",
        R"({"id":"g","usageDetails":{"prompt_tokens":5,"prompt_tokens_details":{"cached_tokens":"3"}}})")
                                          << "e"
                                          << "prompt_tokens_details.cached_tokens";
    QTest::newRow("costDetails string")
        << ev("generation-create", R"({"id":"g","costDetails":{"total":"0.1"}})") << "e"
        << "costDetails.total: Expected a non-negative number";
    QTest::newRow("costDetails negative")
        << ev("generation-create", R"({"id":"g","costDetails":{"total":-0.1}})") << "e"
        << "costDetails.total";
    QTest::newRow("usage input string")
        << ev("generation-create", R"({"id":"g","usage":{"input":"5"}})") << "e"
        << "usage.input: Expected integer";
    QTest::newRow("usage unit unknown")
        << ev("generation-create", R"({"id":"g","usage":{"input":5,"unit":"BYTES"}})") << "e"
        << "usage.unit";
    QTest::newRow("usage cost string")
        << ev("generation-create", R"({"id":"g","usage":{"totalCost":"1"}})") << "e"
        << "usage.totalCost: Expected number";
    QTest::newRow("promptName alone") << ev("generation-create", R"({"id":"g","promptName":"p"})") << "e"
                                      << "promptName and promptVersion";
    QTest::newRow("promptVersion fraction")
        << ev("generation-create", R"({"id":"g","promptName":"p","promptVersion":1.5})") << "e"
        << "body.promptVersion: Expected integer";
    QTest::newRow("score no name") << ev("score-create", R"({"id":"s","value":1})") << "e"
                                   << "body.name: Required";
    QTest::newRow("score empty name") << ev("score-create", R"({"id":"s","name":"","value":1})") << "e"
                                      << "body.name: String must contain at least 1";
    QTest::newRow("score no value") << ev("score-create", R"({"id":"s","name":"n"})") << "e"
                                    << "body.value: Required";
    QTest::newRow("score bool value") << ev("score-create", R"({"id":"s","name":"n","value":true})") << "e"
                                      << "body.value: Expected number or string";
    QTest::newRow("score boolean 2") << ev(
        "score-create", R"({"id":"s","name":"n","value":2,"dataType":"BOOLEAN"})")
                                     << "e"
                                     << "either 0 or 1";
    QTest::newRow("score numeric string")
        << ev("score-create", R"({"id":"s","name":"n","value":"high","dataType":"NUMERIC"})") << "e"
        << "body.value: Expected number";
    QTest::newRow("score categorical number")
        << ev("score-create", R"({"id":"s","name":"n","value":1,"dataType":"CATEGORICAL"})") << "e"
        << "body.value: Expected string";
    QTest::newRow("score text empty")
        << ev("score-create", R"({"id":"s","name":"n","value":"","dataType":"TEXT"})") << "e"
        << "between 1 and 500";
    QTest::newRow("score text too long") << ev("score-create",
        QByteArray(
            "{\"id\":\"s\",\"name\":\"n\",\"dataType\":\"TEXT\",\"value\":\"" + QByteArray(501, 'x') + "\"}")
            .constData()) << "e"
                                         << "between 1 and 500";
    QTest::newRow("score dataType bogus")
        << ev("score-create", R"({"id":"s","name":"n","value":1,"dataType":"PERCENT"})") << "e"
        << "body.dataType: Invalid enum value";
    QTest::newRow("score source bogus")
        << ev("score-create", R"({"id":"s","name":"n","value":1,"source":"HUMAN"})") << "e"
        << "body.source: Invalid enum value";
    QTest::newRow("sdk-log without log") << ev("sdk-log", "{}") << "e"
                                         << "body.log: Required";
    QTest::newRow("observation-create without type") << ev("observation-create", R"({"id":"o"})") << "e"
                                                     << "body.type: Required";
    QTest::newRow("observation-create bad type")
        << ev("observation-create", R"({"id":"o","type":"WIDGET"})") << "e"
        << "body.type: Invalid enum value";
}

void TestLangfuseIngestion::eventValidation()
{
    QFETCH(QByteArray, event);
    QFETCH(QString, expectedId);
    QFETCH(QString, errorContains);
    // Every bad event sits between two good ones, which must survive.
    const QByteArray good1
        = R"({"id":"g1","type":"trace-create","timestamp":"2026-08-22T10:00:00Z","body":{"id":"t1"}})";
    const QByteArray good2
        = R"({"id":"g2","type":"span-create","timestamp":"2026-08-22T10:00:00Z","body":{"id":"s1","traceId":"t1"}})";
    const LangfuseIngestionResult r
        = LangfuseIngestionParser::parse("{\"batch\":[" + good1 + "," + event + "," + good2 + "]}");
    QVERIFY(r.valid);
    QCOMPARE(r.errors.size(), size_t(1));
    QCOMPARE(r.errors[0].status, 400);
    QCOMPARE(r.errors[0].id, expectedId);
    QCOMPARE(r.errors[0].message, QStringLiteral("Invalid request data"));
    QVERIFY2(r.errors[0].error.contains(errorContains), qPrintable(r.errors[0].error));
    QCOMPARE(r.successes.size(), size_t(2));
    QCOMPARE(r.batch.traces.size(), size_t(1));
    QCOMPARE(r.batch.observations.size(), size_t(1));
    QCOMPARE(r.batch.scores.size(), size_t(0));
}

void TestLangfuseIngestion::topLevelErrors_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("errorContains");
    QTest::newRow("empty") << QByteArray() << "Invalid JSON: empty document";
    QTest::newRow("not JSON") << QByteArray("batch=1") << "Invalid JSON";
    QTest::newRow("truncated") << QByteArray(R"({"batch":[{"id":"e")") << "Invalid JSON";
    QTest::newRow("array root") << QByteArray("[]") << "Expected object, received array";
    QTest::newRow("string root") << QByteArray(R"("batch")") << "Expected object, received string";
    QTest::newRow("no batch") << QByteArray(R"({"events":[]})") << "batch: Required";
    QTest::newRow("batch object") << QByteArray(R"({"batch":{}})")
                                  << "batch: Expected array, received object";
    QTest::newRow("batch null") << QByteArray(R"({"batch":null})") << "batch: Expected array, received null";
    QTest::newRow("deep nesting")
        << (QByteArray(
                R"({"batch":[{"id":"e","type":"trace-create","timestamp":"2026-08-22T10:00:00Z","body":{"id":"t","input":)")
               + QByteArray(10000, '[') + QByteArray(10000, ']') + "}}]}")
        << "nested too deeply";
}

void TestLangfuseIngestion::topLevelErrors()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, errorContains);
    const LangfuseIngestionResult r = LangfuseIngestionParser::parse(body);
    QVERIFY(!r.valid);
    QCOMPARE(r.httpStatus(), 400);
    QVERIFY(r.batch.isEmpty());
    QVERIFY(r.successes.empty());
    QCOMPARE(r.requestErrors.size(), 1);
    QVERIFY2(r.requestErrors[0].contains(errorContains), qPrintable(r.requestErrors[0]));
    const QJsonObject answer = parseJson(r.responseBody());
    QCOMPARE(answer.value(QStringLiteral("message")).toString(), QStringLiteral("Invalid request data"));
    QCOMPARE(answer.value(QStringLiteral("errors")).toArray().size(), 1);
    QCOMPARE(answer.value(QStringLiteral("errors")).toArray().at(0).toString(), r.requestErrors[0]);
}

void TestLangfuseIngestion::usageForms_data()
{
    QTest::addColumn<QByteArray>("fields");
    QTest::addColumn<QString>("expectedUsage");
    QTest::addColumn<QString>("expectedCost");

    QTest::newRow("usage with costs") << QByteArray(
        R"("usage":{"input":10,"output":5,"total":15,"unit":"TOKENS","inputCost":0.1,"outputCost":0.2,"totalCost":0.3})")
                                      << R"({"input":10,"output":5,"total":15})"
                                      << R"({"input":0.1,"output":0.2,"total":0.3})";
    QTest::newRow("usage openai names")
        << QByteArray(R"("usage":{"promptTokens":7,"completionTokens":3,"totalTokens":10})")
        << R"({"input":7,"output":3,"total":10})"
        << "{}";
    QTest::newRow("usage characters unit")
        << QByteArray(R"("usage":{"input":100,"unit":"CHARACTERS"})") << R"({"input":100})"
        << "{}";
    QTest::newRow("usage nulls") << QByteArray(R"("usage":{"input":null,"output":4,"unit":null})")
                                 << R"({"output":4})"
                                 << "{}";
    QTest::newRow("usageDetails map")
        << QByteArray(R"("usageDetails":{"input":12,"output":4,"input_audio":2,"skip":null})")
        << R"({"input":12,"input_audio":2,"output":4})"
        << "{}";
    QTest::newRow("openai completion usage")
        << QByteArray(R"("usageDetails":{"prompt_tokens":100,"completion_tokens":50,"total_tokens":150,)"
                      R"("prompt_tokens_details":{"cached_tokens":30,"audio_tokens":null},)"
                      R"("completion_tokens_details":{"reasoning_tokens":20}})")
        << R"({"input":70,"input_cached_tokens":30,"output":30,"output_reasoning_tokens":20,"total":150})"
        << "{}";
    QTest::newRow("openai response usage")
        << QByteArray(
               R"("usageDetails":{"input_tokens":40,"output_tokens":10,"total_tokens":50,)"
               R"("input_tokens_details":{"cached_tokens":8},"output_tokens_details":{"reasoning_tokens":4}})")
        << R"({"input":32,"input_cached_tokens":8,"output":6,"output_reasoning_tokens":4,"total":50})"
        << "{}";
    QTest::newRow("openai details larger than totals floor at 0")
        << QByteArray(
               R"("usageDetails":{"prompt_tokens":5,"completion_tokens":0,"total_tokens":5,"prompt_tokens_details":{"cached_tokens":9}})")
        << R"({"input":0,"input_cached_tokens":9,"output":0,"total":5})"
        << "{}";
    QTest::newRow("openai usage with provider extras") << QByteArray(
        R"("usageDetails":{"prompt_tokens":5,"completion_tokens":1,"total_tokens":6,"cost":0.01,"server":{"x":1}})")
                                                       << R"({"input":5,"output":1,"total":6})"
                                                       << "{}";
    QTest::newRow("usageDetails wins over usage")
        << QByteArray(R"("usage":{"input":1,"output":1,"totalCost":9},"usageDetails":{"input":2})")
        << R"({"input":2})"
        << R"({"total":9})";
    QTest::newRow("costDetails wins over usage costs") << QByteArray(
        R"("usage":{"totalCost":9},"costDetails":{"input":0.5,"output":0,"total":0.5,"none":null})")
                                                       << "{}"
                                                       << R"({"input":0.5,"output":0,"total":0.5})";
    QTest::newRow("empty objects") << QByteArray(R"("usage":{},"usageDetails":{},"costDetails":{})") << "{}"
                                   << "{}";
    QTest::newRow("nulls") << QByteArray(R"("usage":null,"usageDetails":null,"costDetails":null)") << "{}"
                           << "{}";
}

void TestLangfuseIngestion::usageForms()
{
    QFETCH(QByteArray, fields);
    QFETCH(QString, expectedUsage);
    QFETCH(QString, expectedCost);
    const QByteArray body
        = R"({"batch":[{"id":"e","type":"generation-create","timestamp":"2026-08-22T10:00:00Z","body":{"id":"g",)"
        + fields + "}}]}";
    const LangfuseIngestionResult r = LangfuseIngestionParser::parse(body);
    QVERIFY2(r.errors.empty(), r.errors.empty() ? "" : qPrintable(r.errors[0].error));
    QCOMPARE(r.batch.observations.size(), size_t(1));
    const ObservationRecord &o = r.batch.observations[0];
    QCOMPARE(QJsonDocument(o.usage.toJson()).toJson(QJsonDocument::Compact), expectedUsage.toUtf8());
    QCOMPARE(QJsonDocument(o.cost.toJson()).toJson(QJsonDocument::Compact), expectedCost.toUtf8());
}

void TestLangfuseIngestion::scoreKinds_data()
{
    QTest::addColumn<QByteArray>("fields");
    QTest::addColumn<int>("dataType");
    QTest::addColumn<bool>("hasValue");
    QTest::addColumn<double>("value");
    QTest::addColumn<QString>("stringValue");

    QTest::newRow("numeric") << QByteArray(R"("value":0.75,"dataType":"NUMERIC")")
                             << int(ScoreDataType::Numeric) << true << 0.75 << QString();
    QTest::newRow("numeric inferred")
        << QByteArray(R"("value":-3)") << int(ScoreDataType::Numeric) << true << -3.0 << QString();
    QTest::newRow("boolean true") << QByteArray(R"("value":1,"dataType":"BOOLEAN")")
                                  << int(ScoreDataType::Boolean) << true << 1.0 << "True";
    QTest::newRow("boolean false") << QByteArray(R"("value":0,"dataType":"BOOLEAN")")
                                   << int(ScoreDataType::Boolean) << true << 0.0 << "False";
    QTest::newRow("categorical") << QByteArray(R"("value":"good","dataType":"CATEGORICAL")")
                                 << int(ScoreDataType::Categorical) << false << 0.0 << "good";
    QTest::newRow("categorical inferred")
        << QByteArray(R"("value":"bad")") << int(ScoreDataType::Categorical) << false << 0.0 << "bad";
    QTest::newRow("text") << QByteArray(R"("value":"Nice answer","dataType":"TEXT")")
                          << int(ScoreDataType::Text) << false << 0.0 << "Nice answer";
    QTest::newRow("correction") << QByteArray(R"("value":"Use the 2026 policy","dataType":"CORRECTION")")
                                << int(ScoreDataType::Correction) << true << 0.0 << "Use the 2026 policy";
}

void TestLangfuseIngestion::scoreKinds()
{
    QFETCH(QByteArray, fields);
    QFETCH(int, dataType);
    QFETCH(bool, hasValue);
    QFETCH(double, value);
    QFETCH(QString, stringValue);
    const QByteArray body
        = R"({"batch":[{"id":"e","type":"score-create","timestamp":"2026-08-22T10:00:00Z",)"
          R"("body":{"id":"sc","name":"q","observationId":"o1","traceId":"t1","source":"EVAL","metadata":{"k":"v"},)"
        + fields + "}}]}";
    const LangfuseIngestionResult r = LangfuseIngestionParser::parse(body);
    QVERIFY2(r.errors.empty(), r.errors.empty() ? "" : qPrintable(r.errors[0].error));
    QCOMPARE(r.batch.scores.size(), size_t(1));
    const ScoreRecord &s = r.batch.scores[0];
    QCOMPARE(s.dataType, std::optional(static_cast<ScoreDataType>(dataType)));
    QCOMPARE(s.value.has_value(), hasValue);
    if (hasValue)
        QCOMPARE(*s.value, value);
    QCOMPARE(s.stringValue, stringValue);
    QCOMPARE(s.source, QStringLiteral("EVAL"));
    QCOMPARE(s.observationId, QStringLiteral("o1"));
    QCOMPARE(s.traceId, QStringLiteral("t1"));
    QCOMPARE(s.metadata, QByteArray(R"({"k":"v"})"));
    QCOMPARE(s.timestampNs, ns("2026-08-22T10:00:00Z"));
}

void TestLangfuseIngestion::duplicateEnvelopeIds()
{
    const QByteArray body = R"({"batch":[
        {"id":"dup","type":"span-create","timestamp":"2026-08-22T10:00:00Z","body":{"id":"s1","name":"first","metadata":{"only":"first"}}},
        {"id":"dup","type":"span-create","timestamp":"2026-08-22T10:00:00Z","body":{"id":"s1","name":"second"}},
        {"id":"dup","type":"span-create","timestamp":"2026-08-22T10:00:00Z","body":{"name":"bad: no id"}}]})";
    const LangfuseIngestionResult r = LangfuseIngestionParser::parse(body);
    // Langfuse lists every accepted event, duplicates included; the invalid one does not displace them.
    QCOMPARE(r.successes.size(), size_t(2));
    QCOMPARE(r.errors.size(), size_t(1));
    QCOMPARE(r.duplicateCount, 1);
    QCOMPARE(r.batch.observations.size(), size_t(1));
    QCOMPARE(r.batch.observations[0].name, QStringLiteral("second")); // the later event wins outright
    QVERIFY(r.batch.observations[0].metadata.isEmpty());
}

void TestLangfuseIngestion::orderFollowsLangfuse()
{
    // An update listed before its create, with a later timestamp; and a create at the same time as
    // an update, which must be applied first.
    const QByteArray body = R"({"batch":[
        {"id":"u1","type":"generation-update","timestamp":"2026-08-22T10:00:05Z","body":{"id":"g1","output":"o"}},
        {"id":"c2","type":"span-create","timestamp":"2026-08-22T10:00:03Z","body":{"id":"s2"}},
        {"id":"u2","type":"span-update","timestamp":"2026-08-22T10:00:03Z","body":{"id":"s2","output":"x"}},
        {"id":"c1","type":"generation-create","timestamp":"2026-08-22T10:00:01Z","body":{"id":"g1"}}]})";
    const LangfuseIngestionResult r = LangfuseIngestionParser::parse(body);
    QStringList successes;
    for (const auto &s : r.successes)
        successes << s.id;
    QCOMPARE(successes, (QStringList { "c1", "c2", "u2", "u1" }));
    QStringList applied;
    for (const auto &o : r.batch.observations)
        applied << o.id + (o.output.isEmpty() ? QStringLiteral("+create") : QStringLiteral("+update"));
    QCOMPARE(applied, (QStringList { "g1+create", "s2+create", "s2+update", "g1+update" }));
}

void TestLangfuseIngestion::nullsEverywhere()
{
    const QByteArray body = R"({"batch":[
        {"id":"e1","type":"trace-create","timestamp":"2026-08-22T10:00:00Z","metadata":null,
         "body":{"id":"t","timestamp":null,"name":null,"userId":null,"input":null,"output":null,"sessionId":null,
                 "release":null,"version":null,"metadata":null,"tags":null,"environment":null,"public":null}},
        {"id":"e2","type":"generation-create","timestamp":"2026-08-22T10:00:00Z",
         "body":{"id":"g","traceId":null,"name":null,"startTime":null,"endTime":null,"completionStartTime":null,
                 "model":null,"modelParameters":null,"input":null,"output":null,"metadata":null,"level":null,
                 "statusMessage":null,"parentObservationId":null,"version":null,"environment":null,"usage":null,
                 "usageDetails":null,"costDetails":null,"promptName":null,"promptVersion":null}},
        {"id":"e3","type":"score-create","timestamp":"2026-08-22T10:00:00Z",
         "body":{"id":"s","name":"n","value":1,"traceId":null,"sessionId":null,"observationId":null,"comment":null,
                 "metadata":null,"dataType":null,"source":null,"environment":null,"configId":null,"queueId":null}}]})";
    const LangfuseIngestionResult r = LangfuseIngestionParser::parse(body);
    QVERIFY2(r.errors.empty(), r.errors.empty() ? "" : qPrintable(r.errors[0].error));
    QCOMPARE(r.successes.size(), size_t(3));
    const TraceRecord &t = r.batch.traces[0];
    QVERIFY(t.name.isNull() && t.userId.isNull() && t.sessionId.isNull() && t.release.isNull());
    QVERIFY(t.input.isEmpty() && t.output.isEmpty() && t.metadata.isEmpty() && t.tags.isEmpty());
    QVERIFY(!t.isPublic);
    QCOMPARE(t.environment, QStringLiteral("default"));
    QCOMPARE(t.timestampNs, ns("2026-08-22T10:00:00Z"));
    const ObservationRecord &o = r.batch.observations[0];
    QVERIFY(o.traceId.isEmpty() && o.model.isNull() && o.modelParameters.isEmpty() && !o.level);
    QVERIFY(!o.endNs && !o.completionStartNs && !o.promptVersion && o.usage.isEmpty() && o.cost.isEmpty());
    QCOMPARE(o.startNs, ns("2026-08-22T10:00:00Z"));
    const ScoreRecord &s = r.batch.scores[0];
    QCOMPARE(s.source, QStringLiteral("API"));
    QCOMPARE(s.dataType, std::optional(ScoreDataType::Numeric));
}

void TestLangfuseIngestion::environmentNormalisation_data()
{
    QTest::addColumn<QString>("given");
    QTest::addColumn<QString>("expected");
    QTest::newRow("kept") << "staging"
                          << "staging";
    QTest::newRow("lowercased") << "Production"
                                << "production";
    QTest::newRow("dash and underscore") << "eu-west_2"
                                         << "eu-west_2";
    QTest::newRow("trimmed") << "  dev "
                             << "dev";
    QTest::newRow("reserved prefix") << "langfuse-prompt-experiment"
                                     << "default";
    QTest::newRow("space inside") << "my env"
                                  << "default";
    QTest::newRow("dot") << "v1.2"
                         << "default";
    QTest::newRow("non-ascii") << QStringLiteral("pr\u00f6d") << "default";
    QTest::newRow("40 chars") << QString(40, u'a') << QString(40, u'a');
    QTest::newRow("41 chars") << QString(41, u'a') << "default";
    QTest::newRow("empty") << ""
                           << "default";
}

void TestLangfuseIngestion::environmentNormalisation()
{
    QFETCH(QString, given);
    QFETCH(QString, expected);
    const QByteArray body = one(QStringLiteral("trace-create"),
        QJsonObject {
            { QStringLiteral("id"), QStringLiteral("t") }, { QStringLiteral("environment"), given } });
    const LangfuseIngestionResult r = LangfuseIngestionParser::parse(body);
    QCOMPARE(r.batch.traces.size(), size_t(1));
    QCOMPARE(r.batch.traces[0].environment, expected);
}

void TestLangfuseIngestion::payloadsAndMetadata()
{
    const QByteArray body = R"({"batch":[
        {"id":"e1","type":"span-create","timestamp":"2026-08-22T10:00:00Z",
         "body":{"id":"a","input":  [ 1 , { "k" : "v w" } ] ,"output":false,"metadata":"just text"}},
        {"id":"e2","type":"span-create","timestamp":"2026-08-22T10:00:00Z",
         "body":{"id":"b","input":0,"output":"","metadata":[1,2]}},
        {"id":"e3","type":"span-create","timestamp":"2026-08-22T10:00:00Z",
         "body":{"id":"c","metadata":{},"input":{}}}]})";
    const LangfuseIngestionResult r = LangfuseIngestionParser::parse(body);
    QCOMPARE(r.batch.observations.size(), size_t(3));
    QCOMPARE(r.batch.observations[0].input, QByteArray(R"([1,{"k":"v w"}])"));
    QCOMPARE(r.batch.observations[0].output, QByteArray("false"));
    QCOMPARE(r.batch.observations[0].metadata, QByteArray(R"({"metadata":"just text"})"));
    QCOMPARE(r.batch.observations[1].input, QByteArray("0"));
    QCOMPARE(r.batch.observations[1].output, QByteArray(R"("")"));
    QCOMPARE(r.batch.observations[1].metadata, QByteArray(R"({"metadata":[1,2]})"));
    QCOMPARE(r.batch.observations[2].metadata, QByteArray("{}"));
    QCOMPARE(r.batch.observations[2].input, QByteArray("{}"));
}

void TestLangfuseIngestion::modelParametersTolerated()
{
    const QByteArray body
        = R"({"batch":[{"id":"e","type":"generation-create","timestamp":"2026-08-22T10:00:00Z",
        "body":{"id":"g","modelParameters":{"temperature":0.5,"stop":["a","b"],"user":null,"headers":{"x":"1"},
                "tools":[{"type":"function"}],"n":1}}}]})";
    const LangfuseIngestionResult r = LangfuseIngestionParser::parse(body);
    QVERIFY(r.errors.empty());
    const QByteArray params = r.batch.observations[0].modelParameters;
    const QJsonObject o = parseJson(params);
    QCOMPARE(o.value(QStringLiteral("temperature")).toDouble(), 0.5);
    QCOMPARE(o.value(QStringLiteral("stop")).toArray().size(), 2);
    QVERIFY(o.value(QStringLiteral("user")).isNull());
    QCOMPARE(o.value(QStringLiteral("headers")).toString(), QStringLiteral(R"({"x":"1"})"));
    QCOMPARE(o.value(QStringLiteral("tools")).toString(), QStringLiteral(R"([{"type":"function"}])"));
    QCOMPARE(o.value(QStringLiteral("n")).toInt(), 1);
}

void TestLangfuseIngestion::deepPayloadWithinLimitIsKept()
{
    const QByteArray nested = QByteArray(500, '[') + "1" + QByteArray(500, ']');
    const QByteArray body
        = R"({"batch":[{"id":"e","type":"span-create","timestamp":"2026-08-22T10:00:00Z","body":{"id":"s","input":)"
        + nested + "}}]}";
    const LangfuseIngestionResult r = LangfuseIngestionParser::parse(body);
    QVERIFY(r.valid);
    QCOMPARE(r.batch.observations.size(), size_t(1));
    QCOMPARE(r.batch.observations[0].input, nested);
}

void TestLangfuseIngestion::invalidUtf8IsReplaced()
{
    const QByteArray body
        = "{\"batch\":[{\"id\":\"e\",\"type\":\"trace-create\",\"timestamp\":\"2026-08-22T10:00:00Z\","
          "\"body\":{\"id\":\"t\",\"name\":\"bad \xff\xfe name\",\"input\":\"\xc3\x28\"}}]}";
    const LangfuseIngestionResult r = LangfuseIngestionParser::parse(body);
    QVERIFY(r.valid);
    QVERIFY(r.replacedInvalidUtf8);
    QCOMPARE(r.batch.traces.size(), size_t(1));
    QCOMPARE(r.batch.traces[0].name, QStringLiteral("bad \uFFFD\uFFFD name"));
    QCOMPARE(QString::fromUtf8(r.batch.traces[0].input), QStringLiteral("\"\uFFFD(\""));
    // An invalid byte outside any string is still a syntax error.
    const LangfuseIngestionResult bad = LangfuseIngestionParser::parse("{\"batch\":[]\xff}");
    QVERIFY(!bad.valid);
}

void TestLangfuseIngestion::bodyWithoutIdIsAcceptedButNotStored()
{
    const QByteArray body = R"({"batch":[
        {"id":"e1","type":"trace-create","timestamp":"2026-08-22T10:00:00Z","body":{"name":"anonymous"}},
        {"id":"e2","type":"score-create","timestamp":"2026-08-22T10:00:00Z","body":{"name":"n","value":1}},
        {"id":"e3","type":"observation-create","timestamp":"2026-08-22T10:00:00Z","body":{"type":"SPAN"}}]})";
    const LangfuseIngestionResult r = LangfuseIngestionParser::parse(body);
    QCOMPARE(r.successes.size(), size_t(3));
    QVERIFY(r.errors.empty());
    QVERIFY(r.batch.isEmpty());
}

void TestLangfuseIngestion::failAccepted()
{
    LangfuseIngestionResult r = LangfuseIngestionParser::parse(readLangfuseData("ingestion-litellm.json"));
    QCOMPARE(r.successes.size(), size_t(2));
    r.failAccepted();
    QVERIFY(r.successes.empty());
    QVERIFY(r.batch.isEmpty());
    QCOMPARE(r.httpStatus(), 207);
    QCOMPARE(r.responseBody(),
        QByteArray(
            R"({"successes":[],"errors":[{"id":"0c1b5a38-1f0e-4d9f-8b1e-6a0c2f4d5e01","status":500,)"
            R"("error":"Internal Server Error"},{"id":"0c1b5a38-1f0e-4d9f-8b1e-6a0c2f4d5e02","status":500,)"
            R"("error":"Internal Server Error"}]})"));
}

QTEST_GUILESS_MAIN(TestLangfuseIngestion)
#include "tst_langfuseingestion.moc"
