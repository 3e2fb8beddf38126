#include "demo/demogenerator.h"
#include "demo/demoprices.h"
#include "itemmodels/spantree.h"

#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QHash>
#include <QJsonDocument>
#include <QSet>
#include <QTest>

#include <map>

using tg::DemoGenerator;
using tg::DemoOptions;
using tg::WriteBatch;

namespace {

QByteArray optionalText(const std::optional<qint64> &v)
{
    return v ? QByteArray::number(*v) : QByteArray("-");
}

// A digest of everything generated, to compare runs.
QByteArray fingerprint(const WriteBatch &batch)
{
    QCryptographicHash hash(QCryptographicHash::Sha256);
    for (const tg::TraceRecord &t : batch.traces) {
        hash.addData((t.id + t.name + t.userId + t.sessionId + t.environment + t.tags.join(u',')).toUtf8());
        hash.addData(QByteArray(optionalText(t.timestampNs) + t.input + t.output + t.metadata));
    }
    for (const tg::ObservationRecord &o : batch.observations) {
        hash.addData((o.id + o.traceId + o.parentId + o.name + o.model + o.statusMessage).toUtf8());
        hash.addData(QByteArray(optionalText(o.startNs) + optionalText(o.endNs) + o.input + o.output
            + o.metadata + o.modelParameters + o.usage.toJsonText() + o.cost.toJsonText()));
    }
    for (const tg::ScoreRecord &s : batch.scores)
        hash.addData((s.id + s.traceId + s.observationId + s.sessionId + s.name + s.stringValue).toUtf8());
    return hash.result().toHex();
}

WriteBatch generateAll(const DemoOptions &options)
{
    DemoGenerator generator(options);
    return generator.generateAll();
}

bool isJsonContainer(const QByteArray &text)
{
    QJsonParseError error {};
    const QJsonDocument doc = QJsonDocument::fromJson(text, &error);
    return error.error == QJsonParseError::NoError && (doc.isObject() || doc.isArray());
}

} // namespace

class TestDemoGenerator : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void deterministic();
    void independentOfBatchSize();
    void typeMix();
    void parentsExistAndTimesNest();
    void sessions();
    void usageAndCosts();
    void payloadsAreValidJson();
    void payloadSize_data();
    void payloadSize();
    void scores();
    void batchesRespectTheLimit();
    void hugeTraceStreams();
    void hugeTraceSpeed();
    void badOptions();
    void observationRowsMergeRecords();

private:
    WriteBatch m_default;
};

void TestDemoGenerator::initTestCase()
{
    m_default = generateAll(DemoOptions());
    QVERIFY(!m_default.observations.empty());
}

void TestDemoGenerator::deterministic()
{
    QCOMPARE(fingerprint(generateAll(DemoOptions())), fingerprint(m_default));
    DemoOptions other;
    other.seed = 2;
    QVERIFY(fingerprint(generateAll(other)) != fingerprint(m_default));
}

void TestDemoGenerator::independentOfBatchSize()
{
    DemoOptions small;
    small.traceCount = 60;
    small.sessions = 10;
    small.hugeTraceCount = 1;
    small.hugeTraceObservations = 700;
    small.batchObservations = 37;
    DemoOptions large = small;
    large.batchObservations = 1'000'000;
    DemoGenerator generator(small);
    int batches = 0;
    WriteBatch all;
    generator.generate([&](WriteBatch &&batch) {
        ++batches;
        all.traces.insert(all.traces.end(), batch.traces.begin(), batch.traces.end());
        all.observations.insert(all.observations.end(), batch.observations.begin(), batch.observations.end());
        all.scores.insert(all.scores.end(), batch.scores.begin(), batch.scores.end());
        return true;
    });
    QVERIFY(batches > 20);
    QCOMPARE(fingerprint(all), fingerprint(generateAll(large)));
}

