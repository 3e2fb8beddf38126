#pragma once

#include "ratelimiter.h"

#include <QString>

namespace tg {

/// The Langfuse read endpoints the client uses (paths under /api/public).
enum class LangfuseEndpoint : quint8 {
    Health, ///< GET /health (no auth)
    Projects, ///< GET /projects
    ObservationsV2, ///< GET /v2/observations (cursor)
    ScoresV3, ///< GET /v3/scores (cursor)
    MetricsV2, ///< GET /v2/metrics
    Traces, ///< GET /traces (legacy)
    Trace, ///< GET /traces/{id} (legacy)
    ObservationsV1, ///< GET /observations (legacy)
    Sessions, ///< GET /sessions (legacy)
    Session, ///< GET /sessions/{id} (legacy)
    ScoresV2, ///< GET /v2/scores (deprecated)
    MetricsDaily, ///< GET /metrics/daily (deprecated, not in the OpenAPI document)
};

/// Newer endpoints a server may lack (self-hosted v3 answers 404); the client then falls back.
enum class LangfuseFeature : quint8 {
    ObservationsV2 = 0, ///< else /traces, /observations, /sessions
    ScoresV3 = 1, ///< else /v2/scores
    MetricsV2 = 2, ///< else /metrics/daily
};
inline constexpr int kLangfuseFeatureCount = 3;

/// "/api/public/..." with `id` percent-encoded into the path where the endpoint takes one.
QString langfuseEndpointPath(LangfuseEndpoint endpoint, const QString &id = {});
RateBucket langfuseEndpointBucket(LangfuseEndpoint endpoint);
bool langfuseEndpointNeedsAuth(LangfuseEndpoint endpoint);
QString langfuseEndpointName(LangfuseEndpoint endpoint);
QString langfuseFeatureName(LangfuseFeature feature);

} // namespace tg
