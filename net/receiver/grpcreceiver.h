#pragma once

#include "receiver/receiveroptions.h"

#include <QString>

#include <memory>

namespace grpc {
class Server;
class Service;
} // namespace grpc

namespace tg {

class IngestPipeline;

/// OTLP/gRPC: TraceService/Export stores spans (answering after the commit), LogsService and
/// MetricsService exports are accepted and counted. Runs on gRPC's own threads.
class GrpcReceiver
{
public:
    GrpcReceiver(IngestPipeline *pipeline, ReceiverOptions options);
    ~GrpcReceiver();

    bool start(QString *error);
    void stop();
    quint16 port() const { return m_port; }
    bool isRunning() const { return m_server != nullptr; }

private:
    IngestPipeline *m_pipeline;
    ReceiverOptions m_options;
    std::unique_ptr<grpc::Service> m_traces;
    std::unique_ptr<grpc::Service> m_logs;
    std::unique_ptr<grpc::Service> m_metrics;
    std::unique_ptr<grpc::Server> m_server;
    quint16 m_port = 0;
};

} // namespace tg
