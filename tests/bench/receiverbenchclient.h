#pragma once
// Shared by the receiver benchmarks: a fresh store path, a blocking keep-alive OTLP/HTTP client
// and pre-serialised batches.

#include "otlpbenchdata.h"

#include <QDir>
#include <QFile>
#include <QHostAddress>

#include <arpa/inet.h>
#include <cerrno>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>
#include <vector>

namespace tg::bench {

constexpr int kSpansPerBatch = 512;

inline QString freshStore(const QString &name)
{
    const QString path = benchDir() + u'/' + name;
    removeStoreFiles(path);
    return path;
}

/// A blocking keep-alive HTTP client for one thread, on plain sockets: the load generator shares
/// the two cores with the receiver, so it should cost as little as a remote client would here.
class PostClient
{
public:
    explicit PostClient(quint16 port)
    {
        m_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in address {};
        address.sin_family = AF_INET;
        address.sin_port = htons(port);
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (m_fd < 0 || ::connect(m_fd, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0)
            qFatal("bench client: cannot connect to port %u", port);
        const int one = 1;
        ::setsockopt(m_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        m_prefix = "POST /v1/traces HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(port)
            + "\r\nContent-Type: application/x-protobuf\r\nContent-Length: ";
    }
    ~PostClient()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    PostClient(const PostClient &) = delete;
    PostClient &operator=(const PostClient &) = delete;

    /// Sends one body and waits for the answer; returns the status code (0 on failure).
    int post(const QByteArray &body)
    {
        const QByteArray head = m_prefix + QByteArray::number(body.size()) + "\r\n\r\n";
        iovec parts[2] = { { const_cast<char *>(head.constData()), static_cast<size_t>(head.size()) },
            { const_cast<char *>(body.constData()), static_cast<size_t>(body.size()) } };
        size_t first = 0;
        while (first < 2) {
            const ssize_t sent = ::writev(m_fd, parts + first, static_cast<int>(2 - first));
            if (sent < 0) {
                if (errno == EINTR)
                    continue;
                return 0;
            }
            size_t left = static_cast<size_t>(sent);
            while (first < 2 && left >= parts[first].iov_len)
                left -= parts[first++].iov_len;
            if (first < 2) {
                parts[first].iov_base = static_cast<char *>(parts[first].iov_base) + left;
                parts[first].iov_len -= left;
            }
        }
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
            char chunk[4096];
            const ssize_t got = ::read(m_fd, chunk, sizeof chunk);
            if (got < 0 && errno == EINTR)
                continue;
            if (got <= 0)
                return 0;
            m_buffer.append(chunk, got);
        }
    }

private:
    int m_fd = -1;
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
