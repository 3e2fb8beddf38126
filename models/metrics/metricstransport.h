#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

#include <functional>
#include <optional>
#include <utility>

namespace tg {

/// What one metrics-API call brought back.
struct MetricsFetchResult
{
    int status = 0; ///< HTTP status; 0 when no answer arrived (network error, timeout)
    QByteArray body;
    QString error; ///< transport error text (never contains credentials)
    std::optional<int> rateLimitLimit; ///< X-RateLimit-Limit
    std::optional<int> rateLimitRemaining; ///< X-RateLimit-Remaining
    std::optional<int> retryAfterSeconds; ///< Retry-After (429)
    QByteArray rateLimitReset; ///< X-RateLimit-Reset, verbatim (a JS date string, not ISO)
    QList<std::pair<QByteArray, QByteArray>> headers; ///< all response headers (for diagnostics)
};

/// How the metrics code reaches one Langfuse project's GET /api/public/v2/metrics. Kept this
/// small so it can sit on any HTTP client (net/HttpMetricsTransport, or the Langfuse client
/// with its own rate limiting and retries).
class MetricsTransport
{
public:
    virtual ~MetricsTransport() = default;
    /// Identifies the budget the calls count against: host and public key, never the secret.
    virtual QString budgetKey() const = 0;
    /// True for Langfuse Cloud hosts (rate-limited); self-hosted servers have no limits.
    virtual bool isCloud() const = 0;
    /// Sends the query (compact JSON, URL-encoded by the transport); calls `done` exactly once,
    /// later, on the thread that called fetch().
    virtual void fetch(const QByteArray &queryJson, std::function<void(const MetricsFetchResult &)> done) = 0;
};

} // namespace tg
