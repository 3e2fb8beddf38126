#include "domain/timeformat.h"
#include "langfusetestutil.h"
#include "mapping/langfuseapimapper.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QTest>

using namespace tg;
using namespace tg::test;

namespace {

QByteArray compact(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

const ObservationRecord *findObservation(const WriteBatch &b, const QString &id)
{
    for (const ObservationRecord &o : b.observations) {
        if (o.id == id)
            return &o;
    }
    return nullptr;
}

const ScoreRecord *findScore(const WriteBatch &b, const QString &id)
{
    for (const ScoreRecord &s : b.scores) {
        if (s.id == id)
            return &s;
    }
    return nullptr;
}

} // namespace

class TestLangfuseApiMapper : public QObject
{
    Q_OBJECT

private slots:
    void traceWithFullDetails();
    void observationsV2Page();
    void tracesFromRootObservations();
    void scoresV3Page();
    void scoresV2Page();
    void tracesPage();
    void observationsPageLegacyFields();
    void sessions();
    void wrongTypesAreSkipped();
    void nullsEverywhere();
    void objectsWithoutIdAreSkipped();
    void topLevelErrors_data();
    void topLevelErrors();
    void deepNestingAndBadUtf8();
    void randomSchemaShapedData();
    void documentTraceDownload();
    void documentJsonLines();
    void documentShapes();
};

void TestLangfuseApiMapper::traceWithFullDetails()
{
    const LangfuseApiResult r = LangfuseApiMapper::mapTrace(readLangfuseData("trace-full-details.json"));
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(r.batch.traces.size(), size_t(1));
    QCOMPARE(r.batch.observations.size(), size_t(2));
    QCOMPARE(r.batch.scores.size(), size_t(3));
    QCOMPARE(r.deprecation.replacement, QStringLiteral("GET /api/public/v2/observations"));
    QCOMPARE(r.deprecation.sunsetAt, QStringLiteral("2026-11-16"));
    QVERIFY(
        r.deprecation.message.startsWith(QLatin1String("GET /api/public/traces/{traceId} is deprecated")));
    QVERIFY(r.deprecation.docsUrl.startsWith(QLatin1String("https://langfuse.com/")));

    const TraceRecord &t = r.batch.traces[0];
    QCOMPARE(t.id, QStringLiteral("3f9a1c2e4b5d6e7f8091a2b3c4d5e6f7"));
    QCOMPARE(t.name, QStringLiteral("rag-query"));
    QCOMPARE(t.timestampNs, ns("2026-08-22T09:15:00.000Z"));
    QCOMPARE(t.input, QByteArray(R"({"query":"What is the refund policy?"})"));
    QCOMPARE(t.output, QByteArray(R"("Refunds are possible within 30 days.")"));
    QCOMPARE(t.sessionId, QStringLiteral("sess-2026-08-22-a"));
    QCOMPARE(t.release, QStringLiteral("2026.08.1"));
    QCOMPARE(t.version, QStringLiteral("3"));
    QCOMPARE(t.userId, QStringLiteral("user-7"));
    QCOMPARE(t.metadata, QByteArray(R"({"source":"web"})"));
    QCOMPARE(t.tags, (QStringList { "rag", "prod" }));
    QCOMPARE(t.isPublic, std::optional(false));
    QCOMPARE(t.environment, QStringLiteral("production"));

    const ObservationRecord *span = findObservation(r.batch, QStringLiteral("a1b2c3d4e5f60718"));
    QVERIFY(span);
    QCOMPARE(span->type, std::optional(ObservationType::Span));
    QCOMPARE(span->endNs, ns("2026-08-22T09:15:00.420Z"));
    QVERIFY(span->usage.isEmpty()); // the legacy usage object is all zeros
    QVERIFY(span->cost.isEmpty());
    QVERIFY(span->modelParameters.isEmpty());
    QVERIFY(span->model.isNull());
    QCOMPARE(span->output, QByteArray(R"([{"doc":"policy.md","score":0.91}])"));

    const ObservationRecord *gen = findObservation(r.batch, QStringLiteral("b2c3d4e5f6071829"));
    QVERIFY(gen);
    QCOMPARE(gen->type, std::optional(ObservationType::Generation));
    QCOMPARE(gen->traceId, t.id);
    QCOMPARE(gen->parentId, QStringLiteral("a1b2c3d4e5f60718"));
    QCOMPARE(gen->model, QStringLiteral("gpt-4o"));
    QCOMPARE(gen->modelParameters, QByteArray(R"({"temperature":0,"max_tokens":"512"})"));
    QCOMPARE(gen->completionStartNs, ns("2026-08-22T09:15:01.100Z"));
    QCOMPARE(gen->level, std::optional(Level::Warning));
    QCOMPARE(gen->statusMessage, QStringLiteral("slow response"));
    QCOMPARE(gen->version, QStringLiteral("3"));
    QCOMPARE(gen->promptName, QStringLiteral("rag-answer"));
    QCOMPARE(gen->promptVersion, std::optional(5));
    // usageDetails wins over the legacy usage object.
    QCOMPARE(gen->usage.value(QStringLiteral("input")), 94);
    QCOMPARE(gen->usage.value(QStringLiteral("input_cached_tokens")), 256);
    QCOMPARE(gen->usage.inputTokens(), 350);
    QCOMPARE(gen->cost.total(), 0.000675);
    QCOMPARE(gen->cost.value(QStringLiteral("input_cached_tokens")), 0.00032);
    QCOMPARE(gen->metadata, QByteArray("{}"));

    const ScoreRecord *numeric = findScore(r.batch, QStringLiteral("score-1"));
    QVERIFY(numeric);
    QCOMPARE(numeric->value, std::optional(0.95));
    QCOMPARE(numeric->dataType, std::optional(ScoreDataType::Numeric));
    QCOMPARE(numeric->observationId, QStringLiteral("b2c3d4e5f6071829"));
    QCOMPARE(numeric->source, QStringLiteral("EVAL"));
    QCOMPARE(numeric->comment, QStringLiteral("matches the policy"));
    QCOMPARE(numeric->timestampNs, ns("2026-08-22T09:16:00.000Z"));
    QCOMPARE(numeric->metadata, QByteArray(R"({"evaluator":"llm-judge"})"));
    const ScoreRecord *boolean = findScore(r.batch, QStringLiteral("score-2"));
    QCOMPARE(boolean->value, std::optional(1.0));
    QCOMPARE(boolean->stringValue, QStringLiteral("True"));
    QCOMPARE(boolean->dataType, std::optional(ScoreDataType::Boolean));
    const ScoreRecord *categorical = findScore(r.batch, QStringLiteral("score-3"));
    QCOMPARE(categorical->stringValue, QStringLiteral("friendly"));
    QCOMPARE(categorical->dataType, std::optional(ScoreDataType::Categorical));
    QVERIFY(categorical->metadata.isEmpty());
    QVERIFY(categorical->observationId.isNull());
}

void TestLangfuseApiMapper::observationsV2Page()
{
    const LangfuseApiResult r
        = LangfuseApiMapper::mapObservationsV2Page(readLangfuseData("observations-v2-page.json"));
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(r.itemCount, 3);
    QCOMPARE(r.skippedCount, 0);
    QVERIFY(r.meta.present);
    QCOMPARE(r.meta.cursor, QStringLiteral("eyJsYXN0U3RhcnRUaW1lIjoiMjAyNi0wOC0yMlQxMTo1OTowMC4wMDBaIn0"));
    QVERIFY(r.meta.hasNextPage());
    QVERIFY(r.deprecation.isEmpty());
    QCOMPARE(r.batch.observations.size(), size_t(3));

    const ObservationRecord *gen = findObservation(r.batch, QStringLiteral("c0ffee0000000002"));
    QVERIFY(gen);
    // Raw strings holding JSON become that JSON...
    QCOMPARE(gen->input, QByteArray(R"([{"role":"user","content":"Translate \"good morning\" to French"}])"));
    QCOMPARE(gen->output, QByteArray(R"({"role":"assistant","content":"Bonjour"})"));
    QCOMPARE(gen->model, QStringLiteral("gpt-4o-mini")); // providedModelName
    QCOMPARE(gen->modelParameters, QByteArray(R"({"temperature":"0.1"})"));
    QCOMPARE(gen->usage.totalTokens(), 24);
    QCOMPARE(gen->cost.total(), 0.00000495);
    QCOMPARE(gen->completionStartNs, ns("2026-08-22T12:00:00.700Z"));
    QCOMPARE(gen->environment, QStringLiteral("staging"));
    QCOMPARE(gen->metadata, QByteArray(R"({"attributes":"{\"gen_ai.system\":\"openai\"}"})"));

    const ObservationRecord *agent = findObservation(r.batch, QStringLiteral("c0ffee0000000001"));
    QVERIFY(agent);
    // ...and other strings stay JSON strings.
    QCOMPARE(agent->input, QByteArray(R"("Translate \"good morning\" to French")"));
    QCOMPARE(agent->output, QByteArray(R"("Bonjour")"));
    QCOMPARE(agent->type, std::optional(ObservationType::Agent));
    QVERIFY(agent->parentId.isNull());
    QVERIFY(agent->cost.isEmpty()); // totalCost 0 is not a cost
    QVERIFY(agent->modelParameters.isEmpty());

    const ObservationRecord *job = findObservation(r.batch, QStringLiteral("d00d000000000001"));
    QCOMPARE(job->input, QByteArray("42"));
    QVERIFY(job->output.isEmpty());
    QVERIFY(!job->endNs);
    QCOMPARE(job->level, std::optional(Level::Error));
    QCOMPARE(job->statusMessage, QStringLiteral("timeout after 30s"));

    // Traces rebuilt from the two root observations.
    QCOMPARE(r.batch.traces.size(), size_t(2));
    const TraceRecord &translate = r.batch.traces[0];
    QCOMPARE(translate.id, QStringLiteral("4bf92f3577b34da6a3ce929d0e0e4736"));
    QCOMPARE(translate.name, QStringLiteral("translate"));
    QCOMPARE(translate.timestampNs, ns("2026-08-22T12:00:00.000Z"));
    QCOMPARE(translate.userId, QStringLiteral("user-9"));
    QCOMPARE(translate.sessionId, QStringLiteral("s-100"));
    QCOMPARE(translate.release, QStringLiteral("r42"));
    QCOMPARE(translate.tags, QStringList { "i18n" });
    QCOMPARE(translate.environment, QStringLiteral("staging"));
    QCOMPARE(translate.input, agent->input);
    QCOMPARE(translate.output, agent->output);
    const TraceRecord &nightly = r.batch.traces[1];
    QCOMPARE(nightly.name, QStringLiteral("nightly-job")); // no traceName: the root's name
    QVERIFY(nightly.userId.isEmpty());
    QVERIFY(nightly.tags.isEmpty());
}

void TestLangfuseApiMapper::tracesFromRootObservations()
{
    auto obs = [](const char *id, const char *trace, const char *parent, std::optional<bool> root,
                   const char *start, const char *name, const char *traceName = "", const char *user = "") {
        LangfuseObservationV2 o;
        o.record.id = QLatin1String(id);
        o.record.traceId = QLatin1String(trace);
        if (*parent)
            o.record.parentId = QLatin1String(parent);
        o.record.startNs = ns(start);
        o.record.name = QLatin1String(name);
        o.record.input = QByteArray("\"in-") + id + '"';
        o.isRootObservation = root;
        o.traceName = QLatin1String(traceName);
        o.userId = QLatin1String(user);
        return o;
    };
    const std::vector<LangfuseObservationV2> list {
        obs("child", "T1", "r1", false, "2026-08-22T10:00:01Z", "child", "ignored", "ignored"),
        obs("r1late", "T1", "", true, "2026-08-22T10:00:05Z", "late-root", "", "late-user"),
        obs("r1", "T1", "", true, "2026-08-22T10:00:00Z", "root", "", ""),
        obs("approot", "T2", "outer", true, "2026-08-22T11:00:00Z", "app-root", "T2 name"), // SDK app root
        obs("orphan", "T3", "", std::nullopt, "2026-08-22T12:00:00Z",
            "no-basic-group"), // no flag: no parent = root
        obs("nontrace", "", "", true, "2026-08-22T12:00:00Z", "no trace id"),
        obs("nonroot", "T4", "p", std::nullopt, "2026-08-22T12:00:00Z", "child only"),
    };
    const std::vector<TraceRecord> traces = LangfuseApiMapper::tracesFromObservationsV2(list);
    QCOMPARE(traces.size(), size_t(3));
    QCOMPARE(traces[0].id, QStringLiteral("T1"));
    QCOMPARE(traces[0].name, QStringLiteral("root")); // the earliest root decides
    QCOMPARE(traces[0].timestampNs, ns("2026-08-22T10:00:00Z"));
    QCOMPARE(traces[0].input, QByteArray("\"in-r1\""));
    QCOMPARE(traces[0].userId, QStringLiteral("late-user")); // gaps filled by the later root
    QCOMPARE(traces[1].id, QStringLiteral("T2"));
    QCOMPARE(traces[1].name, QStringLiteral("T2 name"));
    QCOMPARE(traces[2].id, QStringLiteral("T3"));
    QCOMPARE(traces[2].name, QStringLiteral("no-basic-group"));
    QVERIFY(LangfuseApiMapper::tracesFromObservationsV2({}).empty());
}

void TestLangfuseApiMapper::scoresV3Page()
{
    const LangfuseApiResult r = LangfuseApiMapper::mapScoresPage(readLangfuseData("scores-v3-page.json"));
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(r.batch.scores.size(), size_t(5));
    QCOMPARE(r.meta.limit, 50);
    QVERIFY(!r.meta.hasNextPage());

    const ScoreRecord *num = findScore(r.batch, QStringLiteral("s3-num"));
    QCOMPARE(num->value, std::optional(0.82));
    QCOMPARE(num->traceId, QStringLiteral("4bf92f3577b34da6a3ce929d0e0e4736"));
    QCOMPARE(num->comment, QStringLiteral("batch eval"));
    QCOMPARE(num->metadata, QByteArray(R"({"run":"r1"})"));
    const ScoreRecord *boolean = findScore(r.batch, QStringLiteral("s3-bool"));
    QCOMPARE(boolean->value, std::optional(0.0));
    QCOMPARE(boolean->stringValue, QStringLiteral("False"));
    QCOMPARE(boolean->dataType, std::optional(ScoreDataType::Boolean));
    QCOMPARE(boolean->observationId, QStringLiteral("c0ffee0000000002"));
    QCOMPARE(boolean->traceId, QStringLiteral("4bf92f3577b34da6a3ce929d0e0e4736"));
    const ScoreRecord *cat = findScore(r.batch, QStringLiteral("s3-cat"));
    QCOMPARE(cat->stringValue, QStringLiteral("fr"));
    QVERIFY(!cat->value);
    QCOMPARE(cat->sessionId, QStringLiteral("s-100"));
    const ScoreRecord *text = findScore(r.batch, QStringLiteral("s3-text"));
    QCOMPARE(text->dataType, std::optional(ScoreDataType::Text));
    QCOMPARE(text->stringValue, QStringLiteral("Great translation, natural phrasing."));
    const ScoreRecord *corr = findScore(r.batch, QStringLiteral("s3-corr"));
    QCOMPARE(corr->dataType, std::optional(ScoreDataType::Correction));
    QCOMPARE(corr->stringValue, QStringLiteral("Bonjour !"));
    QVERIFY(corr->traceId.isEmpty()); // experiment subjects have no trace
}

void TestLangfuseApiMapper::scoresV2Page()
{
    const QByteArray json = R"({"data":[
        {"id":"a","traceId":"t","name":"n","source":"API","timestamp":"2026-08-22T10:00:00Z","dataType":"NUMERIC","value":3,
         "trace":{"userId":"u","tags":["x"],"environment":"e","sessionId":"s"}},
        {"id":"b","sessionId":"s","name":"flag","source":"API","createdAt":"2026-08-22T10:00:00Z","value":true},
        {"id":"c","traceId":"t","name":"label","source":"API","value":"x"},
        {"id":"d","traceId":"t","name":"corr","dataType":"CORRECTION","value":0,"longStringValue":"long fix"}
    ],"meta":{"page":1,"limit":50,"totalItems":4,"totalPages":1}})";
    const LangfuseApiResult r = LangfuseApiMapper::mapScoresPage(json);
    QVERIFY(r.ok);
    QCOMPARE(r.batch.scores.size(), size_t(4));
    QCOMPARE(r.meta.page, 1);
    QCOMPARE(r.meta.totalItems, 4);
    QVERIFY(!r.meta.hasNextPage());
    QCOMPARE(r.batch.scores[0].value, std::optional(3.0));
    QCOMPARE(
        r.batch.scores[1].dataType, std::optional(ScoreDataType::Boolean)); // inferred from a JSON boolean
    QCOMPARE(r.batch.scores[1].timestampNs, ns("2026-08-22T10:00:00Z")); // createdAt as fallback
    QCOMPARE(r.batch.scores[1].stringValue, QStringLiteral("True"));
    QCOMPARE(r.batch.scores[2].dataType, std::optional(ScoreDataType::Categorical));
    QCOMPARE(r.batch.scores[3].stringValue, QStringLiteral("long fix"));
    QCOMPARE(r.batch.scores[3].value, std::optional(0.0));
}

