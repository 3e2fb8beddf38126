#include "tracereceiver.h"

#include "receiver/grpcreceiver.h"
#include "receiver/httpreceiver.h"
#include "receiver/ingestpipeline.h"

#include <QMetaObject>
#include <QPointer>

namespace tg {

TraceReceiver::TraceReceiver(TraceStore *store, QObject *parent)
    : QObject(parent)
    , m_store(store)
{
    qRegisterMetaType<tg::ReceivedBatch>();
}

TraceReceiver::~TraceReceiver()
{
    stop();
}

bool TraceReceiver::start(const ReceiverOptions &options, QString *error)
{
    stop();
    QString ignored;
    QString &err = error ? *error : ignored;
    m_options = options;
    if (!m_pipeline) {
        m_pipeline = std::make_unique<IngestPipeline>(m_store);
        if (!m_pipeline->prepare(&err)) {
            m_pipeline.reset();
            return false;
        }
        const QPointer<TraceReceiver> self(this);
        m_pipeline->setBatchObserver([this, self](const ReceivedBatch &batch) {
            QMetaObject::invokeMethod(
                this,
                [self, batch] {
                    if (self)
                        Q_EMIT self->batchReceived(batch);
                },
                Qt::QueuedConnection);
        });
    }
    m_http = std::make_unique<HttpReceiver>(m_pipeline.get(), options);
    if (!m_http->start(&err)) {
        m_http.reset();
        return false;
    }
    if (options.grpcEnabled) {
        m_grpc = std::make_unique<GrpcReceiver>(m_pipeline.get(), options);
        if (!m_grpc->start(&err)) {
            m_grpc.reset();
            m_http.reset();
            return false;
        }
    }
    Q_EMIT runningChanged(true);
    return true;
}

void TraceReceiver::stop()
{
    const bool wasRunning = isRunning();
    m_grpc.reset();
    m_http.reset();
    if (wasRunning)
        Q_EMIT runningChanged(false);
}

bool TraceReceiver::isRunning() const
{
    return m_http != nullptr;
}

quint16 TraceReceiver::httpPort() const
{
    return m_http ? m_http->port() : 0;
}

quint16 TraceReceiver::grpcPort() const
{
    return m_grpc ? m_grpc->port() : 0;
}

qint64 TraceReceiver::sourceId() const
{
    return m_pipeline ? m_pipeline->sourceId() : 0;
}

ReceiverStats TraceReceiver::stats() const
{
    return m_pipeline ? m_pipeline->stats() : ReceiverStats {};
}

namespace {
QString hostText(const QHostAddress &address)
{
    return address.protocol() == QAbstractSocket::IPv6Protocol ? u'[' + address.toString() + u']'
                                                               : address.toString();
}
} // namespace

QString TraceReceiver::httpEndpoint() const
{
    if (!m_http)
        return {};
    return QStringLiteral("http://%1:%2").arg(hostText(m_options.address)).arg(m_http->port());
}

QString TraceReceiver::grpcEndpoint() const
{
    if (!m_grpc)
        return {};
    return QStringLiteral("http://%1:%2").arg(hostText(m_options.address)).arg(m_grpc->port());
}

} // namespace tg
