#pragma once
// Shared by the receiver benchmarks: a fresh store path, a blocking keep-alive OTLP/HTTP client
// and pre-serialised batches.

#include "otlpbenchdata.h"

#include <QDir>
#include <QFile>
#include <QHostAddress>
#include <QTcpSocket>

#include <vector>

namespace tg::bench {

constexpr int kSpansPerBatch = 512;

inline QString freshStore(const QString &name)
{
    const QString dir = qEnvironmentVariable("TRACEGLASS_BENCH_DIR", QStringLiteral("/tmp/traceglass-bench"));
    QDir().mkpath(dir);
    const QString path = dir + u'/' + name;
    for (const QString &suffix : { QString(), QStringLiteral("-wal"), QStringLiteral("-shm"),
             QStringLiteral(".fts"), QStringLiteral(".fts-wal"), QStringLiteral(".fts-shm") })
        QFile::remove(path + suffix);
    return path;
}

/// A blocking keep-alive HTTP client for one thread.
class PostClient
{
public:
    explicit PostClient(quint16 port)
    {
        m_socket.connectToHost(QHostAddress::LocalHost, port);
        m_socket.waitForConnected(5000);
        m_prefix = "POST /v1/traces HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(port)
            + "\r\nContent-Type: application/x-protobuf\r\nContent-Length: ";
    }

    /// Sends one body and waits for the answer; returns the status code (0 on failure).
    int post(const QByteArray &body)
    {
        m_socket.write(m_prefix + QByteArray::number(body.size()) + "\r\n\r\n");
        m_socket.write(body);
        while (m_socket.bytesToWrite() > 0)
            if (!m_socket.waitForBytesWritten(10000))
                return 0;
        for (;;) {
            const qsizetype end = m_buffer.indexOf("\r\n\r\n");
            if (end >= 0) {
                const qsizetype at = m_buffer.indexOf("Content-Length: ");
                const qsizetype length
                    = m_buffer.mid(at + 16, m_buffer.indexOf('\r', at) - at - 16).toLongLong();
                if (m_buffer.size() >= end + 4 + length) {
                    const int status = m_buffer.mid(9, 3).toInt();
                    m_buffer.remove(0, end + 4 + length);
                    return status;
                }
            }
            if (!m_socket.waitForReadyRead(30000))
                return 0;
            m_buffer += m_socket.readAll();
        }
    }

private:
    QTcpSocket m_socket;
    QByteArray m_prefix;
    QByteArray m_buffer;
};

inline std::vector<QByteArray> makeBatches(int count, quint64 seedBase)
{
    std::vector<QByteArray> batches;
    batches.reserve(static_cast<size_t>(count));
    for (int i = 0; i < count; ++i)
        batches.push_back(otlpBatch(seedBase + i, kSpansPerBatch));
    return batches;
}

} // namespace tg::bench
