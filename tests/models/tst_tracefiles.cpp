// Trace files in: format detection, the streaming JSON scanner, OTLP JSON / JSON Lines / protobuf
// (single, varint-delimited, Collector-framed) and Langfuse files, read in tiny chunks and units so
// every boundary is crossed; malformed files keep their good part and name the line or byte.
#include "formats/jsonstreamscanner.h"
#include "formats/otlpjsonwriter.h"
#include "formats/tracefileformat.h"
#include "formats/tracefileimporter.h"
#include "mapping/langfuseapimapper.h"
#include "otlptestutil.h"
#include "storetestutil.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace tg;
using namespace otlptest;
using test::writeFile;

namespace {

// A request of `spans` spans in traces of 4, with ids derived from `seed`.
Request makeRequest(int seed, int spans, const char *service = "svc")
{
    Request request;
    set(resourceAttributes(request), "service.name", service);
    for (int i = 0; i < spans; ++i) {
        const QByteArray traceHex
            = QByteArray::number(0x1000 + seed * 100 + i / 4, 16).rightJustified(32, '0');
        const QByteArray spanHex = QByteArray::number(0x100000 + seed * 1000 + i, 16).rightJustified(16, '0');
        const QByteArray parentHex = i % 4 == 0
            ? QByteArray()
            : QByteArray::number(0x100000 + seed * 1000 + (i / 4) * 4, 16).rightJustified(16, '0');
        Span &span
            = addSpan(request, spanHex.constData(), parentHex.constData(), "step", traceHex.constData());
        span.set_name(QStringLiteral("span %1-%2").arg(seed).arg(i).toStdString());
        set(span.mutable_attributes(), "langfuse.observation.input",
            QStringLiteral("{\"q\":\"question %1 with \\\"quotes\\\" and ] brackets }\"}").arg(i));
        if (i % 4 == 0)
            set(span.mutable_attributes(), "user.id", "u-1");
    }
    return request;
}

QByteArray framed(const std::string &message, bool varint)
{
    QByteArray out;
    const quint64 size = message.size();
    if (varint) {
        quint64 v = size;
        while (v >= 0x80) {
            out.append(char((v & 0x7f) | 0x80));
            v >>= 7;
        }
        out.append(char(v));
    } else {
        out.append(char(size >> 24)).append(char(size >> 16)).append(char(size >> 8)).append(char(size));
    }
    out.append(message.data(), qsizetype(message.size()));
    return out;
}

QString describe(const TraceFileImportResult &result)
{
    QStringList lines;
    for (const auto &p : result.problems)
        lines << p.toString();
    return lines.join(u'\n');
}

struct Collected
{
    WriteBatch all;
    int batches = 0;
};

// Reads a file with tiny read chunks and units, so every element crosses buffer boundaries.
TraceFileImportResult readTiny(const QString &path, Collected &out, qint64 unitBytes = 700, qint64 chunk = 97)
{
    TraceFileImportOptions options;
    options.unitBytes = unitBytes;
    options.readChunkBytes = chunk;
    options.decodeThreads = 2;
    return TraceFileImporter::readFile(
        path,
        [&out](WriteBatch &&batch, QString *) {
            ++out.batches;
            std::move(batch.traces.begin(), batch.traces.end(), std::back_inserter(out.all.traces));
            std::move(batch.observations.begin(), batch.observations.end(),
                std::back_inserter(out.all.observations));
            std::move(batch.scores.begin(), batch.scores.end(), std::back_inserter(out.all.scores));
            return true;
        },
        options);
}

QStringList observationIds(const WriteBatch &batch)
{
    QStringList ids;
    for (const auto &o : batch.observations)
        ids << o.id;
    ids.sort();
    return ids;
}

class Recorder : public JsonStreamScanner::Handler
{
public:
    QStringList captured;
    QStringList ended;
    JsonStreamScanner::Action onValue(const JsonStreamScanner::Path &path, char first) override
    {
        if (path.empty() || (path.size() == 1 && path[0].key == "items"))
            return first == '{' || first == '[' ? JsonStreamScanner::Action::Descend
                                                : JsonStreamScanner::Action::Capture;
        return JsonStreamScanner::Action::Capture;
    }
    void onCaptured(const JsonStreamScanner::Path &path, QByteArrayView raw, qint64 offset) override
    {
        QString where;
        for (const auto &step : path)
            where += step.index >= 0 ? QStringLiteral("[%1]").arg(step.index)
                                     : u'.' + QString::fromUtf8(step.key);
        captured << QStringLiteral("%1@%2=%3").arg(where).arg(offset).arg(QString::fromUtf8(raw));
    }
    void onContainerEnd(const JsonStreamScanner::Path &path) override
    {
        ended << QString::number(path.size());
    }
};

} // namespace

