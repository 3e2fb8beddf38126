// HttpMetricsTransport against a loopback HTTP responder: URL, encoding and Basic auth of the
// request, rate-limit headers of the answer, refused connections and timeouts.
#include "httpmetricstransport.h"

#include <QNetworkAccessManager>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <QUrlQuery>

using namespace tg;

namespace {

/// Answers every request with one canned response and remembers the request head.
class Responder : public QObject
{
public:
    explicit Responder(QByteArray response)
        : m_response(std::move(response))
    {
        m_server.listen(QHostAddress::LocalHost, 0);
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            QTcpSocket *socket = m_server.nextPendingConnection();
            connect(socket, &QTcpSocket::readyRead, socket, [this, socket] {
                request += socket->readAll();
                if (!request.contains("\r\n\r\n") || silent)
                    return;
                socket->write(m_response);
                socket->disconnectFromHost();
            });
        });
    }
    QUrl url() const { return QUrl(QStringLiteral("http://127.0.0.1:%1/base/").arg(m_server.serverPort())); }

    QByteArray request;
    bool silent = false;

private:
    QTcpServer m_server;
    QByteArray m_response;
};

MetricsFetchResult fetchOnce(HttpMetricsTransport &transport, const QByteArray &query)
{
    std::optional<MetricsFetchResult> result;
    transport.fetch(query, [&](const MetricsFetchResult &r) { result = r; });
    if (!QTest::qWaitFor([&] { return result.has_value(); }, 15'000))
        qWarning("no answer");
    return result.value_or(MetricsFetchResult {});
}

} // namespace

class TestHttpMetricsTransport : public QObject
{
    Q_OBJECT

    QNetworkAccessManager m_network;

private Q_SLOTS:
    void sendsAnAuthenticatedEncodedGet()
    {
        Responder responder("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-RateLimit-Limit: 500\r\n"
                            "X-RateLimit-Remaining: 123\r\nContent-Length: 11\r\n\r\n{\"data\":[]}");
        HttpMetricsTransport transport(
            &m_network, responder.url(), QStringLiteral("pk-lf-1"), QStringLiteral("sk-lf-2"));
        const QByteArray query
            = R"({"view":"observations","filters":[{"column":"tags","value":["a&b=c d+é"]}]})";
        const MetricsFetchResult r = fetchOnce(transport, query);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body, QByteArray("{\"data\":[]}"));
        QCOMPARE(r.rateLimitLimit, 500);
        QCOMPARE(r.rateLimitRemaining, 123);
        QVERIFY(!r.retryAfterSeconds);

        const QByteArray head = responder.request;
        QVERIFY2(head.startsWith("GET /base/api/public/v2/metrics?query="), head.constData());
        QVERIFY(
            head.contains(QByteArray("Authorization: Basic " + QByteArray("pk-lf-1:sk-lf-2").toBase64())));
        const QByteArray target = head.mid(4, head.indexOf(" HTTP/1.1") - 4);
        const QUrlQuery parsed(QUrl(QString::fromLatin1(target)).query(QUrl::FullyEncoded));
        QCOMPARE(parsed.queryItemValue(QStringLiteral("query"), QUrl::FullyDecoded).toUtf8(), query);
        QVERIFY(!transport.requestUrl(query).toString().contains(QLatin1String("sk-lf")));
    }

    void reportsRateLimits()
    {
        Responder responder(
            "HTTP/1.1 429 Too Many Requests\r\nRetry-After: 17\r\nX-RateLimit-Remaining: 0\r\n"
            "X-RateLimit-Reset: Fri Aug 22 2026 10:00:00 GMT+0000 (Coordinated Universal Time)\r\n"
            "Content-Length: 2\r\n\r\n{}");
        HttpMetricsTransport transport(
            &m_network, responder.url(), QStringLiteral("pk"), QStringLiteral("sk"));
        const MetricsFetchResult r = fetchOnce(transport, "{}");
        QCOMPARE(r.status, 429);
        QCOMPARE(r.retryAfterSeconds, 17);
        QCOMPARE(r.rateLimitRemaining, 0);
        QVERIFY(r.rateLimitReset.startsWith("Fri Aug 22"));
    }

    void refusedConnectionsAndTimeoutsHaveNoStatus()
    {
        QTcpServer closed;
        QVERIFY(closed.listen(QHostAddress::LocalHost, 0));
        const quint16 port = closed.serverPort();
        closed.close();
        HttpMetricsTransport refused(&m_network, QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port)),
            QStringLiteral("pk"), QStringLiteral("sk-lf-secret"));
        MetricsFetchResult r = fetchOnce(refused, "{}");
        QCOMPARE(r.status, 0);
        QVERIFY(!r.error.isEmpty());
        QVERIFY(!r.error.contains(QLatin1String("sk-lf-secret")));

        Responder silent({});
        silent.silent = true;
        HttpMetricsTransport slow(&m_network, silent.url(), QStringLiteral("pk"), QStringLiteral("sk"));
        slow.setTimeoutMs(300);
        r = fetchOnce(slow, "{}");
        QCOMPARE(r.status, 0);
        QVERIFY(!r.error.isEmpty());
    }

    void cloudHostsAndBudgetKeys()
    {
        QVERIFY(HttpMetricsTransport::isCloudHost(QUrl(QStringLiteral("https://cloud.langfuse.com"))));
        QVERIFY(HttpMetricsTransport::isCloudHost(QUrl(QStringLiteral("https://us.cloud.langfuse.com/"))));
        QVERIFY(!HttpMetricsTransport::isCloudHost(QUrl(QStringLiteral("https://langfuse.example.com"))));
        QVERIFY(!HttpMetricsTransport::isCloudHost(QUrl(QStringLiteral("https://notlangfuse.com"))));
        HttpMetricsTransport t(&m_network, QUrl(QStringLiteral("https://cloud.langfuse.com/")),
            QStringLiteral("pk-lf-1"), QStringLiteral("sk-lf-2"));
        QCOMPARE(t.budgetKey(), QStringLiteral("https://cloud.langfuse.com|pk-lf-1"));
        QVERIFY(t.isCloud());
    }

    void missingNetworkFailsLater()
    {
        auto *network = new QNetworkAccessManager;
        HttpMetricsTransport transport(
            network, QUrl(QStringLiteral("http://127.0.0.1:1")), QStringLiteral("pk"), QStringLiteral("sk"));
        delete network;
        bool called = false;
        transport.fetch("{}", [&](const MetricsFetchResult &r) {
            called = true;
            QCOMPARE(r.status, 0);
        });
        QVERIFY(!called); // never inside fetch()
        QTRY_VERIFY(called);
    }
};

QTEST_GUILESS_MAIN(TestHttpMetricsTransport)
#include "tst_httpmetricstransport.moc"
