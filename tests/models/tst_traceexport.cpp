// Trace files out: every export format read back gives the same traces (round trips), what
// Langfuse reads from an OTLP export, redaction, CSV, and selections of traces, sessions and filters.
#include "demo/demoloader.h"
#include "formats/otlpexportbuilder.h"
#include "formats/otlpfilemapper.h"
#include "formats/traceexporter.h"
#include "formats/tracefileimporter.h"
#include "mapping/flatjson.h"
#include "mapping/langfuseingestionparser.h"
#include "mapping/langfusejsonfields.h"
#include "mapping/otlpdecoder.h"
#include "otlptestutil.h"
#include "store/exportreader.h"
#include "storetestutil.h"

#include <QBuffer>
#include <QFile>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

using namespace tg;

namespace {

constexpr qint64 kSecond = 1'000'000'000;
const qint64 kBase = 1'786'000'000LL * kSecond;

QString sameText(const QString &a, const QString &b, const char *field)
{
    if ((a.isEmpty() && b.isEmpty()) || a == b)
        return QString();
    return QStringLiteral("%1: \"%2\" != \"%3\"").arg(QLatin1String(field), a, b);
}

QString sameJson(const QByteArray &a, const QByteArray &b, const char *field)
{
    if (a.isEmpty() && b.isEmpty())
        return QString();
    if (otlptest::json(a) == otlptest::json(b) && !otlptest::json(a).isUndefined())
        return QString();
    return QStringLiteral("%1: %2 != %3")
        .arg(QLatin1String(field), QString::fromUtf8(a.left(300)), QString::fromUtf8(b.left(300)));
}

template<typename T> QString sameValue(const T &a, const T &b, const char *field)
{
    if (a == b)
        return QString();
    return QStringLiteral("%1 differs").arg(QLatin1String(field));
}

// Langfuse's shape of modelParameters: nested values become JSON strings.
QByteArray langfuseShape(const QByteArray &modelParameters)
{
    FlatJson doc;
    QByteArray out;
    if (modelParameters.isEmpty() || !doc.parse(modelParameters)
        || !langfusejson::modelParametersText(doc.root(), langfusejson::Strictness::Lenient, out, nullptr))
        return modelParameters;
    return out;
}

QStringList compareBundles(const TraceBundle &a, const TraceBundle &b, bool withScores)
{
    QStringList diffs;
    auto add = [&diffs](const QString &diff) {
        if (!diff.isEmpty())
            diffs << diff;
    };
    const TraceRecord &ta = a.trace;
    const TraceRecord &tb = b.trace;
    add(sameText(ta.id, tb.id, "trace.id"));
    add(sameText(ta.name, tb.name, "trace.name"));
    add(sameValue(ta.timestampNs, tb.timestampNs, "trace.timestamp"));
    add(sameText(ta.userId, tb.userId, "trace.userId"));
    add(sameText(ta.sessionId, tb.sessionId, "trace.sessionId"));
    add(sameText(ta.release, tb.release, "trace.release"));
    add(sameText(ta.version, tb.version, "trace.version"));
    add(sameText(ta.environment, tb.environment, "trace.environment"));
    add(sameValue(ta.isPublic.value_or(false), tb.isPublic.value_or(false), "trace.public"));
    add(sameValue(ta.tags, tb.tags, "trace.tags"));
    add(sameJson(ta.input, tb.input, "trace.input"));
    add(sameJson(ta.output, tb.output, "trace.output"));
    add(sameJson(ta.metadata, tb.metadata, "trace.metadata"));
    if (a.observations.size() != b.observations.size()) {
        diffs
            << QStringLiteral("observations: %1 != %2").arg(a.observations.size()).arg(b.observations.size());
        return diffs;
    }
    auto byId = [](std::vector<ObservationRecord> list) {
        std::sort(list.begin(), list.end(), [](const auto &x, const auto &y) { return x.id < y.id; });
        return list;
    };
    const auto oa = byId(a.observations);
    const auto ob = byId(b.observations);
    for (size_t i = 0; i < oa.size(); ++i) {
        const ObservationRecord &x = oa[i];
        const ObservationRecord &y = ob[i];
        const QString where = QStringLiteral("[%1] ").arg(x.id);
        const int before = diffs.size();
        add(sameText(x.id, y.id, "id"));
        add(sameText(x.traceId, y.traceId, "traceId"));
        add(sameText(x.parentId, y.parentId, "parentId"));
        add(sameValue(x.type, y.type, "type"));
        add(sameText(x.name, y.name, "name"));
        add(sameValue(x.startNs, y.startNs, "start"));
        add(sameValue(x.endNs, y.endNs, "end"));
        add(sameValue(x.completionStartNs, y.completionStartNs, "completionStart"));
        add(sameText(x.model, y.model, "model"));
        // Langfuse JSON carries modelParameters as Langfuse has them (flat); OTLP keeps them whole.
        add(sameJson(withScores ? langfuseShape(x.modelParameters) : x.modelParameters, y.modelParameters,
            "modelParameters"));
        add(sameValue(x.level.value_or(Level::Default), y.level.value_or(Level::Default), "level"));
        add(sameText(x.statusMessage, y.statusMessage, "statusMessage"));
        add(sameValue(x.usage, y.usage, "usage"));
        add(sameValue(x.cost, y.cost, "cost"));
        add(sameText(x.promptName, y.promptName, "promptName"));
        add(sameValue(x.promptVersion, y.promptVersion, "promptVersion"));
        add(sameText(x.version, y.version, "version"));
        add(sameText(x.environment, y.environment, "environment"));
        add(sameJson(x.input, y.input, "input"));
        add(sameJson(x.output, y.output, "output"));
        add(sameJson(x.metadata, y.metadata, "metadata"));
        for (int d = before; d < diffs.size(); ++d)
            diffs[d].prepend(where);
    }
    if (withScores) {
        if (a.scores.size() != b.scores.size()) {
            diffs << QStringLiteral("scores: %1 != %2").arg(a.scores.size()).arg(b.scores.size());
            return diffs;
        }
        for (size_t i = 0; i < a.scores.size(); ++i) {
            const ScoreRecord &x = a.scores[i];
            const ScoreRecord &y = b.scores[i];
            add(sameText(x.id, y.id, "score.id"));
            add(sameText(x.name, y.name, "score.name"));
            add(sameText(x.observationId, y.observationId, "score.observationId"));
            add(sameValue(x.value, y.value, "score.value"));
            add(sameText(x.stringValue, y.stringValue, "score.stringValue"));
            add(sameValue(x.dataType, y.dataType, "score.dataType"));
            add(sameText(x.source, y.source, "score.source"));
            add(sameText(x.comment, y.comment, "score.comment"));
            add(sameValue(x.timestampNs, y.timestampNs, "score.timestamp"));
            add(sameText(x.environment, y.environment, "score.environment"));
            add(sameJson(x.metadata, y.metadata, "score.metadata"));
        }
    }
    return diffs;
}

QHash<QString, TraceBundle> allBundles(TraceStore &store)
{
    QHash<QString, TraceBundle> bundles;
    auto reader = store.reader();
    ExportReader exportReader(*reader);
    for (const qint64 rk : exportReader.traceRowKeys(TraceQuery())) {
        TraceBundle bundle;
        if (exportReader.readTrace(rk, bundle))
            bundles.insert(bundle.trace.id, std::move(bundle));
    }
    return bundles;
}

// Traces with the shapes that are hard to carry: ids that are not hex, a trace without
// observations, an unfinished observation, errors, prompts, nanosecond times, payload strings.
WriteBatch oddTraces()
{
    WriteBatch batch;
    TraceRecord uuid;
    uuid.id = QStringLiteral("7e1f0c56-2b0d-4c39-9d8e-0e4f6b7a1c22");
    uuid.name = QStringLiteral("uuid trace");
    uuid.timestampNs = kBase + 123'456'789;
    uuid.userId = QStringLiteral("alice@example.com");
    uuid.sessionId = QStringLiteral("s-1");
    uuid.release = QStringLiteral("r-9");
    uuid.version = QStringLiteral("trace-v");
    uuid.environment = QStringLiteral("staging");
    uuid.isPublic = true;
    uuid.tags = { QStringLiteral("b"), QStringLiteral("a") };
    uuid.input = "\"just a string\"";
    uuid.output = "{\"answer\":42,\"list\":[1,2.5,\"x\"]}";
    uuid.metadata = "{\"tenant\":\"acme\",\"nested\":{\"k\":[true,null]}}";
    batch.traces.push_back(uuid);

    ObservationRecord root;
    root.id = QStringLiteral("0b9e2b4e-6c31-4d5a-8f6e-1a2b3c4d5e6f");
    root.traceId = uuid.id;
    root.type = ObservationType::Agent;
    root.name = QStringLiteral("agent");
    root.startNs = kBase + 123'456'789;
    root.endNs = kBase + 5 * kSecond + 1;
    root.version = QStringLiteral("obs-v");
    root.environment = QStringLiteral("staging");
    root.input = "[{\"role\":\"user\",\"content\":\"hi\"}]";
    root.metadata = "{\"step\":1}";
    batch.observations.push_back(root);

    ObservationRecord generation;
    generation.id = QStringLiteral("gen/1 (retry)");
    generation.traceId = uuid.id;
    generation.parentId = root.id;
    generation.type = ObservationType::Generation;
    generation.name = QStringLiteral("chat gpt-4o");
    generation.startNs = kBase + kSecond;
    generation.endNs = kBase + 3 * kSecond;
    generation.completionStartNs = kBase + kSecond + 987'654'321;
    generation.model = QStringLiteral("gpt-4o");
    generation.modelParameters = "{\"temperature\":0.2,\"max_tokens\":512}";
    generation.level = Level::Error;
    generation.statusMessage = QStringLiteral("rate limited");
    generation.usage.set(QStringLiteral("input"), 1200);
    generation.usage.set(QStringLiteral("output"), 80);
    generation.usage.set(QStringLiteral("input_cached_tokens"), 300);
    generation.cost.set(QStringLiteral("input"), 0.003);
    generation.cost.set(QStringLiteral("total"), 0.0042);
    generation.promptName = QStringLiteral("support");
    generation.promptVersion = 7;
    generation.output = "\"Hello!\"";
    batch.observations.push_back(generation);

    ObservationRecord running;
    running.id = QStringLiteral("running");
    running.traceId = uuid.id;
    running.parentId = root.id;
    running.type = ObservationType::Tool;
    running.name = QStringLiteral("lookup");
    running.startNs = kBase + 4 * kSecond;
    running.level = Level::Warning;
    batch.observations.push_back(running);

    TraceRecord bare;
    bare.id = QStringLiteral("trace without observations");
    bare.name = QStringLiteral("bare");
    bare.timestampNs = kBase + 10 * kSecond;
    bare.tags = { QStringLiteral("t") };
    bare.metadata = "{\"only\":\"trace\"}";
    bare.output = "{\"done\":true}";
    batch.traces.push_back(bare);

    ScoreRecord score;
    score.id = QStringLiteral("score-1");
    score.traceId = uuid.id;
    score.observationId = generation.id;
    score.name = QStringLiteral("helpfulness");
    score.value = 0.75;
    score.dataType = ScoreDataType::Numeric;
    score.source = QStringLiteral("API");
    score.comment = QStringLiteral("ok");
    score.timestampNs = kBase + 6 * kSecond;
    score.environment = QStringLiteral("staging");
    score.metadata = "{\"judge\":\"gpt\"}";
    batch.scores.push_back(score);
    ScoreRecord label = score;
    label.id = QStringLiteral("score-2");
    label.observationId.clear();
    label.name = QStringLiteral("label");
    label.value.reset();
    label.stringValue = QStringLiteral("good");
    label.dataType = ScoreDataType::Categorical;
    label.timestampNs = kBase + 7 * kSecond;
    batch.scores.push_back(label);
    return batch;
}

// Received OTLP: resource attributes, a scope, gen_ai attributes (no langfuse.* ones).
WriteBatch receivedOtlp()
{
    using namespace otlptest;
    Request request;
    set(resourceAttributes(request), "service.name", "checkout");
    set(resourceAttributes(request), "deployment.environment.name", "prod");
    set(resourceAttributes(request), "host.cpu", qint64(8));
    Span &root = addSpan(request, kRootSpan, "", "invoke_agent shop", kTrace);
    set(root.mutable_attributes(), "gen_ai.operation.name", "invoke_agent");
    set(root.mutable_attributes(), "user.id", "u-7");
    set(root.mutable_attributes(), "input.value", "{\"q\":\"buy\"}");
    Span &child = addSpan(request, kChildSpan, kRootSpan, "chat", kTrace);
    set(child.mutable_attributes(), "gen_ai.operation.name", "chat");
    set(child.mutable_attributes(), "gen_ai.request.model", "claude-sonnet");
    set(child.mutable_attributes(), "gen_ai.usage.input_tokens", qint64(100));
    set(child.mutable_attributes(), "gen_ai.usage.output_tokens", qint64(20));
    set(child.mutable_attributes(), "gen_ai.request.temperature", 0.5);
    child.mutable_status()->set_code(pb::trace::v1::Status::STATUS_CODE_ERROR);
    child.mutable_status()->set_message("boom");
    return mapTraceRequest(request).batch;
}

} // namespace

