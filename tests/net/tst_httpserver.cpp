// The receiver's HTTP/1.1 server and request parser: framing, limits enforced before the body
// is read, keep-alive and pipelining, answers from other threads, slow clients, idle timeouts.
#include "http/httprequestparser.h"
#include "http/httpserver.h"
#include "rawhttp.h"

#include <QElapsedTimer>
#include <QSemaphore>
#include <QTcpSocket>
#include <QTest>
#include <QThread>

#include <thread>

using namespace tg;
using tg::test::RawResponse;
using tg::test::readResponse;

namespace {

HttpRequest parseAll(const QByteArray &bytes, HttpRequestParser::Result *last, HttpLimits limits = {})
{
    HttpRequestParser parser(limits);
    QByteArray input = bytes;
    for (;;) {
        *last = parser.parse(input);
        if (*last == HttpRequestParser::Result::HeadersComplete)
            continue;
        if (*last == HttpRequestParser::Result::RequestComplete)
            return parser.takeRequest();
        return parser.request();
    }
}

} // namespace

class TestHttpServer : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parsesContentLengthAndHeaders()
    {
        HttpRequestParser::Result r;
        const HttpRequest req = parseAll(
            "POST /v1/traces?x=1 HTTP/1.1\r\nHost: localhost:4318\r\nContent-Type:  application/json \r\n"
            "Content-Length: 5\r\n\r\nhello",
            &r);
        QCOMPARE(r, HttpRequestParser::Result::RequestComplete);
        QCOMPARE(req.method, QByteArray("POST"));
        QCOMPARE(req.path, QByteArray("/v1/traces"));
        QCOMPARE(req.query, QByteArray("x=1"));
        QCOMPARE(req.header("content-type"), QByteArray("application/json"));
        QCOMPARE(req.body, QByteArray("hello"));
        QVERIFY(req.keepAlive());
    }

    void parsesChunkedBodiesByteByByte()
    {
        const QByteArray wire = "POST /x HTTP/1.1\r\nTransfer-Encoding: "
                                "chunked\r\n\r\n4;ext=1\r\nWiki\r\n5\r\npedia\r\n0\r\nTrailer: y\r\n\r\n";
        HttpRequestParser parser;
        QByteArray input;
        HttpRequestParser::Result r = HttpRequestParser::Result::NeedMore;
        for (const char c : wire) {
            input.append(c);
            do {
                r = parser.parse(input);
            } while (r == HttpRequestParser::Result::HeadersComplete);
            QVERIFY(r != HttpRequestParser::Result::Error);
            if (r == HttpRequestParser::Result::RequestComplete)
                break;
        }
        QCOMPARE(r, HttpRequestParser::Result::RequestComplete);
        QCOMPARE(parser.takeRequest().body, QByteArray("Wikipedia"));
    }

    void rejectsMalformedAndOversized_data()
    {
        QTest::addColumn<QByteArray>("wire");
        QTest::addColumn<int>("status");
        QTest::newRow("bad request line") << QByteArray("GARBAGE\r\n\r\n") << 400;
        QTest::newRow("bad version") << QByteArray("GET / HTTP/9.9\r\n\r\n") << 400;
        QTest::newRow("bad header") << QByteArray("GET / HTTP/1.1\r\nno colon here\r\n\r\n") << 400;
        QTest::newRow("negative length")
            << QByteArray("POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n") << 400;
        QTest::newRow("conflicting lengths")
            << QByteArray("POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n") << 400;
        QTest::newRow("length and chunked")
            << QByteArray("POST / HTTP/1.1\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n")
            << 400;
        QTest::newRow("gzip transfer coding")
            << QByteArray("POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n") << 501;
        QTest::newRow("declared body too large")
            << QByteArray("POST / HTTP/1.1\r\nContent-Length: 1001\r\n\r\n") << 413;
        QTest::newRow("chunks too large")
            << QByteArray("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3e9\r\n") << 413;
        QTest::newRow("bad chunk size")
            << QByteArray("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n") << 400;
        QTest::newRow("headers too large")
            << (QByteArray("GET / HTTP/1.1\r\nX: ") + QByteArray(3000, 'a')) << 431;
    }

    void rejectsMalformedAndOversized()
    {
        QFETCH(QByteArray, wire);
        QFETCH(int, status);
        HttpLimits limits;
        limits.maxBodyBytes = 1000;
        limits.maxHeaderBytes = 2048;
        HttpRequestParser::Result r;
        parseAll(wire, &r, limits);
        HttpRequestParser parser(limits);
        QByteArray input = wire;
        while ((r = parser.parse(input)) == HttpRequestParser::Result::HeadersComplete) { }
        QCOMPARE(r, HttpRequestParser::Result::Error);
        QCOMPARE(parser.errorStatus(), status);
        QVERIFY(!parser.errorMessage().isEmpty());
    }

    void servesKeepAliveAndPipelinedRequestsInOrder()
    {
        std::atomic<int> handled { 0 };
        HttpServer server({}, [&](HttpRequest &&request, HttpResponder responder) {
            ++handled;
            // Answer the first request late from another thread; the second must still come second.
            const bool slow = request.path == "/slow";
            std::thread([responder, slow, path = request.path] {
                if (slow)
                    std::this_thread::sleep_for(std::chrono::milliseconds(150));
                responder.respond(HttpResponse::text(200, "answer " + path));
            }).detach();
        });
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, server.port());
        QVERIFY(socket.waitForConnected(3000));
        socket.write("GET /slow HTTP/1.1\r\nHost: x\r\n\r\nGET /fast HTTP/1.1\r\nHost: x\r\n\r\n");
        QByteArray buffer;
        RawResponse first, second;
        QVERIFY(readResponse(socket, &first, 5000, &buffer));
        QVERIFY(readResponse(socket, &second, 5000, &buffer));
        QCOMPARE(first.body, QByteArray("answer /slow"));
        QCOMPARE(second.body, QByteArray("answer /fast"));
        QVERIFY(first.head.contains("Connection: keep-alive"));
        QCOMPARE(handled.load(), 2);
    }

    void headerCheckRefusesBeforeTheBody()
    {
        bool bodyHandled = false;
        HttpLimits limits;
        limits.maxBodyBytes = 1024;
        HttpServer server(
            limits,
            [&](HttpRequest &&, HttpResponder responder) {
                bodyHandled = true;
                responder.respond(HttpResponse::text(200, "ok"));
            },
            [](const HttpRequest &head) -> std::optional<HttpResponse> {
                if (head.header("host") != "localhost")
                    return HttpResponse::text(403, "bad host");
                return std::nullopt;
            });
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        {
            QTcpSocket socket;
            socket.connectToHost(QHostAddress::LocalHost, server.port());
            QVERIFY(socket.waitForConnected(3000));
            // The declared body is never sent: the answer must come anyway.
            socket.write("POST /x HTTP/1.1\r\nHost: evil.example\r\nContent-Length: 100\r\n\r\n");
            RawResponse r;
            QVERIFY(readResponse(socket, &r));
            QCOMPARE(r.status, 403);
            QVERIFY(r.head.contains("Connection: close"));
        }
        {
            QTcpSocket socket;
            socket.connectToHost(QHostAddress::LocalHost, server.port());
            QVERIFY(socket.waitForConnected(3000));
            socket.write("POST /x HTTP/1.1\r\nHost: localhost\r\nContent-Length: 999999\r\nExpect: "
                         "100-continue\r\n\r\n");
            RawResponse r;
            QVERIFY(readResponse(socket, &r));
            QCOMPARE(r.status, 413);
            QVERIFY(r.body.contains("larger than the limit"));
        }
        {
            QTcpSocket socket;
            socket.connectToHost(QHostAddress::LocalHost, server.port());
            QVERIFY(socket.waitForConnected(3000));
            socket.write(
                "POST /x HTTP/1.1\r\nHost: localhost\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n");
            RawResponse r;
            QVERIFY(readResponse(socket, &r));
            QCOMPARE(r.status, 100);
            socket.write("abc");
            QVERIFY(readResponse(socket, &r));
            QCOMPARE(r.status, 200);
        }
        QVERIFY(bodyHandled); // only the request with the right host reached the handler
    }

    void slowClientDoesNotBlockOthers()
    {
        HttpServer server({}, [](HttpRequest &&request, HttpResponder responder) {
            responder.respond(HttpResponse::text(200, request.body));
        });
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        QTcpSocket slow;
        slow.connectToHost(QHostAddress::LocalHost, server.port());
        QVERIFY(slow.waitForConnected(3000));
        slow.write("POST /slow HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nonly a little");
        slow.flush();
        QElapsedTimer timer;
        timer.start();
        for (int i = 0; i < 20; ++i) {
            QTcpSocket fast;
            fast.connectToHost(QHostAddress::LocalHost, server.port());
            QVERIFY(fast.waitForConnected(3000));
            fast.write("POST /fast HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nok");
            RawResponse r;
            QVERIFY(readResponse(fast, &r));
            QCOMPARE(r.body, QByteArray("ok"));
        }
        QVERIFY2(timer.elapsed() < 3000, "fast clients waited for the slow one");
        QCOMPARE(slow.state(), QAbstractSocket::ConnectedState);
    }

    void idleConnectionsAreClosed()
    {
        HttpServer server({},
            [](HttpRequest &&, HttpResponder responder) { responder.respond(HttpResponse::text(200, "")); });
        server.setIdleTimeoutMs(200);
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, server.port());
        QVERIFY(socket.waitForConnected(3000));
        QTRY_COMPARE(server.connectionCount(), 1);
        QVERIFY(socket.waitForDisconnected(3000));
        QTRY_COMPARE(server.connectionCount(), 0);
    }

    void malformedRequestGetsAnAnswerAndTheConnectionCloses()
    {
        HttpServer server({},
            [](HttpRequest &&, HttpResponder responder) { responder.respond(HttpResponse::text(200, "")); });
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, server.port());
        QVERIFY(socket.waitForConnected(3000));
        socket.write("NOT HTTP AT ALL\r\n\r\n");
        RawResponse r;
        QVERIFY(readResponse(socket, &r));
        QCOMPARE(r.status, 400);
        QVERIFY(socket.waitForDisconnected(3000) || socket.state() == QAbstractSocket::UnconnectedState);
    }

    void responderAfterDisconnectIsHarmless()
    {
        HttpResponder kept;
        QSemaphore got;
        HttpServer server({}, [&](HttpRequest &&, HttpResponder responder) {
            kept = responder;
            got.release();
        });
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        {
            QTcpSocket socket;
            socket.connectToHost(QHostAddress::LocalHost, server.port());
            QVERIFY(socket.waitForConnected(3000));
            socket.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            socket.flush();
            QVERIFY(got.tryAcquire(1, 3000));
            socket.abort();
        }
        QTRY_VERIFY(!kept.isConnected());
        kept.respond(HttpResponse::text(200, "nobody listens"));
    }
};

QTEST_GUILESS_MAIN(TestHttpServer)
#include "tst_httpserver.moc"
