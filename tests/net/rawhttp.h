#pragma once
// A raw HTTP/1.1 client for tests: exact bytes out, one parsed response back.

#include <QByteArray>
#include <QElapsedTimer>
#include <QTcpSocket>

namespace tg::test {

struct RawResponse
{
    int status = 0;
    QByteArray head;
    QByteArray body;

    QByteArray header(const QByteArray &name) const
    {
        for (const QByteArray &line : head.split('\n')) {
            const qsizetype colon = line.indexOf(':');
            if (colon > 0 && line.left(colon).trimmed().toLower() == name.toLower())
                return line.mid(colon + 1).trimmed();
        }
        return {};
    }
};

/// Reads one response (status line, headers, Content-Length body); `buffer` keeps bytes of the
/// next pipelined response.
inline bool readResponse(
    QTcpSocket &socket, RawResponse *out, int timeoutMs = 10000, QByteArray *buffer = nullptr)
{
    QByteArray local;
    QByteArray &data = buffer ? *buffer : local;
    QElapsedTimer timer;
    timer.start();
    for (;;) {
        const qsizetype end = data.indexOf("\r\n\r\n");
        if (end >= 0) {
            const QByteArray head = data.left(end);
            const qsizetype lengthAt = head.toLower().indexOf("content-length:");
            qsizetype length = 0;
            if (lengthAt >= 0) {
                const qsizetype lineEnd = head.indexOf('\r', lengthAt);
                length = head.mid(lengthAt + 15, (lineEnd < 0 ? head.size() : lineEnd) - lengthAt - 15)
                             .trimmed()
                             .toLongLong();
            }
            if (data.size() >= end + 4 + length) {
                out->head = head;
                out->status = head.mid(9, 3).toInt();
                out->body = data.mid(end + 4, length);
                data.remove(0, end + 4 + length);
                return true;
            }
        }
        if (timer.elapsed() > timeoutMs)
            return false;
        if (!socket.waitForReadyRead(100) && socket.state() != QAbstractSocket::ConnectedState
            && socket.bytesAvailable() == 0)
            return false;
        data += socket.readAll();
    }
}

/// Sends one request with the given headers and body and returns the response.
inline RawResponse request(quint16 port, const QByteArray &method, const QByteArray &path,
    const QByteArray &body = {}, const QList<std::pair<QByteArray, QByteArray>> &headers = {},
    bool defaultHost = true)
{
    QTcpSocket socket;
    socket.connectToHost(QStringLiteral("127.0.0.1"), port);
    RawResponse response;
    if (!socket.waitForConnected(5000))
        return response;
    QByteArray out = method + ' ' + path + " HTTP/1.1\r\n";
    if (defaultHost)
        out += "Host: 127.0.0.1:" + QByteArray::number(port) + "\r\n";
    for (const auto &h : headers)
        out += h.first + ": " + h.second + "\r\n";
    out += "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body;
    socket.write(out);
    readResponse(socket, &response);
    return response;
}

} // namespace tg::test