void TestLangfuseApiMapper::tracesPage()
{
    const QByteArray json = R"({"data":[
        {"id":"t1","timestamp":"2026-08-22T10:00:00.000Z","name":"a","input":null,"output":null,"sessionId":null,
         "release":null,"version":null,"userId":null,"metadata":null,"tags":[],"public":true,"environment":"default",
         "htmlPath":"/project/p/traces/t1","latency":1.5,"totalCost":0.01,"observations":["o1","o2"],"scores":["s1"]},
        {"id":"t2","timestamp":"2026-08-22T10:00:01.000Z","name":"b","tags":["x"],"public":false,"environment":"dev",
         "htmlPath":"/project/p/traces/t2","latency":null,"totalCost":null,"observations":null,"scores":null}
    ],"meta":{"page":2,"limit":2,"totalItems":7,"totalPages":4},
    "_deprecation":{"message":"Use v2","replacement":null}})";
    const LangfuseApiResult r = LangfuseApiMapper::mapTracesPage(json);
    QVERIFY(r.ok);
    QCOMPARE(r.batch.traces.size(), size_t(2));
    QVERIFY(r.batch.observations.empty()); // id lists are not observations
    QVERIFY(r.batch.scores.empty());
    QCOMPARE(r.meta.page, 2);
    QCOMPARE(r.meta.totalPages, 4);
    QVERIFY(r.meta.hasNextPage());
    QCOMPARE(r.deprecation.message, QStringLiteral("Use v2"));
    QVERIFY(r.deprecation.replacement.isEmpty());
    QCOMPARE(r.batch.traces[0].isPublic, std::optional(true));
    QVERIFY(r.batch.traces[0].input.isEmpty());
    QVERIFY(r.batch.traces[0].tags.isEmpty());
    QCOMPARE(r.batch.traces[1].environment, QStringLiteral("dev"));
}

