#include "httpreceiver.h"

#include "http/contentdecoding.h"
#include "mapping/langfuseingestionparser.h"
#include "mapping/otlpdecoder.h"
#include "receiver/ingestpipeline.h"
#include "receiver/receiverresponses.h"
#include "store/tracestore.h"

#include <QCoreApplication>
#include <QThread>

namespace tg {

namespace {

// More decode work queued than this and new requests are refused (429) before being read
// further into memory.
constexpr int kMaxPendingWork = 64;

enum class Route { Traces, Logs, Metrics, Ingestion, Health, Ready, Projects, Unknown };

Route routeOf(const QByteArray &path)
{
    QByteArray p = path;
    while (p.size() > 1 && p.endsWith('/'))
        p.chop(1);
    if (p == "/v1/traces" || p == "/api/public/otel/v1/traces")
        return Route::Traces;
    if (p == "/v1/logs" || p == "/api/public/otel/v1/logs")
        return Route::Logs;
    if (p == "/v1/metrics" || p == "/api/public/otel/v1/metrics")
        return Route::Metrics;
    if (p == "/api/public/ingestion")
        return Route::Ingestion;
    if (p == "/api/public/health")
        return Route::Health;
    if (p == "/api/public/ready")
        return Route::Ready;
    if (p == "/api/public/projects")
        return Route::Projects;
    return Route::Unknown;
}

bool isPost(Route r)
{
    return r == Route::Traces || r == Route::Logs || r == Route::Metrics || r == Route::Ingestion;
}

/// Splits a Host header into name and port ("[::1]:4318" -> "::1", 4318); port -1 when absent.
void splitHost(const QByteArray &host, QByteArray *name, int *port)
{
    *port = -1;
    QByteArray h = host.trimmed().toLower();
    if (h.startsWith('[')) {
        const qsizetype close = h.indexOf(']');
        if (close < 0) {
            *name = h;
            return;
        }
        *name = h.mid(1, close - 1);
        if (h.size() > close + 1 && h.at(close + 1) == ':') {
            bool ok = false;
            *port = h.mid(close + 2).toInt(&ok);
            if (!ok)
                *port = -2;
        }
        return;
    }
    const qsizetype colon = h.lastIndexOf(':');
    if (colon >= 0 && h.indexOf(':') == colon) {
        *name = h.left(colon);
        bool ok = false;
        *port = h.mid(colon + 1).toInt(&ok);
        if (!ok)
            *port = -2;
        return;
    }
    *name = h;
}

bool constantTimeEquals(const QByteArray &a, const QByteArray &b)
{
    if (a.size() != b.size())
        return false;
    unsigned char diff = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        diff |= static_cast<unsigned char>(a[i] ^ b[i]);
    return diff == 0;
}

} // namespace

HttpReceiver::HttpReceiver(IngestPipeline *pipeline, ReceiverOptions options)
    : m_pipeline(pipeline)
    , m_options(std::move(options))
{
    m_workers.setMaxThreadCount(std::max(2, QThread::idealThreadCount()));
    m_workers.setObjectName(QStringLiteral("tg-receiver-workers"));
}

HttpReceiver::~HttpReceiver()
{
    stop();
    m_workers.waitForDone();
}

bool HttpReceiver::start(QString *error)
{
    if (m_options.requiresKeys() && !m_options.hasKeys()) {
        *error = QStringLiteral(
            "listening on %1 (not loopback) needs receiver keys: set a public and a secret key")
                     .arg(m_options.address.toString());
        return false;
    }
    HttpLimits limits;
    limits.maxBodyBytes = m_options.maxBodyBytes;
    m_server = std::make_unique<HttpServer>(
        limits,
        [this](HttpRequest &&request, HttpResponder responder) {
            handle(std::move(request), std::move(responder));
        },
        [this](const HttpRequest &head) { return checkHead(head); });
    if (!m_server->listen(m_options.address, m_options.httpPort, error)) {
        m_server.reset();
        return false;
    }
    m_boundPort = m_server->port();
    return true;
}

void HttpReceiver::stop()
{
    if (!m_server)
        return;
    // Graceful: no new connections, finish decoding what arrived, let the store commit it (the
    // answers are posted to their connections on the way), then close.
    m_server->close();
    m_workers.waitForDone();
    m_pipeline->store()->flush(60'000);
    m_server.reset();
}

quint16 HttpReceiver::port() const
{
    return m_boundPort;
}

bool HttpReceiver::isRunning() const
{
    return m_server != nullptr;
}

HttpHeaders HttpReceiver::corsHeaders(const HttpRequest &request) const
{
    const QByteArray origin = request.header("origin");
    if (origin.isEmpty() || m_options.allowedOrigins.isEmpty())
        return {};
    const QString originText = QString::fromUtf8(origin);
    if (!m_options.allowedOrigins.contains(QStringLiteral("*"))
        && !m_options.allowedOrigins.contains(originText))
        return {};
    return {
        { "Access-Control-Allow-Origin", origin },
        { "Vary", "Origin" },
        { "Access-Control-Allow-Methods", "POST, GET, OPTIONS" },
        { "Access-Control-Allow-Headers",
            "Content-Type, Content-Encoding, Authorization, X-Langfuse-Sdk-Name, "
            "X-Langfuse-Sdk-Version, X-Langfuse-Public-Key, X-Langfuse-Ingestion-Version" },
        { "Access-Control-Max-Age", "600" },
    };
}

void HttpReceiver::addCors(const HttpRequest &request, HttpResponse &response) const
{
    response.headers.append(corsHeaders(request));
}

std::optional<HttpResponse> HttpReceiver::checkHead(const HttpRequest &head) const
{
    // DNS rebinding: a web page on evil.example resolving to 127.0.0.1 sends "Host: evil.example".
    if (m_options.address.isLoopback()) {
        QByteArray name;
        int port = -1;
        splitHost(head.header("host"), &name, &port);
        const bool loopbackName
            = name == "localhost" || name == "127.0.0.1" || name == "::1" || name.endsWith(".localhost");
        if (!loopbackName || port != m_boundPort) {
            m_pipeline->noteFailure(QStringLiteral("refused a request for host \"%1\"")
                                        .arg(QString::fromUtf8(head.header("host").left(100))));
            return HttpResponse::text(403,
                "Host not allowed: the receiver answers only to localhost names on port "
                    + QByteArray::number(m_boundPort) + ".\n");
        }
    }
    const Route route = routeOf(head.path);
    if (route == Route::Unknown)
        return HttpResponse::json(404, R"({"message":"Not found"})");
    if (head.method == "OPTIONS") {
        HttpResponse response;
        response.status = corsHeaders(head).isEmpty() ? 405 : 204;
        response.headers = corsHeaders(head);
        response.headers.emplaceBack("Allow", isPost(route) ? "POST, OPTIONS" : "GET, OPTIONS");
        return response;
    }
    const QByteArray expected = isPost(route) ? "POST" : "GET";
    if (head.method != expected && !(expected == "GET" && head.method == "HEAD")) {
        HttpResponse response
            = HttpResponse::json(405, R"({"message":"Method not allowed","error":"MethodNotAllowedError"})");
        response.headers.emplaceBack("Allow", expected);
        addCors(head, response);
        return response;
    }
    const bool needsKeys = m_options.hasKeys() && route != Route::Health && route != Route::Ready;
    if (needsKeys) {
        const QByteArray auth = head.header("authorization");
        bool ok = false;
        if (auth.startsWith("Basic ")) {
            const QByteArray decoded = QByteArray::fromBase64(auth.mid(6).trimmed());
            ok = constantTimeEquals(decoded, (m_options.publicKey + u':' + m_options.secretKey).toUtf8());
        } else if (auth.startsWith("Bearer ")) {
            ok = constantTimeEquals(auth.mid(7).trimmed(), m_options.secretKey.toUtf8());
        }
        if (!ok) {
            m_pipeline->noteFailure(QStringLiteral("refused a request without valid receiver keys"));
            HttpResponse response = HttpResponse::json(401,
                R"({"message":"Invalid credentials. Confirm that you've configured the correct host."})");
            response.headers.emplaceBack("WWW-Authenticate", "Basic realm=\"traceglass\"");
            addCors(head, response);
            return response;
        }
    }
    if (isPost(route)) {
        const QByteArray contentType = head.header("content-type");
        const std::optional<OtlpContentKind> kind = otlpContentKindFromMimeType(contentType);
        const bool acceptable = route == Route::Ingestion ? kind == OtlpContentKind::Json : kind.has_value();
        if (!acceptable) {
            m_pipeline->noteFailure(QStringLiteral("unsupported content type \"%1\"")
                                        .arg(QString::fromUtf8(contentType.left(100))));
            HttpResponse response = HttpResponse::text(415,
                route == Route::Ingestion
                    ? "Unsupported Content-Type: use application/json.\n"
                    : "Unsupported Content-Type: use application/x-protobuf or application/json.\n");
            addCors(head, response);
            return response;
        }
        if (!contentEncodingFromHeader(head.header("content-encoding"))) {
            HttpResponse response
                = HttpResponse::text(415, "Unsupported Content-Encoding: use gzip, deflate or none.\n");
            addCors(head, response);
            return response;
        }
        if (m_pendingWork.load() > kMaxPendingWork) {
            m_pipeline->noteRefused();
            HttpResponse response = HttpResponse::text(429, "The receiver is busy; retry shortly.\n");
            response.headers.emplaceBack("Retry-After", "1");
            return response;
        }
    }
    return std::nullopt;
}

void HttpReceiver::handle(HttpRequest &&request, HttpResponder responder)
{
    m_pipeline->noteRequest(request.body.size());
    const Route route = routeOf(request.path);
    switch (route) {
    case Route::Traces:
    case Route::Logs:
    case Route::Metrics:
    case Route::Ingestion: {
        // Decoding and storing run on a worker, counted so that checkHead() can refuse early.
        ++m_pendingWork;
        m_workers.start([this, route, request = std::move(request), responder]() mutable {
            if (route == Route::Traces)
                handleTraces(std::move(request), responder);
            else if (route == Route::Ingestion)
                handleIngestion(std::move(request), responder);
            else
                handleLogsOrMetrics(std::move(request), responder, route == Route::Logs);
            --m_pendingWork;
        });
        return;
    }
    case Route::Health:
    case Route::Ready: {
        HttpResponse response = HttpResponse::json(
            200, R"({"status":"OK","version":")" + QCoreApplication::applicationVersion().toUtf8() + R"("})");
        addCors(request, response);
        responder.respond(response);
        return;
    }
    case Route::Projects: {
        HttpResponse response = HttpResponse::json(200, receiverProjectsBody());
        addCors(request, response);
        responder.respond(response);
        return;
    }
    case Route::Unknown:
        responder.respond(HttpResponse::json(404, R"({"message":"Not found"})"));
        return;
    }
}

void HttpReceiver::handleTraces(HttpRequest request, HttpResponder responder)
{
    const auto received = IngestPipeline::Clock::now();
    const OtlpContentKind kind
        = otlpContentKindFromMimeType(request.header("content-type")).value_or(OtlpContentKind::Json);
    const HttpHeaders cors = corsHeaders(request);
    auto reply = [responder, cors](HttpResponse response) {
        response.headers.append(cors);
        responder.respond(std::move(response));
    };
    const DecodedBody body = decodeContent(
        request.body, *contentEncodingFromHeader(request.header("content-encoding")), m_options.maxBodyBytes);
    if (body.status != DecodedBody::Status::Ok) {
        const int status = body.status == DecodedBody::Status::TooLarge ? 413 : 400;
        m_pipeline->noteFailure(body.error);
        reply(otlpErrorResponse(kind, status, body.error));
        return;
    }
    // Protobuf is mapped straight from the body's bytes; JSON through a decoded message.
    OtlpMappingResult mapped;
    if (kind == OtlpContentKind::Protobuf) {
        const std::string_view bytes(body.data.constData(), size_t(body.data.size()));
        QString error;
        if (!otlpwire::validateTraceRequest(bytes, &error)) {
            m_pipeline->noteFailure(error);
            reply(otlpErrorResponse(kind, 400, error));
            return;
        }
        mapped = mapTraceRequest(otlpwire::TraceRequest(body.data));
    } else {
        const OtlpDecodeResult decoded = OtlpDecoder::decodeTraceRequest(body.data, kind);
        if (!decoded.ok()) {
            m_pipeline->noteFailure(decoded.error);
            reply(otlpErrorResponse(kind, 400, decoded.error));
            return;
        }
        mapped = mapTraceRequest(decoded.request);
    }
    const QString protocol = kind == OtlpContentKind::Protobuf ? QStringLiteral("otlp/http+protobuf")
                                                               : QStringLiteral("otlp/http+json");
    m_pipeline->ingestTraces(std::move(mapped), protocol, request.body.size(), received,
        [reply, kind](const IngestOutcome &outcome) { reply(otlpTraceOutcomeResponse(kind, outcome)); });
}

void HttpReceiver::handleLogsOrMetrics(HttpRequest request, HttpResponder responder, bool logs)
{
    const OtlpContentKind kind
        = otlpContentKindFromMimeType(request.header("content-type")).value_or(OtlpContentKind::Json);
    const HttpHeaders cors = corsHeaders(request);
    const DecodedBody body = decodeContent(
        request.body, *contentEncodingFromHeader(request.header("content-encoding")), m_options.maxBodyBytes);
    HttpResponse response;
    if (body.status != DecodedBody::Status::Ok) {
        m_pipeline->noteFailure(body.error);
        response
            = otlpErrorResponse(kind, body.status == DecodedBody::Status::TooLarge ? 413 : 400, body.error);
    } else {
        const OtlpCountResult counted = logs ? OtlpDecoder::decodeLogsRequest(body.data, kind)
                                             : OtlpDecoder::decodeMetricsRequest(body.data, kind);
        if (!counted.ok()) {
            m_pipeline->noteFailure(counted.error);
            response = otlpErrorResponse(kind, 400, counted.error);
        } else {
            if (logs)
                m_pipeline->noteLogs(counted.count);
            else
                m_pipeline->noteMetrics(counted.count);
            response = otlpEmptySuccess(kind);
        }
    }
    response.headers.append(cors);
    responder.respond(std::move(response));
}

void HttpReceiver::handleIngestion(HttpRequest request, HttpResponder responder)
{
    const auto received = IngestPipeline::Clock::now();
    const HttpHeaders cors = corsHeaders(request);
    auto reply = [responder, cors](HttpResponse response) {
        response.headers.append(cors);
        responder.respond(std::move(response));
    };
    const DecodedBody body = decodeContent(
        request.body, *contentEncodingFromHeader(request.header("content-encoding")), m_options.maxBodyBytes);
    if (body.status != DecodedBody::Status::Ok) {
        m_pipeline->noteFailure(body.error);
        reply(HttpResponse::json(body.status == DecodedBody::Status::TooLarge ? 413 : 400,
            R"({"message":")" + body.error.toUtf8() + R"("})"));
        return;
    }
    auto parsed = std::make_shared<LangfuseIngestionResult>(LangfuseIngestionParser::parse(body.data));
    if (!parsed->valid) {
        m_pipeline->noteFailure(QStringLiteral("invalid ingestion batch: %1")
                                    .arg(parsed->requestErrors.join(QStringLiteral("; "))));
        reply(HttpResponse::json(parsed->httpStatus(), parsed->responseBody()));
        return;
    }
    m_pipeline->noteIngestionEvents(parsed->eventCount);
    WriteBatch batch = std::move(parsed->batch);
    parsed->batch = WriteBatch {};
    m_pipeline->ingestBatch(std::move(batch), 0, QStringLiteral("langfuse/ingestion"), request.body.size(),
        received, [reply, parsed](const IngestOutcome &outcome) {
            if (outcome.kind == IngestOutcome::Kind::Overloaded) {
                HttpResponse busy
                    = HttpResponse::json(429, R"({"message":"Rate limit exceeded","code":"rate_limited"})");
                busy.headers.emplaceBack("Retry-After", "1");
                reply(busy);
                return;
            }
            if (outcome.kind == IngestOutcome::Kind::Failed)
                parsed->failAccepted(500, QStringLiteral("Internal Server Error"));
            reply(HttpResponse::json(parsed->httpStatus(), parsed->responseBody()));
        });
}

} // namespace tg