void TestDemoGenerator::typeMix()
{
    std::map<tg::ObservationType, int> types;
    QSet<QString> models;
    QSet<QString> environments;
    QSet<QString> traceNames;
    int errors = 0;
    int warnings = 0;
    int agentTags = 0;
    int anthropic = 0;
    int toolCalls = 0;
    int toolsInParameters = 0;
    int toolsInInput = 0;
    for (const tg::ObservationRecord &o : m_default.observations) {
        ++types[*o.type];
        if (!o.model.isEmpty())
            models.insert(o.model);
        if (o.level == tg::Level::Error) {
            ++errors;
            QVERIFY2(!o.statusMessage.isEmpty(), "an ERROR without a status message");
        }
        if (o.level == tg::Level::Warning) {
            ++warnings;
            QVERIFY2(!o.statusMessage.isEmpty(), "a WARNING without a status message");
        }
        if (o.input.startsWith(R"({"system":)") && o.output.contains(R"("type":"message")"))
            ++anthropic;
        if (o.output.contains(R"("tool_calls":[)"))
            ++toolCalls;
        if (o.modelParameters.contains(R"("tools":[)"))
            ++toolsInParameters;
        if (o.input.contains(R"(,"tools":[)"))
            ++toolsInInput;
    }
    for (const tg::TraceRecord &t : m_default.traces) {
        environments.insert(t.environment);
        traceNames.insert(t.name);
        for (const QString &tag : t.tags)
            agentTags += tag.startsWith(u"agent:") ? 1 : 0;
    }
    for (const tg::ObservationType type : tg::kAllObservationTypes)
        QVERIFY2(types[type] > 0, qPrintable(tg::observationTypeName(type)));
    QVERIFY(types[tg::ObservationType::Generation] > types[tg::ObservationType::Guardrail]);
    for (const char *model : { "gpt-4o", "gpt-4o-mini", "claude-sonnet-4", "gemini-2.5-flash", "o4-mini",
             "text-embedding-3-small" })
        QVERIFY2(models.contains(QString::fromLatin1(model)), model);
    QCOMPARE(environments,
        (QSet<QString> { QStringLiteral("production"), QStringLiteral("staging"), QStringLiteral("dev") }));
    QCOMPARE(traceNames.size(), 5);
    QVERIFY(errors > 0);
    QVERIFY(warnings > 0);
    QVERIFY(errors < static_cast<int>(m_default.observations.size()) / 20); // errors stay the exception
    QVERIFY(agentTags > 0);
    QVERIFY(anthropic > 0);
    QVERIFY(toolCalls > 0);
    QVERIFY(toolsInParameters > 0);
    QVERIFY(toolsInInput > 0);
}

void TestDemoGenerator::parentsExistAndTimesNest()
{
    QHash<QString, const tg::ObservationRecord *> byId;
    QSet<QString> traceIds;
    for (const tg::TraceRecord &t : m_default.traces)
        traceIds.insert(t.id);
    for (const tg::ObservationRecord &o : m_default.observations) {
        QVERIFY2(!byId.contains(o.id), "observation ids are unique");
        byId.insert(o.id, &o);
        QVERIFY(traceIds.contains(o.traceId));
    }
    for (const tg::ObservationRecord &o : m_default.observations) {
        QVERIFY(o.startNs && o.endNs);
        QVERIFY(*o.endNs >= *o.startNs);
        if (o.completionStartNs)
            QVERIFY(*o.completionStartNs >= *o.startNs && *o.completionStartNs <= *o.endNs);
        if (o.parentId.isEmpty())
            continue;
        const tg::ObservationRecord *parent = byId.value(o.parentId);
        QVERIFY2(parent, qPrintable(QStringLiteral("missing parent %1").arg(o.parentId)));
        QCOMPARE(parent->traceId, o.traceId);
        QVERIFY2(*o.startNs >= *parent->startNs && *o.endNs <= *parent->endNs,
            qPrintable(QStringLiteral("%1 outside its parent %2").arg(o.name, parent->name)));
    }
    // Built as span trees, no trace has orphans, loops or duplicates.
    for (const tg::TraceRecord &t : m_default.traces) {
        const tg::SpanTree tree
            = tg::SpanTree::build(DemoGenerator::toObservationRows(m_default.observations, t.id));
        QVERIFY(tree.size() > 0);
        QCOMPARE(tree.countFlag(tg::SpanTree::Orphan) + tree.countFlag(tg::SpanTree::CycleCut)
                + tree.countFlag(tg::SpanTree::Duplicate),
            0);
    }
}

