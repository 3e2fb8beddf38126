// LangfuseClient + LangfuseTransport against a scripted fault server (our own QTcpServer-based
// HTTP server, fakelangfuseserver.h, for what the Prism contract test cannot do): 401, 403, 404
// fallback to v1, 429 with Retry-After, 500, 502, 524, truncated JSON, slow, silent and reset
// connections, refused, DNS, TLS and connect timeouts, cancellation, the request cap and shared
// rate budgets. Asserts retries, waits and the messages users see, and that no secret leaks.
#include "fakelangfuseproject.h"
#include "fakelangfuseserver.h"
#include "langfuse/langfuseclient.h"
#include "langfuse/langfusetransport.h"

#include <QElapsedTimer>
#include <QFile>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QSslKey>
#include <QSslServer>
#include <QTest>

#include <memory>

using namespace tg;
using namespace tg::test;

namespace {

QString randomSecret()
{
    return QStringLiteral("sk-lf-") + QString::number(QRandomGenerator::system()->generate64(), 36)
        + QString::number(QRandomGenerator::system()->generate64(), 36);
}

TimeWindow lastDays(int days)
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    return { now.addDays(-days), now.addSecs(60) };
}

template<typename T> struct Slot
{
    std::optional<T> value;
    int calls = 0;
    std::function<void(T)> callback()
    {
        return [this](T v) {
            ++calls;
            value = std::move(v);
        };
    }
};

} // namespace

class TestLangfuseClient : public QObject
{
    Q_OBJECT

    std::unique_ptr<LangfuseTransport> m_transport;
    std::unique_ptr<LangfuseClient> m_client;
    QList<LangfuseExchange> m_exchanges;
    QString m_secret;

    LangfuseTransport::Options fastOptions() const
    {
        LangfuseTransport::Options o;
        o.retry.baseDelayMs = 20;
        o.retry.maxDelayMs = 200;
        o.retry.maxAttempts = 4;
        o.connectTimeoutMs = 1500;
        o.readTimeoutMs = 800;
        o.seed = 42;
        return o;
    }

    void makeClient(const QString &host, const LangfuseTransport::Options &options)
    {
        m_client.reset();
        m_transport = std::make_unique<LangfuseTransport>(options);
        m_exchanges.clear();
        m_transport->setExchangeObserver([this](const LangfuseExchange &e) { m_exchanges << e; });
        m_client = std::make_unique<LangfuseClient>(m_transport.get());
        LangfuseCredentials c;
        c.host = host;
        c.publicKey = QStringLiteral("pk-lf-test");
        c.secretKey = m_secret;
        m_client->setCredentials(c);
    }
    void makeClient(const QString &host) { makeClient(host, fastOptions()); }

