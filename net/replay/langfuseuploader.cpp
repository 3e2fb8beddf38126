#include "langfuseuploader.h"

#include "domain/records.h"
#include "formats/gzip.h"
#include "formats/otlpexportbuilder.h"
#include "forwarder/forwardtarget.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"
#include "providers/chatprovider.h"
#include "redaction.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTimer>

namespace tg {

namespace {

constexpr int kTimeoutMs = 60'000;

} // namespace

LangfuseUploader::LangfuseUploader(QNetworkAccessManager *nam, QObject *parent)
    : QObject(parent)
    , m_nam(nam ? nam : new QNetworkAccessManager(this))
{
}

QByteArray LangfuseUploader::otlpBody(const WriteBatch &replays, const QString &publicKey)
{
    OtlpExportOptions options;
    options.langfusePublicKey = publicKey;
    OtlpExportBuilder builder(options);
    for (const TraceRecord &trace : replays.traces) {
        std::vector<ObservationRecord> observations;
        for (const ObservationRecord &o : replays.observations) {
            if (o.traceId == trace.id)
                observations.push_back(o);
        }
        builder.addTrace(trace, observations);
    }
    const std::string bytes = builder.request().SerializeAsString();
    return QByteArray(bytes.data(), qsizetype(bytes.size()));
}

void LangfuseUploader::send(const QString &host, const QString &publicKey, const QString &secretKey,
    const WriteBatch &replays, QObject *context, Done done)
{
    const QNetworkRequest request = langfuseOtlpRequest(host, publicKey, secretKey, true);
    QNetworkReply *reply = m_nam->post(request, gzipCompress(otlpBody(replays, publicKey)));
    auto *timer = new QTimer(reply);
    timer->setSingleShot(true);
    connect(timer, &QTimer::timeout, reply, &QNetworkReply::abort);
    timer->start(kTimeoutMs);
    connect(reply, &QNetworkReply::finished, reply, &QObject::deleteLater);
    if (context)
        connect(context, &QObject::destroyed, reply, &QNetworkReply::abort);
    const QString hostName = request.url().host();
    connect(reply, &QNetworkReply::finished, context ? context : this, [reply, timer, hostName, done] {
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QByteArray body = reply->readAll();
        if (status == 200) {
            opentelemetry::proto::collector::trace::v1::ExportTraceServiceResponse answer;
            if (answer.ParseFromArray(body.constData(), int(body.size()))
                && answer.partial_success().rejected_spans() > 0) {
                const auto &partial = answer.partial_success();
                return done(false,
                    redactSecrets(
                        tr("Langfuse refused %n span(s): %1", nullptr, int(partial.rejected_spans()))
                            .arg(QString::fromStdString(partial.error_message()))));
            }
            return done(true, tr("Sent to %1.").arg(hostName));
        }
        if (status == 401 || status == 403)
            return done(false, tr("Langfuse at %1 refused the keys (%2).").arg(hostName).arg(status));
        if (status > 0)
            return done(false,
                ChatProvider::httpErrorMessage(
                    status, body, ChatProvider::parseRetryAfter(reply->rawHeader("Retry-After")), hostName));
        if (!timer->isActive())
            return done(false,
                tr("Langfuse at %1 did not answer within %n s.", nullptr, kTimeoutMs / 1000).arg(hostName));
        done(false,
            tr("Could not reach Langfuse at %1: %2").arg(hostName, redactSecrets(reply->errorString())));
    });
}

} // namespace tg