void TestDemoGenerator::sessions()
{
    const DemoOptions options;
    std::map<QString, std::vector<const tg::TraceRecord *>> bySession;
    int withSession = 0;
    for (const tg::TraceRecord &t : m_default.traces) {
        if (t.sessionId.isEmpty())
            continue;
        ++withSession;
        bySession[t.sessionId].push_back(&t);
    }
    QCOMPARE(static_cast<int>(bySession.size()), options.sessions);
    QVERIFY(withSession >= options.traceCount / 2);
    QVERIFY(withSession < options.traceCount);
    int multiTurn = 0;
    for (const auto &[id, traces] : bySession) {
        QVERIFY(id.startsWith(u"sess_"));
        for (const tg::TraceRecord *t : traces) {
            QCOMPARE(t->userId, traces.front()->userId);
            QCOMPARE(t->environment, traces.front()->environment);
            QVERIFY(!t->userId.isEmpty());
        }
        for (size_t i = 1; i < traces.size(); ++i)
            QVERIFY(*traces[i]->timestampNs > *traces[i - 1]->timestampNs);
        if (traces.size() > 1)
            ++multiTurn;
    }
    QVERIFY(multiTurn > options.sessions / 2);

    // A later turn replays the earlier question as chat history.
    for (const auto &[id, traces] : bySession) {
        if (traces.size() < 2 || traces[0]->name != u"support-chat")
            continue;
        const QByteArray firstQuestion = traces[0]->input.mid(0, 60);
        QVERIFY(firstQuestion.startsWith(R"([{"role":"user","content":)"));
        const QByteArray question = traces[0]->input.mid(27, 30); // inside the first user message
        bool replayed = false;
        for (const tg::ObservationRecord &o : m_default.observations) {
            if (o.traceId == traces[1]->id && *o.type == tg::ObservationType::Generation
                && o.input.contains(question))
                replayed = true;
        }
        QVERIFY2(replayed, "the second turn does not carry the first question");
        return;
    }
    QFAIL("no multi-turn support session");
}

void TestDemoGenerator::usageAndCosts()
{
    int cachedSeen = 0;
    int reasoningSeen = 0;
    for (const tg::ObservationRecord &o : m_default.observations) {
        if (o.model.isEmpty())
            continue;
        QVERIFY2(tg::demoPriceFor(o.model), qPrintable(o.model));
        const qint64 total = o.usage.value(QStringLiteral("total"));
        QCOMPARE(total,
            o.usage.value(QStringLiteral("input")) + o.usage.value(QStringLiteral("input_cached_tokens"))
                + o.usage.value(QStringLiteral("output"))
                + o.usage.value(QStringLiteral("output_reasoning_tokens")));
        QCOMPARE(o.usage.totalTokens(), o.usage.inputTokens() + o.usage.outputTokens());
        const tg::CostDetails expected = tg::demoCostFor(o.model, o.usage);
        QCOMPARE(o.cost.total(), expected.total());
        double sum = 0;
        for (auto it = o.cost.values.cbegin(); it != o.cost.values.cend(); ++it) {
            if (it.key() != u"total")
                sum += it.value();
        }
        QVERIFY(qAbs(sum - o.cost.total()) < 1e-12);
        cachedSeen += o.usage.cachedTokens() > 0 ? 1 : 0;
        reasoningSeen += o.usage.reasoningTokens() > 0 ? 1 : 0;
    }
    QVERIFY(cachedSeen > 0);
    QVERIFY(reasoningSeen > 0);

    // The price table itself: 1M input + 1M output tokens of gpt-4o cost 2.50 + 10.00 USD.
    tg::UsageDetails usage;
    usage.set(QStringLiteral("input"), 1'000'000);
    usage.set(QStringLiteral("output"), 1'000'000);
    QCOMPARE(tg::demoCostFor(u"gpt-4o-2024-08-06", usage).total(), 12.5);
    QCOMPARE(tg::demoCostFor(u"gpt-4o-mini", usage).total(), 0.75); // longest prefix wins
    QVERIFY(tg::demoCostFor(u"unknown-model", usage).isEmpty());
}

