#include "httprequestparser.h"

namespace tg {

namespace {

// Chunk size lines are a hex number and extensions nobody needs; longer ones are garbage.
constexpr qsizetype kMaxChunkLine = 1024;

bool isTokenChar(char c)
{
    const auto u = static_cast<unsigned char>(c);
    if (u <= 32 || u >= 127)
        return false;
    switch (c) {
    case '(':
    case ')':
    case '<':
    case '>':
    case '@':
    case ',':
    case ';':
    case ':':
    case '\\':
    case '"':
    case '/':
    case '[':
    case ']':
    case '?':
    case '=':
    case '{':
    case '}':
        return false;
    default:
        return true;
    }
}

/// Field values may hold visible characters, spaces, tabs and obs-text, not CR, LF, NUL or other
/// controls (RFC 9110 §5.5).
bool isFieldValue(QByteArrayView value)
{
    for (const char c : value) {
        const auto u = static_cast<unsigned char>(c);
        if ((u < 32 && c != '\t') || u == 127)
            return false;
    }
    return true;
}

QByteArrayView trimmed(QByteArrayView v)
{
    while (!v.isEmpty() && (v.front() == ' ' || v.front() == '\t'))
        v = v.sliced(1);
    while (!v.isEmpty() && (v.back() == ' ' || v.back() == '\t' || v.back() == '\r'))
        v.chop(1);
    return v;
}

/// Position of the end of the header block ("\r\n\r\n" or "\n\n"), and the length of that marker.
qsizetype findHeadEnd(const QByteArray &input, qsizetype *markerLength)
{
    const qsizetype crlf = input.indexOf("\r\n\r\n");
    const qsizetype lf = input.indexOf("\n\n");
    if (crlf >= 0 && (lf < 0 || crlf <= lf)) {
        *markerLength = 4;
        return crlf;
    }
    if (lf >= 0) {
        *markerLength = 2;
        return lf;
    }
    return -1;
}

} // namespace

HttpRequestParser::HttpRequestParser(HttpLimits limits)
    : m_limits(limits)
{
}

HttpRequestParser::Result HttpRequestParser::fail(int status, const QString &message)
{
    m_phase = Phase::Failed;
    m_errorStatus = status;
    m_errorMessage = message;
    return Result::Error;
}

HttpRequest HttpRequestParser::takeRequest()
{
    HttpRequest request = std::move(m_request);
    m_request = HttpRequest {};
    m_phase = Phase::Head;
    m_contentLength = -1;
    m_chunkRemaining = 0;
    m_expectContinue = false;
    m_trailerBytes = 0;
    return request;
}

bool HttpRequestParser::parseRequestLine(QByteArrayView line)
{
    const qsizetype firstSpace = line.indexOf(' ');
    const qsizetype lastSpace = line.lastIndexOf(' ');
    if (firstSpace <= 0 || lastSpace <= firstSpace)
        return false;
    const QByteArrayView method = line.first(firstSpace);
    const QByteArrayView target = line.sliced(firstSpace + 1, lastSpace - firstSpace - 1);
    const QByteArrayView version = line.sliced(lastSpace + 1);
    for (const char c : method) {
        if (!isTokenChar(c))
            return false;
    }
    if (target.isEmpty())
        return false;
    for (const char c : target) {
        const auto u = static_cast<unsigned char>(c);
        if (u <= 32 || u == 127) // whitespace and control characters (RFC 9112 §3.2)
            return false;
    }
    if (version == "HTTP/1.1")
        m_request.versionMinor = 1;
    else if (version == "HTTP/1.0")
        m_request.versionMinor = 0;
    else
        return false;
    m_request.method = method.toByteArray();
    m_request.target = target.toByteArray();
    const qsizetype question = target.indexOf('?');
    m_request.path = (question >= 0 ? target.first(question) : target).toByteArray();
    if (question >= 0)
        m_request.query = target.sliced(question + 1).toByteArray();
    return true;
}

HttpRequestParser::Result HttpRequestParser::parseHead(QByteArray &input)
{
    // Tolerate blank lines before a request (RFC 9112 §2.2), CRLF and bare LF in any mix.
    qsizetype blank = 0;
    while (blank < input.size()
        && (input.at(blank) == '\n'
            || (input.at(blank) == '\r' && blank + 1 < input.size() && input.at(blank + 1) == '\n')))
        blank += input.at(blank) == '\r' ? 2 : 1;
    if (blank > 0)
        input.remove(0, blank);
    qsizetype markerLength = 0;
    const qsizetype end = findHeadEnd(input, &markerLength);
    if (end < 0) {
        // A marker still to come starts at size - 3 at the earliest: fail only when that is past
        // the limit too, so the outcome does not depend on where the reads were cut.
        if (input.size() - 3 > m_limits.maxHeaderBytes)
            return fail(
                431, QStringLiteral("request headers are larger than %1 bytes").arg(m_limits.maxHeaderBytes));
        return Result::NeedMore;
    }
    if (end > m_limits.maxHeaderBytes)
        return fail(
            431, QStringLiteral("request headers are larger than %1 bytes").arg(m_limits.maxHeaderBytes));

    const QByteArrayView head(input.constData(), end);
    qsizetype lineStart = 0;
    bool first = true;
    while (lineStart <= head.size()) {
        qsizetype lineEnd = head.indexOf('\n', lineStart);
        if (lineEnd < 0)
            lineEnd = head.size();
        QByteArrayView line = head.sliced(lineStart, lineEnd - lineStart);
        if (line.endsWith('\r'))
            line.chop(1);
        lineStart = lineEnd + 1;
        if (first) {
            first = false;
            if (!parseRequestLine(line))
                return fail(400, QStringLiteral("malformed request line"));
            continue;
        }
        if (line.isEmpty())
            continue;
        if (line.front() == ' ' || line.front() == '\t')
            return fail(400, QStringLiteral("obsolete header line folding is not accepted"));
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            return fail(400, QStringLiteral("malformed header line"));
        const QByteArrayView name = line.first(colon);
        for (const char c : name) {
            if (!isTokenChar(c))
                return fail(400, QStringLiteral("malformed header name"));
        }
        // A bare CR or a NUL in a value is how requests get smuggled past other parsers.
        if (!isFieldValue(line.sliced(colon + 1)))
            return fail(400, QStringLiteral("header value with a control character"));
        if (m_request.headers.size() >= m_limits.maxHeaderCount)
            return fail(431, QStringLiteral("more than %1 request headers").arg(m_limits.maxHeaderCount));
        m_request.headers.append(
            { name.toByteArray().toLower(), trimmed(line.sliced(colon + 1)).toByteArray() });
    }
    input.remove(0, end + markerLength);

    const QByteArray transferEncoding = m_request.header("transfer-encoding").toLower();
    const QByteArray contentLength = m_request.header("content-length");
    m_expectContinue = m_request.header("expect").toLower() == "100-continue";
    if (!transferEncoding.isEmpty()) {
        if (transferEncoding != "chunked")
            return fail(501,
                QStringLiteral("transfer encoding \"%1\" is not supported")
                    .arg(QString::fromLatin1(transferEncoding)));
        if (!contentLength.isNull())
            return fail(400, QStringLiteral("both Content-Length and Transfer-Encoding given"));
        m_phase = Phase::ChunkSize;
    } else if (!contentLength.isNull()) {
        bool ok = false;
        const qint64 length = contentLength.toLongLong(&ok);
        if (!ok || length < 0 || contentLength.contains('+') || contentLength.contains(' '))
            return fail(400, QStringLiteral("invalid Content-Length"));
        for (const auto &h : m_request.headers) {
            if (h.first == "content-length" && h.second != contentLength)
                return fail(400, QStringLiteral("conflicting Content-Length headers"));
        }
        if (length > m_limits.maxBodyBytes)
            return fail(413,
                QStringLiteral("request body of %1 bytes is larger than the limit of %2 bytes")
                    .arg(length)
                    .arg(m_limits.maxBodyBytes));
        m_contentLength = length;
        m_request.body.reserve(static_cast<qsizetype>(std::min<qint64>(length, 16 * 1024 * 1024)));
        m_phase = length > 0 ? Phase::Body : Phase::Done;
    } else {
        m_phase = Phase::Done;
    }
    return Result::HeadersComplete;
}

HttpRequestParser::Result HttpRequestParser::parse(QByteArray &input)
{
    for (;;) {
        switch (m_phase) {
        case Phase::Failed:
            return Result::Error;
        case Phase::Head: {
            const Result r = parseHead(input);
            if (r != Result::HeadersComplete)
                return r;
            return Result::HeadersComplete;
        }
        case Phase::Body: {
            const qint64 missing = m_contentLength - m_request.body.size();
            const qsizetype take = static_cast<qsizetype>(std::min<qint64>(missing, input.size()));
            if (take == input.size()) {
                m_request.body.append(input);
                input.clear();
            } else {
                m_request.body.append(input.constData(), take);
                input.remove(0, take);
            }
            if (m_request.body.size() < m_contentLength)
                return Result::NeedMore;
            m_phase = Phase::Done;
            break;
        }
        case Phase::ChunkSize: {
            // The same limit whether or not the line end has arrived yet.
            const qsizetype newline = input.indexOf('\n');
            if (newline < 0 ? input.size() > kMaxChunkLine : newline > kMaxChunkLine)
                return fail(400, QStringLiteral("malformed chunk size line"));
            if (newline < 0)
                return Result::NeedMore;
            QByteArrayView line(input.constData(), newline);
            if (line.endsWith('\r'))
                line.chop(1);
            const qsizetype semicolon = line.indexOf(';'); // chunk extensions are ignored
            if (semicolon >= 0)
                line = line.first(semicolon);
            line = trimmed(line);
            bool ok = false;
            const qint64 size = line.isEmpty() || line.size() > 15
                ? -1
                : QByteArray(line.data(), line.size()).toLongLong(&ok, 16);
            if (!ok || size < 0)
                return fail(400, QStringLiteral("malformed chunk size"));
            input.remove(0, newline + 1);
            if (size == 0) {
                m_phase = Phase::Trailers;
                break;
            }
            if (m_request.body.size() + size > m_limits.maxBodyBytes)
                return fail(413,
                    QStringLiteral("request body is larger than the limit of %1 bytes")
                        .arg(m_limits.maxBodyBytes));
            m_chunkRemaining = size;
            m_phase = Phase::ChunkData;
            break;
        }
        case Phase::ChunkData: {
            const qsizetype take = static_cast<qsizetype>(std::min<qint64>(m_chunkRemaining, input.size()));
            m_request.body.append(input.constData(), take);
            input.remove(0, take);
            m_chunkRemaining -= take;
            if (m_chunkRemaining > 0)
                return Result::NeedMore;
            m_phase = Phase::ChunkDataEnd;
            break;
        }
        case Phase::ChunkDataEnd:
            if (input.size() < 1)
                return Result::NeedMore;
            if (input.startsWith("\r\n")) {
                input.remove(0, 2);
            } else if (input.startsWith('\n')) {
                input.remove(0, 1);
            } else if (input.size() == 1 && input.front() == '\r') {
                return Result::NeedMore;
            } else {
                return fail(400, QStringLiteral("chunk data not followed by a line break"));
            }
            m_phase = Phase::ChunkSize;
            break;
        case Phase::Trailers: {
            // Trailers are read and dropped, within the header size limit in total.
            const qsizetype newline = input.indexOf('\n');
            const qsizetype lineBytes = newline < 0 ? input.size() : newline + 1;
            if (m_trailerBytes + lineBytes > m_limits.maxHeaderBytes + 1)
                return fail(431, QStringLiteral("trailer fields too large"));
            if (newline < 0)
                return Result::NeedMore;
            const bool blank = newline == 0 || (newline == 1 && input.front() == '\r');
            m_trailerBytes += lineBytes;
            input.remove(0, newline + 1);
            if (blank)
                m_phase = Phase::Done;
            break;
        }
        case Phase::Done:
            return Result::RequestComplete;
        }
    }
}

} // namespace tg