    LangfusePage listObservations(const TimeWindow &window = lastDays(7), const PageToken &token = {})
    {
        Slot<LangfusePage> slot;
        m_client->listObservations(window, token, RequestPriority::Background, nullptr, slot.callback());
        if (!QTest::qWaitFor([&] { return slot.calls > 0; }, 30'000))
            qFatal("listObservations never answered");
        return *slot.value;
    }

    void assertNoSecret(const QString &text)
    {
        QVERIFY2(!text.contains(m_secret), qPrintable(text));
        QVERIFY2(!text.contains(QString::fromLatin1(("pk-lf-test:" + m_secret).toUtf8().toBase64())),
            qPrintable(text));
    }

private slots:
    void init() { m_secret = randomSecret(); }
    void cleanup()
    {
        m_client.reset();
        m_transport.reset();
    }

    void unauthorized401()
    {
        FakeLangfuseServer server([](const FakeRequest &) {
            return FakeResponse::json(401,
                "{\"message\":\"Invalid credentials. Confirm that you have configured the correct host.\"}");
        });
        makeClient(server.url());
        const LangfusePage page = listObservations();
        QCOMPARE(page.error.kind, LangfuseError::Kind::Unauthorized);
        QCOMPARE(page.error.httpStatus, 401);
        QVERIFY(page.error.isAuthFailure());
        QVERIFY(page.error.message.contains(QLatin1String("401")));
        QVERIFY(page.error.message.contains(QLatin1String("127.0.0.1")));
        QVERIFY(page.error.detail.contains(QLatin1String("correct host")));
        QCOMPARE(server.requestCount(), 1); // never retried
        QCOMPARE(page.attempts, 1);
        assertNoSecret(page.error.fullText());
        // The credentials went out, redacted in what the observer (the debug log) sees.
        QCOMPARE(m_exchanges.size(), 1);
        bool sawAuth = false;
        for (const auto &h : m_exchanges[0].requestHeaders) {
            if (h.first.compare("authorization", Qt::CaseInsensitive) == 0) {
                sawAuth = true;
                QCOMPARE(h.second, QByteArray("Basic [redacted]"));
            }
        }
        QVERIFY(sawAuth);
        QCOMPARE(server.requests()[0].headers.value("authorization"),
            "Basic " + ("pk-lf-test:" + m_secret).toUtf8().toBase64());
    }

    void forbidden403()
    {
        FakeLangfuseServer server([](const FakeRequest &) {
            return FakeResponse::json(
                403, "{\"message\":\"Invalid API key. Are you using an organization key?\"}");
        });
        makeClient(server.url());
        const LangfusePage page = listObservations();
        QCOMPARE(page.error.kind, LangfuseError::Kind::Forbidden);
        QVERIFY(page.error.message.contains(QLatin1String("organisation-scoped key")));
        QVERIFY(page.error.detail.contains(QLatin1String("organization key")));
        QCOMPARE(server.requestCount(), 1);
    }

    void v2FirstWithEncodedCursor()
    {
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        FakeLangfuseProject project = FakeLangfuseProject::generate(30, 5, now - 60'000, 1000, 200);
        project.secretKey = m_secret;
        FakeLangfuseServer server(project.handler());
        makeClient(server.url());
        m_client->setObservationPageSize(40);
        PageToken token;
        int pages = 0;
        qint64 observations = 0;
        qint64 traces = 0;
        for (;;) {
            const LangfusePage page = listObservations(lastDays(1), token);
            QVERIFY2(page.ok(), qPrintable(page.error.fullText()));
            QVERIFY(!page.legacy);
            ++pages;
            observations += qint64(page.batch.observations.size());
            traces += qint64(page.batch.traces.size());
            if (!page.hasMore)
                break;
            QVERIFY(page.next.cursor.contains(u'+')); // the fake's cursors do; they must survive
            token = page.next;
        }
        QCOMPARE(observations, 150);
        QCOMPARE(traces, 30); // rebuilt from the root observations
        QCOMPARE(pages, 4);
        const QList<FakeRequest> requests = server.requestsTo(QStringLiteral("/api/public/v2/observations"));
        QCOMPARE(requests.size(), 4);
        const FakeRequest &first = requests.first();
        QCOMPARE(first.param(QStringLiteral("fields")), LangfuseClient::observationFieldsAll());
        QCOMPARE(first.param(QStringLiteral("limit")), QStringLiteral("40"));
        QVERIFY(
            QDateTime::fromString(first.param(QStringLiteral("fromStartTime")), Qt::ISODateWithMs).isValid());
        QVERIFY(first.param(QStringLiteral("toStartTime")).endsWith(u'Z'));
        QVERIFY(server.requestsTo(QStringLiteral("/api/public/observations")).isEmpty());
    }

    void fallsBackToV1On404()
    {
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        FakeLangfuseProject project = FakeLangfuseProject::generate(12, 4, now - 60'000, 1000, 120);
        project.secretKey = m_secret;
        project.legacyOnly = true;
        FakeLangfuseServer server(project.handler());
        makeClient(server.url());
        const QString host = server.url();

        LangfusePage page = listObservations(lastDays(1));
        QVERIFY2(page.ok(), qPrintable(page.error.fullText()));
        QVERIFY(page.legacy);
        QCOMPARE(page.endpoint, LangfuseEndpoint::ObservationsV1);
        QCOMPARE(page.batch.observations.size(), size_t(48));
        QVERIFY(!m_transport->supports(host, LangfuseFeature::ObservationsV2));
        QCOMPARE(server.requestsTo(QStringLiteral("/api/public/v2/observations")).size(), 1);

        // Remembered: the next listing goes to v1 straight away.
        server.clearRequests();
        Slot<LangfusePage> traces;
        m_client->listTraces(lastDays(1), {}, RequestPriority::Background, nullptr, traces.callback());
        QTRY_COMPARE(traces.calls, 1);
        QVERIFY(traces.value->ok());
        QCOMPARE(traces.value->batch.traces.size(), size_t(12));
        QVERIFY(traces.value->batch.observations.empty());
        QCOMPARE(server.requestCount(), 1);
        const FakeRequest tracesRequest = server.requests().first();
        QCOMPARE(tracesRequest.path, QStringLiteral("/api/public/traces"));
        QCOMPARE(tracesRequest.param(QStringLiteral("orderBy")), QStringLiteral("timestamp.desc"));
        QVERIFY(!tracesRequest.param(QStringLiteral("fromTimestamp")).isEmpty());

        // One trace: GET /traces/{id}, with its observations and scores in one answer.
        Slot<LangfusePage> trace;
        const QString traceId = project.traces[3].id;
        m_client->fetchTrace(traceId, {}, RequestPriority::Interactive, nullptr, trace.callback());
        QTRY_COMPARE(trace.calls, 1);
        QVERIFY2(trace.value->ok(), qPrintable(trace.value->error.fullText()));
        QCOMPARE(trace.value->endpoint, LangfuseEndpoint::Trace);
        QCOMPARE(trace.value->batch.observations.size(), size_t(4));
        QCOMPARE(trace.value->batch.scores.size(), size_t(1));

        // Sessions, scores and metrics fall back too.
        Slot<LangfusePage> session;
        m_client->fetchSession(
            project.traces[0].sessionId, {}, RequestPriority::Interactive, nullptr, session.callback());
        QTRY_COMPARE(session.calls, 1);
        QVERIFY(session.value->ok());
        QCOMPARE(session.value->endpoint, LangfuseEndpoint::Session);
        QVERIFY(!session.value->batch.traces.empty());

        Slot<LangfusePage> scores;
        LangfuseScoreQuery sq;
        sq.window = lastDays(1);
        m_client->listScores(sq, {}, RequestPriority::Background, nullptr, scores.callback());
        QTRY_COMPARE(scores.calls, 1);
        QVERIFY2(scores.value->ok(), qPrintable(scores.value->error.fullText()));
        QCOMPARE(scores.value->endpoint, LangfuseEndpoint::ScoresV2);
        QCOMPARE(scores.value->batch.scores.size(), size_t(12));

        Slot<LangfuseDailyMetrics> metrics;
        m_client->dailyMetrics(lastDays(7), nullptr, metrics.callback());
        QTRY_COMPARE(metrics.calls, 1);
        QVERIFY(metrics.value->ok());
        QVERIFY(metrics.value->legacy);
        QCOMPARE(metrics.value->days.size(), 1);
        QCOMPARE(metrics.value->days[0].traces, 4);
        QCOMPARE(server.requestsTo(QStringLiteral("/api/public/metrics/daily")).size(), 1);
    }

    void v2MetricsAndScores()
    {
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        FakeLangfuseProject project = FakeLangfuseProject::generate(5, 3, now - 60'000, 1000, 100);
        project.secretKey = m_secret;
        FakeLangfuseServer server(project.handler());
        makeClient(server.url());
        Slot<LangfuseDailyMetrics> metrics;
        m_client->dailyMetrics(lastDays(7), nullptr, metrics.callback());
        QTRY_COMPARE(metrics.calls, 1);
        QVERIFY(metrics.value->ok());
        QVERIFY(!metrics.value->legacy);
        QCOMPARE(metrics.value->days.size(), 1);
        QCOMPARE(metrics.value->days[0].usage.value(0).totalTokens, 1200);
        const QString query = server.requestsTo(QStringLiteral("/api/public/v2/metrics"))
                                  .value(0)
                                  .param(QStringLiteral("query"));
        const QJsonObject q = QJsonDocument::fromJson(query.toUtf8()).object();
        QCOMPARE(q.value(QLatin1String("view")).toString(), QStringLiteral("observations"));
        QVERIFY(!q.value(QLatin1String("fromTimestamp")).toString().isEmpty());

        Slot<LangfusePage> scores;
        LangfuseScoreQuery sq;
        sq.traceId = project.traces[1].id;
        m_client->listScores(sq, {}, RequestPriority::Interactive, nullptr, scores.callback());
        QTRY_COMPARE(scores.calls, 1);
        QVERIFY(scores.value->ok());
        QCOMPARE(scores.value->endpoint, LangfuseEndpoint::ScoresV3);
        QCOMPARE(scores.value->batch.scores.size(), size_t(1));
        QCOMPARE(scores.value->batch.scores[0].traceId, project.traces[1].id); // from v3's subject
        QCOMPARE(server.requestsTo(QStringLiteral("/api/public/v3/scores"))
                     .value(0)
                     .param(QStringLiteral("fields")),
            QStringLiteral("details,subject"));
    }

    void rateLimited429HonoursRetryAfter()
    {
        int served = 0;
        FakeLangfuseServer server([&served](const FakeRequest &) {
            if (served++ == 0)
                return FakeResponse::json(
                    429, "{\"message\":\"Rate limit exceeded\",\"code\":\"rate_limited\"}")
                    .header("Retry-After", "1")
                    .header("X-RateLimit-Reset",
                        "Fri Aug 22 2026 10:00:00 GMT+0000 (Coordinated Universal Time)");
            return FakeResponse::json(200, "{\"data\":[],\"meta\":{}}");
        });
        makeClient(server.url());
        // A second request started right after the 429 waits for the same Retry-After: the
        // organisation's budget is paused, not only the request that hit it.
        Slot<LangfusePage> second;
        bool launched = false;
        m_transport->setExchangeObserver([&](const LangfuseExchange &e) {
            m_exchanges << e;
            if (e.httpStatus == 429 && !launched) {
                launched = true;
                m_client->listTraces(
                    lastDays(1), {}, RequestPriority::Background, nullptr, second.callback());
            }
        });
        const LangfusePage page = listObservations();
        QVERIFY2(page.ok(), qPrintable(page.error.fullText()));
        QCOMPARE(page.attempts, 2);
        QVERIFY2(page.waitedMs >= 1000, qPrintable(QString::number(page.waitedMs)));
        QTRY_COMPARE(second.calls, 1);
        const QList<FakeRequest> requests = server.requests();
        QCOMPARE(requests.size(), 3);
        QVERIFY2(requests[1].atMs - requests[0].atMs >= 1000,
            qPrintable(QString::number(requests[1].atMs - requests[0].atMs)));
        QVERIFY2(requests[2].atMs - requests[0].atMs >= 1000,
            qPrintable(QString::number(requests[2].atMs - requests[0].atMs)));
        QVERIFY(m_exchanges[0].retryInMs >= 1000);
    }

    void rateLimitedTooLongGivesUp()
    {
        FakeLangfuseServer server([](const FakeRequest &) {
            return FakeResponse::json(429, "{\"message\":\"Rate limit exceeded\"}")
                .header("Retry-After", "3600");
        });
        makeClient(server.url());
        const LangfusePage page = listObservations();
        QCOMPARE(page.error.kind, LangfuseError::Kind::RateLimited);
        QCOMPARE(page.error.retryAfterMs, 3'600'000);
        QVERIFY(page.error.message.contains(QLatin1String("429")));
        QCOMPARE(server.requestCount(), 1);
    }

    void serverError500NotRetried()
    {
        FakeLangfuseServer server([](const FakeRequest &) {
            return FakeResponse::json(
                500, "{\"message\":\"Internal Server Error\",\"error\":\"ClickHouseError\"}");
        });
        makeClient(server.url());
        const LangfusePage page = listObservations();
        QCOMPARE(page.error.kind, LangfuseError::Kind::ServerError);
        QCOMPARE(page.error.httpStatus, 500);
        QVERIFY(!page.error.isOffline());
        QVERIFY(page.error.detail.contains(QLatin1String("ClickHouseError")));
        QCOMPARE(server.requestCount(), 1);
    }

    void gatewayErrorsRetriedWithBackoff()
    {
        int served = 0;
        FakeLangfuseServer server([&served](const FakeRequest &) {
            switch (served++) {
            case 0:
                return FakeResponse::json(502, "<html>Bad gateway</html>");
            case 1:
                return FakeResponse::json(524, "");
            case 2:
                return FakeResponse::json(503, "{\"message\":\"Service Unavailable\"}");
            default:
                return FakeResponse::json(200, "{\"data\":[],\"meta\":{}}");
            }
        });
        makeClient(server.url());
        const LangfusePage page = listObservations();
        QVERIFY2(page.ok(), qPrintable(page.error.fullText()));
        QCOMPARE(page.attempts, 4);
        const QList<FakeRequest> r = server.requests();
        QCOMPARE(r.size(), 4);
        // Equal jitter: at least half of 20, 40, 80 ms.
        QVERIFY(r[1].atMs - r[0].atMs >= 10);
        QVERIFY(r[2].atMs - r[1].atMs >= 20);
        QVERIFY(r[3].atMs - r[2].atMs >= 40);

        // Always failing: the attempts run out and the error says the host is unavailable.
        FakeLangfuseServer down([](const FakeRequest &) { return FakeResponse::json(524, ""); });
        makeClient(down.url());
        const LangfusePage failed = listObservations();
        QCOMPARE(failed.error.kind, LangfuseError::Kind::ServerError);
        QCOMPARE(failed.error.httpStatus, 524);
        QVERIFY(failed.error.message.contains(QLatin1String("524")));
        QVERIFY(failed.error.isOffline());
        QCOMPARE(down.requestCount(), 4);
    }

    void truncatedAnswers()
    {
        // Cut short on the wire (Content-Length not reached): retried like a reset.
        int served = 0;
        FakeLangfuseServer server([&served](const FakeRequest &) {
            FakeResponse r = FakeResponse::json(
                200, "{\"data\":[{\"id\":\"o1\",\"traceId\":\"t1\",\"startTime\":\"2026-11-24T10:00:00Z\"");
            if (served++ < 2)
                r.behaviour = FakeResponse::Behaviour::Truncated;
            else
                r.body = "{\"data\":[],\"meta\":{}}";
            return r;
        });
        makeClient(server.url());
        LangfusePage page = listObservations();
        QVERIFY2(page.ok(), qPrintable(page.error.fullText()));
        QCOMPARE(page.attempts, 3);
        QCOMPARE(m_exchanges.value(0).error.kind, LangfuseError::Kind::ConnectionClosed);

        // A complete answer that is not whole JSON: reported, not retried, nothing used.
        FakeLangfuseServer broken([](const FakeRequest &) {
            return FakeResponse::json(200,
                "{\"data\":[{\"id\":\"o1\",\"traceId\":\"t1\",\"startTime\":\"2026-11-24T10:00:00Z\"},{"
                "\"id\":");
        });
        makeClient(broken.url());
        page = listObservations();
        QCOMPARE(page.error.kind, LangfuseError::Kind::InvalidResponse);
        QVERIFY(page.error.message.contains(QLatin1String("nothing was stored")));
        QVERIFY(!page.error.detail.isEmpty());
        QVERIFY(page.batch.isEmpty());
        QCOMPARE(broken.requestCount(), 1);
    }

    void resetConnectionsRetried()
    {
        // Qt itself resends an idempotent request once or twice when a connection drops before
        // any answer; six resets outlast that, so our own retry must step in.
        int served = 0;
        FakeLangfuseServer server([&served](const FakeRequest &) {
            FakeResponse r = FakeResponse::json(200, "{\"data\":[],\"meta\":{}}");
            if (served++ < 6)
                r.behaviour = FakeResponse::Behaviour::Reset;
            return r;
        });
        LangfuseTransport::Options o = fastOptions();
        o.retry.maxAttempts = 6;
        makeClient(server.url(), o);
        const LangfusePage page = listObservations();
        QVERIFY2(page.ok(), qPrintable(page.error.fullText()));
        QVERIFY2(page.attempts >= 2, qPrintable(QString::number(page.attempts)));
        QCOMPARE(server.requestCount(), 7);
        QCOMPARE(m_exchanges[0].error.kind, LangfuseError::Kind::ConnectionClosed);
        QVERIFY(m_exchanges[0].error.isOffline());
        QVERIFY(m_exchanges[0].retryInMs >= 0);
    }

    void slowAndSilentServers()
    {
        // A slow body whose pauses stay under the read timeout is fine...
        FakeLangfuseServer slow([](const FakeRequest &) {
            FakeResponse r = FakeResponse::json(
                200, "{\"data\":[],\"meta\":{},\"padding\":\"" + QByteArray(160, 'x') + "\"}");
            r.behaviour = FakeResponse::Behaviour::SlowBody;
            r.delayMs = 150;
            return r;
        });
        LangfuseTransport::Options o = fastOptions();
        o.retry.maxAttempts = 2;
        makeClient(slow.url(), o);
        QElapsedTimer timer;
        timer.start();
        LangfusePage page = listObservations();
        QVERIFY2(page.ok(), qPrintable(page.error.fullText()));
        QVERIFY(timer.elapsed() > 800); // longer than the read timeout in total
        QCOMPARE(page.attempts, 1);

        // ... a server that goes silent hits the read timeout, is retried, then reported.
        FakeLangfuseServer silent([](const FakeRequest &) {
            FakeResponse r;
            r.behaviour = FakeResponse::Behaviour::Silent;
            return r;
        });
        makeClient(silent.url(), o);
        timer.restart();
        page = listObservations();
        QCOMPARE(page.error.kind, LangfuseError::Kind::Timeout);
        QVERIFY2(page.error.message.contains(QLatin1String("read timeout")), qPrintable(page.error.message));
        QVERIFY(page.error.isOffline());
        QCOMPARE(silent.requestCount(), 2);
        QVERIFY2(timer.elapsed() >= 1500, qPrintable(QString::number(timer.elapsed())));
    }

    void connectTimeout()
    {
        // A TCP server that accepts but never speaks TLS: the handshake never ends.
        QTcpServer mute;
        QVERIFY(mute.listen(QHostAddress::LocalHost));
        LangfuseTransport::Options o = fastOptions();
        o.connectTimeoutMs = 700;
        makeClient(QStringLiteral("https://127.0.0.1:%1").arg(mute.serverPort()), o);
        Slot<LangfuseConnectionTest> test;
        QElapsedTimer timer;
        timer.start();
        m_client->testConnection(nullptr, test.callback());
        QTRY_COMPARE_WITH_TIMEOUT(test.calls, 1, 10'000);
        QCOMPARE(test.value->error.kind, LangfuseError::Kind::Timeout);
        QVERIFY2(test.value->summary.contains(QLatin1String("Could not connect")),
            qPrintable(test.value->summary));
        QVERIFY(timer.elapsed() >= 650); // coarse timers may fire 5% early
        QVERIFY(timer.elapsed() < 5000); // one attempt for Test Connection
    }

    void refusedAndDns()
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost));
        const quint16 port = probe.serverPort();
        probe.close(); // nothing listens there now
        makeClient(QStringLiteral("http://127.0.0.1:%1").arg(port));
        Slot<LangfuseConnectionTest> refused;
        m_client->testConnection(nullptr, refused.callback());
        QTRY_COMPARE_WITH_TIMEOUT(refused.calls, 1, 10'000);
        QCOMPARE(refused.value->error.kind, LangfuseError::Kind::ConnectionRefused);
        QVERIFY(refused.value->summary.contains(QLatin1String("connection refused")));
        QVERIFY(refused.value->error.isOffline());

        makeClient(QStringLiteral("https://traceglass-no-such-host.invalid"));
        Slot<LangfuseConnectionTest> dns;
        m_client->testConnection(nullptr, dns.callback());
        QTRY_COMPARE_WITH_TIMEOUT(dns.calls, 1, 30'000);
        QCOMPARE(dns.value->error.kind, LangfuseError::Kind::HostNotFound);
        QVERIFY2(dns.value->summary.contains(QLatin1String("DNS")), qPrintable(dns.value->summary));
        QVERIFY(dns.value->summary.contains(QLatin1String("traceglass-no-such-host.invalid")));
    }

    void tlsCertificateDetails()
    {
        QFile certFile(QStringLiteral(TRACEGLASS_TEST_DATA_DIR "/tls/selfsigned.crt"));
        QFile keyFile(QStringLiteral(TRACEGLASS_TEST_DATA_DIR "/tls/selfsigned.key"));
        QVERIFY(certFile.open(QIODevice::ReadOnly) && keyFile.open(QIODevice::ReadOnly));
        QSslConfiguration config = QSslConfiguration::defaultConfiguration();
        config.setLocalCertificate(QSslCertificate(certFile.readAll()));
        config.setPrivateKey(QSslKey(keyFile.readAll(), QSsl::Rsa));
        QSslServer server;
        server.setSslConfiguration(config);
        QVERIFY(server.listen(QHostAddress::LocalHost));
        makeClient(QStringLiteral("https://127.0.0.1:%1").arg(server.serverPort()));
        Slot<LangfuseConnectionTest> test;
        m_client->testConnection(nullptr, test.callback());
        QTRY_COMPARE_WITH_TIMEOUT(test.calls, 1, 10'000);
        const LangfuseError &e = test.value->error;
        QCOMPARE(e.kind, LangfuseError::Kind::Tls);
        QVERIFY(e.message.contains(QLatin1String("TLS")));
        QVERIFY2(e.detail.contains(QLatin1String("traceglass-test.invalid")), qPrintable(e.detail));
        QVERIFY2(e.detail.contains(QLatin1String("SHA-256")), qPrintable(e.detail));
        QVERIFY2(e.detail.contains(QLatin1String("self signed"), Qt::CaseInsensitive)
                || e.detail.contains(QLatin1String("self-signed"), Qt::CaseInsensitive),
            qPrintable(e.detail));
        QVERIFY(!e.isOffline()); // retrying will not fix a certificate
    }

    void cancellation()
    {
        FakeLangfuseServer server([](const FakeRequest &) {
            FakeResponse r;
            r.behaviour = FakeResponse::Behaviour::Silent;
            return r;
        });
        LangfuseTransport::Options o = fastOptions();
        o.maxConcurrentPerHost = 1;
        makeClient(server.url(), o);
        auto *context = new QObject;
        int answers = 0;
        for (int i = 0; i < 3; ++i)
            m_client->listObservations(lastDays(1), {}, RequestPriority::Background, context,
                [&answers](LangfusePage) { ++answers; });
        QTRY_COMPARE(server.requestCount(), 1); // the cap holds the other two back
        QCOMPARE(m_transport->pendingRequests(), 3);
        delete context; // the user moved on
        QCOMPARE(m_transport->pendingRequests(), 0);
        QTest::qWait(300);
        QCOMPARE(answers, 0);
        QCOMPARE(server.requestCount(), 1);
        QCOMPARE(m_transport->activeRequests(server.url()), 0);
    }

    void concurrencyCapAndPriority()
    {
        QStringList order;
        FakeLangfuseServer server([&order](const FakeRequest &r) {
            order << r.param(QStringLiteral("traceId"));
            FakeResponse resp = FakeResponse::json(200, "{\"data\":[],\"meta\":{}}");
            resp.delayMs = 120;
            return resp;
        });
        makeClient(server.url()); // default cap is 4 in production; fastOptions keeps it
        int done = 0;
        for (int i = 0; i < 12; ++i)
            m_client->fetchTrace(QStringLiteral("bg-%1").arg(i), {}, RequestPriority::Background, nullptr,
                [&done](LangfusePage) { ++done; });
        QTRY_COMPARE_WITH_TIMEOUT(done, 12, 10'000);
        QCOMPARE(server.maxConcurrentRequests(), 4);

        // With one slot, an interactive request overtakes the waiting background ones.
        LangfuseTransport::Options o = fastOptions();
        o.maxConcurrentPerHost = 1;
        makeClient(server.url(), o);
        order.clear();
        done = 0;
        for (int i = 0; i < 4; ++i)
            m_client->fetchTrace(QStringLiteral("bg-%1").arg(i), {}, RequestPriority::Background, nullptr,
                [&done](LangfusePage) { ++done; });
        QTRY_COMPARE(order.size(), 1); // bg-0 holds the only slot
        m_client->fetchTrace(QStringLiteral("user"), {}, RequestPriority::Interactive, nullptr,
            [&done](LangfusePage) { ++done; });
        QTRY_COMPARE_WITH_TIMEOUT(done, 5, 10'000);
        QCOMPARE(order.value(0), QStringLiteral("bg-0"));
        QCOMPARE(order.value(1), QStringLiteral("user"));
    }

    void sharedRateBudget()
    {
        FakeLangfuseServer server(
            [](const FakeRequest &) { return FakeResponse::json(200, "{\"data\":[],\"meta\":{}}"); });
        makeClient(server.url());
        m_transport->rateLimiter().setLimitOverride(
            RateBucket::PublicApi, { 2, 400 }); // 1 burst + 1 per 400 ms
        auto makeOrgClient = [&](const QString &org) {
            auto c = std::make_unique<LangfuseClient>(m_transport.get());
            LangfuseCredentials cred;
            cred.host = server.url();
            cred.publicKey = QStringLiteral("pk-lf-test");
            cred.secretKey = m_secret;
            cred.tier = PlanTier::Hobby; // as for a Cloud host
            c->setCredentials(cred);
            c->setOrganization(org);
            return c;
        };
        auto a1 = makeOrgClient(QStringLiteral("org-a"));
        auto a2 = makeOrgClient(QStringLiteral("org-a"));
        auto b = makeOrgClient(QStringLiteral("org-b"));
        int done = 0;
        QElapsedTimer timer;
        timer.start();
        for (LangfuseClient *c : { a1.get(), a2.get(), a1.get(), a2.get() })
            c->listObservations(
                lastDays(1), {}, RequestPriority::Background, nullptr, [&done](LangfusePage) { ++done; });
        qint64 bDone = -1;
        b->listObservations(lastDays(1), {}, RequestPriority::Background, nullptr,
            [&](LangfusePage) { bDone = timer.elapsed(); });
        QTRY_COMPARE_WITH_TIMEOUT(done, 4, 10'000);
        QVERIFY(bDone >= 0);
        QVERIFY2(bDone < 300, qPrintable(QString::number(bDone))); // another organisation: its own budget
        QVERIFY2(timer.elapsed() >= 3 * 380, qPrintable(QString::number(timer.elapsed())));
    }

    void rateLimitWaitIsAnnouncedAndCancellable()
    {
        FakeLangfuseServer server(
            [](const FakeRequest &) { return FakeResponse::json(200, "{\"data\":[],\"meta\":{}}"); });
        makeClient(server.url());
        m_transport->rateLimiter().setLimitOverride(RateBucket::PublicApi, { 2, 2400 });
        LangfuseCredentials c = m_client->credentials();
        c.tier = PlanTier::Hobby;
        m_client->setCredentials(c);
        QSignalSpy waits(m_transport.get(), &LangfuseTransport::rateLimitWait);
        int answers = 0;
        auto *context = new QObject;
        for (int i = 0; i < 2; ++i)
            m_client->listObservations(lastDays(1), {}, RequestPriority::Background, context,
                [&answers](LangfusePage) { ++answers; });
        QTRY_COMPARE(answers, 1);
        QTRY_COMPARE(waits.count(), 1);
        QVERIFY(waits.at(0).at(1).toLongLong() > 1000);
        delete context; // the user moved on while it waited for the budget
        QCOMPARE(m_transport->pendingRequests(), 0);
        QTest::qWait(100);
        QCOMPARE(server.requestCount(), 1);
    }

    void windowRequired()
    {
        FakeLangfuseServer server;
        makeClient(server.url());
        const LangfusePage page = listObservations(TimeWindow {});
        QCOMPARE(page.error.kind, LangfuseError::Kind::BadRequest);
        QVERIFY(page.error.message.contains(QLatin1String("time window")));
        QCOMPARE(server.requestCount(), 0);
    }

    void testConnectionOutcomes()
    {
        FakeLangfuseProject project;
        project.secretKey = m_secret;
        project.projectName = QStringLiteral("Checkout bot");
        project.organizationName = QStringLiteral("Acme Corp");
        project.version = QStringLiteral("3.101.0");
        FakeLangfuseServer server(project.handler());
        makeClient(server.url());
        Slot<LangfuseConnectionTest> ok;
        m_client->testConnection(nullptr, ok.callback());
        QTRY_COMPARE(ok.calls, 1);
        QVERIFY2(ok.value->ok(), qPrintable(ok.value->summary));
        QCOMPARE(ok.value->project.id, QStringLiteral("proj-1"));
        QCOMPARE(ok.value->project.organizationId, QStringLiteral("org-1"));
        QCOMPARE(ok.value->health.version, QStringLiteral("3.101.0"));
        QVERIFY(ok.value->summary.contains(QLatin1String("Checkout bot")));
        QVERIFY(ok.value->summary.contains(QLatin1String("Acme Corp")));
        QVERIFY(ok.value->summary.contains(QLatin1String("3.101.0")));
        // /health is asked without credentials.
        QVERIFY(!server.requestsTo(QStringLiteral("/api/public/health"))
                     .value(0)
                     .headers.contains("authorization"));

        project.secretKey = QStringLiteral("sk-lf-other");
        Slot<LangfuseConnectionTest> wrong;
        m_client->testConnection(nullptr, wrong.callback());
        QTRY_COMPARE(wrong.calls, 1);
        QCOMPARE(wrong.value->error.kind, LangfuseError::Kind::Unauthorized);
        QVERIFY(wrong.value->summary.contains(QLatin1String("401")));
        QCOMPARE(wrong.value->health.version, QStringLiteral("3.101.0"));
        assertNoSecret(wrong.value->summary + wrong.value->error.detail);

        FakeLangfuseServer notLangfuse(
            [](const FakeRequest &) { return FakeResponse::json(404, "<html>nope</html>"); });
        makeClient(notLangfuse.url());
        Slot<LangfuseConnectionTest> other;
        m_client->testConnection(nullptr, other.callback());
        QTRY_COMPARE(other.calls, 1);
        QVERIFY(!other.value->ok());
        QVERIFY2(other.value->summary.contains(QLatin1String("not like a Langfuse server")),
            qPrintable(other.value->summary));
    }

    void oddButValidData()
    {
        // Unknown fields, nulls everywhere, JSON in strings, numbers as strings, wrong types
        // (a file: moc cannot read multi-line raw strings).
        QFile file(QStringLiteral(TRACEGLASS_TEST_DATA_DIR "/langfuse/odd-v2-page.json"));
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray body = file.readAll();
        const LangfusePage page
            = parseLangfusePage(LangfuseEndpoint::ObservationsV2, LangfusePageKind::Observations, body, 1000);
        QVERIFY2(page.ok(), qPrintable(page.error.fullText()));
        QCOMPARE(page.itemCount, 5);
        // o1, o2 (its bad date is "not given") and o3 (no trace id: the store files it as an
        // update); the object without an id and the string are skipped.
        QCOMPARE(page.batch.observations.size(), size_t(3));
        QCOMPARE(page.skippedCount, 2);
        QVERIFY(!page.batch.observations[1].startNs.has_value());
        QVERIFY(!page.hasMore);
        QCOMPARE(page.batch.traces.size(), size_t(1));
        QCOMPARE(page.batch.observations[0].input,
            QByteArray("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"));
        // Roots-only listings drop the observations (a trace with just its root is not cached).
        const LangfusePage list
            = parseLangfusePage(LangfuseEndpoint::ObservationsV2, LangfusePageKind::TraceList, body, 1000);
        QVERIFY(list.batch.observations.empty());
        QCOMPARE(list.batch.traces.size(), size_t(1));
        // Not JSON at all, and JSON of the wrong shape.
        QCOMPARE(parseLangfusePage(LangfuseEndpoint::Traces, LangfusePageKind::TraceList, "<html>", 100)
                     .error.kind,
            LangfuseError::Kind::InvalidResponse);
        QCOMPARE(
            parseLangfusePage(LangfuseEndpoint::Traces, LangfusePageKind::TraceList, "[1,2]", 100).error.kind,
            LangfuseError::Kind::InvalidResponse);
        // v1 paging: next page from meta, and no endless loop on a server that ignores `page`.
        const QByteArray v1 = "{\"data\":[{\"id\":\"t1\",\"timestamp\":\"2026-11-24T10:00:00Z\"}],\"meta\":{"
                              "\"page\":1,\"limit\":1,\"totalItems\":3,\"totalPages\":3}}";
        LangfusePage p1 = parseLangfusePage(LangfuseEndpoint::Traces, LangfusePageKind::TraceList, v1, 1, 1);
        QVERIFY(p1.hasMore);
        QCOMPARE(p1.next.page, 2);
        QVERIFY(p1.next.legacy);
        LangfusePage stuck
            = parseLangfusePage(LangfuseEndpoint::Traces, LangfusePageKind::TraceList, v1, 1, 2);
        QVERIFY(!stuck.hasMore);
    }
};

QTEST_GUILESS_MAIN(TestLangfuseClient)
#include "tst_langfuseclient.moc"
