#include "grpcreceiver.h"

#include "opentelemetry/proto/collector/logs/v1/logs_service.grpc.pb.h"
#include "opentelemetry/proto/collector/metrics/v1/metrics_service.grpc.pb.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.grpc.pb.h"
#include "receiver/ingestpipeline.h"

#include <future>
#include <grpcpp/grpcpp.h>

namespace tg {

namespace otlptrace = opentelemetry::proto::collector::trace::v1;
namespace otlplogs = opentelemetry::proto::collector::logs::v1;
namespace otlpmetrics = opentelemetry::proto::collector::metrics::v1;

namespace {

bool authorised(const grpc::ServerContext *context, const ReceiverOptions &options)
{
    if (!options.hasKeys())
        return true;
    const auto &metadata = context->client_metadata();
    const auto it = metadata.find("authorization");
    if (it == metadata.end())
        return false;
    const QByteArray value(it->second.data(), static_cast<qsizetype>(it->second.size()));
    if (value.startsWith("Basic "))
        return QByteArray::fromBase64(value.mid(6).trimmed())
            == (options.publicKey + u':' + options.secretKey).toUtf8();
    if (value.startsWith("Bearer "))
        return value.mid(7).trimmed() == options.secretKey.toUtf8();
    return false;
}

class TraceService final : public otlptrace::TraceService::Service
{
public:
    TraceService(IngestPipeline *pipeline, const ReceiverOptions &options)
        : m_pipeline(pipeline)
        , m_options(options)
    {
    }

    grpc::Status Export(grpc::ServerContext *context, const otlptrace::ExportTraceServiceRequest *request,
        otlptrace::ExportTraceServiceResponse *response) override
    {
        const auto received = IngestPipeline::Clock::now();
        const auto bytes = static_cast<qint64>(request->ByteSizeLong());
        m_pipeline->noteRequest(bytes);
        if (!authorised(context, m_options)) {
            m_pipeline->noteFailure(QStringLiteral("refused a gRPC export without valid receiver keys"));
            return { grpc::StatusCode::UNAUTHENTICATED, "invalid receiver credentials" };
        }
        // gRPC's own threads may block: answer only once the spans are committed.
        std::promise<IngestOutcome> promise;
        std::future<IngestOutcome> future = promise.get_future();
        m_pipeline->ingestTraces(mapTraceRequest(*request), QStringLiteral("otlp/grpc"), bytes, received,
            [&promise](const IngestOutcome &outcome) { promise.set_value(outcome); });
        const IngestOutcome outcome = future.get();
        switch (outcome.kind) {
        case IngestOutcome::Kind::Stored:
            if (outcome.rejected > 0 || !outcome.message.isEmpty()) {
                auto *partial = response->mutable_partial_success();
                partial->set_rejected_spans(outcome.rejected);
                partial->set_error_message(outcome.message.toStdString());
            }
            return grpc::Status::OK;
        case IngestOutcome::Kind::Invalid:
            return { grpc::StatusCode::INVALID_ARGUMENT, outcome.message.toStdString() };
        case IngestOutcome::Kind::Overloaded:
        case IngestOutcome::Kind::Failed:
            // UNAVAILABLE is retryable for OTLP/gRPC clients.
            return { grpc::StatusCode::UNAVAILABLE, outcome.message.toStdString() };
        }
        return grpc::Status::OK;
    }

private:
    IngestPipeline *m_pipeline;
    ReceiverOptions m_options;
};

class LogsService final : public otlplogs::LogsService::Service
{
public:
    explicit LogsService(IngestPipeline *pipeline)
        : m_pipeline(pipeline)
    {
    }
    grpc::Status Export(grpc::ServerContext *, const otlplogs::ExportLogsServiceRequest *request,
        otlplogs::ExportLogsServiceResponse *) override
    {
        m_pipeline->noteRequest(static_cast<qint64>(request->ByteSizeLong()));
        qint64 records = 0;
        for (const auto &resource : request->resource_logs())
            for (const auto &scope : resource.scope_logs())
                records += scope.log_records_size();
        m_pipeline->noteLogs(records);
        return grpc::Status::OK;
    }

private:
    IngestPipeline *m_pipeline;
};

class MetricsService final : public otlpmetrics::MetricsService::Service
{
public:
    explicit MetricsService(IngestPipeline *pipeline)
        : m_pipeline(pipeline)
    {
    }
    grpc::Status Export(grpc::ServerContext *, const otlpmetrics::ExportMetricsServiceRequest *request,
        otlpmetrics::ExportMetricsServiceResponse *) override
    {
        m_pipeline->noteRequest(static_cast<qint64>(request->ByteSizeLong()));
        qint64 metrics = 0;
        for (const auto &resource : request->resource_metrics())
            for (const auto &scope : resource.scope_metrics())
                metrics += scope.metrics_size();
        m_pipeline->noteMetrics(metrics);
        return grpc::Status::OK;
    }

private:
    IngestPipeline *m_pipeline;
};

std::string listenAddress(const QHostAddress &address, quint16 port)
{
    const QString host = address.protocol() == QAbstractSocket::IPv6Protocol
        ? u'[' + address.toString() + u']'
        : address.toString();
    return QStringLiteral("%1:%2").arg(host).arg(port).toStdString();
}

} // namespace

GrpcReceiver::GrpcReceiver(IngestPipeline *pipeline, ReceiverOptions options)
    : m_pipeline(pipeline)
    , m_options(std::move(options))
{
}

GrpcReceiver::~GrpcReceiver()
{
    stop();
}

bool GrpcReceiver::start(QString *error)
{
    if (m_options.requiresKeys() && !m_options.hasKeys()) {
        *error = QStringLiteral("listening on %1 (not loopback) needs receiver keys")
                     .arg(m_options.address.toString());
        return false;
    }
    m_traces = std::make_unique<TraceService>(m_pipeline, m_options);
    m_logs = std::make_unique<LogsService>(m_pipeline);
    m_metrics = std::make_unique<MetricsService>(m_pipeline);
    grpc::ServerBuilder builder;
    // gRPC sets SO_REUSEPORT by default: a second receiver (another Traceglass, a collector)
    // would then share the port silently and get half the exports. A port in use must fail.
    builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
    int selected = 0;
    builder.AddListeningPort(
        listenAddress(m_options.address, m_options.grpcPort), grpc::InsecureServerCredentials(), &selected);
    builder.SetMaxReceiveMessageSize(static_cast<int>(std::min<qsizetype>(m_options.maxBodyBytes, INT_MAX)));
    builder.RegisterService(m_traces.get());
    builder.RegisterService(m_logs.get());
    builder.RegisterService(m_metrics.get());
    m_server = builder.BuildAndStart();
    if (!m_server || selected == 0) {
        m_server.reset();
        *error = QStringLiteral("cannot listen for OTLP/gRPC on %1:%2 (is the port in use?)")
                     .arg(m_options.address.toString())
                     .arg(m_options.grpcPort);
        return false;
    }
    m_port = static_cast<quint16>(selected);
    return true;
}

void GrpcReceiver::stop()
{
    if (m_server) {
        m_server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(5));
        m_server->Wait();
        m_server.reset();
    }
}

} // namespace tg
