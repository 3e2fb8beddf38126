// libFuzzer target: the receiver's incremental HTTP/1.x request parser.
//
// Input layout: 4 control bytes, then the bytes a client sends. The control bytes pick small
// limits (so the limit paths are reached) and seed the points where the stream is cut into
// reads. Invariants:
//   - no body is ever larger than the body limit, and a Content-Length body is exactly that long;
//   - no request is accepted with a malformed request line or header field;
//   - an error is final, and HeadersComplete comes before every RequestComplete;
//   - the outcome does not depend on how the bytes were split: feeding everything at once, one
//     byte at a time and at random cut points gives the same requests and the same error status.
#include "http/httprequestparser.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

namespace {

void require(bool condition, const char *what)
{
    if (!condition) {
        std::fprintf(stderr, "invariant violated: %s\n", what);
        std::abort();
    }
}

bool isTokenChar(char c)
{
    const auto u = static_cast<unsigned char>(c);
    if (u <= 32 || u >= 127)
        return false;
    for (const char d : QByteArrayView("()<>@,;:\\\"/[]?={}")) {
        if (c == d)
            return false;
    }
    return true;
}

void checkRequestLine(const tg::HttpRequest &r)
{
    require(!r.method.isEmpty(), "empty method");
    for (const char c : r.method)
        require(isTokenChar(c), "method is not a token");
    require(!r.target.isEmpty(), "empty request target");
    for (const char c : r.target) {
        const auto u = static_cast<unsigned char>(c);
        require(u > 32 && u != 127, "request target with a space or control character");
    }
    require(r.versionMinor == 0 || r.versionMinor == 1, "version other than HTTP/1.0 or 1.1");
    require(r.target.startsWith(r.path), "path is not the start of the target");
}

void checkHeaders(const tg::HttpRequest &r, const tg::HttpLimits &limits)
{
    require(r.headers.size() <= limits.maxHeaderCount, "more headers than the limit");
    for (const auto &[name, value] : r.headers) {
        require(!name.isEmpty(), "empty header name");
        for (const char c : name)
            require(isTokenChar(c) && !(c >= 'A' && c <= 'Z'), "header name not a lower-case token");
        for (const char c : value)
            require(c != '\r' && c != '\n' && c != '\0', "header value with CR, LF or NUL");
    }
}

struct Outcome
{
    std::vector<tg::HttpRequest> requests;
    int errorStatus = 0;
};

bool sameRequest(const tg::HttpRequest &a, const tg::HttpRequest &b)
{
    return a.method == b.method && a.target == b.target && a.path == b.path && a.query == b.query
        && a.versionMinor == b.versionMinor && a.headers == b.headers && a.body == b.body;
}

/// Feeds `stream` in pieces of the given sizes (the last piece takes the rest).
Outcome feed(const QByteArray &stream, const tg::HttpLimits &limits, const std::vector<qsizetype> &cuts)
{
    Outcome out;
    tg::HttpRequestParser parser(limits);
    QByteArray buffer;
    qsizetype offset = 0;
    size_t cut = 0;
    bool headersSeen = false;
    while (offset < stream.size()) {
        qsizetype take = cut < cuts.size() ? cuts[cut++] : stream.size() - offset;
        take = std::max<qsizetype>(1, std::min(take, stream.size() - offset));
        buffer.append(stream.constData() + offset, take);
        offset += take;
        for (;;) {
            const qsizetype before = buffer.size();
            const tg::HttpRequestParser::Result result = parser.parse(buffer);
            require(buffer.size() <= before, "parse() grew its input");
            if (result == tg::HttpRequestParser::Result::NeedMore)
                break;
            if (result == tg::HttpRequestParser::Result::Error) {
                out.errorStatus = parser.errorStatus();
                require(out.errorStatus >= 400 && out.errorStatus <= 599, "error without a 4xx/5xx status");
                require(!parser.errorMessage().isEmpty(), "error without a message");
                require(parser.parse(buffer) == tg::HttpRequestParser::Result::Error, "an error is not final");
                return out;
            }
            if (result == tg::HttpRequestParser::Result::HeadersComplete) {
                require(!headersSeen, "HeadersComplete twice for one request");
                headersSeen = true;
                checkRequestLine(parser.request());
                checkHeaders(parser.request(), limits);
                require(parser.declaredLength() <= limits.maxBodyBytes, "declared body over the limit accepted");
                continue;
            }
            // RequestComplete
            require(headersSeen, "RequestComplete before HeadersComplete");
            headersSeen = false;
            const qint64 declared = parser.declaredLength();
            tg::HttpRequest request = parser.takeRequest();
            checkRequestLine(request);
            checkHeaders(request, limits);
            require(request.body.size() <= limits.maxBodyBytes, "body larger than the limit");
            if (declared >= 0)
                require(request.body.size() == declared, "body length differs from Content-Length");
            out.requests.push_back(std::move(request));
        }
        require(parser.request().body.size() <= limits.maxBodyBytes, "partial body larger than the limit");
    }
    return out;
}

void requireSame(const Outcome &a, const Outcome &b, const char *what)
{
    if (a.errorStatus != b.errorStatus || a.requests.size() != b.requests.size()) {
        std::fprintf(stderr, "%s: %zu requests / error %d vs %zu requests / error %d\n", what,
            a.requests.size(), a.errorStatus, b.requests.size(), b.errorStatus);
        std::abort();
    }
    for (size_t i = 0; i < a.requests.size(); ++i)
        require(sameRequest(a.requests[i], b.requests[i]), what);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 4)
        return 0;
    tg::HttpLimits limits;
    static constexpr qsizetype kHeaderLimits[] = { 16, 40, 128, 1024 };
    static constexpr qsizetype kBodyLimits[] = { 0, 1, 7, 64, 300, 4096, 65536, 1 << 20 };
    limits.maxHeaderBytes = kHeaderLimits[data[0] & 3];
    limits.maxBodyBytes = kBodyLimits[(data[0] >> 2) & 7];
    limits.maxHeaderCount = 1 + (data[1] & 7);
    uint32_t seed = data[2] | (uint32_t(data[3]) << 8) | 0x10000u;
    const QByteArray stream(reinterpret_cast<const char *>(data) + 4, qsizetype(size - 4));

    const Outcome whole = feed(stream, limits, {});
    std::vector<qsizetype> bytes(size_t(stream.size()), 1);
    requireSame(whole, feed(stream, limits, bytes), "one byte at a time differs from all at once");
    std::vector<qsizetype> random;
    for (qsizetype total = 0; total < stream.size();) {
        seed = seed * 1103515245u + 12345u;
        const qsizetype piece = 1 + qsizetype((seed >> 16) % 97);
        random.push_back(piece);
        total += piece;
    }
    requireSame(whole, feed(stream, limits, random), "random cuts differ from all at once");
    return 0;
}