void TestLangfuseApiMapper::observationsPageLegacyFields()
{
    const QByteArray json = R"({"data":[
        {"id":"o1","traceId":"t","type":"GENERATION","startTime":"2026-08-22T10:00:00Z","endTime":null,
         "usage":{"input":10,"output":5,"total":15,"unit":"TOKENS","inputCost":0.1,"outputCost":0.2,"totalCost":0.3},
         "usageDetails":{},"costDetails":{},"latency":2.5,"timeToFirstToken":0.25},
        {"id":"o2","traceId":"t","type":"GENERATION","startTime":"2026-08-22T10:00:00Z",
         "promptTokens":7,"completionTokens":3,"totalTokens":10,
         "calculatedInputCost":0.01,"calculatedOutputCost":0.02,"calculatedTotalCost":0.03},
        {"id":"o3","traceId":"t","type":"chain","startTime":"2026-08-22T10:00:00Z","level":"warn",
         "providedUsageDetails":{"input":4},"providedCostDetails":{"total":"0.5"},"metadata":"{\"k\":1}"}
    ],"meta":{"page":1,"limit":50,"totalItems":3,"totalPages":1}})";
    const LangfuseApiResult r = LangfuseApiMapper::mapObservationsPage(json);
    QVERIFY(r.ok);
    QCOMPARE(r.batch.observations.size(), size_t(3));
    const ObservationRecord &o1 = r.batch.observations[0];
    QCOMPARE(o1.usage.values, (QMap<QString, qint64> { { "input", 10 }, { "output", 5 }, { "total", 15 } }));
    QCOMPARE(
        o1.cost.values, (QMap<QString, double> { { "input", 0.1 }, { "output", 0.2 }, { "total", 0.3 } }));
    QCOMPARE(o1.endNs, ns("2026-08-22T10:00:02.5Z")); // from latency
    QCOMPARE(o1.completionStartNs, ns("2026-08-22T10:00:00.25Z")); // from timeToFirstToken
    const ObservationRecord &o2 = r.batch.observations[1];
    QCOMPARE(o2.usage.values, (QMap<QString, qint64> { { "input", 7 }, { "output", 3 }, { "total", 10 } }));
    QCOMPARE(
        o2.cost.values, (QMap<QString, double> { { "input", 0.01 }, { "output", 0.02 }, { "total", 0.03 } }));
    const ObservationRecord &o3 = r.batch.observations[2];
    QCOMPARE(o3.type, std::optional(ObservationType::Chain));
    QCOMPARE(o3.level, std::optional(Level::Warning));
    QCOMPARE(o3.usage.value(QStringLiteral("input")), 4);
    QCOMPARE(o3.cost.value(QStringLiteral("total")), 0.5);
    QCOMPARE(o3.metadata, QByteArray(R"({"k":1})")); // a string holding an object is that object
}

