// `traceglass import|export|stats` as processes, run without a display against temporary stores:
// --help, usage errors (exit 2), good and malformed files (exit 1 with the line or byte named, the
// good part stored), exports in every format read back as the same traces, filters, redaction,
// stats, and the exit codes of an unopenable store (3) and an unwritable output (1).
#include "commandtestutil.h"
#include "demo/demoloader.h"
#include "formats/gzip.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"
#include "store/exportreader.h"
#include "store/outbox.h"
#include "store/storereader.h"
#include "store/tracestore.h"

#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

#include <future>

using namespace tg;
using namespace tg::test;

namespace {

constexpr qint64 kSecond = 1'000'000'000;
constexpr qint64 kHour = 3600 * kSecond;

struct Fixture
{
    const char *key;
    const char *name;
    const char *user;
    const char *session;
    QStringList tags;
    const char *environment;
    qint64 ageNs;
    QByteArray input;
    Level level;
};

/// A key-shaped string generated per run, for the redaction checks (no key lives in the source).
const QByteArray &generatedKey()
{
    static const QByteArray key = []() -> QByteArray {
        QByteArray hex;
        for (int i = 0; i < 20; ++i)
            hex += "0123456789abcdef"[QRandomGenerator::global()->bounded(16)];
        return QByteArray("sk-lf-") + hex;
    }();
    return key;
}

// Traces with known fields, relative to now so --since/--until durations select them.
const QList<Fixture> &fixtures()
{
    static const QList<Fixture> list {
        { "f1", "cli-checkout", "alice", "s-1", { "prod", "web" }, "production", kHour / 2,
            R"({"q":"mail bob@example.com the key )" + generatedKey() + R"("})", Level::Default },
        { "f2", "cli-checkout", "bob", "s-2", { "prod" }, "staging", 3 * kHour,
            R"({"q":"where is my parcel"})", Level::Default },
        { "f3", "cli-search", "alice", "s-1", { "beta" }, "production", 48 * kHour,
            R"({"q":"the quokka refund window for shoes"})", Level::Warning },
        { "f4", "cli-search", "carol", "", {}, "dev", 240 * kHour, R"({"q":"quokka crash"})", Level::Error },
    };
    return list;
}

QString fixtureId(const QString &key)
{
    return QStringLiteral("c11%1").arg(key).leftJustified(32, u'0');
}

WriteBatch fixtureBatch(qint64 sourceId)
{
    WriteBatch batch;
    batch.sourceId = sourceId;
    const qint64 now = QDateTime::currentMSecsSinceEpoch() * 1'000'000;
    int n = 0;
    for (const Fixture &f : fixtures()) {
        TraceRecord t;
        t.id = fixtureId(QLatin1String(f.key));
        t.name = QLatin1String(f.name);
        t.userId = QLatin1String(f.user);
        t.sessionId = QLatin1String(f.session);
        t.tags = f.tags;
        t.environment = QLatin1String(f.environment);
        t.timestampNs = now - f.ageNs;
        t.input = f.input;
        t.output = R"({"answer":"ok"})";
        batch.traces.push_back(t);
        for (int i = 0; i < 2; ++i) {
            ObservationRecord o;
            o.id = QStringLiteral("0b5%1%2").arg(++n, 4, 10, QLatin1Char('0')).arg(i).leftJustified(16, u'0');
            o.traceId = t.id;
            o.parentId = i == 0
                ? QString()
                : QStringLiteral("0b5%1%2").arg(n, 4, 10, QLatin1Char('0')).arg(0).leftJustified(16, u'0');
            o.type = i == 0 ? ObservationType::Agent : ObservationType::Generation;
            o.name = i == 0 ? QStringLiteral("agent") : QStringLiteral("chat");
            o.startNs = *t.timestampNs + i * 1'000'000;
            o.endNs = *o.startNs + 500'000'000;
            o.level = i == 1 ? f.level : Level::Default;
            if (i == 1) {
                o.model = QStringLiteral("gpt-4o-mini");
                o.usage.set(QStringLiteral("input"), 120);
                o.usage.set(QStringLiteral("output"), 30);
                o.input = f.input;
            }
            batch.observations.push_back(o);
        }
    }
    return batch;
}

bool commitBatch(TraceStore &store, WriteBatch batch)
{
    std::promise<bool> done;
    auto future = done.get_future();
    if (store.submit(std::move(batch), [&done](const CommitResult &r) { done.set_value(r.ok); })
        != SubmitStatus::Queued)
        return false;
    return future.get();
}

QHash<QString, TraceBundle> bundles(const QString &db)
{
    StoreOptions options;
    options.path = db;
    options.fullTextIndex = false;
    auto store = TraceStore::open(options, nullptr);
    QHash<QString, TraceBundle> out;
    if (!store)
        return out;
    auto reader = store->reader();
    ExportReader exportReader(*reader);
    for (const qint64 rk : exportReader.traceRowKeys(TraceQuery())) {
        TraceBundle bundle;
        if (exportReader.readTrace(rk, bundle))
            out.insert(bundle.trace.id, std::move(bundle));
    }
    return out;
}

QJsonValue json(const QByteArray &text)
{
    if (text.isEmpty())
        return QJsonValue();
    return QJsonDocument::fromJson("[" + text + "]").array().first();
}

/// What an export must keep: the differences as text, empty when the traces are the same.
QString difference(const TraceBundle &a, const TraceBundle &b)
{
    QStringList diffs;
    const auto check = [&](bool same, const char *what) {
        if (!same)
            diffs << QLatin1String(what);
    };
    check(a.trace.name == b.trace.name, "name");
    check(a.trace.timestampNs == b.trace.timestampNs, "timestamp");
    check(a.trace.userId == b.trace.userId, "userId");
    check(a.trace.sessionId == b.trace.sessionId, "sessionId");
    check(a.trace.tags == b.trace.tags, "tags");
    check(a.trace.environment == b.trace.environment, "environment");
    check(json(a.trace.input) == json(b.trace.input), "input");
    check(json(a.trace.output) == json(b.trace.output), "output");
    check(a.observations.size() == b.observations.size(), "observation count");
    if (a.observations.size() == b.observations.size()) {
        for (size_t i = 0; i < a.observations.size(); ++i) {
            const ObservationRecord &x = a.observations[i];
            const ObservationRecord &y = b.observations[i];
            check(x.id == y.id && x.parentId == y.parentId && x.name == y.name && x.type == y.type,
                "observation identity");
            check(x.startNs == y.startNs && x.endNs == y.endNs, "observation times");
            check(x.model == y.model && x.usage == y.usage, "observation model and usage");
            check(x.level.value_or(Level::Default) == y.level.value_or(Level::Default), "observation level");
            check(json(x.input) == json(y.input) && json(x.output) == json(y.output), "observation payloads");
        }
    }
    return diffs.join(QStringLiteral(", "));
}

QSet<QString> csvTraceIds(const QByteArray &csv)
{
    QSet<QString> ids;
    const QList<QByteArray> lines = csv.split('\n');
    for (qsizetype i = 1; i < lines.size(); ++i) {
        if (!lines[i].trimmed().isEmpty())
            ids.insert(QString::fromUtf8(lines[i].left(lines[i].indexOf(','))));
    }
    return ids;
}

QSet<QString> ids(const QStringList &keys)
{
    QSet<QString> out;
    for (const QString &key : keys)
        out.insert(fixtureId(key));
    return out;
}

QByteArray otlpLine(const QString &traceId, const QString &name)
{
    return QStringLiteral(
        R"({"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":)"
        R"({"stringValue":"cli"}}]},"scopeSpans":[{"scope":{"name":"t"},"spans":[{"traceId":"%1",)"
        R"("spanId":"%2","name":"%3","startTimeUnixNano":"1786000000000000000",)"
        R"("endTimeUnixNano":"1786000001000000000"}]}]}]})")
        .arg(traceId, traceId.left(16), name)
        .toUtf8();
}

} // namespace

