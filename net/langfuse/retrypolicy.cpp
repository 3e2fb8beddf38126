#include "retrypolicy.h"

#include <QLocale>

#include <algorithm>

namespace tg {

bool RetryPolicy::isRetryableStatus(int httpStatus)
{
    switch (httpStatus) {
    case 429:
    case 502:
    case 503:
    case 504:
    case 524: // Cloudflare: the origin (ClickHouse) timed out
        return true;
    default:
        return false;
    }
}

qint64 RetryPolicy::backoffMs(int attempt, double random01) const
{
    qint64 delay = m_options.baseDelayMs;
    for (int i = 1; i < attempt && delay < m_options.maxDelayMs; ++i)
        delay *= 2;
    delay = std::min(delay, m_options.maxDelayMs);
    random01 = std::clamp(random01, 0.0, 1.0);
    return delay / 2 + qint64(double(delay - delay / 2) * random01);
}

RetryPolicy::Decision RetryPolicy::decide(int attempt, int httpStatus, bool retryableTransport,
    std::optional<qint64> retryAfterMs, double random01) const
{
    Decision decision;
    const bool retryable = httpStatus == 0 ? retryableTransport : isRetryableStatus(httpStatus);
    if (!retryable || attempt >= m_options.maxAttempts)
        return decision;
    if (retryAfterMs && (httpStatus == 429 || httpStatus == 503)) {
        if (*retryAfterMs > m_options.maxRetryAfterMs)
            return decision;
        decision.retry = true;
        decision.honoursRetryAfter = true;
        // A little extra so the retry lands after the server's window opened, not on its edge.
        decision.delayMs = *retryAfterMs + qint64(250 * std::clamp(random01, 0.0, 1.0));
        return decision;
    }
    decision.retry = true;
    decision.delayMs = backoffMs(attempt, random01);
    return decision;
}

std::optional<qint64> RetryPolicy::parseRetryAfter(QByteArrayView value, const QDateTime &now)
{
    const QByteArray text = value.toByteArray().trimmed();
    if (text.isEmpty())
        return std::nullopt;
    bool ok = false;
    const double seconds = text.toDouble(&ok);
    if (ok)
        return seconds < 0 ? std::nullopt : std::optional<qint64>(qint64(seconds * 1000.0));
    // HTTP-date, e.g. "Wed, 21 Oct 2015 07:28:00 GMT".
    QDateTime when = QLocale::c().toDateTime(
        QString::fromLatin1(text), QStringLiteral("ddd, dd MMM yyyy HH:mm:ss 'GMT'"));
    if (!when.isValid())
        return std::nullopt;
    when.setTimeSpec(Qt::UTC);
    return std::max<qint64>(0, now.msecsTo(when));
}

} // namespace tg