void TestLangfuseApiMapper::sessions()
{
    const LangfuseApiResult page = LangfuseApiMapper::mapSessionsPage(
        R"({"data":[{"id":"s1","createdAt":"2026-08-22T10:00:00Z","projectId":"p","environment":"default"},
                    {"id":null},{"createdAt":"x"}],"meta":{"page":1,"limit":50,"totalItems":1,"totalPages":1}})");
    QVERIFY(page.ok);
    QCOMPARE(page.sessions.size(), size_t(1));
    QCOMPARE(page.sessions[0].id, QStringLiteral("s1"));
    QCOMPARE(page.sessions[0].createdAtNs, ns("2026-08-22T10:00:00Z"));
    QCOMPARE(page.sessions[0].projectId, QStringLiteral("p"));
    QCOMPARE(page.skippedCount, 2);

    const LangfuseApiResult one = LangfuseApiMapper::mapSession(
        R"({"id":"s2","createdAt":"2026-08-22T10:00:00Z","projectId":"p","environment":"prod",
            "traces":[{"id":"t1","timestamp":"2026-08-22T10:00:00Z","name":"x","sessionId":null,"tags":[],"public":false},
                      {"id":"t2","timestamp":"2026-08-22T10:01:00Z","sessionId":"s2","tags":[]},"junk"],
            "_deprecation":{"message":"gone soon"}})");
    QVERIFY(one.ok);
    QCOMPARE(one.sessions.size(), size_t(1));
    QCOMPARE(one.batch.traces.size(), size_t(2));
    QCOMPARE(one.batch.traces[0].sessionId, QStringLiteral("s2")); // filled from the session
    QCOMPARE(one.deprecation.message, QStringLiteral("gone soon"));
}

