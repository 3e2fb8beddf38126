#pragma once
// A scripted HTTP/1.1 server for the Langfuse client tests: our own small QTcpServer-based
// server, for what a spec-driven mock (Prism) cannot do: chosen status codes per request
// (401, 403, 404, 429 + Retry-After, 5xx), truncated bodies, slow, silent and reset connections.
// It answers in whatever thread it was created in, keeps connections alive, and records every
// request it saw. No Q_OBJECT: it is header-only and used by several test programs.

#include <QDateTime>
#include <QElapsedTimer>
#include <QHash>
#include <QList>
#include <QMutex>
#include <QMutexLocker>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>
#include <QUrl>
#include <QUrlQuery>

#include <functional>
#include <memory>

namespace tg {
namespace test {

struct FakeRequest
{
    QByteArray method;
    QString path; ///< without the query
    QUrlQuery query;
    QHash<QByteArray, QByteArray> headers; ///< lower-case names
    qint64 atMs = 0; ///< when it arrived, ms since the server started

    QString param(const QString &key) const { return query.queryItemValue(key, QUrl::FullyDecoded); }
};

struct FakeResponse
{
    enum class Behaviour {
        Normal,
        Truncated, ///< Content-Length promises more than is sent, then the connection closes
        Reset, ///< the connection is dropped without an answer
        Silent, ///< no answer at all; the connection stays open
        SlowBody, ///< headers at once, then the body in pieces `delayMs` apart
    };

    int status = 200;
    QByteArray body;
    QList<QPair<QByteArray, QByteArray>> headers;
    Behaviour behaviour = Behaviour::Normal;
    int delayMs = 0; ///< Normal: wait before answering; SlowBody: between pieces

    static FakeResponse json(int status, const QByteArray &body)
    {
        FakeResponse r;
        r.status = status;
        r.body = body;
        return r;
    }
    FakeResponse &header(const QByteArray &name, const QByteArray &value)
    {
        headers.append({ name, value });
        return *this;
    }
};

class FakeLangfuseServer
{
public:
    using Handler = std::function<FakeResponse(const FakeRequest &)>;

    explicit FakeLangfuseServer(Handler handler = {})
        : m_handler(std::move(handler))
        , m_server(std::make_unique<QTcpServer>())
    {
        m_clock.start();
        QObject::connect(m_server.get(), &QTcpServer::newConnection, m_server.get(), [this] { accept(); });
        m_server->listen(QHostAddress::LocalHost, 0);
    }
    ~FakeLangfuseServer()
    {
        m_server->close();
        for (const QPointer<QTcpSocket> &s : std::as_const(m_sockets)) {
            if (s)
                s->abort();
        }
    }

    bool isListening() const { return m_server->isListening(); }
    quint16 port() const { return m_server->serverPort(); }
    QString url() const { return QStringLiteral("http://127.0.0.1:%1").arg(port()); }
    void setHandler(Handler handler)
    {
        QMutexLocker lock(&m_mutex);
        m_handler = std::move(handler);
    }

    QList<FakeRequest> requests() const
    {
        QMutexLocker lock(&m_mutex);
        return m_requests;
    }
    QList<FakeRequest> requestsTo(const QString &path) const
    {
        QList<FakeRequest> out;
        for (const FakeRequest &r : requests()) {
            if (r.path == path)
                out << r;
        }
        return out;
    }
    int requestCount() const
    {
        QMutexLocker lock(&m_mutex);
        return int(m_requests.size());
    }
    void clearRequests()
    {
        QMutexLocker lock(&m_mutex);
        m_requests.clear();
    }
    /// Most connections open at once so far.
    int maxConcurrentRequests() const
    {
        QMutexLocker lock(&m_mutex);
        return m_maxInFlight;
    }

private:
    void accept()
    {
        while (QTcpSocket *socket = m_server->nextPendingConnection()) {
            m_sockets << socket;
            QObject::connect(socket, &QTcpSocket::readyRead, socket, [this, socket] { read(socket); });
            QObject::connect(socket, &QTcpSocket::disconnected, socket, [this, socket] {
                if (socket->property("tgBusy").toBool())
                    finishRequest(socket);
                socket->deleteLater();
            });
        }
    }

    void finishRequest(QTcpSocket *socket)
    {
        socket->setProperty("tgBusy", false);
        QMutexLocker lock(&m_mutex);
        --m_inFlight;
    }

