#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>

#include <utility>

namespace tg {

using HttpHeaders = QList<std::pair<QByteArray, QByteArray>>;

/// A parsed HTTP/1.x request. Header names are lower-cased; values are trimmed.
struct HttpRequest
{
    QByteArray method;
    QByteArray target; ///< as sent: path and query
    QByteArray path; ///< percent-decoding is left to the router
    QByteArray query;
    int versionMinor = 1;
    HttpHeaders headers;
    QByteArray body;
    QByteArray peer; ///< remote address, for logs

    /// The first value of a header (name in lower case), or a null array.
    QByteArray header(QByteArrayView lowerName) const;
    bool keepAlive() const;
};

/// A response to write. Content-Length and Connection are added by the server.
struct HttpResponse
{
    int status = 200;
    QByteArray contentType;
    QByteArray body;
    HttpHeaders headers;
    bool closeConnection = false;

    static HttpResponse text(int status, const QByteArray &message);
    static HttpResponse json(int status, const QByteArray &body);
};

/// The reason phrase of a status code ("Not Found").
QByteArray httpReasonPhrase(int status);

} // namespace tg
