#pragma once

#include <QObject>
#include <QString>

#include <functional>

class QNetworkAccessManager;

namespace tg {

struct WriteBatch;

/// Sends replays to a Langfuse project through its OpenTelemetry endpoint (POST
/// {host}/api/public/otel/v1/traces, gzip protobuf, Basic auth with the public and secret key,
/// `x-langfuse-ingestion-version: 4`); the legacy batch ingestion API is gone on Cloud since
/// 2026-11-16. Spans Langfuse rejects (partial success) make the send fail with its message. The
/// secret is only ever put into the Authorization header.
class LangfuseUploader : public QObject
{
    Q_OBJECT

public:
    using Done = std::function<void(bool ok, const QString &message)>;

    /// `nam` is shared and must outlive the uploader; nullptr makes a private one.
    explicit LangfuseUploader(QNetworkAccessManager *nam = nullptr, QObject *parent = nullptr);

    /// `done` runs later on this thread, unless `context` is destroyed first.
    void send(const QString &host, const QString &publicKey, const QString &secretKey,
        const WriteBatch &replays, QObject *context, Done done);

    /// The request body send() posts for `replays` (uncompressed protobuf).
    static QByteArray otlpBody(const WriteBatch &replays, const QString &publicKey);

private:
    QNetworkAccessManager *m_nam;
};

} // namespace tg
