#include "langfuseuploader.h"

#include "providers/chatprovider.h"
#include "redaction.h"
#include "replay/replayingestion.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTimer>
#include <QUrl>

namespace tg {

namespace {

constexpr int kTimeoutMs = 60'000;

} // namespace

LangfuseUploader::LangfuseUploader(QNetworkAccessManager *nam, QObject *parent)
    : QObject(parent)
    , m_nam(nam ? nam : new QNetworkAccessManager(this))
{
}

void LangfuseUploader::send(const QString &host, const QString &publicKey, const QString &secretKey,
    const QByteArray &batch, QObject *context, Done done)
{
    QNetworkRequest request(QUrl(host + QStringLiteral("/api/public/ingestion")));
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setRawHeader("Authorization", "Basic " + (publicKey + u':' + secretKey).toUtf8().toBase64());
    request.setRawHeader("X-Langfuse-Sdk-Name", "traceglass");
    request.setRawHeader("X-Langfuse-Public-Key", publicKey.toUtf8());
    QNetworkReply *reply = m_nam->post(request, batch);
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
        if (status == 207 || status == 200 || status == 201) {
            bool ok = false;
            const QStringList errors = langfuseIngestionErrors(body, &ok);
            if (!errors.isEmpty())
                return done(false,
                    redactSecrets(tr("Langfuse refused %n event(s): %1", nullptr, int(errors.size()))
                                      .arg(errors.join(QStringLiteral("; ")))));
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