void TestDemoGenerator::payloadsAreValidJson()
{
    for (const tg::ObservationRecord &o : m_default.observations) {
        for (const QByteArray *text : { &o.input, &o.output, &o.metadata, &o.modelParameters }) {
            if (!text->isEmpty())
                QVERIFY2(isJsonContainer(*text), text->left(200).constData());
        }
    }
    for (const tg::TraceRecord &t : m_default.traces) {
        for (const QByteArray *text : { &t.input, &t.output, &t.metadata })
            QVERIFY2(text->isEmpty() || isJsonContainer(*text), text->left(200).constData());
    }
    // Non-ASCII text survives the hand-written JSON.
    bool nonAscii = false;
    for (const tg::ObservationRecord &o : m_default.observations) {
        if (!o.input.isEmpty()) {
            const QString text = QJsonDocument::fromJson(o.input).toJson();
            if (text.contains(u'ü') || text.contains(u'é'))
                nonAscii = true;
        }
    }
    QVERIFY(nonAscii);
}

void TestDemoGenerator::payloadSize_data()
{
    QTest::addColumn<int>("bytes");
    QTest::addRow("256") << 256;
    QTest::addRow("1 KB") << 1024;
    QTest::addRow("8 KB") << 8192;
}

void TestDemoGenerator::payloadSize()
{
    QFETCH(int, bytes);
    DemoOptions options;
    options.traceCount = 60;
    options.payloadBytes = bytes;
    const WriteBatch batch = generateAll(options);
    std::vector<qsizetype> inputs;
    std::vector<qsizetype> answers;
    for (const tg::ObservationRecord &o : batch.observations) {
        if (*o.type != tg::ObservationType::Generation || o.input.isEmpty())
            continue;
        inputs.push_back(o.input.size());
        if (!o.output.contains("tool_calls") && !o.output.contains("tool_use") && o.output.size() > 200)
            answers.push_back(o.output.size());
    }
    std::sort(inputs.begin(), inputs.end());
    std::sort(answers.begin(), answers.end());
    const qsizetype inputMedian = inputs[inputs.size() / 2];
    const qsizetype answerMedian = answers[answers.size() / 2];
    qInfo("payload %d: median generation input %lld bytes, answer %lld bytes", bytes, qint64(inputMedian),
        qint64(answerMedian));
    QVERIFY(inputMedian >= bytes * 0.6);
    QVERIFY(inputMedian <= bytes * 4 + 2500); // tool definitions and history come on top
    QVERIFY(answerMedian >= bytes * 0.6);
    QVERIFY(answerMedian <= bytes * 2 + 400);
}