void TestLangfuseApiMapper::wrongTypesAreSkipped()
{
    // Every field but the id has the wrong type: nothing but the id may come through.
    const QByteArray observation
        = R"({"id":"o","traceId":1,"type":7,"name":[],"startTime":12345,"endTime":true,
        "completionStartTime":{},"model":3,"modelParameters":"nope","input":null,"version":1.5,"metadata":null,
        "level":{"x":1},"statusMessage":false,"parentObservationId":0,"usage":"lots","usageDetails":[1,2],
        "costDetails":"free","environment":9,"promptName":{},"promptVersion":"x","latency":"slow",
        "timeToFirstToken":[],"isRootObservation":"yes","userId":1,"sessionId":2,"traceName":3,"tags":"a,b",
        "release":4,"totalCost":"x","providedModelName":5,"calculatedTotalCost":"y"})";
    FlatJson doc;
    QVERIFY(doc.parse(observation));
    const std::optional<LangfuseObservationV2> v2 = LangfuseApiMapper::observationV2FromJson(doc.root());
    QVERIFY(v2);
    const ObservationRecord &o = v2->record;
    QCOMPARE(o.id, QStringLiteral("o"));
    QVERIFY(o.traceId.isEmpty() && o.name.isEmpty() && o.model.isEmpty() && o.version.isEmpty());
    QVERIFY(o.statusMessage.isEmpty() && o.parentId.isEmpty() && o.environment.isEmpty()
        && o.promptName.isEmpty());
    QVERIFY(!o.type && !o.startNs && !o.endNs && !o.completionStartNs && !o.level && !o.promptVersion);
    QVERIFY(o.modelParameters.isEmpty() && o.input.isEmpty() && o.metadata.isEmpty());
    QVERIFY(o.usage.isEmpty() && o.cost.isEmpty());
    QVERIFY(!v2->isRootObservation && v2->userId.isEmpty() && v2->tags.isEmpty() && !v2->hasTags);

    QVERIFY(
        doc.parse(R"({"id":"t","timestamp":5,"name":1,"tags":[1,"ok",null],"public":"true","environment":[],
                          "sessionId":{},"userId":[],"release":1,"version":2,"metadata":7})"));
    const std::optional<TraceRecord> t = LangfuseApiMapper::traceFromJson(doc.root());
    QVERIFY(t);
    QVERIFY(!t->timestampNs && t->name.isNull() && !t->isPublic && t->environment.isNull());
    QCOMPARE(t->tags, QStringList { "ok" }); // wrong-typed elements are dropped
    QCOMPARE(t->metadata, QByteArray(R"({"metadata":7})"));

    QVERIFY(doc.parse(R"({"id":"s","name":1,"value":{"x":1},"dataType":5,"source":[],"timestamp":"never",
                          "subject":"trace","stringValue":3})"));
    const std::optional<ScoreRecord> s = LangfuseApiMapper::scoreFromJson(doc.root());
    QVERIFY(s);
    QVERIFY(s->name.isNull() && !s->value && s->stringValue.isNull() && !s->dataType && !s->timestampNs);
    QVERIFY(s->traceId.isNull());
}