class TestTraceExport : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<TraceStore> m_store;
    QHash<QString, TraceBundle> m_original;
    qint64 m_demoSource = 0;

    QString exportAll(ExportFormat format, const QString &name, const ExportOptions &base = {})
    {
        ExportOptions options = base;
        options.format = format;
        options.spansPerRequest = 50; // several requests / lines
        ExportSelection all;
        all.query = TraceQuery();
        const QString path = m_dir.filePath(name);
        const ExportResult result = TraceExporter::writeFile(m_store->readerPool(), all, options, path);
        if (!result.ok)
            qWarning("export failed: %s", qPrintable(result.error));
        return path;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_store = test::openTempStore(m_dir, QStringLiteral("original.db"));
        QVERIFY(m_store);
        DemoOptions demo;
        demo.traceCount = 24;
        demo.sessions = 4;
        demo.startNs = kBase;
        demo.timeSpanNs = 3600 * kSecond;
        QString error;
        m_demoSource = loadDemoData(*m_store, demo, {}, &error);
        QVERIFY2(m_demoSource > 0, qPrintable(error));

        const qint64 local = m_store->ensureSource(
            SourceKind::LocalReceiver, QStringLiteral("local"), QStringLiteral("Local"));
        WriteBatch odd = oddTraces();
        odd.sourceId = local;
        QVERIFY(test::commit(*m_store, std::move(odd)));
        WriteBatch otlp = receivedOtlp();
        otlp.sourceId = local;
        QVERIFY(test::commit(*m_store, std::move(otlp)));
        QFile ingestion(QStringLiteral(TRACEGLASS_TEST_DATA_DIR "/langfuse/ingestion-langfuse-js.json"));
        QVERIFY(ingestion.open(QIODevice::ReadOnly));
        LangfuseIngestionResult parsed = LangfuseIngestionParser::parse(ingestion.readAll());
        QVERIFY(parsed.valid);
        parsed.batch.sourceId = local;
        QVERIFY(test::commit(*m_store, std::move(parsed.batch)));
        m_original = allBundles(*m_store);
        QVERIFY(m_original.size() > 25);
        QVERIFY(m_original.contains(QStringLiteral("trace without observations")));
    }

    void roundTrip_data()
    {
        QTest::addColumn<int>("format");
        QTest::addColumn<bool>("withScores");
        QTest::newRow("otlp-json") << int(ExportFormat::OtlpJson) << false;
        QTest::newRow("otlp-jsonl") << int(ExportFormat::OtlpJsonLines) << false;
        QTest::newRow("otlp-protobuf") << int(ExportFormat::OtlpProtobuf) << false;
        QTest::newRow("langfuse-json") << int(ExportFormat::LangfuseJson) << true;
    }

    void roundTrip()
    {
        QFETCH(int, format);
        QFETCH(bool, withScores);
        const auto exportFormat = ExportFormat(format);
        const QString path
            = exportAll(exportFormat, QStringLiteral("all") + exportFormatSuffix(exportFormat));
        QVERIFY(QFileInfo(path).size() > 1000);

        auto copy = test::openTempStore(m_dir, QStringLiteral("copy-%1.db").arg(format));
        QVERIFY(copy);
        TraceFileImportOptions options;
        options.unitBytes = 64 * 1024; // several units even for this small file
        const TraceFileImportResult imported = TraceFileImporter::importFile(*copy, path, options);
        QVERIFY2(imported.ok, qPrintable(imported.error));
        QStringList problems;
        for (const auto &p : imported.problems)
            problems << p.toString();
        QVERIFY2(imported.problemCount == 0, qPrintable(problems.join(u'\n')));

        const QHash<QString, TraceBundle> copied = allBundles(*copy);
        QCOMPARE(copied.size(), m_original.size());
        for (auto it = m_original.cbegin(); it != m_original.cend(); ++it) {
            QVERIFY2(copied.contains(it.key()), qPrintable(it.key()));
            const QStringList diffs = compareBundles(it.value(), copied.value(it.key()), withScores);
            QVERIFY2(diffs.isEmpty(), qPrintable(it.key() + u": " + diffs.join(QStringLiteral("; "))));
        }
        // Sessions come back too.
        auto reader = copy->reader();
        QVERIFY(reader->countSessions(SessionFilter()) > 0);
    }

    void langfuseReadsTheOtlpExport()
    {
        // What Langfuse (mirrored by OtlpTraceMapper) makes of an export, without our dialect.
        auto reader = m_store->reader();
        ExportReader exportReader(*reader);
        const auto rk = reader->traceById(m_store->reader()->sourceByKey(QStringLiteral("local"))->id,
            QString::fromLatin1(otlptest::kTrace));
        QVERIFY(rk);
        TraceBundle bundle;
        QVERIFY(exportReader.readTrace(rk->rk, bundle));
        OtlpExportOptions forLangfuse;
        forLangfuse.langfusePublicKey = QStringLiteral("pk-lf-test");
        OtlpExportBuilder builder(forLangfuse);
        builder.addTrace(bundle.trace, bundle.observations);
        auto request = builder.take();
        QCOMPARE(request.resource_spans(0).scope_spans(0).scope().name(), std::string("langfuse-sdk"));
        bool hasKey = false;
        for (const auto &kv : request.resource_spans(0).scope_spans(0).scope().attributes())
            hasKey = hasKey || (kv.key() == "public_key" && kv.value().string_value() == "pk-lf-test");
        QVERIFY(hasKey);
        // Resource attributes are the original ones again.
        bool service = false;
        for (const auto &kv : request.resource_spans(0).resource().attributes())
            service = service || (kv.key() == "service.name" && kv.value().string_value() == "checkout");
        QVERIFY(service);
        for (auto &resource : *request.mutable_resource_spans()) {
            for (auto &scope : *resource.mutable_scope_spans())
                scope.mutable_scope()->clear_attributes(); // drop the marker: plain Langfuse mapping
        }
        QVERIFY(!OtlpFileMapper::hasExportScopes(request));
        const OtlpMappingResult mapped = mapTraceRequest(request);
        QCOMPARE(mapped.rejectedSpans, 0);
        QCOMPARE(mapped.batch.observations.size(), bundle.observations.size());
        for (const ObservationRecord &original : bundle.observations) {
            const ObservationRecord &seen = otlptest::observation(mapped.batch, original.id);
            QCOMPARE(seen.parentId, original.parentId);
            QCOMPARE(seen.type, original.type);
            QCOMPARE(seen.name, original.name);
            QCOMPARE(seen.model, original.model);
            QCOMPARE(seen.usage, original.usage);
            QCOMPARE(seen.level, original.level);
            QCOMPARE(seen.startNs, original.startNs);
            QCOMPARE(otlptest::json(seen.input), otlptest::json(original.input));
        }
        const TraceRecord &trace = otlptest::traceRecord(mapped.batch, bundle.trace.id);
        QCOMPARE(trace.name, bundle.trace.name);
        QCOMPARE(trace.userId, QStringLiteral("u-7"));
        QCOMPARE(trace.environment, QStringLiteral("prod"));
    }

    void idsThatAreNotHexBecomeStableOtlpIds()
    {
        bool exact = true;
        const std::string uuid
            = otlpexport::traceIdBytes(QStringLiteral("7e1f0c56-2b0d-4c39-9d8e-0e4f6b7a1c22"), &exact);
        QVERIFY(!exact);
        QCOMPARE(QByteArray::fromStdString(uuid).toHex(), QByteArray("7e1f0c562b0d4c399d8e0e4f6b7a1c22"));
        const std::string hashed = otlpexport::spanIdBytes(QStringLiteral("gen/1 (retry)"), &exact);
        QVERIFY(!exact);
        QCOMPARE(hashed.size(), size_t(8));
        QCOMPARE(otlpexport::spanIdBytes(QStringLiteral("gen/1 (retry)"), &exact), hashed);
        QCOMPARE(
            QByteArray::fromStdString(otlpexport::spanIdBytes(QStringLiteral("00f067aa0ba902b7"), &exact))
                .toHex(),
            QByteArray("00f067aa0ba902b7"));
        QVERIFY(exact);
        // Uppercase hex is not exact (it would read back lowercase), all-zero is not valid.
        otlpexport::traceIdBytes(QStringLiteral("0AF7651916CD43DD8448EB211C80319C"), &exact);
        QVERIFY(!exact);
        const std::string zero = otlpexport::traceIdBytes(QString(32, u'0'), &exact);
        QVERIFY(!exact);
        QVERIFY(zero != std::string(16, '\0'));
    }

    void redaction()
    {
        ExportOptions options;
        options.redaction.maskEmails = true;
        options.redaction.maskApiKeys = true;
        options.redaction.customPatterns = { QStringLiteral("acme") };
        const QString path
            = exportAll(ExportFormat::LangfuseJson, QStringLiteral("masked.langfuse.json"), options);
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray text = file.readAll();
        QVERIFY(!text.contains("alice@example.com"));
        QVERIFY(text.contains("[email]"));
        QVERIFY(!text.contains("acme"));
        QVERIFY(text.contains("[redacted]"));
        QVERIFY(QJsonDocument::fromJson(text).isArray()); // still valid JSON

        // Key-shaped strings are generated per run; none is written in the source.
        const auto randomChars = [](int count) {
            QByteArray chars;
            for (int i = 0; i < count; ++i)
                chars += "abcdefghijklmnopqrstuvwxyz0123456789"[QRandomGenerator::global()->bounded(36)];
            return chars;
        };
        const QByteArray langfuseKey = "sk-lf-" + randomChars(16);
        const QByteArray bearer = randomChars(26);
        const QByteArray projectKey = "sk-proj-" + randomChars(22);
        ExportRedactor redactor(options.redaction);
        QCOMPARE(redactor.maskText(QString::fromLatin1("key " + langfuseKey + " and Bearer " + bearer)),
            QStringLiteral("key [api-key] and [api-key]"));
        QCOMPARE(redactor.maskJson("{\"a\":\"mail bob@corp.io\",\"b\":[\"" + projectKey + "\"],\"n\":1}"),
            QByteArray("{\"a\":\"mail [email]\",\"b\":[\"[api-key]\"],\"n\":1}"));
        // A custom pattern that would match across JSON syntax only sees string contents.
        ExportRedactor broad(RedactionOptions { false, false, false, { QStringLiteral("\".*") } });
        QCOMPARE(broad.maskJson("{\"k\":\"v\"}"), QByteArray("{\"k\":\"v\"}"));
        ExportRedactor invalid(RedactionOptions { false, false, false, { QStringLiteral("(") } });
        QString error;
        QVERIFY(!invalid.isValid(&error));
        QVERIFY(error.contains(u"not a valid regular expression"));

        ExportOptions drop;
        drop.redaction.dropInputOutput = true;
        const QString dropped
            = exportAll(ExportFormat::OtlpJsonLines, QStringLiteral("noio.otlp.jsonl"), drop);
        QFile droppedFile(dropped);
        QVERIFY(droppedFile.open(QIODevice::ReadOnly));
        const QByteArray droppedText = droppedFile.readAll();
        QVERIFY(!droppedText.contains("langfuse.observation.input"));
        QVERIFY(!droppedText.contains("langfuse.trace.output"));
        QVERIFY(droppedText.contains("langfuse.observation.metadata"));
    }

    void csv()
    {
        const QString path = exportAll(ExportFormat::Csv, QStringLiteral("table.csv"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = file.readAll().split('\n');
        QVERIFY(lines.first().startsWith("trace_id,timestamp,name,user_id,session_id,tags,latency_ms"));
        QCOMPARE(lines.size() - 2, m_original.size()); // header and the empty tail
        bool quoted = false;
        for (const QByteArray &line : lines)
            quoted
                = quoted || line.startsWith("\"trace without observations\"") || line.contains(",\"b;a\",");
        QVERIFY(!quoted); // no comma or quote in them: plain
        const QByteArray uuidLine = [&] {
            for (const QByteArray &line : lines) {
                if (line.startsWith("7e1f0c56"))
                    return line;
            }
            return QByteArray();
        }();
        QVERIFY(uuidLine.contains(",uuid trace,alice@example.com,s-1,b;a,"));
        QVERIFY(uuidLine.contains(",ERROR,"));
    }

    void selections()
    {
        auto reader = m_store->reader();
        ExportSelection selection;
        TraceQuery query;
        query.filter.sourceIds = { m_demoSource };
        selection.query = query;
        QString error;
        const auto demo = TraceExporter::resolve(*reader, selection, &error);
        QVERIFY(error.isEmpty());
        QCOMPARE(int(demo.size()), 24);
        // A session's traces and one more trace, each once.
        const auto sessions = reader->sessions(SessionFilter { { m_demoSource }, {}, {}, {}, {} }, 0, 10);
        QVERIFY(!sessions.empty());
        ExportSelection mixed;
        mixed.sessions.append({ sessions.front().sourceId, sessions.front().id });
        const auto sessionTraces = reader->sessionTraces(sessions.front().sourceId, sessions.front().id);
        mixed.traceRks = { sessionTraces.front().rk, demo.back() };
        const auto resolved = TraceExporter::resolve(*reader, mixed, &error);
        QSet<qint64> unique(resolved.begin(), resolved.end());
        QCOMPARE(int(unique.size()), int(resolved.size()));
        QVERIFY(unique.contains(demo.back()));
        QVERIFY(int(resolved.size()) >= int(sessionTraces.size()));

        // Filtered export writes only the matches.
        ExportOptions options;
        options.format = ExportFormat::OtlpJsonLines;
        QBuffer buffer;
        buffer.open(QIODevice::WriteOnly);
        const ExportResult result = TraceExporter::write(*reader, mixed, options, buffer);
        QVERIFY(result.ok);
        QCOMPARE(result.traces, qint64(resolved.size()));
        QVERIFY(result.bytes > 0);
    }

    void cancelAndWriteErrors()
    {
        auto reader = m_store->reader();
        ExportSelection all;
        all.query = TraceQuery();
        ExportOptions options;
        options.format = ExportFormat::LangfuseJson;
        std::atomic<bool> cancel { true };
        QBuffer buffer;
        buffer.open(QIODevice::WriteOnly);
        ExportResult result = TraceExporter::write(*reader, all, options, buffer, &cancel);
        QVERIFY(result.cancelled);
        QVERIFY(!result.ok);
        // A file that cannot be written leaves nothing behind.
        result = TraceExporter::writeFile(
            m_store->readerPool(), all, options, QStringLiteral("/nonexistent-dir/x.json"));
        QVERIFY(!result.ok);
        QVERIFY(result.error.contains(u"cannot write"));
        // Cancelling a file export keeps the old file.
        const QString path = m_dir.filePath(QStringLiteral("keep.json"));
        {
            QFile keep(path);
            QVERIFY(keep.open(QIODevice::WriteOnly));
            keep.write("old");
        }
        result = TraceExporter::writeFile(m_store->readerPool(), all, options, path, &cancel);
        QVERIFY(result.cancelled);
        QFile keep(path);
        QVERIFY(keep.open(QIODevice::ReadOnly));
        QCOMPARE(keep.readAll(), QByteArray("old"));
    }

    void formatKeys()
    {
        for (const ExportFormat format : { ExportFormat::OtlpJson, ExportFormat::OtlpJsonLines,
                 ExportFormat::OtlpProtobuf, ExportFormat::LangfuseJson, ExportFormat::Csv }) {
            QCOMPARE(exportFormatFromKey(exportFormatKey(format)), std::optional<ExportFormat>(format));
            QVERIFY(!exportFormatLabel(format).isEmpty());
        }
        QVERIFY(!exportFormatFromKey(QStringLiteral("xml")));
    }
};

QTEST_GUILESS_MAIN(TestTraceExport)
#include "tst_traceexport.moc"