void TestDemoGenerator::scores()
{
    QSet<QString> observationIds;
    for (const tg::ObservationRecord &o : m_default.observations)
        observationIds.insert(o.id);
    QSet<QString> names;
    int sessionScores = 0;
    int observationScores = 0;
    for (const tg::ScoreRecord &s : m_default.scores) {
        names.insert(s.name);
        QVERIFY(s.dataType.has_value());
        if (!s.sessionId.isEmpty()) {
            ++sessionScores;
            QVERIFY(s.traceId.isEmpty());
        } else {
            QVERIFY(!s.traceId.isEmpty());
        }
        if (!s.observationId.isEmpty()) {
            ++observationScores;
            QVERIFY(observationIds.contains(s.observationId));
        }
        if (*s.dataType == tg::ScoreDataType::Categorical)
            QVERIFY(!s.stringValue.isEmpty());
        else
            QVERIFY(s.value.has_value());
    }
    QVERIFY(names.contains(QStringLiteral("user-feedback")));
    QVERIFY(names.contains(QStringLiteral("helpfulness")));
    QVERIFY(names.contains(QStringLiteral("correctness")));
    QVERIFY(sessionScores > 0);
    QVERIFY(observationScores > 0);
}

void TestDemoGenerator::batchesRespectTheLimit()
{
    DemoOptions options;
    options.traceCount = 100;
    options.batchObservations = 120;
    DemoGenerator generator(options);
    WriteBatch batch;
    size_t largestTrace = 0;
    int traces = 0;
    while (generator.next(batch)) {
        QCOMPARE(batch.sourceId, options.sourceId);
        std::map<QString, size_t> perTrace;
        for (const tg::ObservationRecord &o : batch.observations)
            ++perTrace[o.traceId];
        for (const auto &[id, count] : perTrace)
            largestTrace = std::max(largestTrace, count);
        // Over the limit only when a single trace is larger than it.
        if (batch.observations.size() > 120)
            QCOMPARE(perTrace.size(), size_t(1));
        traces += static_cast<int>(batch.traces.size());
    }
    QCOMPARE(traces, options.traceCount);
    QVERIFY(!generator.next(batch)); // stays finished
    QVERIFY(batch.isEmpty());
    QVERIFY(largestTrace > 20);
}

