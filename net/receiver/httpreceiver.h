#pragma once

#include "http/httpserver.h"
#include "receiver/receiveroptions.h"

#include <QThreadPool>

#include <atomic>
#include <memory>

namespace tg {

class IngestPipeline;

/// OTLP/HTTP and the Langfuse-compatible endpoints on one port:
///   POST /v1/traces, /api/public/otel/v1/traces   OTLP traces (protobuf or JSON; gzip, deflate)
///   POST /v1/logs, /v1/metrics (+ /api/public/otel/...)   accepted and counted
///   POST /api/public/ingestion                     Langfuse batch ingestion (207 per event)
///   GET  /api/public/health, /ready, /projects     SDK start-up checks
/// Checks that need no body (Host header against DNS rebinding, route, method, content type,
/// encoding, credentials, size) answer before the body is read.
class HttpReceiver
{
public:
    HttpReceiver(IngestPipeline *pipeline, ReceiverOptions options);
    ~HttpReceiver();

    bool start(QString *error);
    void stop();
    quint16 port() const;
    bool isRunning() const;

private:
    std::optional<HttpResponse> checkHead(const HttpRequest &head) const;
    void handle(HttpRequest &&request, HttpResponder responder);
    void handleTraces(HttpRequest request, HttpResponder responder);
    void handleLogsOrMetrics(HttpRequest request, HttpResponder responder, bool logs);
    void handleIngestion(HttpRequest request, HttpResponder responder);
    HttpHeaders corsHeaders(const HttpRequest &request) const;
    void addCors(const HttpRequest &request, HttpResponse &response) const;

    IngestPipeline *m_pipeline;
    ReceiverOptions m_options;
    std::unique_ptr<HttpServer> m_server;
    quint16 m_boundPort = 0;
    QThreadPool m_workers;
    std::atomic<int> m_pendingWork { 0 };
};

} // namespace tg
