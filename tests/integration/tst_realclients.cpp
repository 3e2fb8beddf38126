// Real clients against the receiver: the OpenTelemetry JS exporters (OTLP/HTTP protobuf, OTLP/HTTP
// JSON, OTLP/gRPC), the Langfuse JS SDK (@langfuse/tracing + @langfuse/otel) and the legacy
// `langfuse` SDK (/api/public/ingestion) each send one nested agent trace (clients/*.mjs). Each
// script prints what it sent; the store must then hold exactly that: ids, parentage, types,
// names, levels, usage, cost, model, input and output.
#include "domain/observationtype.h"
#include "receiver/tracereceiver.h"
#include "store/storereader.h"
#include "store/tracestore.h"

#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

#include <cmath>

using namespace tg;

namespace {

const QString kIntegrationDir = QStringLiteral(TRACEGLASS_SOURCE_DIR "/tests/integration");

/// Parses stored payload text (any JSON value, including a bare string or number).
QJsonValue parseStored(const QByteArray &text)
{
    if (text.isEmpty())
        return QJsonValue(QJsonValue::Undefined);
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson('[' + text + ']', &error);
    if (error.error != QJsonParseError::NoError || !doc.isArray())
        return QJsonValue(QString::fromUtf8("<unparsable> " + text));
    return doc.array().at(0);
}

QString compact(const QJsonValue &value)
{
    return QString::fromUtf8(QJsonDocument(QJsonArray { value }).toJson(QJsonDocument::Compact));
}

bool sameNumber(double a, double b)
{
    return std::fabs(a - b) <= 1e-12 + 1e-9 * std::max(std::fabs(a), std::fabs(b));
}

/// JSON equality with a tolerance for doubles (stored costs pass through a double).
bool sameJson(const QJsonValue &a, const QJsonValue &b)
{
    if (a.isDouble() && b.isDouble())
        return sameNumber(a.toDouble(), b.toDouble());
    if (a.type() != b.type())
        return false;
    if (a.isArray()) {
        const QJsonArray x = a.toArray(), y = b.toArray();
        if (x.size() != y.size())
            return false;
        for (qsizetype i = 0; i < x.size(); ++i) {
            if (!sameJson(x.at(i), y.at(i)))
                return false;
        }
        return true;
    }
    if (a.isObject()) {
        const QJsonObject x = a.toObject(), y = b.toObject();
        if (x.keys() != y.keys())
            return false;
        for (auto it = x.begin(); it != x.end(); ++it) {
            if (!sameJson(it.value(), y.value(it.key())))
                return false;
        }
        return true;
    }
    return a == b;
}

struct ClientRun
{
    int exitCode = -1;
    bool finished = false;
    QByteArray out;
    QByteArray err;
    QJsonObject sent;
};

} // namespace