void TestLangfuseApiMapper::nullsEverywhere()
{
    QJsonObject o;
    for (const char *k : { "traceId", "type", "name", "startTime", "endTime", "completionStartTime", "model",
             "modelParameters", "input", "output", "metadata", "version", "level", "statusMessage",
             "parentObservationId", "usage", "usageDetails", "costDetails", "environment", "promptName",
             "promptVersion", "latency", "isRootObservation", "tags", "inputPrice" })
        o.insert(QLatin1String(k), QJsonValue());
    o.insert(QStringLiteral("id"), QStringLiteral("x"));
    const LangfuseApiResult r = LangfuseApiMapper::mapObservationsV2Page(compact(QJsonObject {
        { QStringLiteral("data"), QJsonArray { o } }, { QStringLiteral("meta"), QJsonValue() } }));
    QVERIFY(r.ok);
    QCOMPARE(r.batch.observations.size(), size_t(1));
    QVERIFY(r.batch.traces.empty()); // a root without traceId makes no trace
    const ObservationRecord &rec = r.batch.observations[0];
    QVERIFY(rec.input.isEmpty() && rec.output.isEmpty() && rec.metadata.isEmpty() && !rec.startNs);
    QVERIFY(!r.meta.present);
}

void TestLangfuseApiMapper::objectsWithoutIdAreSkipped()
{
    const LangfuseApiResult r = LangfuseApiMapper::mapObservationsPage(
        R"({"data":[{"id":"ok","traceId":"t"},{"traceId":"t"},{"id":""},{"id":5},null,[],"x",{"id":"ok2"}],"meta":{}})");
    QVERIFY(r.ok);
    QCOMPARE(r.itemCount, 8);
    QCOMPARE(r.skippedCount, 6);
    QCOMPARE(r.batch.observations.size(), size_t(2));
    const LangfuseApiResult single = LangfuseApiMapper::mapObservation(R"({"name":"no id"})");
    QVERIFY(!single.ok);
    QCOMPARE(single.skippedCount, 1);
}

void TestLangfuseApiMapper::topLevelErrors_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("errorContains");
    QTest::newRow("empty") << QByteArray() << "Invalid JSON";
    QTest::newRow("html error page") << QByteArray("<html>502 Bad Gateway</html>") << "Invalid JSON";
    QTest::newRow("truncated") << QByteArray(R"({"data":[{"id":"a")") << "Invalid JSON";
    QTest::newRow("array") << QByteArray("[]") << "data";
    QTest::newRow("no data") << QByteArray(R"({"message":"Rate limit exceeded"})") << "data";
    QTest::newRow("data object") << QByteArray(R"({"data":{}})") << "data";
}

void TestLangfuseApiMapper::topLevelErrors()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, errorContains);
    for (const auto fn : { &LangfuseApiMapper::mapTracesPage, &LangfuseApiMapper::mapObservationsPage,
             &LangfuseApiMapper::mapObservationsV2Page, &LangfuseApiMapper::mapSessionsPage,
             &LangfuseApiMapper::mapScoresPage }) {
        const LangfuseApiResult r = fn(json);
        QVERIFY(!r.ok);
        QVERIFY2(r.error.contains(errorContains), qPrintable(r.error));
        QVERIFY(r.batch.isEmpty());
    }
    const LangfuseApiResult single = LangfuseApiMapper::mapTrace(json);
    QVERIFY(!single.ok);
    QVERIFY(!single.error.isEmpty());
}

void TestLangfuseApiMapper::deepNestingAndBadUtf8()
{
    const QByteArray deep
        = R"({"data":[{"id":"a","input":)" + QByteArray(10000, '[') + QByteArray(10000, ']') + "}]}";
    const LangfuseApiResult r = LangfuseApiMapper::mapObservationsPage(deep);
    QVERIFY(!r.ok);
    QVERIFY(r.error.contains(QLatin1String("nested too deeply")));
    QVERIFY(!LangfuseApiMapper::mapDocument(deep).ok);

    // A v2 raw string holding very deep JSON stays a string rather than failing the page.
    const QByteArray deepString = "\"" + QByteArray(5000, '[') + QByteArray(5000, ']') + "\"";
    const LangfuseApiResult v2 = LangfuseApiMapper::mapObservationsV2Page(
        R"({"data":[{"id":"a","input":)" + deepString + "}],\"meta\":{}}");
    QVERIFY(v2.ok);
    QCOMPARE(v2.batch.observations[0].input, deepString);

    const LangfuseApiResult utf8 = LangfuseApiMapper::mapTrace("{\"id\":\"t\",\"name\":\"caf\xe9\"}");
    QVERIFY(utf8.ok);
    QCOMPARE(utf8.batch.traces[0].name, QStringLiteral("caf\uFFFD"));
}