class TestTraceFiles : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

private Q_SLOTS:
    void detection_data()
    {
        QTest::addColumn<QByteArray>("head");
        QTest::addColumn<QString>("name");
        QTest::addColumn<int>("expected");
        const QByteArray request = OtlpJsonWriter::write(makeRequest(1, 4));
        QTest::newRow("otlp json") << request << "x.json" << int(TraceFileFormat::OtlpJson);
        QTest::newRow("otlp json pretty")
            << QByteArray("{\n  \"resourceSpans\": []\n}\n") << "x.json" << int(TraceFileFormat::OtlpJson);
        QTest::newRow("otlp jsonl") << request + '\n' + request + '\n'
                                    << "x.txt" << int(TraceFileFormat::OtlpJsonLines);
        QTest::newRow("otlp one line named jsonl") << request + '\n'
                                                   << "x.jsonl" << int(TraceFileFormat::OtlpJsonLines);
        QTest::newRow("bom") << QByteArray("\xEF\xBB\xBF") + request << "x.json"
                             << int(TraceFileFormat::OtlpJson);
        QTest::newRow("langfuse array") << QByteArray("[{\"id\":\"t1\",\"observations\":[]}]") << "x.json"
                                        << int(TraceFileFormat::LangfuseJson);
        QTest::newRow("langfuse jsonl") << QByteArray("{\"id\":\"o1\"}\n{\"id\":\"o2\"}\n") << "x.json"
                                        << int(TraceFileFormat::LangfuseJsonLines);
        QTest::newRow("resourceSpans only in a string")
            << QByteArray("{\"id\":\"t\",\"name\":\"\\\"resourceSpans\\\":\"}") << "x.json"
            << int(TraceFileFormat::LangfuseJson);
        const std::string message = makeRequest(2, 4).SerializeAsString();
        QTest::newRow("protobuf") << QByteArray::fromStdString(message) << "x.bin"
                                  << int(TraceFileFormat::OtlpProtobuf);
        QTest::newRow("protobuf varint") << framed(message, true) + framed(message, true) << "x.bin"
                                         << int(TraceFileFormat::OtlpProtobufDelimited);
        QTest::newRow("protobuf framed") << framed(message, false) + framed(message, false) << "x.bin"
                                         << int(TraceFileFormat::OtlpProtobufFramed);
        QTest::newRow("garbage") << QByteArray("hello, world\n") << "x.txt" << int(TraceFileFormat::Unknown);
    }

    void detection()
    {
        QFETCH(QByteArray, head);
        QFETCH(QString, name);
        QFETCH(int, expected);
        QCOMPARE(int(detectTraceFileFormat(head, head.size(), name)), expected);
    }

    void scannerResumesAtEveryByte()
    {
        const QByteArray doc
            = "{\"a\":1,\"items\":[{\"k\":\"v\\\"}]\"},[1,2],\"s\\\\\",-3.5e2,true,null],\"b\":{\"x\":[]}} ";
        // Whole, and fed one byte at a time: the same captures.
        QStringList expected;
        for (const int step : { int(doc.size()), 1, 2, 7 }) {
            Recorder recorder;
            JsonStreamScanner scanner(recorder);
            qint64 end = 0;
            JsonStreamScanner::Status status = JsonStreamScanner::Status::NeedMore;
            while (status == JsonStreamScanner::Status::NeedMore) {
                const qint64 keep = scanner.keepFrom();
                end = std::min<qint64>(end + step, doc.size());
                status = scanner.scan(doc.constData() + keep, keep, end, end == doc.size());
            }
            QCOMPARE(int(status), int(JsonStreamScanner::Status::Done));
            if (expected.isEmpty())
                expected = recorder.captured;
            QCOMPARE(recorder.captured, expected);
        }
        QCOMPARE(expected.size(), 8);
        QVERIFY2(expected.contains(QStringLiteral(".items[0]@16={\"k\":\"v\\\"}]\"}")),
            qPrintable(expected.join(u'\n')));
        QVERIFY(expected.contains(QStringLiteral(".items[2]@36=\"s\\\\\"")));
        QVERIFY(expected.contains(QStringLiteral(".b@64={\"x\":[]}")));
    }

    void scannerErrors_data()
    {
        QTest::addColumn<QByteArray>("doc");
        QTest::addColumn<qint64>("offset");
        QTest::newRow("cut short") << QByteArray("{\"items\":[{\"a\":1},{\"b\":") << qint64(18);
        QTest::newRow("missing colon") << QByteArray("{\"items\" [1]}") << qint64(9);
        QTest::newRow("bad separator") << QByteArray("{\"items\":[1 2]}") << qint64(12);
        QTest::newRow("trailing data") << QByteArray("{\"items\":[]} x") << qint64(13);
        QTest::newRow("not json") << QByteArray("  hello") << qint64(2);
        QTest::newRow("empty") << QByteArray("   ") << qint64(3);
    }

    void scannerErrors()
    {
        QFETCH(QByteArray, doc);
        QFETCH(qint64, offset);
        Recorder recorder;
        JsonStreamScanner scanner(recorder);
        QCOMPARE(
            int(scanner.scan(doc.constData(), 0, doc.size(), true)), int(JsonStreamScanner::Status::Error));
        QCOMPARE(scanner.errorOffset(), offset);
        QVERIFY(!scanner.error().isEmpty());
    }

    void otlpJsonDocumentStreamed()
    {
        // Three resources; the second puts its resource and scope after the spans.
        Request a = makeRequest(1, 12, "first");
        Request b = makeRequest(2, 9, "second");
        Request c = makeRequest(3, 5, "third");
        QByteArray doc = "{\"resourceSpans\":[";
        bool first = true;
        OtlpJsonWriter::appendResourceSpans(doc, a, first);
        // The second resource, hand-written with its resource and scope after the spans.
        const QByteArray bText = OtlpJsonWriter::write(b);
        const qsizetype spansAt = bText.indexOf("\"spans\":[") + 9;
        const QByteArray spans = bText.mid(spansAt, bText.size() - 6 - spansAt);
        doc += ",{\"scopeSpans\":[{\"spans\":[" + spans
            + "],\"scope\":{\"name\":\"late-scope\"}}],\"resource\":{\"attributes\":[{\"key\":\"service."
              "name\","
              "\"value\":{\"stringValue\":\"second\"}}]}}";
        OtlpJsonWriter::appendResourceSpans(doc, c, first);
        doc += "],\"extra\":{\"ignored\":[1,2,3]}}";
        QVERIFY2(QJsonDocument::fromJson(doc).isObject(), doc.constData());

        const QString path = writeFile(m_dir, QStringLiteral("doc.otlp.json"), doc);
        Collected got;
        const TraceFileImportResult result = readTiny(path, got);
        QVERIFY2(result.ok, qPrintable(result.error));
        QCOMPARE(int(result.format), int(TraceFileFormat::OtlpJson));
        QCOMPARE(result.problemCount, 0);
        QCOMPARE(got.all.observations.size(), size_t(26));
        QVERIFY(got.batches > 3); // streamed in several units
        // Every span kept its own resource and scope.
        int second2 = 0;
        for (const auto &o : got.all.observations) {
            const QJsonObject metadata = QJsonDocument::fromJson(o.metadata).object();
            const QString service = metadata.value(QStringLiteral("resourceAttributes"))
                                        .toObject()
                                        .value(QStringLiteral("service.name"))
                                        .toString();
            QVERIFY2(!service.isEmpty(), o.metadata.constData());
            if (o.name.startsWith(u"span 2-")) {
                QCOMPARE(service, QStringLiteral("second"));
                QCOMPARE(metadata.value(QStringLiteral("scope"))
                             .toObject()
                             .value(QStringLiteral("name"))
                             .toString(),
                    QStringLiteral("late-scope"));
                ++second2;
            }
        }
        QCOMPARE(second2, 9);
        const QString secondSpan = QString::number(0x100000 + 1000 + 1, 16).rightJustified(16, u'0');
        QCOMPARE(observation(got.all, secondSpan).input,
            QByteArray("{\"q\":\"question 1 with \\\"quotes\\\" and ] brackets }\"}"));
    }

    void otlpJsonDocumentCutShort()
    {
        QByteArray doc = OtlpJsonWriter::write(makeRequest(4, 20));
        const qsizetype cut = doc.indexOf("\"span 4-15\"");
        doc.truncate(cut);
        doc.replace("\"spanId\"", "\n\"spanId\""); // lines, so the problem has a line number
        const QString path = writeFile(m_dir, QStringLiteral("cut.json"), doc);
        Collected got;
        const TraceFileImportResult result = readTiny(path, got);
        QVERIFY(result.ok);
        QCOMPARE(got.all.observations.size(), size_t(15)); // the spans before the cut
        QVERIFY2(result.problemCount == 1, qPrintable(describe(result)));
        const FileProblem &problem = result.problems.front();
        QVERIFY2(problem.message.contains(u"ends inside"), qPrintable(problem.message));
        QCOMPARE(problem.line, 16);
        QVERIFY(problem.column > 0);
        QVERIFY2(problem.toString().startsWith(u"line 16, column"), qPrintable(problem.toString()));
    }

    void otlpJsonDocumentBadSpan()
    {
        QByteArray doc = OtlpJsonWriter::write(makeRequest(5, 8));
        // The sixth span gets an id that is not hex; the seventh a stray character, which breaks
        // the document from there on.
        const qsizetype sixth = doc.indexOf("\"span 5-5\"");
        const qsizetype idAt = doc.lastIndexOf("\"spanId\":\"", sixth) + 10;
        doc.replace(idAt, 4, "zzzz");
        const qsizetype seventh = doc.indexOf("\"span 5-6\"");
        doc.replace(seventh, 1, "#");
        const QString path = writeFile(m_dir, QStringLiteral("badspan.json"), doc);
        Collected got;
        const TraceFileImportResult result = readTiny(path, got, 100000, 4096);
        QVERIFY(result.ok);
        QCOMPARE(int(result.format), int(TraceFileFormat::OtlpJson));
        QVERIFY2(got.all.observations.size() == 5, qPrintable(describe(result)));
        const QString problems = describe(result);
        QVERIFY2(problems.contains(u"span 5-5"), qPrintable(problems));
        QVERIFY2(problems.contains(u"not valid JSON"), qPrintable(problems));
        for (const auto &p : result.problems) {
            QCOMPARE(p.line, 1); // one line, located by column
            QVERIFY(p.column > 1);
        }
    }

    void collectorJsonLines()
    {
        QByteArray file;
        for (int i = 0; i < 6; ++i) {
            if (i == 3)
                file += "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"xyz\n"; // broken
            file += OtlpJsonWriter::write(makeRequest(10 + i, 4)) + '\n';
        }
        file += "\n"; // a blank line is fine
        const QString path = writeFile(m_dir, QStringLiteral("collector.jsonl"), file);
        Collected got;
        const TraceFileImportResult result = readTiny(path, got, 3000, 512);
        QVERIFY(result.ok);
        QCOMPARE(int(result.format), int(TraceFileFormat::OtlpJsonLines));
        QCOMPARE(got.all.observations.size(), size_t(24));
        QCOMPARE(result.problemCount, 1);
        QCOMPARE(result.problems.front().line, 4);
        QVERIFY(result.problems.front().toString().startsWith(u"line 4"));
    }

    void protobufFramings_data()
    {
        QTest::addColumn<int>("framing"); // 0 single, 1 varint, 2 framed
        QTest::addColumn<qint64>("maxWhole");
        QTest::newRow("single") << 0 << qint64(64 << 20);
        QTest::newRow("single walked") << 0 << qint64(300);
        QTest::newRow("varint") << 1 << qint64(64 << 20);
        QTest::newRow("varint walked") << 1 << qint64(300);
        QTest::newRow("framed") << 2 << qint64(64 << 20);
    }

    void protobufFramings()
    {
        QFETCH(int, framing);
        QFETCH(qint64, maxWhole);
        QByteArray file;
        int expected = 0;
        if (framing == 0) {
            Request request = makeRequest(20, 30, "one");
            const Request more = makeRequest(21, 10, "two");
            *request.add_resource_spans() = more.resource_spans(0);
            file = QByteArray::fromStdString(request.SerializeAsString());
            expected = 40;
        } else {
            for (int i = 0; i < 5; ++i)
                file += framed(makeRequest(30 + i, 7).SerializeAsString(), framing == 1);
            expected = 35;
        }
        const QString path = writeFile(m_dir, QStringLiteral("p%1-%2.pb").arg(framing).arg(maxWhole), file);
        TraceFileImportOptions options;
        options.unitBytes = 500;
        options.readChunkBytes = 61;
        options.maxWholeMessageBytes = maxWhole;
        Collected got;
        const auto result = TraceFileImporter::readFile(
            path,
            [&got](WriteBatch &&batch, QString *) {
                ++got.batches;
                std::move(batch.observations.begin(), batch.observations.end(),
                    std::back_inserter(got.all.observations));
                return true;
            },
            options);
        QVERIFY2(result.ok, qPrintable(result.error));
        QCOMPARE(result.problemCount, 0);
        QCOMPARE(int(got.all.observations.size()), expected);
        QCOMPARE(observationIds(got.all).removeDuplicates(), 0);
        if (maxWhole < 1000)
            QVERIFY(got.batches > 3);
        // Each span kept its resource.
        for (const auto &o : got.all.observations)
            QVERIFY(o.metadata.contains("service.name"));
    }

    void protobufTruncated()
    {
        QByteArray file;
        for (int i = 0; i < 3; ++i)
            file += framed(makeRequest(40 + i, 4).SerializeAsString(), true);
        const qint64 thirdAt = file.size();
        file += framed(makeRequest(43, 4).SerializeAsString(), true);
        file.chop(10);
        const QString path = writeFile(m_dir, QStringLiteral("truncated.pb"), file);
        Collected got;
        const auto result = readTiny(path, got, 100000, 4096);
        QVERIFY2(result.ok, qPrintable(result.error));
        QCOMPARE(got.all.observations.size(), size_t(12));
        QCOMPARE(result.problemCount, 1);
        QCOMPARE(result.problems.front().offset, thirdAt);
        QVERIFY2(result.problems.front().toString().startsWith(QStringLiteral("byte %1: ").arg(thirdAt)),
            qPrintable(result.problems.front().toString()));
        QVERIFY(result.problems.front().message.contains(u"past the end"));
    }

    void protobufGarbageMessage()
    {
        QByteArray file = framed(makeRequest(50, 4).SerializeAsString(), false);
        const qint64 badAt = file.size();
        file += framed(std::string("\x0a\x05\xff\xff\xff\xff\xff", 7), false);
        file += framed(makeRequest(51, 4).SerializeAsString(), false);
        const QString path = writeFile(m_dir, QStringLiteral("garbage.pb"), file);
        Collected got;
        const auto result = readTiny(path, got, 100000, 4096);
        QCOMPARE(got.all.observations.size(), size_t(8));
        QCOMPARE(result.problemCount, 1);
        QCOMPARE(result.problems.front().offset, badAt + 4);
    }

    void langfuseFiles_data()
    {
        QTest::addColumn<QString>("file");
        QTest::newRow("trace with observations") << "trace-full-details.json";
        QTest::newRow("observations export jsonl") << "observations-export.jsonl";
        QTest::newRow("v2 observations page") << "observations-v2-page.json";
        QTest::newRow("ingestion batch") << "ingestion-litellm.json";
        QTest::newRow("ingestion batch js") << "ingestion-langfuse-js.json";
        QTest::newRow("ui download") << "trace-download.json";
        QTest::newRow("scores page") << "scores-v3-page.json";
    }

    void langfuseFiles()
    {
        QFETCH(QString, file);
        const QString path = QStringLiteral(TRACEGLASS_TEST_DATA_DIR "/langfuse/") + file;
        // Reference: the mapper on the whole document at once.
        QFile in(path);
        QVERIFY(in.open(QIODevice::ReadOnly));
        const LangfuseApiResult whole = LangfuseApiMapper::mapDocument(in.readAll());
        QVERIFY(whole.ok);
        QVERIFY(whole.batch.rowCount() > 0);
        Collected got;
        const auto result = readTiny(path, got, 300, 50);
        QVERIFY2(result.ok, qPrintable(result.error));
        // The same objects are skipped as when the whole document is read (the JSON Lines sample
        // ends with a line that is not JSON on purpose).
        if (whole.skippedCount == 0)
            QVERIFY2(result.problemCount == 0, qPrintable(describe(result)));
        else
            QVERIFY2(result.problemCount >= 1, qPrintable(describe(result)));
        QCOMPARE(int(got.all.observations.size()), int(whole.batch.observations.size()));
        QCOMPARE(int(got.all.scores.size()), int(whole.batch.scores.size()));
        QCOMPARE(observationIds(got.all), observationIds(whole.batch));
        QSet<QString> wholeTraces, gotTraces;
        for (const auto &t : whole.batch.traces)
            wholeTraces.insert(t.id);
        for (const auto &t : got.all.traces)
            gotTraces.insert(t.id);
        QCOMPARE(gotTraces, wholeTraces);
    }

    void langfuseArrayWithBrokenElement()
    {
        QByteArray file = "[\n";
        for (int i = 0; i < 5; ++i) {
            if (i > 0)
                file += ",\n";
            if (i == 2)
                file += "{\"id\":\"t2\",\"observations\":[{\"id\":\"o2\",,}]}";
            else
                file
                    += QStringLiteral("{\"id\":\"t%1\",\"name\":\"n\",\"timestamp\":\"2026-08-22T10:00:00Z\","
                                      "\"observations\":[{\"id\":\"o%1\",\"type\":\"SPAN\",\"startTime\":"
                                      "\"2026-08-22T10:00:00Z\"}],\"scores\":[]}")
                           .arg(i)
                           .toUtf8();
        }
        file += "\n,{\"id\":\"t5\",\"observations\":[]}"; // and then the file is cut
        file.chop(3);
        const QString path = writeFile(m_dir, QStringLiteral("broken.langfuse.json"), file);
        Collected got;
        const auto result = readTiny(path, got, 200, 31);
        QVERIFY(result.ok);
        QCOMPARE(observationIds(got.all), (QStringList { "o0", "o1", "o3", "o4" }));
        QVERIFY2(result.problemCount == 2, qPrintable(describe(result)));
        QCOMPARE(result.problems[0].line, 4);
        QVERIFY(result.problems[0].message.contains(u"not valid JSON"));
        QCOMPARE(result.problems[1].line, 7);
    }

    void langfuseJsonLinesWithBadLine()
    {
        const QByteArray file
            = "{\"id\":\"o1\",\"traceId\":\"t\",\"type\":\"SPAN\",\"startTime\":\"2026-08-22T10:00:00Z\"}\n"
              "not json at all\n"
              "{\"id\":\"o2\",\"traceId\":\"t\",\"type\":\"EVENT\",\"startTime\":\"2026-08-22T10:00:01Z\"}\n";
        const QString path = writeFile(m_dir, QStringLiteral("lines.jsonl"), file);
        Collected got;
        const auto result = readTiny(path, got);
        QCOMPARE(int(result.format), int(TraceFileFormat::LangfuseJsonLines));
        QCOMPARE(observationIds(got.all), (QStringList { "o1", "o2" }));
        QCOMPARE(result.problemCount, 1);
        QCOMPARE(result.problems.front().line, 2);
    }

    void unreadableFiles()
    {
        Collected got;
        auto result = readTiny(m_dir.filePath(QStringLiteral("missing.json")), got);
        QVERIFY(!result.ok);
        QVERIFY(!result.error.isEmpty());
        result = readTiny(writeFile(m_dir, QStringLiteral("empty.json"), QByteArray()), got);
        QVERIFY(!result.ok);
        QVERIFY(result.error.contains(u"empty"));
        result = readTiny(writeFile(m_dir, QStringLiteral("text.txt"), "just some words\n"), got);
        QVERIFY(!result.ok);
        QVERIFY(result.error.contains(u"not a trace file"));
    }

    void importIntoStoreAsSourceAndCancel()
    {
        QByteArray file;
        for (int i = 0; i < 40; ++i)
            file += OtlpJsonWriter::write(makeRequest(100 + i, 8)) + '\n';
        const QString path = writeFile(m_dir, QStringLiteral("store.otlp.jsonl"), file);
        auto store = test::openTempStore(m_dir, QStringLiteral("import.db"));
        QVERIFY(store);
        TraceFileImportOptions options;
        options.unitBytes = 4096;
        options.maxUncommittedBytes = 1; // one batch in flight at a time still completes
        int progressCalls = 0;
        auto result = TraceFileImporter::importFile(
            *store, path, options, nullptr, [&](const TraceFileImportProgress &p) {
                ++progressCalls;
                QVERIFY(p.bytesRead <= p.fileSize);
            });
        QVERIFY2(result.ok, qPrintable(result.error));
        QCOMPARE(result.observations, 320);
        QVERIFY(progressCalls >= 1);
        auto reader = store->reader();
        const auto source = reader->sourceByKey(TraceFileImporter::sourceKey(path));
        QVERIFY(source);
        QCOMPARE(source->kind, SourceKind::File);
        QCOMPARE(source->name, QStringLiteral("store.otlp.jsonl"));
        QCOMPARE(source->id, result.sourceId);
        TraceFilter filter;
        filter.sourceIds = { source->id };
        QCOMPARE(reader->countTraces(filter), 80);
        QVERIFY(result.summary().contains(u"320 spans"));

        // Opening it again updates the same source; nothing is doubled.
        result = TraceFileImporter::importFile(*store, path, options);
        QCOMPARE(reader->countTraces(filter), 80);
        QCOMPARE(reader->sources().size(), size_t(1));

        // Cancelled before the first unit: nothing more is read.
        std::atomic<bool> cancel { true };
        const QString other = writeFile(m_dir, QStringLiteral("other.jsonl"), file);
        result = TraceFileImporter::importFile(*store, other, options, &cancel);
        QVERIFY(result.cancelled);
        QCOMPARE(result.observations, 0);
        QVERIFY(result.summary().contains(u"cancelled"));
    }
};

QTEST_GUILESS_MAIN(TestTraceFiles)
#include "tst_tracefiles.moc"