class TestRealClients : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<TraceStore> m_store;
    std::unique_ptr<TraceReceiver> m_receiver;
    QString m_node;
    QString m_publicKey;
    QString m_secretKey;

    bool startReceiver(bool withKeys)
    {
        ReceiverOptions options;
        options.httpPort = 0;
        options.grpcPort = 0;
        if (withKeys) {
            options.publicKey = m_publicKey;
            options.secretKey = m_secretKey;
        }
        QString error;
        if (!m_receiver->start(options, &error)) {
            qWarning("receiver did not start: %s", qPrintable(error));
            return false;
        }
        return true;
    }

    QProcessEnvironment clientEnvironment() const
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("NODE_PATH"), kIntegrationDir + QStringLiteral("/node_modules"));
        env.insert(QStringLiteral("TRACEGLASS_OTLP_HTTP"), m_receiver->httpEndpoint());
        env.insert(QStringLiteral("TRACEGLASS_OTLP_GRPC"), m_receiver->grpcEndpoint());
        env.insert(QStringLiteral("LANGFUSE_BASE_URL"), m_receiver->httpEndpoint());
        env.insert(QStringLiteral("LANGFUSE_PUBLIC_KEY"), m_publicKey);
        env.insert(QStringLiteral("LANGFUSE_SECRET_KEY"), m_secretKey);
        // Proxies from the environment must not catch loopback traffic.
        for (const char *name : { "http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy",
                 "ALL_PROXY", "grpc_proxy" })
            env.remove(QString::fromLatin1(name));
        env.insert(QStringLiteral("NO_PROXY"), QStringLiteral("127.0.0.1,localhost"));
        env.insert(QStringLiteral("no_proxy"), QStringLiteral("127.0.0.1,localhost"));
        return env;
    }

    ClientRun runClient(const QString &script, const QStringList &args = {},
        const QProcessEnvironment &env = QProcessEnvironment())
    {
        ClientRun run;
        QProcess process;
        process.setWorkingDirectory(kIntegrationDir);
        process.setProcessEnvironment(env.isEmpty() ? clientEnvironment() : env);
        process.start(m_node, QStringList { QStringLiteral("clients/") + script } + args);
        if (!process.waitForStarted(5000))
            return run;
        // The receiver runs on its own threads, but batchReceived is queued to this one: keep the
        // event loop spinning while the client runs.
        QElapsedTimer timer;
        timer.start();
        while (process.state() != QProcess::NotRunning && timer.elapsed() < 20'000)
            QTest::qWait(20);
        if (process.state() != QProcess::NotRunning) {
            process.kill();
            process.waitForFinished(2000);
        } else {
            run.finished = true;
        }
        run.exitCode = process.exitCode();
        run.out = process.readAllStandardOutput();
        run.err = process.readAllStandardError();
        for (const QByteArray &line : run.out.split('\n')) {
            if (line.startsWith("TRACEGLASS_SENT "))
                run.sent = QJsonDocument::fromJson(line.mid(16)).object();
        }
        return run;
    }

    static QString describe(const ClientRun &run)
    {
        return QStringLiteral("exit %1%2\n--- stdout\n%3\n--- stderr\n%4")
            .arg(run.exitCode)
            .arg(run.finished ? QString() : QStringLiteral(" (timed out)"))
            .arg(QString::fromUtf8(run.out.right(3000)), QString::fromUtf8(run.err.right(3000)));
    }

    /// Compares the store with what a client says it sent.
    void verifyStored(const QJsonObject &sent, bool otlpIds)
    {
        const QRegularExpression traceHex(QStringLiteral("^[0-9a-f]{32}$"));
        const QRegularExpression spanHex(QStringLiteral("^[0-9a-f]{16}$"));
        auto reader = m_store->reader();
        QHash<QString, ObservationRow> rows;
        for (const QJsonValue &t : sent.value(QStringLiteral("traces")).toArray()) {
            const QJsonObject expected = t.toObject();
            const QString id = expected.value(QStringLiteral("id")).toString();
            if (otlpIds)
                QVERIFY2(traceHex.match(id).hasMatch(), qPrintable(id));
            const std::optional<TraceRow> row = reader->traceById(m_receiver->sourceId(), id);
            QVERIFY2(row, qPrintable(QStringLiteral("trace %1 is not in the store").arg(id)));
            QCOMPARE(row->id, id);
            QCOMPARE(row->name, expected.value(QStringLiteral("name")).toString());
            QCOMPARE(row->userId, expected.value(QStringLiteral("userId")).toString());
            QCOMPARE(row->sessionId, expected.value(QStringLiteral("sessionId")).toString());
            QStringList tags;
            for (const QJsonValue &tag : expected.value(QStringLiteral("tags")).toArray())
                tags << tag.toString();
            QStringList storedTags = row->tags;
            tags.sort();
            storedTags.sort();
            QCOMPARE(storedTags, tags);
            QCOMPARE(row->observationCount, expected.value(QStringLiteral("observationCount")).toInt());
            QCOMPARE(row->errorCount, expected.value(QStringLiteral("errorCount")).toInt());
            const std::optional<TraceDetail> detail = reader->traceDetail(row->rk);
            QVERIFY(detail);
            for (const auto &[key, stored] : { std::pair { QStringLiteral("input"), detail->input },
                     std::pair { QStringLiteral("output"), detail->output } }) {
                if (!expected.contains(key))
                    continue;
                const QJsonValue got = parseStored(stored);
                QVERIFY2(sameJson(got, expected.value(key)),
                    qPrintable(QStringLiteral("trace %1: stored %2, sent %3")
                                   .arg(key, compact(got), compact(expected.value(key)))));
            }
            for (const ObservationRow &o : reader->observations(row->rk))
                rows.insert(o.id, o);
            QCOMPARE(rows.size(), qsizetype(0) + expected.value(QStringLiteral("observationCount")).toInt());
        }

        const QJsonArray observations = sent.value(QStringLiteral("observations")).toArray();
        QCOMPARE(rows.size(), observations.size());
        for (const QJsonValue &o : observations) {
            const QJsonObject expected = o.toObject();
            const QString id = expected.value(QStringLiteral("id")).toString();
            const QString where = QStringLiteral("observation %1 (%2)")
                                      .arg(id, expected.value(QStringLiteral("name")).toString());
            if (otlpIds)
                QVERIFY2(spanHex.match(id).hasMatch(), qPrintable(where));
            QVERIFY2(rows.contains(id), qPrintable(where + QStringLiteral(" is not in the store")));
            const ObservationRow row = rows.value(id);
            const QJsonValue parent = expected.value(QStringLiteral("parentId"));
            QCOMPARE(row.parentId, parent.isNull() ? QString() : parent.toString());
            QCOMPARE(observationTypeName(row.type), expected.value(QStringLiteral("type")).toString());
            QCOMPARE(row.name, expected.value(QStringLiteral("name")).toString());
            if (expected.contains(QStringLiteral("level")))
                QCOMPARE(levelName(row.level), expected.value(QStringLiteral("level")).toString());
            if (expected.contains(QStringLiteral("model")))
                QCOMPARE(row.model, expected.value(QStringLiteral("model")).toString());

            const std::optional<ObservationDetail> detail = reader->observationDetail(row.rk);
            QVERIFY(detail);
            QCOMPARE(detail->traceId, expected.value(QStringLiteral("traceId")).toString());
            if (expected.contains(QStringLiteral("statusMessage")))
                QCOMPARE(detail->statusMessage, expected.value(QStringLiteral("statusMessage")).toString());
            if (expected.contains(QStringLiteral("usage"))) {
                QMap<QString, qint64> usage;
                const QJsonObject u = expected.value(QStringLiteral("usage")).toObject();
                for (auto it = u.begin(); it != u.end(); ++it)
                    usage.insert(it.key(), it.value().toInteger());
                QCOMPARE(detail->usage.values, usage);
                QCOMPARE(row.inputTokens, detail->usage.inputTokens());
                QCOMPARE(row.outputTokens, detail->usage.outputTokens());
            } else {
                QVERIFY2(detail->usage.isEmpty(), qPrintable(where));
            }
            if (expected.contains(QStringLiteral("cost"))) {
                const QJsonObject c = expected.value(QStringLiteral("cost")).toObject();
                QCOMPARE(detail->cost.values.keys(), c.keys());
                for (auto it = c.begin(); it != c.end(); ++it)
                    QVERIFY2(sameNumber(detail->cost.value(it.key()), it.value().toDouble()),
                        qPrintable(where + QStringLiteral(": cost ") + it.key()));
                QVERIFY(sameNumber(row.cost, detail->cost.total()));
            }
            if (expected.contains(QStringLiteral("modelParameters"))) {
                const QJsonValue got = parseStored(detail->modelParameters);
                QVERIFY2(sameJson(got, expected.value(QStringLiteral("modelParameters"))),
                    qPrintable(where + QStringLiteral(": model parameters ") + compact(got)));
            }
            for (const auto &[key, stored] : { std::pair { QStringLiteral("input"), detail->input },
                     std::pair { QStringLiteral("output"), detail->output } }) {
                if (!expected.contains(key))
                    continue;
                const QJsonValue got = parseStored(stored);
                QVERIFY2(sameJson(got, expected.value(key)),
                    qPrintable(QStringLiteral("%1: stored %2 %3, sent %4")
                                   .arg(where, key, compact(got), compact(expected.value(key)))));
            }
        }
    }

    void runAndVerify(const QString &script, const QStringList &args, bool otlpIds)
    {
        QSignalSpy batches(m_receiver.get(), &TraceReceiver::batchReceived);
        const qint64 before = m_receiver->stats().spansAccepted;
        const ClientRun run = runClient(script, args);
        QVERIFY2(run.finished && run.exitCode == 0, qPrintable(describe(run)));
        QVERIFY2(!run.sent.isEmpty(), qPrintable(describe(run)));
        verifyStored(run.sent, otlpIds);
        if (QTest::currentTestFailed())
            qWarning("%s", qPrintable(describe(run)));
        // OTLP counts spans; Langfuse ingestion counts every create and update record.
        const qint64 spans = run.sent.value(QStringLiteral("observations")).toArray().size();
        if (otlpIds)
            QCOMPARE(m_receiver->stats().spansAccepted - before, spans);
        else
            QVERIFY(m_receiver->stats().spansAccepted - before >= spans);
        QTRY_VERIFY(!batches.isEmpty());
    }

private Q_SLOTS:
    void initTestCase()
    {
        const bool required = qEnvironmentVariableIsSet("TRACEGLASS_REQUIRE_KEYRING");
        m_node = QStandardPaths::findExecutable(QStringLiteral("node"));
        const bool haveModules
            = QDir(kIntegrationDir + QStringLiteral("/node_modules/@langfuse/otel")).exists()
            && QDir(kIntegrationDir + QStringLiteral("/node_modules/langfuse")).exists();
        if (m_node.isEmpty() || !haveModules) {
            const QByteArray why = m_node.isEmpty()
                ? "node is not on PATH"
                : "tests/integration/node_modules is missing: run npm ci in tests/integration";
            if (required)
                QFAIL(why.constData());
            QSKIP(why.constData());
        }
        QVERIFY(m_dir.isValid());
        QString error;
        m_store = TraceStore::open(StoreOptions { m_dir.filePath(QStringLiteral("clients.db")) }, &error);
        QVERIFY2(m_store, qPrintable(error));
        m_receiver = std::make_unique<TraceReceiver>(m_store.get());
        m_publicKey = QStringLiteral("pk-lf-") + QString::number(QDateTime::currentMSecsSinceEpoch(), 16);
        m_secretKey = QStringLiteral("sk-lf-")
            + QString::fromLatin1(QUuid::createUuid().toByteArray(QUuid::WithoutBraces));
    }

    void otelProtobufExporter()
    {
        QVERIFY(startReceiver(false));
        runAndVerify(QStringLiteral("otel-sdk.mjs"), { QStringLiteral("proto") }, true);
    }

    void otelJsonExporter()
    {
        QVERIFY(startReceiver(false));
        runAndVerify(QStringLiteral("otel-sdk.mjs"), { QStringLiteral("json") }, true);
    }

    void otelGrpcExporter()
    {
        QVERIFY(startReceiver(false));
        runAndVerify(QStringLiteral("otel-sdk.mjs"), { QStringLiteral("grpc") }, true);
    }

    void langfuseTracingSdk()
    {
        QVERIFY(startReceiver(true));
        runAndVerify(QStringLiteral("langfuse-tracing.mjs"), {}, true);
    }

    void langfuseLegacySdk()
    {
        QVERIFY(startReceiver(true));
        runAndVerify(QStringLiteral("langfuse-legacy.mjs"), {}, false);
    }

    void wrongKeysMakeTheClientFail()
    {
        QVERIFY(startReceiver(true));
        QProcessEnvironment env = clientEnvironment();
        env.insert(QStringLiteral("LANGFUSE_SECRET_KEY"), QStringLiteral("sk-lf-wrong"));
        const qint64 before = m_receiver->stats().spansAccepted;
        for (const QString &script :
            { QStringLiteral("langfuse-legacy.mjs"), QStringLiteral("langfuse-tracing.mjs") }) {
            const ClientRun run = runClient(script, {}, env);
            QVERIFY2(run.finished && run.exitCode == 1, qPrintable(describe(run)));
            QVERIFY2(run.sent.isEmpty(), qPrintable(describe(run)));
            QVERIFY2(run.err.contains("401") || run.err.contains("Unauthorized")
                    || run.err.contains("Invalid credentials"),
                qPrintable(describe(run)));
        }
        QCOMPARE(m_receiver->stats().spansAccepted, before);
    }

    void cleanupTestCase()
    {
        if (m_receiver)
            m_receiver->stop();
        m_receiver.reset();
        m_store.reset();
    }
};

QTEST_MAIN(TestRealClients)
#include "tst_realclients.moc"