class TestCommands : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QProcessEnvironment m_env;
    QString m_original; ///< demo traces and the fixtures, written in initTestCase
    qint64 m_totalTraces = 0;

    QString path(const QString &name) const { return m_dir.filePath(name); }
    CommandRun run(const QStringList &arguments) const { return runTraceglass(arguments, m_env); }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QVERIFY2(QFile::exists(kTraceglass), qPrintable(kTraceglass));
        m_env = headlessEnvironment(path(QStringLiteral("config")));
        m_original = path(QStringLiteral("original.db"));
        StoreOptions options;
        options.path = m_original;
        QString error;
        auto store = TraceStore::open(options, &error);
        QVERIFY2(store, qPrintable(error));
        DemoOptions demo;
        demo.traceCount = 20;
        demo.sessions = 3;
        demo.payloadBytes = 300;
        QVERIFY2(loadDemoData(*store, demo, {}, &error) > 0, qPrintable(error));
        const qint64 local = store->ensureSource(
            SourceKind::LocalReceiver, QStringLiteral("local"), QStringLiteral("Local"));
        QVERIFY(local > 0);
        QVERIFY(commitBatch(*store, fixtureBatch(local)));
        auto reader = store->reader();
        m_totalTraces = reader->countTraces(TraceFilter());
        QCOMPARE(m_totalTraces, 24);
        // Two fixtures wait in an outbox, for stats.
        QList<qint64> rks;
        for (const char *key : { "f1", "f2" })
            rks << reader->traceById(local, fixtureId(QLatin1String(key)))->rk;
        std::promise<bool> queued;
        Outbox(store.get()).enqueue(QStringLiteral("tst-target"), rks, false, [&](const CommitResult &r) {
            queued.set_value(r.ok);
        });
        QVERIFY(queued.get_future().get());
    }

    void help_data()
    {
        QTest::addColumn<QString>("command");
        QTest::addColumn<QStringList>("options");
        QTest::newRow("receive") << "receive" << QStringList { "--port", "--db" };
        QTest::newRow("import") << "import" << QStringList { "--db", "--format", "FILE..." };
        QTest::newRow("export") << "export"
                                << QStringList { "--format", "--output", "--since", "--until", "--name",
                                       "--user", "--session", "--tag", "--env", "--source", "--query",
                                       "--redact-io", "--mask" };
        QTest::newRow("pull") << "pull" << QStringList { "--connection", "--since", "--db" };
        QTest::newRow("stats") << "stats" << QStringList { "--db", "--json" };
    }

    void help()
    {
        QFETCH(QString, command);
        QFETCH(QStringList, options);
        const CommandRun r = run({ command, QStringLiteral("--help") });
        QVERIFY2(r.exitCode == 0 && !r.crashed, r.describe().constData());
        QVERIFY2(r.outText().contains(u"Usage:"), r.describe().constData());
        for (const QString &option : options)
            QVERIFY2(r.outText().contains(option), qPrintable(option + u'\n' + r.outText()));
    }

    void usageErrors_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("message");
        const QString db = QStringLiteral("--db=") + path(QStringLiteral("usage.db"));
        QTest::newRow("unknown command") << QStringList { "frobnicate" } << "unknown command";
        QTest::newRow("import without files") << QStringList { "import", db } << "no files";
        QTest::newRow("import unknown format")
            << QStringList { "import", db, "--format", "yaml", "x.json" } << "--format";
        QTest::newRow("import name with two files")
            << QStringList { "import", db, "--name", "n", "a", "b" } << "--name";
        QTest::newRow("import unknown option") << QStringList { "import", "--bogus", "a" } << "bogus";
        QTest::newRow("export without format") << QStringList { "export", db, "-o", "x" } << "--format";
        QTest::newRow("export unknown format")
            << QStringList { "export", db, "--format", "xml", "-o", "x" } << "xml";
        QTest::newRow("export without output")
            << QStringList { "export", db, "--format", "csv" } << "-o FILE";
        QTest::newRow("export bad since")
            << QStringList { "export", db, "--format", "csv", "-o", "-", "--since", "soon" } << "--since";
        QTest::newRow("export bad level")
            << QStringList { "export", db, "--format", "csv", "-o", "-", "--level", "fatal" } << "--level";
        QTest::newRow("export bad mask")
            << QStringList { "export", db, "--format", "csv", "-o", "-", "--mask", "phones" } << "phones";
        QTest::newRow("export bad regex") << QStringList { "export", db, "--format", "csv", "-o", "-",
            "--mask", "regex:[a-" } << "regular expression";
        QTest::newRow("export unknown source")
            << QStringList { "export", "--db", m_original, "--format", "csv", "-o", "-", "--source", "nope" }
            << "nope";
        QTest::newRow("pull without connection") << QStringList { "pull", db } << "--connection";
        QTest::newRow("pull bad since")
            << QStringList { "pull", db, "--connection", "x", "--since", "yesterday-ish" } << "--since";
        QTest::newRow("stats unknown option") << QStringList { "stats", "--verbose" } << "verbose";
    }

    void usageErrors()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, message);
        const CommandRun r = run(arguments);
        QVERIFY2(r.exitCode == 2 && !r.crashed, r.describe().constData());
        QVERIFY2(r.errText().contains(message), r.describe().constData());
        QVERIFY2(!QFile::exists(path(QStringLiteral("usage.db"))), "a usage error must not create the store");
    }

    void noDisplayNeeded()
    {
        // With the xcb platform forced and no DISPLAY, creating a QGuiApplication would abort.
        QProcessEnvironment env = m_env;
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("xcb"));
        const CommandRun r
            = runTraceglass({ QStringLiteral("stats"), QStringLiteral("--db"), m_original }, env);
        QVERIFY2(r.exitCode == 0 && !r.crashed, r.describe().constData());
    }

    void importGoodFiles()
    {
        const QString db = path(QStringLiteral("good.db"));
        const CommandRun r = run({ QStringLiteral("import"), QStringLiteral("--db"), db,
            QStringLiteral(TRACEGLASS_TEST_DATA_DIR "/otlp/agent-trace.json"),
            QStringLiteral(TRACEGLASS_TEST_DATA_DIR "/langfuse/trace-full-details.json") });
        QVERIFY2(r.exitCode == 0, r.describe().constData());
        QVERIFY2(r.outText().contains(u"agent-trace.json (OTLP JSON)"), r.describe().constData());
        QVERIFY2(r.outText().contains(u"trace-full-details.json (Langfuse JSON)"), r.describe().constData());
        const auto stored = bundles(db);
        QCOMPARE(stored.size(), 2);
        QVERIFY(stored.contains(QStringLiteral("3f9a1c2e4b5d6e7f8091a2b3c4d5e6f7")));
        // Importing the same file again updates its source instead of adding one.
        QCOMPARE(run({ QStringLiteral("import"), QStringLiteral("--db"), db, QStringLiteral("--quiet"),
                         QStringLiteral(TRACEGLASS_TEST_DATA_DIR "/otlp/agent-trace.json") })
                     .exitCode,
            0);
        const CommandRun stats
            = run({ QStringLiteral("stats"), QStringLiteral("--db"), db, QStringLiteral("--json") });
        QCOMPARE(QJsonDocument::fromJson(stats.out).object().value(u"sources").toArray().size(), 2);
    }

    void importGzipFile()
    {
        QFile fixture(QStringLiteral(TRACEGLASS_TEST_DATA_DIR "/otlp/agent-trace.json"));
        QVERIFY(fixture.open(QIODevice::ReadOnly));
        const QString gz = path(QStringLiteral("agent-trace.json.gz"));
        QFile out(gz);
        QVERIFY(out.open(QIODevice::WriteOnly) && out.write(gzipCompress(fixture.readAll())) > 0);
        out.close();
        const QString db = path(QStringLiteral("gzip.db"));
        const CommandRun r = run({ QStringLiteral("import"), QStringLiteral("--db"), db, gz });
        QVERIFY2(r.exitCode == 0, r.describe().constData());
        QVERIFY2(r.outText().contains(u"agent-trace.json.gz (OTLP JSON, gzip)"), r.describe().constData());
        QCOMPARE(bundles(db).size(), 1);
    }

    void importMalformedLines()
    {
        const QString file = path(QStringLiteral("mixed.jsonl"));
        QFile out(file);
        QVERIFY(out.open(QIODevice::WriteOnly));
        const QString good1 = fixtureId(QStringLiteral("a1")), good2 = fixtureId(QStringLiteral("a2"));
        out.write(otlpLine(good1, QStringLiteral("first")) + '\n');
        out.write(R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"00ff", oops}]}]}]})"
                  "\n");
        out.write(otlpLine(good2, QStringLiteral("third")) + "\n\n");
        out.write(R"({"resourceSpans":"not a list"})"
                  "\n");
        out.close();
        const QString db = path(QStringLiteral("mixed.db"));
        const CommandRun r = run({ QStringLiteral("import"), QStringLiteral("--db"), db, file });
        QVERIFY2(r.exitCode == 1 && !r.crashed, r.describe().constData());
        QVERIFY2(r.errText().contains(u"mixed.jsonl: line 2, column "), r.describe().constData());
        QVERIFY2(r.errText().contains(u"mixed.jsonl: line 5"), r.describe().constData());
        QVERIFY2(r.outText().contains(u"2 problem"), r.describe().constData());
        const auto stored = bundles(db);
        QCOMPARE(stored.size(), 2);
        QCOMPARE(stored.value(good1).trace.name, QStringLiteral("first"));
        QCOMPARE(stored.value(good2).trace.name, QStringLiteral("third"));
    }

    void importTruncatedProtobuf()
    {
        // Three length-prefixed messages (the Collector's proto file format), the last one cut off.
        QByteArray data;
        for (int i = 0; i < 3; ++i) {
            opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest request;
            auto *span = request.add_resource_spans()->add_scope_spans()->add_spans();
            const QByteArray traceId
                = QByteArray::fromHex(fixtureId(QStringLiteral("b%1").arg(i)).toLatin1());
            span->set_trace_id(traceId.constData(), traceId.size());
            span->set_span_id(traceId.constData(), 8);
            span->set_name("span " + std::to_string(i));
            span->set_start_time_unix_nano(1'786'000'000'000'000'000ULL);
            span->set_end_time_unix_nano(1'786'000'001'000'000'000ULL);
            const std::string bytes = request.SerializeAsString();
            const quint32 size = quint32(bytes.size());
            const char length[4] = { char(size >> 24), char(size >> 16), char(size >> 8), char(size) };
            data.append(length, 4).append(bytes.data(), qsizetype(bytes.size()));
        }
        const qsizetype cut = data.size() - 10;
        QFile out(path(QStringLiteral("cut.otlp.pb")));
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(data.left(cut));
        out.close();
        const QString db = path(QStringLiteral("cut.db"));
        const CommandRun r = run({ QStringLiteral("import"), QStringLiteral("--db"), db, out.fileName() });
        QVERIFY2(r.exitCode == 1, r.describe().constData());
        QVERIFY2(r.errText().contains(u"cut.otlp.pb: byte "), r.describe().constData());
        const auto stored = bundles(db);
        QCOMPARE(stored.size(), 2);
        QVERIFY(stored.contains(fixtureId(QStringLiteral("b0")))
            && stored.contains(fixtureId(QStringLiteral("b1"))));
    }

    void importUnreadable()
    {
        QFile text(path(QStringLiteral("notes.txt")));
        QVERIFY(text.open(QIODevice::WriteOnly));
        text.write("these are not traces\n");
        text.close();
        const QString db = path(QStringLiteral("unreadable.db"));
        CommandRun r = run({ QStringLiteral("import"), QStringLiteral("--db"), db, text.fileName(),
            path(QStringLiteral("missing.json")) });
        QVERIFY2(r.exitCode == 1, r.describe().constData());
        QVERIFY2(r.errText().contains(u"notes.txt") && r.errText().contains(u"missing.json"),
            r.describe().constData());
        // A store that cannot be opened (here: a file that is no database) is exit code 3.
        r = run({ QStringLiteral("import"), QStringLiteral("--db"), text.fileName(), text.fileName() });
        QVERIFY2(r.exitCode == 3, r.describe().constData());
        QVERIFY2(r.errText().contains(u"cannot open the store"), r.describe().constData());
    }

    void exportRoundTrip_data()
    {
        QTest::addColumn<QString>("format");
        for (const char *format : { "otlp-json", "otlp-jsonl", "otlp-protobuf", "langfuse-json" })
            QTest::newRow(format) << QString::fromLatin1(format);
    }

    void exportRoundTrip()
    {
        QFETCH(QString, format);
        const QString file = path(QStringLiteral("all.") + format);
        CommandRun r = run({ QStringLiteral("export"), QStringLiteral("--db"), m_original,
            QStringLiteral("--format"), format, QStringLiteral("-o"), file });
        QVERIFY2(r.exitCode == 0, r.describe().constData());
        QVERIFY2(
            r.errText().contains(QStringLiteral("%1 traces").arg(m_totalTraces)), r.describe().constData());
        const QString copy = path(QStringLiteral("copy-%1.db").arg(format));
        r = run({ QStringLiteral("import"), QStringLiteral("--db"), copy, file });
        QVERIFY2(r.exitCode == 0 && r.err.isEmpty(), r.describe().constData());

        const auto original = bundles(m_original);
        const auto copied = bundles(copy);
        QCOMPARE(copied.size(), original.size());
        for (auto it = original.cbegin(); it != original.cend(); ++it) {
            QVERIFY2(copied.contains(it.key()), qPrintable(it.key()));
            const QString diff = difference(it.value(), copied.value(it.key()));
            QVERIFY2(diff.isEmpty(), qPrintable(it.key() + u": " + diff));
            if (format == u"langfuse-json")
                QCOMPARE(copied.value(it.key()).scores.size(), it.value().scores.size());
        }
    }

    void exportCsvToStdout()
    {
        const CommandRun r = run({ QStringLiteral("export"), QStringLiteral("--db"), m_original,
            QStringLiteral("--format"), QStringLiteral("csv"), QStringLiteral("-o"), QStringLiteral("-") });
        QVERIFY2(r.exitCode == 0, r.describe().constData());
        QVERIFY(r.out.startsWith("trace_id,timestamp,name,"));
        const QSet<QString> exported = csvTraceIds(r.out);
        QCOMPARE(exported.size(), m_totalTraces);
        QVERIFY(exported.contains(ids({ QStringLiteral("f1"), QStringLiteral("f4") })));
    }

    void exportFilters_data()
    {
        QTest::addColumn<QStringList>("filter");
        QTest::addColumn<QStringList>("expected");
        QTest::newRow("name") << QStringList { "--name", "cli-checkout" } << QStringList { "f1", "f2" };
        QTest::newRow("user") << QStringList { "--user", "alice" } << QStringList { "f1", "f3" };
        QTest::newRow("session") << QStringList { "--session", "s-1" } << QStringList { "f1", "f3" };
        QTest::newRow("tag") << QStringList { "--tag", "prod" } << QStringList { "f1", "f2" };
        QTest::newRow("tags, all of them")
            << QStringList { "--tag", "prod", "--tag", "web" } << QStringList { "f1" };
        QTest::newRow("env") << QStringList { "--env", "production" } << QStringList { "f1", "f3" };
        QTest::newRow("envs, any of them")
            << QStringList { "--env", "staging", "--env", "dev" } << QStringList { "f2", "f4" };
        QTest::newRow("since 1h") << QStringList { "--since", "1h" } << QStringList { "f1" };
        QTest::newRow("since 1d") << QStringList { "--since", "1d" } << QStringList { "f1", "f2" };
        QTest::newRow("until 1d") << QStringList { "--until", "1d" } << QStringList { "f3", "f4" };
        const QString fourDaysAgo = QDateTime::currentDateTimeUtc().addDays(-4).toString(Qt::ISODate);
        QTest::newRow("since ISO until 1d")
            << QStringList { "--since", fourDaysAgo, "--until", "1d" } << QStringList { "f3" };
        QTest::newRow("level") << QStringList { "--level", "warning" } << QStringList { "f3", "f4" };
        QTest::newRow("query, free text")
            << QStringList { "--query", "quokka refund" } << QStringList { "f3" };
        QTest::newRow("query and options")
            << QStringList { "--query", "quokka", "--user", "alice" } << QStringList { "f3" };
        QTest::newRow("trace") << QStringList { "--trace", fixtureId(QStringLiteral("f2")) }
                               << QStringList { "f2" };
        QTest::newRow("nothing") << QStringList { "--user", "nobody" } << QStringList {};
    }

    void exportFilters()
    {
        QFETCH(QStringList, filter);
        QFETCH(QStringList, expected);
        const QStringList base { QStringLiteral("export"), QStringLiteral("--db"), m_original,
            QStringLiteral("--format"), QStringLiteral("csv"), QStringLiteral("-o"), QStringLiteral("-") };
        CommandRun r
            = run(base + QStringList { QStringLiteral("--source"), QStringLiteral("Local") } + filter);
        QVERIFY2(r.exitCode == 0, r.describe().constData());
        QCOMPARE(csvTraceIds(r.out), ids(expected));
        // Across all sources the fixtures are still the only matches for values no demo trace has.
        const QString option = filter.first();
        if (option == u"--name" || option == u"--trace" || option == u"--query") {
            r = run(base + filter);
            QVERIFY2(r.exitCode == 0, r.describe().constData());
            QCOMPARE(csvTraceIds(r.out), ids(expected));
        }
    }

    void exportRedaction()
    {
        const QStringList base { QStringLiteral("export"), QStringLiteral("--db"), m_original,
            QStringLiteral("--source"), QStringLiteral("local"), QStringLiteral("--format"),
            QStringLiteral("langfuse-json"), QStringLiteral("-o"), QStringLiteral("-") };
        CommandRun r = run(base);
        QVERIFY2(r.exitCode == 0, r.describe().constData());
        QVERIFY(r.out.contains("bob@example.com") && r.out.contains(generatedKey()));

        r = run(base + QStringList { QStringLiteral("--mask"), QStringLiteral("emails,api-keys") });
        QVERIFY2(r.exitCode == 0, r.describe().constData());
        QVERIFY(!r.out.contains("bob@example.com") && !r.out.contains(generatedKey()));
        QVERIFY(r.out.contains("[email]") && r.out.contains("[api-key]") && r.out.contains("refund window"));

        r = run(base + QStringList { QStringLiteral("--mask"), QStringLiteral("regex:refund\\s+window") });
        QVERIFY2(r.exitCode == 0, r.describe().constData());
        QVERIFY(!r.out.contains("refund window") && r.out.contains("[redacted]")
            && r.out.contains("bob@example.com"));

        r = run(base + QStringList { QStringLiteral("--redact-io") });
        QVERIFY2(r.exitCode == 0, r.describe().constData());
        QVERIFY(!r.out.contains("bob@example.com") && !r.out.contains("refund") && !r.out.contains("parcel"));
        QVERIFY(r.out.contains("cli-checkout"));
        QCOMPARE(QJsonDocument::fromJson(r.out).array().size(), 4);
    }

    void exportWriteError()
    {
        const CommandRun r = run({ QStringLiteral("export"), QStringLiteral("--db"), m_original,
            QStringLiteral("--format"), QStringLiteral("otlp-json"), QStringLiteral("-o"),
            path(QStringLiteral("absent-dir/out.json")) });
        QVERIFY2(r.exitCode == 1, r.describe().constData());
        QVERIFY2(r.errText().startsWith(u"traceglass export: "), r.describe().constData());
    }

    void stats()
    {
        CommandRun r = run({ QStringLiteral("stats"), QStringLiteral("--db"), m_original });
        QVERIFY2(r.exitCode == 0, r.describe().constData());
        QVERIFY2(
            r.outText().contains(QStringLiteral("%1 traces").arg(m_totalTraces)), r.describe().constData());
        QVERIFY2(r.outText().contains(u"Local: 4 traces, 8 observations"), r.describe().constData());
        QVERIFY2(r.outText().contains(u"tst-target: 2 pending"), r.describe().constData());

        r = run({ QStringLiteral("stats"), QStringLiteral("--db"), m_original, QStringLiteral("--json") });
        QVERIFY2(r.exitCode == 0, r.describe().constData());
        const QJsonObject stats = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(stats.value(u"totals").toObject().value(u"traces").toInteger(), m_totalTraces);
        QVERIFY(stats.value(u"bytes").toInteger() > 0);
        const QJsonArray sources = stats.value(u"sources").toArray();
        QCOMPARE(sources.size(), 2);
        qint64 traces = 0;
        for (const QJsonValue &source : sources) {
            traces += source.toObject().value(u"traces").toInteger();
            QVERIFY(source.toObject().value(u"observations").toInteger() > 0);
        }
        QCOMPARE(traces, m_totalTraces);
        const QJsonObject outbox = stats.value(u"outbox").toArray().first().toObject();
        QCOMPARE(outbox.value(u"target").toString(), QStringLiteral("tst-target"));
        QCOMPARE(outbox.value(u"pending").toInteger(), 2);

        r = run({ QStringLiteral("stats"), QStringLiteral("--db"), path(QStringLiteral("absent.db")) });
        QVERIFY2(r.exitCode == 3, r.describe().constData());
        QVERIFY(!QFile::exists(path(QStringLiteral("absent.db"))));
    }
};

QTEST_GUILESS_MAIN(TestCommands)
#include "tst_commands.moc"