void TestLangfuseApiMapper::randomSchemaShapedData()
{
    // Objects with the documented field names, each randomly valid, null, missing or of another
    // JSON type. Mapping must never crash, and a field must come through exactly when it was
    // given with its documented type.
    QRandomGenerator rng(20260822);
    auto randomJson = [&](int depth, auto &&self) -> QJsonValue {
        switch (rng.bounded(depth > 2 ? 5 : 7)) {
        case 0:
            return QJsonValue();
        case 1:
            return rng.bounded(2) == 1;
        case 2:
            return rng.bounded(-1000, 1000) / 7.0;
        case 3:
            return QStringLiteral("s%1\"\\\u00e9\n").arg(rng.bounded(100));
        case 4:
            return QStringLiteral("2026-08-22T10:%1:00Z").arg(rng.bounded(60), 2, 10, QLatin1Char('0'));
        case 5: {
            QJsonArray a;
            for (int i = rng.bounded(3); i > 0; --i)
                a.append(self(depth + 1, self));
            return a;
        }
        default: {
            QJsonObject o;
            for (int i = rng.bounded(3); i > 0; --i)
                o.insert(QStringLiteral("k%1").arg(i), self(depth + 1, self));
            return o;
        }
        }
    };
    const QStringList fields { "traceId", "type", "name", "startTime", "endTime", "completionStartTime",
        "model", "modelParameters", "input", "output", "metadata", "version", "level", "statusMessage",
        "parentObservationId", "usage", "usageDetails", "costDetails", "environment", "promptName",
        "promptVersion", "latency", "timeToFirstToken", "isRootObservation", "userId", "sessionId",
        "traceName", "tags", "release", "totalCost", "value", "stringValue", "dataType", "subject",
        "timestamp", "public", "providedModelName", "inputPrice", "calculatedTotalCost", "promptTokens" };
    int mapped = 0;
    for (int round = 0; round < 400; ++round) {
        QJsonObject o { { QStringLiteral("id"), QStringLiteral("id-%1").arg(round) } };
        for (const QString &f : fields) {
            if (rng.bounded(3) > 0)
                o.insert(f, randomJson(0, randomJson));
        }
        const QByteArray page = compact(QJsonObject { { QStringLiteral("data"), QJsonArray { o, o } },
            { QStringLiteral("meta"), randomJson(0, randomJson) } });
        for (const auto fn : { &LangfuseApiMapper::mapTracesPage, &LangfuseApiMapper::mapObservationsPage,
                 &LangfuseApiMapper::mapObservationsV2Page, &LangfuseApiMapper::mapScoresPage,
                 &LangfuseApiMapper::mapSessionsPage, &LangfuseApiMapper::mapDocument }) {
            const LangfuseApiResult r = fn(page);
            QVERIFY(r.ok);
            mapped += static_cast<int>(r.batch.rowCount());
        }
        const LangfuseApiResult r = LangfuseApiMapper::mapObservationsPage(page);
        QCOMPARE(r.batch.observations.size(), size_t(2));
        const ObservationRecord &rec = r.batch.observations[0];
        QCOMPARE(rec.id, o.value(QStringLiteral("id")).toString());
        QCOMPARE(rec.name.isNull(), !o.value(QStringLiteral("name")).isString());
        if (o.value(QStringLiteral("name")).isString())
            QCOMPARE(rec.name, o.value(QStringLiteral("name")).toString());
        QCOMPARE(rec.traceId.isNull(), !o.value(QStringLiteral("traceId")).isString());
        QCOMPARE(rec.startNs.has_value(),
            parseIsoTimestampNs(o.value(QStringLiteral("startTime")).toString()).has_value());
        const QJsonValue input = o.value(QStringLiteral("input"));
        if (input.isUndefined() || input.isNull()) {
            QVERIFY(rec.input.isEmpty());
        } else {
            // The payload is valid JSON text equal to what was sent.
            const QJsonDocument back = QJsonDocument::fromJson("[" + rec.input + "]");
            QVERIFY2(!back.isNull(), rec.input.constData());
            QCOMPARE(back.array().at(0), input);
        }
        if (!rec.metadata.isEmpty())
            QVERIFY(QJsonDocument::fromJson(rec.metadata).isObject());
        if (!rec.modelParameters.isEmpty())
            QVERIFY(QJsonDocument::fromJson(rec.modelParameters).isObject());
    }
    QVERIFY(mapped > 0);
}

