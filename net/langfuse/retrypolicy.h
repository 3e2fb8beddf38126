#pragma once

#include <QByteArrayView>
#include <QDateTime>

#include <optional>

namespace tg {

/// Whether and when to try a failed request again. Pure: the caller passes the random number.
///
/// Retried: 429 (after Retry-After when the server sent one, else backoff), 502, 503, 504, 524,
/// and transport failures the caller marks retryable (reset, timeout, refused, DNS). Never
/// retried: every other status (other 4xx, 500 and the rest of 5xx), TLS failures, cancellation.
/// Backoff doubles from `baseDelayMs` up to `maxDelayMs`, with "equal jitter": half fixed, half
/// random, so clients that failed together do not come back together.
class RetryPolicy
{
public:
    struct Options
    {
        int maxAttempts = 5; ///< including the first
        qint64 baseDelayMs = 1'000;
        qint64 maxDelayMs = 60'000;
        qint64 maxRetryAfterMs = 300'000; ///< a longer Retry-After is reported, not waited for
    };

    struct Decision
    {
        bool retry = false;
        qint64 delayMs = 0;
        bool honoursRetryAfter = false; ///< the delay is the server's Retry-After
    };

    RetryPolicy() = default;
    explicit RetryPolicy(Options options)
        : m_options(options)
    {
    }

    const Options &options() const { return m_options; }

    static bool isRetryableStatus(int httpStatus);

    /// After attempt number `attempt` (1 = the first) failed with `httpStatus` (0 = no HTTP
    /// answer; then `retryableTransport` says whether the transport failure is worth retrying).
    /// `random01` is in [0, 1).
    Decision decide(int attempt, int httpStatus, bool retryableTransport, std::optional<qint64> retryAfterMs,
        double random01) const;

    /// The backoff before attempt `attempt + 1`.
    qint64 backoffMs(int attempt, double random01) const;

    /// Retry-After as delta-seconds or an HTTP date (relative to `now`); empty when absent or bad.
    static std::optional<qint64> parseRetryAfter(QByteArrayView value, const QDateTime &now);

private:
    Options m_options;
};

} // namespace tg