void TestDemoGenerator::hugeTraceStreams()
{
    DemoOptions options;
    options.traceCount = 5;
    options.sessions = 1;
    options.hugeTraceCount = 2;
    options.hugeTraceObservations = 20'000;
    options.batchObservations = 3'000;
    DemoGenerator generator(options);
    std::map<QString, std::vector<tg::ObservationRecord>> byTrace;
    QSet<QString> hugeTraces;
    WriteBatch batch;
    while (generator.next(batch)) {
        QVERIFY(batch.observations.size() <= 3'000 || batch.traces.size() == 1);
        for (const tg::TraceRecord &t : batch.traces) {
            if (t.name == u"deep-research-run")
                hugeTraces.insert(t.id);
        }
        for (tg::ObservationRecord &o : batch.observations)
            byTrace[o.traceId].push_back(std::move(o));
    }
    QCOMPARE(hugeTraces.size(), 2);
    for (const QString &id : std::as_const(hugeTraces)) {
        const std::vector<tg::ObservationRecord> &records = byTrace[id];
        // The root is sent twice: created without an end first, updated with it last.
        QCOMPARE(records.size(), size_t(20'001));
        QVERIFY(!records.front().endNs.has_value());
        QCOMPARE(records.back().id, records.front().id);
        QVERIFY(records.back().endNs.has_value());
        const std::vector<tg::ObservationRow> rows = DemoGenerator::toObservationRows(records);
        QCOMPARE(rows.size(), size_t(20'000));
        const tg::SpanTree tree = tg::SpanTree::build(rows);
        QCOMPARE(tree.childCount(-1), 1);
        QCOMPARE(tree.node(tree.child(-1, 0)).subtreeSize, 20'000);
        QCOMPARE(tree.countFlag(tg::SpanTree::Orphan), 0);
        QVERIFY(tree.maxDepth() >= 4);
        QVERIFY(tree.durationNs(tree.child(-1, 0)) > 0);
        QCOMPARE(tree.traceEndNs(), tree.node(tree.child(-1, 0)).endNs);
    }
}

void TestDemoGenerator::hugeTraceSpeed()
{
    DemoOptions options;
    options.traceCount = 1;
    options.sessions = 0;
    options.hugeTraceCount = 1;
    options.hugeTraceObservations = 100'000;
    options.payloadBytes = 512;
    DemoGenerator generator(options);
    QElapsedTimer timer;
    timer.start();
    size_t observations = 0;
    qint64 bytes = 0;
    generator.generate([&](WriteBatch &&batch) {
        observations += batch.observations.size();
        for (const tg::ObservationRecord &o : batch.observations)
            bytes += o.input.size() + o.output.size();
        return true;
    });
    qInfo(
        "100,000-observation trace generated in %lld ms (%lld MB of payload)", timer.elapsed(), bytes >> 20);
    QCOMPARE(observations, size_t(100'001));
}

void TestDemoGenerator::badOptions()
{
    DemoOptions options;
    options.traceCount = -5;
    options.sessions = -1;
    options.batchObservations = 0;
    options.payloadBytes = -100;
    options.hugeTraceCount = 10;
    options.timeSpanNs = -1;
    DemoGenerator none(options);
    WriteBatch batch;
    QVERIFY(!none.next(batch));

    options.traceCount = 3;
    options.sessions = 50; // more sessions than traces
    options.hugeTraceCount = 0;
    const WriteBatch some = generateAll(options);
    QCOMPARE(some.traces.size(), size_t(3));
    QVERIFY(!some.observations.empty());

    // Stopping early is fine.
    DemoGenerator stopped(DemoOptions {});
    QCOMPARE(stopped.generate([](WriteBatch &&) { return false; }), 1);
}

void TestDemoGenerator::observationRowsMergeRecords()
{
    std::vector<tg::ObservationRecord> records(4);
    records[0].id = QStringLiteral("a");
    records[0].traceId = QStringLiteral("t1");
    records[0].type = tg::ObservationType::Generation;
    records[0].name = QStringLiteral("gen");
    records[0].startNs = 100;
    records[0].usage.set(QStringLiteral("input"), 10);
    records[1].id = QStringLiteral("b");
    records[1].traceId = QStringLiteral("t2");
    records[2].id = QStringLiteral("a"); // a partial update
    records[2].traceId = QStringLiteral("t1");
    records[2].endNs = 250;
    records[2].level = tg::Level::Error;
    records[2].usage.set(QStringLiteral("output"), 5);
    records[2].cost.set(QStringLiteral("total"), 0.25);
    records[3].id = QStringLiteral("c");
    records[3].traceId = QStringLiteral("t1");
    records[3].parentId = QStringLiteral("a");

    const std::vector<tg::ObservationRow> rows
        = DemoGenerator::toObservationRows(records, QStringLiteral("t1"));
    QCOMPARE(rows.size(), size_t(2));
    QCOMPARE(rows[0].id, QStringLiteral("a"));
    QCOMPARE(rows[0].rk, 1);
    QCOMPARE(rows[0].name, QStringLiteral("gen")); // kept: the update did not carry a name
    QCOMPARE(rows[0].type, tg::ObservationType::Generation);
    QCOMPARE(rows[0].startNs, 100);
    QCOMPARE(rows[0].endNs, 250);
    QCOMPARE(rows[0].level, tg::Level::Error);
    QCOMPARE(rows[0].inputTokens, 10);
    QCOMPARE(rows[0].outputTokens, 5);
    QCOMPARE(rows[0].totalTokens, 15);
    QCOMPARE(rows[0].cost, 0.25);
    QCOMPARE(rows[1].parentId, QStringLiteral("a"));
    QCOMPARE(DemoGenerator::toObservationRows(records).size(), size_t(3));
    QVERIFY(DemoGenerator::toObservationRows({}).empty());
}

QTEST_GUILESS_MAIN(TestDemoGenerator)
#include "tst_demogenerator.moc"
