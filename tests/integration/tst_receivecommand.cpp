// `traceglass receive` as a process: "accepted means stored" under SIGKILL (every batch answered
// 200 before the kill is in the store afterwards, and the store is intact), and a clean stop on
// SIGINT that commits what was accepted and prints one line per committed batch.
#include "../net/rawhttp.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"
#include "store/sqlite.h"
#include "store/storereader.h"
#include "store/tracestore.h"

#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <csignal>
#include <mutex>
#include <signal.h>
#include <thread>

using namespace tg;
using namespace tg::test;
namespace otlp = opentelemetry::proto::collector::trace::v1;

namespace {

const QString kBinary = QStringLiteral(TRACEGLASS_BINARY_DIR "/app/traceglass");
constexpr int kSpansPerBatch = 48;

QString traceHex(int client, int seq)
{
    return QStringLiteral("%1%2").arg(client, 8, 16, QLatin1Char('0')).arg(seq, 24, 16, QLatin1Char('0'));
}

QString spanHex(int client, int seq, int index)
{
    return QStringLiteral("%1%2%3")
        .arg(client, 4, 16, QLatin1Char('0'))
        .arg(seq, 8, 16, QLatin1Char('0'))
        .arg(index + 1, 4, 16, QLatin1Char('0'));
}

/// One agent trace per batch: a root and kSpansPerBatch - 1 generations with payloads, so the
/// store writes observation rows, payload rows and trace totals for each request.
QByteArray makeBatch(int client, int seq)
{
    otlp::ExportTraceServiceRequest request;
    auto *resource = request.add_resource_spans();
    auto *service = resource->mutable_resource()->add_attributes();
    service->set_key("service.name");
    service->mutable_value()->set_string_value("kill-test");
    auto *scope = resource->add_scope_spans();
    const QByteArray traceId = QByteArray::fromHex(traceHex(client, seq).toLatin1());
    const QByteArray rootId = QByteArray::fromHex(spanHex(client, seq, 0).toLatin1());
    const quint64 start = 1'780'000'000'000'000'000ULL + quint64(seq) * 1'000'000'000ULL;
    for (int i = 0; i < kSpansPerBatch; ++i) {
        auto *span = scope->add_spans();
        const QByteArray id = QByteArray::fromHex(spanHex(client, seq, i).toLatin1());
        span->set_trace_id(traceId.constData(), traceId.size());
        span->set_span_id(id.constData(), id.size());
        if (i > 0)
            span->set_parent_span_id(rootId.constData(), rootId.size());
        span->set_name(i == 0 ? "agent" : "chat");
        span->set_start_time_unix_nano(start + quint64(i) * 1'000'000ULL);
        span->set_end_time_unix_nano(start + quint64(i) * 1'000'000ULL + 500'000ULL);
        auto add = [span](const char *key, const std::string &value) {
            auto *attr = span->add_attributes();
            attr->set_key(key);
            attr->mutable_value()->set_string_value(value);
        };
        if (i > 0) {
            add("gen_ai.request.model", "gpt-4o-mini");
            add("gen_ai.input.messages",
                R"([{"role":"user","parts":[{"type":"text","content":"question )" + std::to_string(i)
                    + R"( about the kill test, padded to look like a real prompt of some length"}]}])");
            auto *tokens = span->add_attributes();
            tokens->set_key("gen_ai.usage.input_tokens");
            tokens->mutable_value()->set_int_value(100 + i);
        }
    }
    std::string bytes;
    request.SerializeToString(&bytes);
    return QByteArray(bytes.data(), qsizetype(bytes.size()));
}

struct Batch
{
    int client = 0;
    int seq = 0;
};

/// Clients posting batches until told to stop; remembers which got a 200.
class Load
{
public:
    explicit Load(quint16 port)
        : m_port(port)
    {
    }
    ~Load() { stop(); }

    void start(int clients)
    {
        for (int c = 1; c <= clients; ++c)
            m_threads.emplace_back([this, c] { run(c); });
    }
    void stop()
    {
        m_stop = true;
        for (std::thread &t : m_threads)
            t.join();
        m_threads.clear();
    }
    int acceptedCount() const { return m_acceptedCount; }
    int unanswered() const { return m_unanswered; }
    int refused() const { return m_refused; }
    std::vector<Batch> accepted() const
    {
        std::lock_guard lock(m_mutex);
        return m_accepted;
    }

private:
    void run(int client)
    {
        for (int seq = 1; !m_stop; ++seq) {
            const RawResponse r = request(m_port, "POST", "/v1/traces", makeBatch(client, seq),
                { { "Content-Type", "application/x-protobuf" } });
            if (r.status == 200) {
                std::lock_guard lock(m_mutex);
                m_accepted.push_back({ client, seq });
                ++m_acceptedCount;
            } else if (r.status == 0) {
                // No answer: the receiver is gone (or going); nothing to claim about this batch.
                ++m_unanswered;
                std::this_thread::sleep_for(std::chrono::milliseconds(20));
            } else {
                ++m_refused; // 429/503 under load: the client would retry; not accepted
                std::this_thread::sleep_for(std::chrono::milliseconds(50));
            }
        }
    }

