#pragma once

#include "langfuseconnection.h"

#include <QHash>
#include <QMutex>
#include <QString>

#include <functional>

namespace tg {

/// Langfuse Cloud's rate-limit buckets a read request counts against (per organisation).
enum class RateBucket : quint8 {
    Unlimited = 0, ///< /health, /projects (deliberately not limited)
    PublicApi = 1, ///< v2 observations, v3/v2 scores and the rest of the public API
    LegacyReads = 2, ///< GET /traces[/{id}], /observations[/{id}], /sessions[/{id}]
    MetricsV2 = 3, ///< GET /v2/metrics
    MetricsDailyLegacy = 4, ///< GET /metrics/daily
};
inline constexpr int kRateBucketCount = 5;

QString rateBucketName(RateBucket bucket);

/// At most `requests` per `windowMs`; requests <= 0 means no limit.
struct RateLimit
{
    int requests = 0;
    qint64 windowMs = 0;

    bool isUnlimited() const { return requests <= 0 || windowMs <= 0; }
    bool operator==(const RateLimit &other) const = default;
};

/// Langfuse Cloud's published limit of a bucket for a plan (API reference §1.4); unlimited for
/// SelfHosted and for the Unlimited bucket.
RateLimit cloudRateLimit(PlanTier tier, RateBucket bucket);

/// A token bucket that never lets more than `limit.requests` through in ANY span of
/// `limit.windowMs`: it holds at most B = max(1, requests/10) tokens and refills at
/// (requests - B) per window, so a span of length W admits at most B + (requests - B) requests
/// (a limit of 1 refills one token per window).
/// That also keeps it under Langfuse's fixed windows, wherever they start. Pure: the caller
/// passes the time.
class TokenBucket
{
public:
    TokenBucket() = default;
    TokenBucket(RateLimit limit, qint64 nowMs);

    /// 0: a token was taken, go now. > 0: no token; ask again after that many ms.
    qint64 acquire(qint64 nowMs);
    /// Nothing goes before `untilMs` (a 429's Retry-After); the bucket is emptied.
    void pauseUntil(qint64 untilMs);
    double tokens(qint64 nowMs) const;
    int capacity() const { return m_capacity; }
    RateLimit limit() const { return m_limit; }

private:
    void refill(qint64 nowMs);

    RateLimit m_limit;
    int m_capacity = 0;
    double m_perMs = 0;
    double m_tokens = 0;
    qint64 m_lastMs = 0;
    qint64 m_pausedUntilMs = 0;
};

/// Token buckets per organisation scope and bucket, shared by every client whose connection has
/// the same scope (host + organisation). Thread-safe. The clock is injectable for tests.
class RateLimiter
{
public:
    using Clock = std::function<qint64()>; ///< milliseconds, monotonic

    explicit RateLimiter(Clock clock = {});

    /// 0 when a request may go now (its token is taken), else the ms to wait before asking again.
    qint64 acquire(const QString &scope, PlanTier tier, RateBucket bucket);
    /// Honours a 429: nothing in that scope and bucket goes for `delayMs`.
    void pause(const QString &scope, PlanTier tier, RateBucket bucket, qint64 delayMs);
    /// Replaces the published limit of a bucket for every plan but SelfHosted (tests, tuning).
    void setLimitOverride(RateBucket bucket, RateLimit limit);
    RateLimit limitFor(PlanTier tier, RateBucket bucket) const;
    qint64 now() const;

    /// Scope key: connections with the same host and organisation share buckets. Before the
    /// organisation is known the public key stands in for it.
    static QString scopeKey(const QString &host, const QString &organizationId, const QString &publicKey);

private:
    TokenBucket &bucketFor(const QString &scope, PlanTier tier, RateBucket bucket, qint64 nowMs);

    Clock m_clock;
    mutable QMutex m_mutex;
    QHash<QString, TokenBucket> m_buckets;
    QHash<int, RateLimit> m_overrides;
};

} // namespace tg
