#include "ratelimiter.h"

#include <algorithm>
#include <chrono>
#include <cmath>

namespace tg {

namespace {

constexpr qint64 kMinute = 60'000;
constexpr qint64 kHour = 60 * kMinute;
constexpr qint64 kDay = 24 * kHour;

} // namespace

QString rateBucketName(RateBucket bucket)
{
    switch (bucket) {
    case RateBucket::Unlimited:
        return QStringLiteral("unlimited");
    case RateBucket::PublicApi:
        return QStringLiteral("public-api");
    case RateBucket::LegacyReads:
        return QStringLiteral("public-api-legacy");
    case RateBucket::MetricsV2:
        return QStringLiteral("public-api-v2-metrics");
    case RateBucket::MetricsDailyLegacy:
        return QStringLiteral("public-api-daily-metrics-legacy");
    }
    return {};
}

RateLimit cloudRateLimit(PlanTier tier, RateBucket bucket)
{
    if (tier == PlanTier::SelfHosted)
        return {};
    const int plan = tier == PlanTier::Hobby ? 0 : (tier == PlanTier::Core ? 1 : 2);
    switch (bucket) {
    case RateBucket::Unlimited:
        return {};
    case RateBucket::PublicApi: {
        constexpr int perMinute[] = { 30, 1000, 1000 };
        return { perMinute[plan], kMinute };
    }
    case RateBucket::LegacyReads: {
        constexpr int perMinute[] = { 15, 30, 100 };
        return { perMinute[plan], kMinute };
    }
    case RateBucket::MetricsV2:
        return plan == 0 ? RateLimit { 100, kDay } : RateLimit { plan == 1 ? 100 : 500, kHour };
    case RateBucket::MetricsDailyLegacy:
        return { plan == 0 ? 10 : 200, kDay };
    }
    return {};
}

TokenBucket::TokenBucket(RateLimit limit, qint64 nowMs)
    : m_limit(limit)
    , m_lastMs(nowMs)
{
    if (limit.isUnlimited())
        return;
    m_capacity = std::max(1, limit.requests / 10);
    // One request per window: the refilled token arrives a full window after the first.
    m_perMs = double(std::max(1, limit.requests - m_capacity)) / double(limit.windowMs);
    m_tokens = m_capacity;
}

void TokenBucket::refill(qint64 nowMs)
{
    if (nowMs > m_lastMs) {
        m_tokens = std::min<double>(m_capacity, m_tokens + double(nowMs - m_lastMs) * m_perMs);
        m_lastMs = nowMs;
    }
}

double TokenBucket::tokens(qint64 nowMs) const
{
    if (m_limit.isUnlimited())
        return 1.0;
    TokenBucket copy = *this;
    copy.refill(nowMs);
    return copy.m_tokens;
}

qint64 TokenBucket::acquire(qint64 nowMs)
{
    if (nowMs < m_pausedUntilMs)
        return m_pausedUntilMs - nowMs;
    if (m_limit.isUnlimited())
        return 0;
    refill(nowMs);
    if (m_tokens >= 1.0) {
        m_tokens -= 1.0;
        return 0;
    }
    // Round up, and never answer 0 for "not yet".
    return std::max<qint64>(1, qint64(std::ceil((1.0 - m_tokens) / m_perMs)));
}

void TokenBucket::pauseUntil(qint64 untilMs)
{
    m_pausedUntilMs = std::max(m_pausedUntilMs, untilMs);
    m_tokens = 0;
    m_lastMs = std::max(m_lastMs, untilMs);
}

RateLimiter::RateLimiter(Clock clock)
    : m_clock(std::move(clock))
{
    if (!m_clock) {
        m_clock = [] {
            return qint64(std::chrono::duration_cast<std::chrono::milliseconds>(
                std::chrono::steady_clock::now().time_since_epoch())
                              .count());
        };
    }
}

qint64 RateLimiter::now() const
{
    return m_clock();
}

QString RateLimiter::scopeKey(const QString &host, const QString &organizationId, const QString &publicKey)
{
    return organizationId.isEmpty() ? host + QLatin1String("|key:") + publicKey
                                    : host + QLatin1String("|org:") + organizationId;
}

RateLimit RateLimiter::limitFor(PlanTier tier, RateBucket bucket) const
{
    QMutexLocker lock(&m_mutex);
    if (tier != PlanTier::SelfHosted) {
        const auto it = m_overrides.constFind(int(bucket));
        if (it != m_overrides.constEnd())
            return *it;
    }
    return cloudRateLimit(tier, bucket);
}

void RateLimiter::setLimitOverride(RateBucket bucket, RateLimit limit)
{
    QMutexLocker lock(&m_mutex);
    m_overrides.insert(int(bucket), limit);
    // Buckets already made keep their old size otherwise.
    for (auto it = m_buckets.begin(); it != m_buckets.end();) {
        if (it.key().endsWith(u'#' + QString::number(int(bucket))))
            it = m_buckets.erase(it);
        else
            ++it;
    }
}

TokenBucket &RateLimiter::bucketFor(const QString &scope, PlanTier tier, RateBucket bucket, qint64 nowMs)
{
    const QString key = scope + u'#' + planTierKey(tier) + u'#' + QString::number(int(bucket));
    auto it = m_buckets.find(key);
    if (it == m_buckets.end()) {
        RateLimit limit = cloudRateLimit(tier, bucket);
        if (tier != PlanTier::SelfHosted && bucket != RateBucket::Unlimited) {
            const auto o = m_overrides.constFind(int(bucket));
            if (o != m_overrides.constEnd())
                limit = *o;
        }
        it = m_buckets.insert(key, TokenBucket(limit, nowMs));
    }
    return *it;
}

qint64 RateLimiter::acquire(const QString &scope, PlanTier tier, RateBucket bucket)
{
    const qint64 nowMs = now();
    QMutexLocker lock(&m_mutex);
    return bucketFor(scope, tier, bucket, nowMs).acquire(nowMs);
}

void RateLimiter::pause(const QString &scope, PlanTier tier, RateBucket bucket, qint64 delayMs)
{
    const qint64 nowMs = now();
    QMutexLocker lock(&m_mutex);
    bucketFor(scope, tier, bucket, nowMs).pauseUntil(nowMs + std::max<qint64>(0, delayMs));
}

} // namespace tg
