#include "httpserver.h"

#include <QElapsedTimer>
#include <QMetaObject>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>
#include <QTimer>

#include <atomic>
#include <mutex>

namespace tg {

struct HttpConnectionHandle
{
    std::mutex mutex;
    HttpConnection *connection = nullptr;
};

/// One client connection, living on the server thread.
class HttpConnection : public QObject
{
public:
    HttpConnection(QTcpSocket *socket, HttpListener *listener);
    ~HttpConnection() override;
    void deliver(quint64 serial, HttpResponse response);
    void flushOut()
    {
        if (m_socket->state() == QAbstractSocket::ConnectedState && m_socket->bytesToWrite() > 0)
            m_socket->waitForBytesWritten(2000);
    }

private:
    void onReadyRead();
    void process();
    void write(const HttpResponse &response, bool close);
    void closeAfterWrite();

    QTcpSocket *m_socket;
    HttpListener *m_listener;
    HttpRequestParser m_parser;
    QByteArray m_input;
    std::shared_ptr<HttpConnectionHandle> m_handle;
    QTimer m_idle;
    quint64 m_serial = 0;
    bool m_busy = false;
    bool m_closing = false;
    bool m_requestKeepAlive = true;
};

class HttpListener : public QTcpServer
{
public:
    explicit HttpListener(HttpServer *server)
        : m_server(server)
    {
    }

