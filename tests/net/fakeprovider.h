#pragma once
// A FAKE LLM provider for the replay tests: no real provider can run here (no network, no keys,
// no GPU), so this small QTcpServer-based HTTP/1.1 server plays OpenAI-compatible and Anthropic
// endpoints from scripts: JSON answers with any status and headers, SSE streams sent in chunks
// (chunked transfer encoding) with delays between them, streams dropped mid-way (the connection
// closes before the terminating chunk), stalls, and connections that never get an answer. It records
// every request (method, path, headers, exact body) and how many ran at once. Header-only, no
// Q_OBJECT; it answers in the thread that created it.

#include <QElapsedTimer>
#include <QHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

#include <functional>
#include <memory>

namespace tg::test {

struct ProviderRequest
{
    QByteArray method;
    QString path; ///< without the query
    QString query;
    QHash<QByteArray, QByteArray> headers; ///< lower-case names
    QByteArray body;

    QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
};

struct ProviderResponse
{
    enum class Mode {
        Json, ///< status, headers and body with Content-Length
        Stream, ///< 200 text/event-stream, `chunks` one by one, `delayMs` apart
        Silent, ///< read the request, never answer
    };

    Mode mode = Mode::Json;
    int status = 200;
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;
    QList<QByteArray> chunks;
    int delayMs = 0;
    int dropAfter = -1; ///< Stream: close the connection after this many chunks (no end)
    int stallAfter = -1; ///< Stream: after this many chunks send nothing more, keep the connection
    QByteArray contentType = "application/json";

    static ProviderResponse json(int status, const QByteArray &body)
    {
        ProviderResponse r;
        r.status = status;
        r.body = body;
        return r;
    }
    static ProviderResponse stream(QList<QByteArray> chunks, int delayMs = 0)
    {
        ProviderResponse r;
        r.mode = Mode::Stream;
        r.chunks = std::move(chunks);
        r.delayMs = delayMs;
        r.contentType = "text/event-stream";
        return r;
    }
    ProviderResponse &header(const QByteArray &name, const QByteArray &value)
    {
        headers.append({ name, value });
        return *this;
    }
};

/// "data: <json>\n\n"
inline QByteArray sseData(const QByteArray &json)
{
    return "data: " + json + "\n\n";
}

/// "event: <name>\ndata: <json>\n\n" (Anthropic style)
inline QByteArray sseEvent(const QByteArray &name, const QByteArray &json)
{
    return "event: " + name + "\ndata: " + json + "\n\n";
}

/// Inline JSON with single quotes for readability.
inline QByteArray q(const char *text)
{
    return QByteArray(text).replace('\'', '"');
}

class FakeProvider
{
public:
    using Handler = std::function<ProviderResponse(const ProviderRequest &)>;

    explicit FakeProvider(Handler handler = {})
        : m_handler(std::move(handler))
        , m_server(std::make_unique<QTcpServer>())
    {
        QObject::connect(m_server.get(), &QTcpServer::newConnection, m_server.get(), [this] { accept(); });
        m_server->listen(QHostAddress::LocalHost, 0);
    }
    ~FakeProvider()
    {
        m_server->close();
        for (const QPointer<QTcpSocket> &s : std::as_const(m_sockets)) {
            if (s)
                s->abort();
        }
    }

    bool isListening() const { return m_server->isListening(); }
    QString url() const { return QStringLiteral("http://127.0.0.1:%1").arg(m_server->serverPort()); }
    void setHandler(Handler handler) { m_handler = std::move(handler); }
    QList<ProviderRequest> requests() const { return m_requests; }
    QList<ProviderRequest> requestsTo(const QString &path) const
    {
        QList<ProviderRequest> out;
        for (const ProviderRequest &r : m_requests) {
            if (r.path == path)
                out << r;
        }
        return out;
    }
    ProviderRequest last() const { return m_requests.isEmpty() ? ProviderRequest() : m_requests.last(); }
    int requestCount() const { return int(m_requests.size()); }
    void clear()
    {
        m_requests.clear();
        m_maxConcurrent = 0;
    }
    /// The most requests that were being answered at the same time.
    int maxConcurrent() const { return m_maxConcurrent; }
    /// Connections whose client went away before the answer ended (a cancel).
    int clientAborts() const { return m_clientAborts; }

private:
    struct Connection
    {
        QByteArray buffer;
        bool answering = false;
        bool done = false;
    };