    void read(QTcpSocket *socket)
    {
        QByteArray &buffer = m_buffers[socket];
        buffer += socket->readAll();
        for (;;) {
            if (socket->property("tgBusy").toBool())
                return; // one request at a time per connection (HTTP/1.1 without pipelining)
            const qsizetype end = buffer.indexOf("\r\n\r\n");
            if (end < 0)
                return;
            const QByteArray head = buffer.left(end);
            buffer.remove(0, end + 4);
            const QList<QByteArray> lines = head.split('\n');
            const QList<QByteArray> requestLine = lines.value(0).trimmed().split(' ');
            FakeRequest request;
            request.method = requestLine.value(0);
            const QUrl target(QString::fromLatin1(requestLine.value(1)));
            request.path = target.path();
            request.query = QUrlQuery(target.query(QUrl::FullyEncoded));
            for (qsizetype i = 1; i < lines.size(); ++i) {
                const QByteArray line = lines[i].trimmed();
                const qsizetype colon = line.indexOf(':');
                if (colon > 0)
                    request.headers.insert(
                        line.left(colon).trimmed().toLower(), line.mid(colon + 1).trimmed());
            }
            const int contentLength = request.headers.value("content-length").toInt();
            if (contentLength > 0)
                buffer.remove(0, std::min<qsizetype>(contentLength, buffer.size()));
            request.atMs = m_clock.elapsed();
            Handler handler;
            {
                QMutexLocker lock(&m_mutex);
                m_requests << request;
                ++m_inFlight;
                m_maxInFlight = std::max(m_maxInFlight, m_inFlight);
                handler = m_handler;
            }
            socket->setProperty("tgBusy", true);
            const FakeResponse response = handler ? handler(request) : FakeResponse::json(404, "{}");
            respond(socket, response);
        }
    }

    static QByteArray reason(int status)
    {
        switch (status) {
        case 200:
            return "OK";
        case 400:
            return "Bad Request";
        case 401:
            return "Unauthorized";
        case 403:
            return "Forbidden";
        case 404:
            return "Not Found";
        case 429:
            return "Too Many Requests";
        case 500:
            return "Internal Server Error";
        case 502:
            return "Bad Gateway";
        case 503:
            return "Service Unavailable";
        case 504:
            return "Gateway Timeout";
        default:
            return "Status";
        }
    }

    void respond(QTcpSocket *socket, const FakeResponse &response)
    {
        using B = FakeResponse::Behaviour;
        QPointer<QTcpSocket> guard = socket;
        if (response.behaviour == B::Reset) {
            finishRequest(socket);
            socket->abort();
            return;
        }
        if (response.behaviour == B::Silent)
            return;
        QByteArray head
            = "HTTP/1.1 " + QByteArray::number(response.status) + ' ' + reason(response.status) + "\r\n";
        head += "Content-Type: application/json\r\n";
        const qsizetype promised
            = response.behaviour == B::Truncated ? response.body.size() * 2 + 100 : response.body.size();
        head += "Content-Length: " + QByteArray::number(promised) + "\r\n";
        for (const auto &h : response.headers)
            head += h.first + ": " + h.second + "\r\n";
        head += "\r\n";
        auto send = [this, guard, response, head] {
            QTcpSocket *s = guard.data();
            if (!s)
                return;
            if (response.behaviour == B::SlowBody) {
                s->write(head);
                sendSlowly(guard, response.body, response.delayMs);
                return;
            }
            s->write(head + response.body);
            if (response.behaviour == B::Truncated) {
                s->flush();
                finishRequest(s);
                s->disconnectFromHost();
                return;
            }
            finishRequest(s);
            continueReading(s);
        };
        if (response.delayMs > 0 && response.behaviour == B::Normal)
            QTimer::singleShot(response.delayMs, socket, send);
        else
            send();
    }

    void sendSlowly(QPointer<QTcpSocket> socket, QByteArray rest, int delayMs)
    {
        QTcpSocket *s = socket.data();
        if (!s)
            return;
        if (rest.isEmpty()) {
            finishRequest(s);
            continueReading(s);
            return;
        }
        const QByteArray piece = rest.left(16);
        rest.remove(0, piece.size());
        s->write(piece);
        QTimer::singleShot(
            delayMs, socket, [this, socket, rest, delayMs] { sendSlowly(socket, rest, delayMs); });
    }

    /// After an answer, requests that arrived meanwhile on the same connection get theirs.
    void continueReading(QTcpSocket *socket)
    {
        QPointer<QTcpSocket> guard = socket;
        QTimer::singleShot(0, socket, [this, guard] {
            if (guard && !m_buffers.value(guard).isEmpty())
                read(guard);
        });
    }

    Handler m_handler;
    std::unique_ptr<QTcpServer> m_server;
    QElapsedTimer m_clock;
    mutable QMutex m_mutex;
    QList<FakeRequest> m_requests;
    QHash<QTcpSocket *, QByteArray> m_buffers;
    QList<QPointer<QTcpSocket>> m_sockets;
    int m_inFlight = 0;
    int m_maxInFlight = 0;
};

} // namespace test
} // namespace tg