void TestLangfuseApiMapper::documentTraceDownload()
{
    const LangfuseApiResult r = LangfuseApiMapper::mapDocument(readLangfuseData("trace-download.json"));
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(r.batch.observations.size(), size_t(2));
    QCOMPARE(r.batch.scores.size(), size_t(1));
    QCOMPARE(r.batch.traces.size(), size_t(1));
    const TraceRecord &t = r.batch.traces[0];
    QCOMPARE(t.id, QStringLiteral("7c9e6679f4e44f6a9c1e2b3d4a5f6e7d"));
    QCOMPARE(t.name, QStringLiteral("ticket-triage"));
    QCOMPARE(t.sessionId, QStringLiteral("support-88"));
    QCOMPARE(t.release, QStringLiteral("2026.08.3"));
    QCOMPARE(t.tags, QStringList { "support" });
    QCOMPARE(t.input, QByteArray(R"({"ticket":"Printer on fire"})"));
    const ObservationRecord *gen = findObservation(r.batch, QStringLiteral("9a8b7c6d5e4f3a22"));
    QCOMPARE(gen->model, QStringLiteral("gemini-2.0-flash"));
    QCOMPARE(gen->output, QByteArray(R"("hardware/high")"));
    QCOMPARE(gen->usage.totalTokens(), 92);
    QCOMPARE(gen->promptVersion, std::optional(2));
    QCOMPARE(r.batch.scores[0].stringValue, QStringLiteral("True"));

    // The GET /traces/{id} answer also reads as a document.
    const LangfuseApiResult full
        = LangfuseApiMapper::mapDocument(readLangfuseData("trace-full-details.json"));
    QVERIFY(full.ok);
    QCOMPARE(full.batch.traces.size(), size_t(1));
    QCOMPARE(full.batch.observations.size(), size_t(2));
    QCOMPARE(full.batch.scores.size(), size_t(3));
    QVERIFY(!full.deprecation.isEmpty());

    // A legacy download: {trace, observations} with stringified I/O.
    const LangfuseApiResult legacy = LangfuseApiMapper::mapDocument(
        R"({"trace":{"id":"lt","name":"legacy","timestamp":"2026-08-22T10:00:00Z","input":"{\"a\":1}","output":"plain"},
            "observations":[{"id":"lo","type":"SPAN","startTime":"2026-08-22T10:00:00Z","input":"[1,2]",
                             "output":"not json","metadata":"{}"}]})");
    QVERIFY(legacy.ok);
    QCOMPARE(legacy.batch.traces[0].input, QByteArray(R"({"a":1})"));
    QCOMPARE(legacy.batch.traces[0].output, QByteArray(R"("plain")"));
    QCOMPARE(legacy.batch.observations[0].traceId, QStringLiteral("lt"));
    QCOMPARE(legacy.batch.observations[0].input, QByteArray("[1,2]"));
    QCOMPARE(legacy.batch.observations[0].output, QByteArray(R"("not json")"));
    QCOMPARE(legacy.batch.observations[0].metadata, QByteArray("{}"));
}

void TestLangfuseApiMapper::documentJsonLines()
{
    const LangfuseApiResult r = LangfuseApiMapper::mapDocument(readLangfuseData("observations-export.jsonl"));
    QVERIFY(r.ok);
    QCOMPARE(r.batch.observations.size(), size_t(3));
    QCOMPARE(r.skippedCount, 1); // the line that is not JSON
    QVERIFY(r.error.contains(QLatin1String("Skipped lines")));
    const ObservationRecord *gen = findObservation(r.batch, QStringLiteral("e2"));
    QCOMPARE(gen->input, QByteArray(R"([{"role":"user","content":"Summarise 120 rows"}])"));
    QCOMPARE(gen->usage.value(QStringLiteral("input")), 900);
    QCOMPARE(findObservation(r.batch, QStringLiteral("e3"))->type, std::optional(ObservationType::Event));

    QVERIFY(!LangfuseApiMapper::mapDocument("not json\nat all\n").ok);
    // A broken pretty-printed file is an error even when some of its lines parse alone.
    const LangfuseApiResult broken
        = LangfuseApiMapper::mapDocument("{\n  \"id\": \"t\",\n  \"tags\":\n  [1, 2]\n  \"x\": 1\n}\n");
    QVERIFY(!broken.ok);
    QVERIFY(broken.error.startsWith(QLatin1String("Invalid JSON")));
}

void TestLangfuseApiMapper::documentShapes()
{
    // An ingestion batch file.
    const LangfuseApiResult ingest
        = LangfuseApiMapper::mapDocument(readLangfuseData("ingestion-langfuse-js.json"));
    QVERIFY(ingest.ok);
    QCOMPARE(ingest.batch.observations.size(), size_t(5));
    QCOMPARE(ingest.itemCount, 9);

    // A v2 page file rebuilds traces.
    const LangfuseApiResult v2
        = LangfuseApiMapper::mapDocument(readLangfuseData("observations-v2-page.json"));
    QVERIFY(v2.ok);
    QCOMPARE(v2.batch.traces.size(), size_t(2));
    QCOMPARE(v2.meta.cursor.isEmpty(), false);

    // A plain array of mixed objects.
    const LangfuseApiResult mixed = LangfuseApiMapper::mapDocument(
        R"([{"id":"t","timestamp":"2026-08-22T10:00:00Z","name":"trace"},
            {"id":"o","traceId":"t","type":"SPAN","startTime":"2026-08-22T10:00:00Z"},
            {"id":"s","traceId":"t","name":"q","source":"API","value":1,"dataType":"NUMERIC"},
            {"id":"x"}, 42])");
    QVERIFY(mixed.ok);
    QCOMPARE(mixed.batch.traces.size(), size_t(1));
    QCOMPARE(mixed.batch.observations.size(), size_t(1));
    QCOMPARE(mixed.batch.scores.size(), size_t(1));
    QCOMPARE(mixed.skippedCount, 2);

    // A single score object and a session with traces.
    QCOMPARE(LangfuseApiMapper::mapDocument(R"({"id":"s","name":"q","value":true})").batch.scores.size(),
        size_t(1));
    const LangfuseApiResult session = LangfuseApiMapper::mapDocument(
        R"({"id":"s","createdAt":"2026-08-22T10:00:00Z","projectId":"p","traces":[{"id":"t","timestamp":"2026-08-22T10:00:00Z"}]})");
    QCOMPARE(session.sessions.size(), size_t(1));
    QCOMPARE(session.batch.traces.size(), size_t(1));
    QCOMPARE(session.batch.traces[0].sessionId, QStringLiteral("s"));
}

QTEST_GUILESS_MAIN(TestLangfuseApiMapper)
#include "tst_langfuseapimapper.moc"
