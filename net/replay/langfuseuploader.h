#pragma once

#include <QObject>
#include <QString>

#include <functional>

class QNetworkAccessManager;

namespace tg {

/// Sends replays to a Langfuse project: POST {host}/api/public/ingestion with Basic auth (public
/// key, secret key) and a batch from langfuseIngestionBatch(). Reads the 207 answer: a failed
/// event makes the whole send fail with the server's messages. The secret is only ever put into
/// the Authorization header.
class LangfuseUploader : public QObject
{
    Q_OBJECT

public:
    using Done = std::function<void(bool ok, const QString &message)>;

    /// `nam` is shared and must outlive the uploader; nullptr makes a private one.
    explicit LangfuseUploader(QNetworkAccessManager *nam = nullptr, QObject *parent = nullptr);

    /// `done` runs later on this thread, unless `context` is destroyed first.
    void send(const QString &host, const QString &publicKey, const QString &secretKey,
        const QByteArray &batch, QObject *context, Done done);

private:
    QNetworkAccessManager *m_nam;
};

} // namespace tg