    HttpServer *server() const { return m_server; }
    std::atomic<int> connections { 0 };
    std::atomic<int> idleTimeoutMs { 120'000 };
    std::atomic<int> maxConnections { 1024 };

protected:
    void incomingConnection(qintptr descriptor) override
    {
        auto *socket = new QTcpSocket;
        if (!socket->setSocketDescriptor(descriptor)) {
            delete socket;
            return;
        }
        if (connections.load() >= maxConnections.load()) {
            socket->write("HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nContent-Length: "
                          "0\r\nConnection: close\r\n\r\n");
            socket->disconnectFromHost();
            connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
            return;
        }
        new HttpConnection(socket, this);
    }

private:
    HttpServer *m_server;
};

HttpResponder::HttpResponder(std::shared_ptr<HttpConnectionHandle> handle, quint64 serial)
    : m_handle(std::move(handle))
    , m_serial(serial)
{
}

void HttpResponder::respond(HttpResponse response) const
{
    if (!m_handle)
        return;
    std::lock_guard lock(m_handle->mutex);
    HttpConnection *connection = m_handle->connection;
    if (!connection)
        return;
    // Posted while the connection cannot be destroyed (its destructor takes this lock); Qt drops
    // events of objects deleted before they are delivered.
    QMetaObject::invokeMethod(
        connection,
        [connection, serial = m_serial, response = std::move(response)]() mutable {
            connection->deliver(serial, std::move(response));
        },
        Qt::QueuedConnection);
}

bool HttpResponder::isConnected() const
{
    if (!m_handle)
        return false;
    std::lock_guard lock(m_handle->mutex);
    return m_handle->connection != nullptr;
}

HttpConnection::HttpConnection(QTcpSocket *socket, HttpListener *listener)
    : QObject(listener) // connections end with the listener
    , m_socket(socket)
    , m_listener(listener)
    , m_parser(listener->server()->m_limits)
    , m_handle(std::make_shared<HttpConnectionHandle>())
{
    m_handle->connection = this;
    ++m_listener->connections;
    socket->setParent(this);
    socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    m_idle.setSingleShot(true);
    m_idle.setInterval(m_listener->idleTimeoutMs.load());
    connect(&m_idle, &QTimer::timeout, this, [this] {
        if (m_busy) {
            m_idle.start();
            return;
        }
        m_socket->abort();
    });
    connect(socket, &QTcpSocket::readyRead, this, &HttpConnection::onReadyRead);
    connect(socket, &QTcpSocket::disconnected, this, &QObject::deleteLater);
    connect(socket, &QTcpSocket::errorOccurred, this, [this](QAbstractSocket::SocketError) {
        if (m_socket->state() != QAbstractSocket::ConnectedState)
            deleteLater();
    });
    m_idle.start();
    if (socket->bytesAvailable() > 0)
        onReadyRead();
}

HttpConnection::~HttpConnection()
{
    {
        std::lock_guard lock(m_handle->mutex);
        m_handle->connection = nullptr;
    }
    --m_listener->connections;
}

void HttpConnection::onReadyRead()
{
    m_idle.start();
    // While a request waits for its answer, further bytes stay in the socket (TCP pushes back).
    if (m_busy || m_closing)
        return;
    m_input.append(m_socket->readAll());
    process();
}

void HttpConnection::process()
{
    while (!m_busy && !m_closing) {
        if (m_input.isEmpty() && m_socket->bytesAvailable() > 0)
            m_input.append(m_socket->readAll());
        const HttpRequestParser::Result result = m_parser.parse(m_input);
        switch (result) {
        case HttpRequestParser::Result::NeedMore:
            if (m_socket->bytesAvailable() > 0) {
                m_input.append(m_socket->readAll());
                continue;
            }
            return;
        case HttpRequestParser::Result::HeadersComplete: {
            HttpServer *server = m_listener->server();
            if (server->m_check) {
                if (std::optional<HttpResponse> early = server->m_check(m_parser.request())) {
                    // The body (if any) is never read: answer and close.
                    write(*early, true);
                    return;
                }
            }
            if (m_parser.expectsContinue())
                m_socket->write("HTTP/1.1 100 Continue\r\n\r\n");
            continue;
        }
        case HttpRequestParser::Result::RequestComplete: {
            HttpRequest request = m_parser.takeRequest();
            request.peer = m_socket->peerAddress().toString().toLatin1();
            m_requestKeepAlive = request.keepAlive();
            m_busy = true;
            ++m_serial;
            m_listener->server()->m_handler(std::move(request), HttpResponder(m_handle, m_serial));
            return;
        }
        case HttpRequestParser::Result::Error: {
            const QByteArray message = m_parser.errorMessage().toUtf8() + '\n';
            write(HttpResponse::text(m_parser.errorStatus(), message), true);
            return;
        }
        }
    }
}

void HttpConnection::deliver(quint64 serial, HttpResponse response)
{
    if (!m_busy || serial != m_serial || m_closing)
        return; // answered already
    m_busy = false;
    write(response, response.closeConnection || !m_requestKeepAlive);
    if (!m_closing)
        QMetaObject::invokeMethod(this, &HttpConnection::process, Qt::QueuedConnection);
}

void HttpConnection::write(const HttpResponse &response, bool close)
{
    QByteArray out;
    out.reserve(256 + response.body.size());
    out += "HTTP/1.1 " + QByteArray::number(response.status) + ' ' + httpReasonPhrase(response.status)
        + "\r\n";
    if (!response.contentType.isEmpty())
        out += "Content-Type: " + response.contentType + "\r\n";
    for (const auto &h : response.headers)
        out += h.first + ": " + h.second + "\r\n";
    out += "Content-Length: " + QByteArray::number(response.body.size()) + "\r\n";
    out += close ? "Connection: close\r\n\r\n" : "Connection: keep-alive\r\n\r\n";
    out += response.body;
    m_socket->write(out);
    m_idle.start();
    if (close)
        closeAfterWrite();
}

void HttpConnection::closeAfterWrite()
{
    m_closing = true;
    m_socket->disconnectFromHost();
}

HttpServer::HttpServer(HttpLimits limits, Handler handler, HeaderCheck check, QObject *parent)
    : QObject(parent)
    , m_limits(limits)
    , m_handler(std::move(handler))
    , m_check(std::move(check))
    , m_thread(new QThread)
    , m_listener(new HttpListener(this))
{
    m_thread->setObjectName(QStringLiteral("tg-http"));
    m_listener->moveToThread(m_thread);
    m_thread->start();
}

HttpServer::~HttpServer()
{
    close();
    closeConnections();
    QMetaObject::invokeMethod(
        m_listener, [listener = m_listener] { delete listener; }, Qt::BlockingQueuedConnection);
    m_thread->quit();
    m_thread->wait();
    delete m_thread;
}

bool HttpServer::listen(const QHostAddress &address, quint16 port, QString *error)
{
    bool ok = false;
    QString message;
    QMetaObject::invokeMethod(
        m_listener,
        [&] {
            if (m_listener->isListening())
                m_listener->close();
            ok = m_listener->listen(address, port);
            if (!ok)
                message = m_listener->errorString();
        },
        Qt::BlockingQueuedConnection);
    if (!ok && error)
        *error = QStringLiteral("cannot listen on %1:%2: %3").arg(address.toString()).arg(port).arg(message);
    return ok;
}

void HttpServer::closeConnections()
{
    QMetaObject::invokeMethod(
        m_listener,
        [listener = m_listener] {
            // Answers already posted to the connections are handled before this runs (same
            // thread, earlier events); flush them out before closing.
            for (HttpConnection *connection :
                listener->findChildren<HttpConnection *>(Qt::FindDirectChildrenOnly)) {
                connection->flushOut();
                delete connection;
            }
        },
        Qt::BlockingQueuedConnection);
}

void HttpServer::close()
{
    QMetaObject::invokeMethod(
        m_listener, [listener = m_listener] { listener->close(); }, Qt::BlockingQueuedConnection);
}

bool HttpServer::isListening() const
{
    bool listening = false;
    QMetaObject::invokeMethod(
        m_listener, [&] { listening = m_listener->isListening(); }, Qt::BlockingQueuedConnection);
    return listening;
}

quint16 HttpServer::port() const
{
    quint16 port = 0;
    QMetaObject::invokeMethod(
        m_listener, [&] { port = m_listener->serverPort(); }, Qt::BlockingQueuedConnection);
    return port;
}

QHostAddress HttpServer::address() const
{
    QHostAddress address;
    QMetaObject::invokeMethod(
        m_listener, [&] { address = m_listener->serverAddress(); }, Qt::BlockingQueuedConnection);
    return address;
}

int HttpServer::connectionCount() const
{
    return m_listener->connections.load();
}

void HttpServer::setIdleTimeoutMs(int ms)
{
    m_listener->idleTimeoutMs = ms;
}

void HttpServer::setMaxConnections(int connections)
{
    m_listener->maxConnections = connections;
}

} // namespace tg
