#include "httpmetricstransport.h"

#include "redaction.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTimer>

namespace tg {

namespace {

std::optional<int> intHeader(const QNetworkReply *reply, const char *name)
{
    if (!reply->hasRawHeader(name))
        return std::nullopt;
    bool ok = false;
    const int value = reply->rawHeader(name).trimmed().toInt(&ok);
    return ok ? std::optional<int>(value) : std::nullopt;
}

} // namespace

HttpMetricsTransport::HttpMetricsTransport(QNetworkAccessManager *network, const QUrl &host,
    const QString &publicKey, const QString &secretKey, QObject *parent)
    : QObject(parent)
    , m_network(network)
    , m_host(host)
    , m_publicKey(publicKey)
    , m_authorization("Basic " + (publicKey + u':' + secretKey).toUtf8().toBase64())
{
}

QString HttpMetricsTransport::budgetKey() const
{
    QString base = m_host.toString(QUrl::RemoveUserInfo | QUrl::RemoveQuery | QUrl::RemoveFragment);
    while (base.endsWith(u'/'))
        base.chop(1);
    return base + u'|' + m_publicKey;
}

bool HttpMetricsTransport::isCloudHost(const QUrl &host)
{
    const QString name = host.host().toLower();
    return name == QLatin1String("langfuse.com") || name.endsWith(QLatin1String(".langfuse.com"));
}

bool HttpMetricsTransport::isCloud() const
{
    return isCloudHost(m_host);
}

QUrl HttpMetricsTransport::requestUrl(const QByteArray &queryJson) const
{
    QUrl url = m_host;
    QString path = url.path();
    while (path.endsWith(u'/'))
        path.chop(1);
    url.setPath(path + QStringLiteral("/api/public/v2/metrics"));
    // Encode everything outside the unreserved set, so the JSON survives any server's parser.
    url.setQuery(
        QStringLiteral("query=") + QString::fromLatin1(QUrl::toPercentEncoding(QString::fromUtf8(queryJson))),
        QUrl::StrictMode);
    return url;
}

void HttpMetricsTransport::fetch(
    const QByteArray &queryJson, std::function<void(const MetricsFetchResult &)> done)
{
    if (!m_network) {
        QTimer::singleShot(0, this, [done] {
            MetricsFetchResult result;
            result.error = QStringLiteral("no network access");
            done(result);
        });
        return;
    }
    QNetworkRequest request(requestUrl(queryJson));
    request.setRawHeader("Authorization", m_authorization);
    request.setRawHeader("Accept", "application/json");
    request.setRawHeader("X-Langfuse-Sdk-Name", "traceglass");
    request.setTransferTimeout(m_timeoutMs);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::NoLessSafeRedirectPolicy);
    QNetworkReply *reply = m_network->get(request);
    connect(reply, &QNetworkReply::finished, this, [reply, done] {
        reply->deleteLater();
        MetricsFetchResult result;
        result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        result.body = reply->readAll();
        if (reply->error() != QNetworkReply::NoError && result.status == 0)
            result.error = redactSecrets(reply->errorString());
        result.rateLimitLimit = intHeader(reply, "X-RateLimit-Limit");
        result.rateLimitRemaining = intHeader(reply, "X-RateLimit-Remaining");
        result.retryAfterSeconds = intHeader(reply, "Retry-After");
        result.rateLimitReset = reply->rawHeader("X-RateLimit-Reset");
        for (const QNetworkReply::RawHeaderPair &header : reply->rawHeaderPairs())
            result.headers.append({ header.first, header.second });
        done(result);
    });
}

} // namespace tg
