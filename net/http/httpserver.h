#pragma once

#include "http/httpmessage.h"
#include "http/httprequestparser.h"

#include <QHostAddress>
#include <QObject>

#include <functional>
#include <memory>
#include <optional>

class QThread;

namespace tg {

class HttpConnection;
class HttpListener;

/// Shared by a connection and the responders of its requests; cleared when the connection goes.
struct HttpConnectionHandle;

/// Answers one request, from any thread, once. A responder whose connection has closed does
/// nothing.
class HttpResponder
{
public:
    HttpResponder() = default;
    void respond(HttpResponse response) const;
    bool isConnected() const;

private:
    friend class HttpConnection;
    HttpResponder(std::shared_ptr<HttpConnectionHandle> handle, quint64 serial);

    std::shared_ptr<HttpConnectionHandle> m_handle;
    quint64 m_serial = 0;
};

/// A small HTTP/1.1 server on its own thread, built for ingest: bodies are framed and limited
/// while they arrive (an oversized request is refused before its body is read, Expect:
/// 100-continue is answered), every connection is independent (a slow client never holds up
/// the others), requests of one connection are answered in order, and the answer may come
/// later from any thread (after the data is committed). Keep-alive, chunked bodies and
/// pipelining are supported; idle connections are closed.
class HttpServer : public QObject
{
    Q_OBJECT

public:
    /// Called on the server thread for each complete request.
    using Handler = std::function<void(HttpRequest &&request, HttpResponder responder)>;
    /// Called on the server thread when the headers are in (body not read yet); an answer
    /// here ends the request and the connection (Host checks, unknown paths, wrong methods).
    using HeaderCheck = std::function<std::optional<HttpResponse>(const HttpRequest &head)>;

    HttpServer(HttpLimits limits, Handler handler, HeaderCheck check = {}, QObject *parent = nullptr);
    ~HttpServer() override;

    /// Starts listening (port 0 picks a free one); false and `error` on failure.
    bool listen(const QHostAddress &address, quint16 port, QString *error = nullptr);
    /// Stops accepting connections; open ones stay until closeConnections() or destruction.
    void close();
    void closeConnections();
    bool isListening() const;
    quint16 port() const;
    QHostAddress address() const;
    int connectionCount() const;
    void setIdleTimeoutMs(int ms);
    void setMaxConnections(int connections);

private:
    friend class HttpListener;
    friend class HttpConnection;
    HttpLimits m_limits;
    Handler m_handler;
    HeaderCheck m_check;
    QThread *m_thread;
    HttpListener *m_listener;
};

} // namespace tg
