#pragma once

#include "metrics/metricstransport.h"

#include <QObject>
#include <QPointer>
#include <QUrl>

class QNetworkAccessManager;

namespace tg {

/// A minimal MetricsTransport on QNetworkAccessManager: GET <host>/api/public/v2/metrics with
/// HTTP Basic auth (public key : secret key), a transfer timeout, and the rate-limit headers
/// handed back. No retries: the metrics code falls back to cache or local data instead, which
/// costs no budget. (The Langfuse client in net/ can replace it behind the same interface.)
class HttpMetricsTransport : public QObject, public MetricsTransport
{
    Q_OBJECT

public:
    /// `host` is the base URL ("https://cloud.langfuse.com"); the secret stays in this object.
    HttpMetricsTransport(QNetworkAccessManager *network, const QUrl &host, const QString &publicKey,
        const QString &secretKey, QObject *parent = nullptr);

    QString budgetKey() const override;
    bool isCloud() const override;
    void fetch(const QByteArray &queryJson, std::function<void(const MetricsFetchResult &)> done) override;

    void setTimeoutMs(int ms) { m_timeoutMs = ms; }
    /// The URL fetch() requests for a query (no credentials in it).
    QUrl requestUrl(const QByteArray &queryJson) const;
    /// True for *.langfuse.com hosts.
    static bool isCloudHost(const QUrl &host);

private:
    QPointer<QNetworkAccessManager> m_network;
    QUrl m_host;
    QString m_publicKey;
    QByteArray m_authorization;
    int m_timeoutMs = 30'000;
};

} // namespace tg
