#pragma once

#include "receiver/receiveroptions.h"

#include <QObject>

#include <memory>

namespace tg {

class GrpcReceiver;
class HttpReceiver;
class IngestPipeline;
class TraceStore;

/// The local trace receiver: OTLP/HTTP, the Langfuse-compatible endpoints and OTLP/gRPC in
/// front of the store. Data lands in the "Local receiver" source; a request is answered 200
/// only after its spans are committed.
class TraceReceiver : public QObject
{
    Q_OBJECT

public:
    explicit TraceReceiver(TraceStore *store, QObject *parent = nullptr);
    ~TraceReceiver() override;

    /// Starts (or restarts) with `options`; false and `error` when a port cannot be bound.
    bool start(const ReceiverOptions &options, QString *error = nullptr);
    /// Stops listening; requests already received are still answered once committed.
    void stop();
    bool isRunning() const;
    ReceiverOptions options() const { return m_options; }
    quint16 httpPort() const;
    quint16 grpcPort() const;
    qint64 sourceId() const;
    ReceiverStats stats() const;
    /// "http://127.0.0.1:4318" (empty when stopped).
    QString httpEndpoint() const;
    QString grpcEndpoint() const;

Q_SIGNALS:
    void runningChanged(bool running);
    /// One per committed batch, on this object's thread.
    void batchReceived(const tg::ReceivedBatch &batch);

private:
    TraceStore *m_store;
    ReceiverOptions m_options;
    std::unique_ptr<IngestPipeline> m_pipeline;
    std::unique_ptr<HttpReceiver> m_http;
    std::unique_ptr<GrpcReceiver> m_grpc;
};

} // namespace tg

Q_DECLARE_METATYPE(tg::ReceivedBatch)
