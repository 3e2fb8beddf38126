// Contract test: the Langfuse client against Prism (@stoplight/prism-cli from npm) serving the
// Langfuse OpenAPI document (../shared/langfuse/openapi.yml). Prism runs with --errors, so a
// request that breaks the contract gets an error answer, and with -d, so the answers are
// dynamic, schema-valid and often strange. Every request the client makes (v2/v3 endpoints and,
// forced, the v1 ones) must pass Prism's validation: no error status and no `sl-violations`
// header. The strange answers must parse without a crash and leave the store consistent.
//
// Needs `npm ci` in tests/integration (scripts/test does it). Without the spec file (a checkout
// outside the shared workspace) the test skips; without Prism it fails.
#include "langfuse/langfuseclient.h"
#include "langfuse/langfusesync.h"
#include "store/sqlite.h"
#include "store/storereader.h"
#include "store/tracestore.h"

#include <QElapsedTimer>
#include <QFileInfo>
#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <future>

using namespace tg;

namespace {

const QString kSpec = QStringLiteral(TRACEGLASS_SOURCE_DIR "/../shared/langfuse/openapi.yml");
const QString kPrism = QStringLiteral(TRACEGLASS_SOURCE_DIR "/tests/integration/node_modules/.bin/prism");

quint16 freePort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort();
}

TimeWindow lastDays(int days)
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    return { now.addDays(-days), now };
}

} // namespace

class TestLangfuseContract : public QObject
{
    Q_OBJECT

    QProcess m_prism;
    QString m_url;
    QByteArray m_prismLog;
    std::unique_ptr<LangfuseTransport> m_transport;
    std::unique_ptr<LangfuseClient> m_client;
    QList<LangfuseExchange> m_exchanges;
    QTemporaryDir m_dir;

