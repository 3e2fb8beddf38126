#pragma once

#include "http/httpmessage.h"

#include <QString>

namespace tg {

struct HttpLimits
{
    qsizetype maxHeaderBytes = 64 * 1024;
    qsizetype maxBodyBytes
        = 64 * 1024 * 1024; ///< on the wire (compressed bodies are checked again when inflated)
    int maxHeaderCount = 100;
};

/// Incremental HTTP/1.x request parser: feed it bytes as they arrive. It frames the body by
/// Content-Length or chunked transfer encoding and enforces the limits as data comes in, so an
/// oversized request is refused before its body is read. Pure and allocation-bounded; fuzzed.
class HttpRequestParser
{
public:
    enum class Result {
        NeedMore, ///< consumed everything; feed more
        HeadersComplete, ///< request line and headers are in request(); the body follows
        RequestComplete, ///< a whole request; takeRequest() then keep parsing the rest
        Error, ///< errorStatus() and errorMessage() say why; close the connection after answering
    };

    explicit HttpRequestParser(HttpLimits limits = {});

    /// Consumes bytes from the front of `input`. Call again after HeadersComplete and after
    /// RequestComplete (pipelined requests may already be in `input`).
    Result parse(QByteArray &input);

    const HttpRequest &request() const { return m_request; }
    HttpRequest takeRequest();
    /// Declared body size (Content-Length), or -1 for chunked / none.
    qint64 declaredLength() const { return m_contentLength; }
    bool expectsContinue() const { return m_expectContinue; }
    int errorStatus() const { return m_errorStatus; }
    QString errorMessage() const { return m_errorMessage; }
    const HttpLimits &limits() const { return m_limits; }

private:
    enum class Phase { Head, Body, ChunkSize, ChunkData, ChunkDataEnd, Trailers, Done, Failed };

    Result fail(int status, const QString &message);
    Result parseHead(QByteArray &input);
    bool parseRequestLine(QByteArrayView line);

    HttpLimits m_limits;
    Phase m_phase = Phase::Head;
    HttpRequest m_request;
    qint64 m_contentLength = -1;
    qint64 m_chunkRemaining = 0;
    qsizetype m_trailerBytes = 0;
    bool m_expectContinue = false;
    int m_errorStatus = 0;
    QString m_errorMessage;
};

} // namespace tg