    void accept()
    {
        while (QTcpSocket *socket = m_server->nextPendingConnection()) {
            m_sockets << socket;
            auto state = std::make_shared<Connection>();
            QObject::connect(
                socket, &QTcpSocket::readyRead, socket, [this, socket, state] { read(socket, state); });
            QObject::connect(socket, &QTcpSocket::disconnected, socket, [this, socket, state] {
                if (state->answering && !state->done) {
                    ++m_clientAborts;
                    state->done = true;
                    --m_active;
                }
                socket->deleteLater();
            });
        }
    }

    void read(QTcpSocket *socket, const std::shared_ptr<Connection> &state)
    {
        state->buffer += socket->readAll();
        if (state->answering)
            return;
        const qsizetype end = state->buffer.indexOf("\r\n\r\n");
        if (end < 0)
            return;
        ProviderRequest request;
        const QList<QByteArray> lines = state->buffer.left(end).split('\n');
        const QList<QByteArray> first = lines.value(0).trimmed().split(' ');
        request.method = first.value(0);
        const QByteArray target = first.value(1);
        const qsizetype question = target.indexOf('?');
        request.path = QString::fromUtf8(question < 0 ? target : target.left(question));
        request.query = question < 0 ? QString() : QString::fromUtf8(target.mid(question + 1));
        qsizetype length = 0;
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const qsizetype colon = lines[i].indexOf(':');
            if (colon <= 0)
                continue;
            const QByteArray name = lines[i].left(colon).trimmed().toLower();
            request.headers.insert(name, lines[i].mid(colon + 1).trimmed());
            if (name == "content-length")
                length = lines[i].mid(colon + 1).trimmed().toLongLong();
        }
        if (state->buffer.size() < end + 4 + length)
            return;
        request.body = state->buffer.mid(end + 4, length);
        state->answering = true;
        m_requests << request;
        ++m_active;
        m_maxConcurrent = std::max(m_maxConcurrent, m_active);
        const ProviderResponse response = m_handler ? m_handler(request) : ProviderResponse::json(404, "{}");
        answer(socket, state, response);
    }

    void finish(QTcpSocket *socket, const std::shared_ptr<Connection> &state, bool close)
    {
        if (!state->done) {
            state->done = true;
            --m_active;
        }
        if (close) {
            socket->flush();
            socket->disconnectFromHost();
        }
    }

    void answer(QTcpSocket *socket, const std::shared_ptr<Connection> &state, const ProviderResponse &r)
    {
        if (r.mode == ProviderResponse::Mode::Silent)
            return;
        QByteArray head = "HTTP/1.1 " + QByteArray::number(r.status)
            + " Fake\r\nContent-Type: " + r.contentType + "\r\nConnection: close\r\n";
        for (const auto &[name, value] : r.headers)
            head += name + ": " + value + "\r\n";
        if (r.mode == ProviderResponse::Mode::Json) {
            socket->write(
                head + "Content-Length: " + QByteArray::number(r.body.size()) + "\r\n\r\n" + r.body);
            finish(socket, state, true);
            return;
        }
        socket->write(head + "Cache-Control: no-cache\r\nTransfer-Encoding: chunked\r\n\r\n");
        socket->flush();
        sendChunk(QPointer<QTcpSocket>(socket), state, r, 0);
    }

    void sendChunk(
        QPointer<QTcpSocket> socket, std::shared_ptr<Connection> state, ProviderResponse r, int index)
    {
        if (!socket || state->done)
            return;
        if (index == r.dropAfter) {
            finish(socket, state, false);
            socket->abort();
            return;
        }
        if (index == r.stallAfter)
            return;
        if (index >= r.chunks.size()) {
            socket->write("0\r\n\r\n");
            finish(socket, state, true);
            return;
        }
        const QByteArray &chunk = r.chunks[index];
        socket->write(QByteArray::number(chunk.size(), 16) + "\r\n" + chunk + "\r\n");
        socket->flush();
        if (r.delayMs <= 0) {
            sendChunk(socket, state, r, index + 1);
            return;
        }
        QTimer::singleShot(
            r.delayMs, socket, [this, socket, state, r, index] { sendChunk(socket, state, r, index + 1); });
    }

    Handler m_handler;
    std::unique_ptr<QTcpServer> m_server;
    QList<QPointer<QTcpSocket>> m_sockets;
    QList<ProviderRequest> m_requests;
    int m_active = 0;
    int m_maxConcurrent = 0;
    int m_clientAborts = 0;
};

} // namespace tg::test