    template<typename Call> LangfusePage page(Call call)
    {
        std::optional<LangfusePage> result;
        call([&result](LangfusePage p) { result = std::move(p); });
        if (!QTest::qWaitFor([&] { return result.has_value(); }, 60'000)) {
            LangfusePage timedOut;
            timedOut.error
                = LangfuseError::make(LangfuseError::Kind::Timeout, QStringLiteral("no answer in 60 s"));
            return timedOut;
        }
        return *result;
    }

    /// Every exchange so far passed Prism's request validation.
    void assertContractKept()
    {
        QVERIFY(!m_exchanges.isEmpty());
        for (const LangfuseExchange &e : std::as_const(m_exchanges)) {
            QByteArray violations;
            for (const auto &h : e.responseHeaders) {
                if (h.first.compare("sl-violations", Qt::CaseInsensitive) == 0)
                    violations = h.second;
            }
            const QString where = e.url.toString(QUrl::RemoveQuery) + u'?' + e.url.query(QUrl::FullyDecoded);
            QVERIFY2(violations.isEmpty(),
                qPrintable(
                    where + QStringLiteral(" violates the contract: ") + QString::fromUtf8(violations)));
            QVERIFY2(e.httpStatus >= 200 && e.httpStatus < 300,
                qPrintable(
                    where + QStringLiteral(" answered %1: %2").arg(e.httpStatus).arg(e.error.fullText())));
        }
        m_exchanges.clear();
    }

    void submitAndCheck(TraceStore &store, qint64 sourceId, const LangfusePage &p)
    {
        WriteBatch batch = p.batch;
        batch.sourceId = sourceId;
        if (batch.isEmpty())
            return;
        std::promise<CommitResult> done;
        auto future = done.get_future();
        QCOMPARE(store.submit(std::move(batch), [&done](const CommitResult &r) { done.set_value(r); }),
            SubmitStatus::Queued);
        const CommitResult r = future.get();
        QVERIFY2(r.ok, qPrintable(r.error));
    }

private slots:
    void initTestCase()
    {
        if (!QFileInfo::exists(kSpec))
            QSKIP(qPrintable(QStringLiteral(
                "The Langfuse OpenAPI document is not at %1 (a checkout outside the shared workspace)")
                                 .arg(kSpec)));
        if (!QFileInfo(kPrism).isExecutable())
            QFAIL(qPrintable(
                QStringLiteral("Prism is missing (%1): run `npm ci` in tests/integration").arg(kPrism)));
        QVERIFY(m_dir.isValid());
        const quint16 port = freePort();
        m_url = QStringLiteral("http://127.0.0.1:%1").arg(port);
        m_prism.setProcessChannelMode(QProcess::MergedChannels);
        connect(&m_prism, &QProcess::readyRead, this, [this] { m_prismLog += m_prism.readAll(); });
        m_prism.start(kPrism,
            { QStringLiteral("mock"), QStringLiteral("--errors"), QStringLiteral("-d"), QStringLiteral("-h"),
                QStringLiteral("127.0.0.1"), QStringLiteral("-p"), QString::number(port), kSpec });
        QVERIFY2(m_prism.waitForStarted(20'000), qPrintable(m_prism.errorString()));
        // Prism reads and resolves the 500 KB document first; wait until it listens.
        QElapsedTimer timer;
        timer.start();
        bool up = false;
        while (!up && timer.elapsed() < 120'000 && m_prism.state() == QProcess::Running) {
            QTcpSocket probe;
            probe.connectToHost(QHostAddress::LocalHost, port);
            up = probe.waitForConnected(500);
            if (!up)
                QTest::qWait(250);
        }
        QVERIFY2(up, m_prismLog.right(2000).constData());

        LangfuseTransport::Options o;
        o.retry.maxAttempts = 1; // Prism's answers are what they are: look at each one
        o.readTimeoutMs = 30'000;
        m_transport = std::make_unique<LangfuseTransport>(o);
        m_transport->setExchangeObserver([this](const LangfuseExchange &e) { m_exchanges << e; });
        m_client = std::make_unique<LangfuseClient>(m_transport.get());
        LangfuseCredentials c;
        c.host = m_url;
        c.publicKey = QStringLiteral("pk-lf-contract");
        c.secretKey = QStringLiteral("sk-lf-contract");
        m_client->setCredentials(c);
    }

    void cleanupTestCase()
    {
        m_client.reset();
        m_transport.reset();
        if (m_prism.state() != QProcess::NotRunning) {
            m_prism.terminate();
            if (!m_prism.waitForFinished(5'000))
                m_prism.kill();
        }
    }

    void detectsViolations()
    {
        // The check itself: a request that breaks the contract must be seen as broken.
        LangfuseRequest bad;
        bad.endpoint = LangfuseEndpoint::ObservationsV2;
        bad.query.addQueryItem(QStringLiteral("limit"), QStringLiteral("many"));
        LangfuseCredentials noAuth;
        noAuth.host = m_url;
        std::optional<LangfuseResponse> response;
        m_transport->get(noAuth, bad, nullptr, [&](const LangfuseResponse &r) { response = r; });
        QTRY_VERIFY_WITH_TIMEOUT(response.has_value(), 30'000);
        QVERIFY(!response->ok());
        QVERIFY(response->httpStatus == 401 || response->httpStatus == 422 || response->httpStatus == 400);
        QVERIFY(!response->header("sl-violations").isEmpty());
        m_exchanges.clear();
    }

    void healthAndProjects()
    {
        std::optional<LangfuseConnectionTest> test;
        m_client->testConnection(nullptr, [&test](LangfuseConnectionTest t) { test = std::move(t); });
        QTRY_VERIFY_WITH_TIMEOUT(test.has_value(), 30'000);
        // Prism's project may lack fields it calls optional; the call itself must be clean.
        assertContractKept();
    }

    void v2AndV3Endpoints()
    {
        const QString host = m_url;
        for (int round = 0; round < 3; ++round) {
            LangfusePage p = page([&](auto cb) {
                m_client->listObservations(lastDays(7), {}, RequestPriority::Background, nullptr, cb);
            });
            QVERIFY2(p.ok() || p.error.kind == LangfuseError::Kind::InvalidResponse,
                qPrintable(p.error.fullText()));
            if (p.ok() && p.hasMore) {
                // The next page with Prism's cursor.
                page([&](auto cb) {
                    m_client->listObservations(lastDays(7), p.next, RequestPriority::Background, nullptr, cb);
                });
            }
            page([&](auto cb) {
                m_client->listTraces(lastDays(7), {}, RequestPriority::Background, nullptr, cb);
            });
            page([&](auto cb) {
                m_client->fetchTrace(
                    QStringLiteral("trace id/with+odd&chars"), {}, RequestPriority::Interactive, nullptr, cb);
            });
            page([&](auto cb) {
                m_client->fetchSession(
                    QStringLiteral("session-1"), {}, RequestPriority::Interactive, nullptr, cb);
            });
            page([&](auto cb) {
                m_client->listSessions(lastDays(7), {}, RequestPriority::Background, nullptr, cb);
            });
            LangfuseScoreQuery byTrace;
            byTrace.traceId = QStringLiteral("t-1");
            page([&](auto cb) {
                m_client->listScores(byTrace, {}, RequestPriority::Interactive, nullptr, cb);
            });
            LangfuseScoreQuery inWindow;
            inWindow.window = lastDays(1);
            page([&](auto cb) {
                m_client->listScores(inWindow, {}, RequestPriority::Background, nullptr, cb);
            });
            std::optional<LangfuseDailyMetrics> metrics;
            m_client->dailyMetrics(
                lastDays(7), nullptr, [&](LangfuseDailyMetrics m) { metrics = std::move(m); });
            QTRY_VERIFY_WITH_TIMEOUT(metrics.has_value(), 30'000);
            assertContractKept();
            // Still on the newer endpoints: nothing answered 404.
            QVERIFY(m_transport->supports(host, LangfuseFeature::ObservationsV2));
            QVERIFY(m_transport->supports(host, LangfuseFeature::ScoresV3));
            QVERIFY(m_transport->supports(host, LangfuseFeature::MetricsV2));
        }
    }

    void v1Endpoints()
    {
        // As after a 404 from a self-hosted v3 server.
        for (LangfuseFeature f : { LangfuseFeature::ObservationsV2, LangfuseFeature::ScoresV3 })
            m_transport->setSupported(m_url, f, false);
        for (int round = 0; round < 3; ++round) {
            LangfusePage p = page([&](auto cb) {
                m_client->listObservations(lastDays(7), {}, RequestPriority::Background, nullptr, cb);
            });
            QCOMPARE(p.endpoint, LangfuseEndpoint::ObservationsV1);
            p = page([&](auto cb) {
                m_client->listTraces(lastDays(7), {}, RequestPriority::Background, nullptr, cb);
            });
            QCOMPARE(p.endpoint, LangfuseEndpoint::Traces);
            if (p.ok() && p.hasMore)
                page([&](auto cb) {
                    m_client->listTraces(lastDays(7), p.next, RequestPriority::Background, nullptr, cb);
                });
            p = page([&](auto cb) {
                m_client->fetchTrace(
                    QStringLiteral("trace id/with+odd&chars"), {}, RequestPriority::Interactive, nullptr, cb);
            });
            QCOMPARE(p.endpoint, LangfuseEndpoint::Trace);
            p = page([&](auto cb) {
                m_client->fetchSession(QStringLiteral("s 1"), {}, RequestPriority::Interactive, nullptr, cb);
            });
            QCOMPARE(p.endpoint, LangfuseEndpoint::Session);
            page([&](auto cb) {
                m_client->listSessions(lastDays(7), {}, RequestPriority::Background, nullptr, cb);
            });
            LangfuseScoreQuery inWindow;
            inWindow.window = lastDays(1);
            p = page([&](auto cb) {
                m_client->listScores(inWindow, {}, RequestPriority::Background, nullptr, cb);
            });
            QCOMPARE(p.endpoint, LangfuseEndpoint::ScoresV2);
            assertContractKept();
        }
        // GET /metrics/daily is not in the OpenAPI document (the route exists on servers): the
        // fault-server test covers that fallback.
        for (LangfuseFeature f : { LangfuseFeature::ObservationsV2, LangfuseFeature::ScoresV3 })
            m_transport->setSupported(m_url, f, true);
    }

    void dynamicAnswersIntoTheStore()
    {
        // Many rounds of random, schema-valid answers, parsed and written: no crash, and the
        // store stays consistent and readable.
        StoreOptions options;
        options.path = m_dir.filePath(QStringLiteral("contract.db"));
        QString error;
        std::unique_ptr<TraceStore> store = TraceStore::open(options, &error);
        QVERIFY2(store, qPrintable(error));
        const qint64 source = store->ensureSource(SourceKind::Langfuse, QStringLiteral("langfuse:contract/p"),
            QStringLiteral("contract"), QStringLiteral("{}"));
        QVERIFY(source > 0);
        int items = 0;
        for (int round = 0; round < 25; ++round) {
            const QList<std::function<void(LangfuseClient::PageCallback)>> calls {
                [&](auto cb) {
                    m_client->listObservations(lastDays(7), {}, RequestPriority::Background, nullptr, cb);
                },
                [&](auto cb) {
                    m_client->fetchTrace(QStringLiteral("t"), {}, RequestPriority::Interactive, nullptr, cb);
                },
                [&](auto cb) {
                    LangfuseScoreQuery q;
                    q.window = lastDays(1);
                    m_client->listScores(q, {}, RequestPriority::Background, nullptr, cb);
                },
            };
            for (const auto &call : calls) {
                const LangfusePage p = page(call);
                if (!p.ok()) {
                    // Strange but valid data may be unusable; it must say so, not crash.
                    QCOMPARE(p.error.kind, LangfuseError::Kind::InvalidResponse);
                    continue;
                }
                items += p.itemCount;
                submitAndCheck(*store, source, p);
            }
            if (round % 5 == 4) {
                for (LangfuseFeature f : { LangfuseFeature::ObservationsV2, LangfuseFeature::ScoresV3 })
                    m_transport->setSupported(m_url, f, round % 10 != 4); // alternate v1 and v2
            }
        }
        assertContractKept();
        QVERIFY(items > 0);
        qInfo("%d items of dynamic data parsed and written", items);
        QVERIFY(store->flush(30'000));
        ReaderLease reader = store->reader();
        sql::Statement check(reader->db(), "PRAGMA integrity_check");
        QVERIFY(check.step());
        QCOMPARE(check.columnText(0), QStringLiteral("ok"));
        TraceQuery q;
        q.filter.sourceIds = { source };
        const std::vector<TraceRow> traces = reader->traces(q, 0, 10'000, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        for (const TraceRow &t : traces) {
            reader->observations(t.rk);
            reader->traceDetail(t.rk);
        }
        QCOMPARE(reader->countTraces(q.filter), qint64(traces.size()));
        qInfo("%d traces in the store", int(traces.size()));
    }

    void syncAgainstPrism()
    {
        // The whole sync path on dynamic data: connect, ensure the source, page, write.
        StoreOptions options;
        options.path = m_dir.filePath(QStringLiteral("sync.db"));
        options.fullTextIndex = false;
        QString error;
        std::unique_ptr<TraceStore> store = TraceStore::open(options, &error);
        QVERIFY2(store, qPrintable(error));
        LangfuseConnection c;
        c.id = QStringLiteral("prism");
        c.name = QStringLiteral("prism");
        c.host = m_url;
        c.publicKey = QStringLiteral("pk-lf-contract");
        c.lookbackDays = 1;
        LangfuseSync sync(store.get(), m_transport.get(), c, QStringLiteral("sk-lf-contract"));
        QSignalSpy finished(&sync, &LangfuseSync::syncFinished);
        sync.start();
        QTRY_VERIFY_WITH_TIMEOUT(
            finished.count() >= 1 || sync.state() == LangfuseSync::State::Failed, 120'000);
        QVERIFY(sync.state() != LangfuseSync::State::Offline);
        qInfo("sync against Prism: %s", qPrintable(sync.stateText()));
        assertContractKept();
    }
};

QTEST_GUILESS_MAIN(TestLangfuseContract)
#include "tst_langfusecontract.moc"