    quint16 m_port;
    std::atomic<bool> m_stop { false };
    std::vector<std::thread> m_threads;
    mutable std::mutex m_mutex;
    std::vector<Batch> m_accepted;
    std::atomic<int> m_acceptedCount { 0 };
    std::atomic<int> m_unanswered { 0 };
    std::atomic<int> m_refused { 0 };
};

} // namespace

class TestReceiveCommand : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    /// Starts `traceglass receive` on `db` with a free port; returns the port (0 on failure).
    quint16 startReceiver(QProcess &process, const QString &db, QByteArray *output,
        const QStringList &ports
        = { QStringLiteral("--port"), QStringLiteral("0"), QStringLiteral("--no-grpc") })
    {
        process.setProcessChannelMode(QProcess::SeparateChannels);
        process.start(kBinary, QStringList { QStringLiteral("receive"), QStringLiteral("--db"), db } + ports);
        if (!process.waitForStarted(5000))
            return 0;
        const QRegularExpression listening(QStringLiteral("listening: .* on http://127\\.0\\.0\\.1:(\\d+)"));
        QElapsedTimer timer;
        timer.start();
        while (timer.elapsed() < 10'000) {
            process.waitForReadyRead(100);
            *output += process.readAllStandardOutput();
            const QRegularExpressionMatch match = listening.match(QString::fromUtf8(*output));
            if (match.hasMatch())
                return quint16(match.captured(1).toUInt());
            if (process.state() == QProcess::NotRunning)
                break;
        }
        qWarning(
            "receiver did not start: %s %s", output->constData(), process.readAllStandardError().constData());
        return 0;
    }

    /// Checks that every accepted batch is in the store, complete, and that the file is intact.
    void verifyStore(const QString &db, const std::vector<Batch> &accepted, qint64 *tracesInStore)
    {
        {
            QString error;
            auto store = TraceStore::open(StoreOptions { db }, &error);
            QVERIFY2(store, qPrintable(error));
            auto reader = store->reader();
            const std::optional<Source> source = reader->sourceByKey(QStringLiteral("local"));
            QVERIFY(source);
            for (const Batch &b : accepted) {
                const QString id = traceHex(b.client, b.seq);
                const std::optional<TraceRow> row = reader->traceById(source->id, id);
                QVERIFY2(row, qPrintable(QStringLiteral("accepted trace %1 is missing").arg(id)));
                QCOMPARE(row->observationCount, kSpansPerBatch);
                const std::vector<ObservationRow> spans = reader->observations(row->rk);
                QCOMPARE(int(spans.size()), kSpansPerBatch);
                QSet<QString> ids;
                for (const ObservationRow &o : spans)
                    ids.insert(o.id);
                for (int i = 0; i < kSpansPerBatch; ++i)
                    QVERIFY(ids.contains(spanHex(b.client, b.seq, i)));
            }
            *tracesInStore = reader->countTraces(TraceFilter {});
        }
        sql::Database check;
        QVERIFY(check.open(db, sql::Database::Mode::ReadOnly));
        sql::Statement integrity(check, "PRAGMA integrity_check");
        QVERIFY(integrity.step());
        QCOMPARE(integrity.columnText(0), QStringLiteral("ok"));
        QCOMPARE(check.queryInt("SELECT count(*) FROM traces t WHERE obs_count != "
                                "(SELECT count(*) FROM observations o WHERE o.trace_rk = t.rk)"),
            std::optional<qint64>(0));
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QVERIFY2(QFileInfo::exists(kBinary), qPrintable(kBinary + QStringLiteral(" is not built")));
    }

    void acceptedBatchesSurviveSigkill()
    {
        const QString db = m_dir.filePath(QStringLiteral("kill.db"));
        QProcess receiver;
        QByteArray output;
        const quint16 port = startReceiver(receiver, db, &output);
        QVERIFY(port > 0);

        Load load(port);
        load.start(4);
        QElapsedTimer timer;
        timer.start();
        while ((load.acceptedCount() < 80 || timer.elapsed() < 1500) && timer.elapsed() < 15'000)
            QTest::qWait(10);
        receiver.kill(); // SIGKILL in the middle of the load
        QVERIFY(receiver.waitForFinished(5000));
        QCOMPARE(receiver.exitStatus(), QProcess::CrashExit);
        load.stop();
        const std::vector<Batch> accepted = load.accepted();
        qInfo("%d batches accepted before SIGKILL, %d unanswered, %d refused", int(accepted.size()),
            load.unanswered(), load.refused());
        QVERIFY(accepted.size() >= 20);

        // A restarted receiver opens the store and takes more.
        QProcess again;
        QByteArray againOutput;
        const quint16 againPort = startReceiver(again, db, &againOutput);
        QVERIFY(againPort > 0);
        const RawResponse r = request(againPort, "POST", "/v1/traces", makeBatch(99, 1),
            { { "Content-Type", "application/x-protobuf" } });
        QCOMPARE(r.status, 200);
        ::kill(pid_t(again.processId()), SIGINT);
        QVERIFY(again.waitForFinished(20'000));
        QCOMPARE(again.exitStatus(), QProcess::NormalExit);
        QCOMPARE(again.exitCode(), 0);

        std::vector<Batch> expected = accepted;
        expected.push_back({ 99, 1 });
        qint64 traces = 0;
        verifyStore(db, expected, &traces);
        QVERIFY(traces >= qint64(expected.size()));
    }

    void portsInUseAreRefused()
    {
        QProcess first;
        QByteArray output;
        const quint16 httpPort = startReceiver(first, m_dir.filePath(QStringLiteral("ports1.db")), &output,
            { QStringLiteral("--port"), QStringLiteral("0"), QStringLiteral("--grpc-port"),
                QStringLiteral("0") });
        QVERIFY(httpPort > 0);
        const QRegularExpressionMatch grpc
            = QRegularExpression(QStringLiteral("OTLP/gRPC on http://127\\.0\\.0\\.1:(\\d+)"))
                  .match(QString::fromUtf8(output));
        QVERIFY2(grpc.hasMatch(), output.constData());
        // A second receiver must not share either port (gRPC would, with SO_REUSEPORT).
        const QList<QStringList> clashes {
            { QStringLiteral("--port"), QStringLiteral("0"), QStringLiteral("--grpc-port"),
                grpc.captured(1) },
            { QStringLiteral("--port"), QString::number(httpPort), QStringLiteral("--no-grpc") },
        };
        for (const QStringList &ports : clashes) {
            QProcess second;
            second.start(kBinary,
                QStringList { QStringLiteral("receive"), QStringLiteral("--db"),
                    m_dir.filePath(QStringLiteral("ports2.db")) }
                    + ports);
            QVERIFY(second.waitForFinished(10'000));
            QCOMPARE(second.exitCode(), 4);
            const QByteArray err = second.readAllStandardError();
            QVERIFY2(err.contains("in use"), err.constData());
        }
        first.terminate();
        QVERIFY(first.waitForFinished(10'000));
        QCOMPARE(first.exitCode(), 0);
    }

    void sigintCommitsAndPrintsOneLinePerBatch()
    {
        const QString db = m_dir.filePath(QStringLiteral("sigint.db"));
        QProcess receiver;
        QByteArray output;
        const quint16 port = startReceiver(receiver, db, &output);
        QVERIFY(port > 0);

        // Some batches one after the other, then SIGINT in the middle of concurrent load.
        std::vector<Batch> accepted;
        for (int seq = 1; seq <= 5; ++seq) {
            const RawResponse r = request(port, "POST", "/v1/traces", makeBatch(50, seq),
                { { "Content-Type", "application/x-protobuf" } });
            QCOMPARE(r.status, 200);
            accepted.push_back({ 50, seq });
        }
        Load load(port);
        load.start(3);
        QElapsedTimer timer;
        timer.start();
        while ((load.acceptedCount() < 10 || timer.elapsed() < 500) && timer.elapsed() < 15'000)
            QTest::qWait(10);
        ::kill(pid_t(receiver.processId()), SIGINT);
        QVERIFY(receiver.waitForFinished(30'000));
        load.stop();
        QCOMPARE(receiver.exitStatus(), QProcess::NormalExit);
        QCOMPARE(receiver.exitCode(), 0);
        output += receiver.readAllStandardOutput();
        const std::vector<Batch> more = load.accepted();
        accepted.insert(accepted.end(), more.begin(), more.end());

        const QStringList lines = QString::fromUtf8(output).split(u'\n', Qt::SkipEmptyParts);
        const QRegularExpression batchLine(QStringLiteral(
            "^\\S+Z otlp/http\\+protobuf %1 spans, 1 traces, 0 rejected, \\d+ bytes, [0-9.]+ ms$")
                                               .arg(kSpansPerBatch));
        int batchLines = 0;
        int stoppedAt = -1;
        int lastBatchAt = -1;
        for (int i = 0; i < lines.size(); ++i) {
            if (batchLine.match(lines.at(i)).hasMatch()) {
                ++batchLines;
                lastBatchAt = i;
            } else if (lines.at(i).startsWith(QStringLiteral("stopped: "))) {
                stoppedAt = i;
            }
        }
        QVERIFY2(stoppedAt >= 0, output.constData());
        // Every committed batch is reported, and before the closing line.
        QVERIFY2(lastBatchAt < stoppedAt, output.constData());
        qint64 traces = 0;
        verifyStore(db, accepted, &traces);
        QCOMPARE(qint64(batchLines), traces);
        QVERIFY(batchLines >= int(accepted.size()));
        const QRegularExpression stopped(QStringLiteral("^stopped: (\\d+) spans stored"));
        const QRegularExpressionMatch match = stopped.match(lines.at(stoppedAt));
        QVERIFY(match.hasMatch());
        QCOMPARE(match.captured(1).toLongLong(), traces * kSpansPerBatch);
    }
};

QTEST_GUILESS_MAIN(TestReceiveCommand)
#include "tst_receivecommand.moc"
