#include "langfuseendpoint.h"

#include <QUrl>

namespace tg {

QString langfuseEndpointPath(LangfuseEndpoint endpoint, const QString &id)
{
    const QString encoded = QString::fromLatin1(QUrl::toPercentEncoding(id));
    switch (endpoint) {
    case LangfuseEndpoint::Health:
        return QStringLiteral("/api/public/health");
    case LangfuseEndpoint::Projects:
        return QStringLiteral("/api/public/projects");
    case LangfuseEndpoint::ObservationsV2:
        return QStringLiteral("/api/public/v2/observations");
    case LangfuseEndpoint::ScoresV3:
        return QStringLiteral("/api/public/v3/scores");
    case LangfuseEndpoint::MetricsV2:
        return QStringLiteral("/api/public/v2/metrics");
    case LangfuseEndpoint::Traces:
        return QStringLiteral("/api/public/traces");
    case LangfuseEndpoint::Trace:
        return QStringLiteral("/api/public/traces/") + encoded;
    case LangfuseEndpoint::ObservationsV1:
        return QStringLiteral("/api/public/observations");
    case LangfuseEndpoint::Sessions:
        return QStringLiteral("/api/public/sessions");
    case LangfuseEndpoint::Session:
        return QStringLiteral("/api/public/sessions/") + encoded;
    case LangfuseEndpoint::ScoresV2:
        return QStringLiteral("/api/public/v2/scores");
    case LangfuseEndpoint::MetricsDaily:
        return QStringLiteral("/api/public/metrics/daily");
    }
    return {};
}

RateBucket langfuseEndpointBucket(LangfuseEndpoint endpoint)
{
    switch (endpoint) {
    case LangfuseEndpoint::Health:
    case LangfuseEndpoint::Projects:
        return RateBucket::Unlimited;
    case LangfuseEndpoint::ObservationsV2:
    case LangfuseEndpoint::ScoresV3:
    case LangfuseEndpoint::ScoresV2:
        return RateBucket::PublicApi;
    case LangfuseEndpoint::MetricsV2:
        return RateBucket::MetricsV2;
    case LangfuseEndpoint::Traces:
    case LangfuseEndpoint::Trace:
    case LangfuseEndpoint::ObservationsV1:
    case LangfuseEndpoint::Sessions:
    case LangfuseEndpoint::Session:
        return RateBucket::LegacyReads;
    case LangfuseEndpoint::MetricsDaily:
        return RateBucket::MetricsDailyLegacy;
    }
    return RateBucket::PublicApi;
}

bool langfuseEndpointNeedsAuth(LangfuseEndpoint endpoint)
{
    return endpoint != LangfuseEndpoint::Health;
}

QString langfuseEndpointName(LangfuseEndpoint endpoint)
{
    QString path = langfuseEndpointPath(endpoint, QStringLiteral("ID"));
    if (endpoint == LangfuseEndpoint::Trace || endpoint == LangfuseEndpoint::Session)
        path.replace(QLatin1String("/ID"), QLatin1String("/{id}"));
    return QStringLiteral("GET ") + path;
}

QString langfuseFeatureName(LangfuseFeature feature)
{
    switch (feature) {
    case LangfuseFeature::ObservationsV2:
        return QStringLiteral("v2 observations");
    case LangfuseFeature::ScoresV3:
        return QStringLiteral("v3 scores");
    case LangfuseFeature::MetricsV2:
        return QStringLiteral("v2 metrics");
    }
    return {};
}

} // namespace tg
