#include "metricsbudget.h"

#include "domain/timeformat.h"

#include <QJsonArray>

#include <algorithm>

namespace tg {

namespace {

constexpr qint64 kSecondNs = 1'000'000'000LL;
constexpr qint64 kHourNs = 3600 * kSecondNs;
constexpr qint64 kDefaultRetryAfterNs = 60 * kSecondNs;

QString tierName(MetricsBudget::Tier tier)
{
    switch (tier) {
    case MetricsBudget::Tier::Hobby:
        return QStringLiteral("hobby");
    case MetricsBudget::Tier::Core:
        return QStringLiteral("core");
    case MetricsBudget::Tier::Pro:
        return QStringLiteral("pro");
    }
    return {};
}

MetricsBudget::Tier tierFromName(const QString &name)
{
    if (name == QLatin1String("core"))
        return MetricsBudget::Tier::Core;
    if (name == QLatin1String("pro"))
        return MetricsBudget::Tier::Pro;
    return MetricsBudget::Tier::Hobby;
}

} // namespace

MetricsBudget::Limits MetricsBudget::limitsFor(Tier tier)
{
    switch (tier) {
    case Tier::Hobby:
        return { 100, 24 * kHourNs };
    case Tier::Core:
        return { 100, kHourNs };
    case Tier::Pro:
        return { 500, kHourNs };
    }
    return { 100, 24 * kHourNs };
}

MetricsBudget::Limits MetricsBudget::limitsOf(const Entry &entry) const
{
    Limits limits = limitsFor(entry.tier);
    if (entry.serverLimit && *entry.serverLimit > 0)
        limits.calls = *entry.serverLimit;
    return limits;
}

MetricsBudget::Entry MetricsBudget::rolled(const QString &key, qint64 nowNs) const
{
    Entry entry = m_entries.value(key);
    const Limits limits = limitsOf(entry);
    if (entry.windowStartNs == 0 || nowNs - entry.windowStartNs >= limits.windowNs
        || nowNs < entry.windowStartNs) {
        entry.windowStartNs = nowNs;
        entry.callsInWindow = 0;
        entry.serverRemaining.reset();
    }
    return entry;
}

std::optional<int> MetricsBudget::limit(const QString &key, bool cloud) const
{
    if (!cloud)
        return std::nullopt;
    return limitsOf(m_entries.value(key)).calls;
}

std::optional<int> MetricsBudget::remaining(const QString &key, bool cloud, qint64 nowNs) const
{
    if (!cloud)
        return std::nullopt;
    const Entry entry = rolled(key, nowNs);
    return std::max(0, limitsOf(entry).calls - entry.callsInWindow);
}

bool MetricsBudget::canCall(const QString &key, bool cloud, qint64 nowNs, bool background, QString *why) const
{
    const Entry entry = rolled(key, nowNs);
    if (nowNs < entry.blockedUntilNs) {
        if (why)
            *why = QStringLiteral("the metrics API is rate limited for another %1")
                       .arg(formatDuration(entry.blockedUntilNs - nowNs));
        return false;
    }
    if (!cloud)
        return true;
    const int calls = limitsOf(entry).calls;
    const int left = std::max(0, calls - entry.callsInWindow);
    if (left <= 0) {
        if (why)
            *why = QStringLiteral("the metrics-API budget (%1 calls) is spent").arg(calls);
        return false;
    }
    if (background && left <= calls / 5) {
        if (why)
            *why = QStringLiteral("the last %1 metrics-API calls are kept for interactive charts").arg(left);
        return false;
    }
    return true;
}

void MetricsBudget::recordCall(const QString &key, bool cloud, qint64 nowNs)
{
    Entry entry = rolled(key, nowNs);
    if (cloud)
        ++entry.callsInWindow;
    m_entries.insert(key, entry);
}

void MetricsBudget::recordResult(const QString &key, const MetricsFetchResult &result, qint64 nowNs)
{
    Entry entry = rolled(key, nowNs);
    if (result.rateLimitLimit && *result.rateLimitLimit > 0)
        entry.serverLimit = result.rateLimitLimit;
    if (result.rateLimitRemaining) {
        // The server's count is the truth: it includes calls from other machines of the org.
        entry.serverRemaining = std::max(0, *result.rateLimitRemaining);
        entry.serverSeenNs = nowNs;
        entry.callsInWindow = std::max(0, limitsOf(entry).calls - *entry.serverRemaining);
    }
    if (result.status == 429) {
        const qint64 wait = result.retryAfterSeconds ? std::max(1, *result.retryAfterSeconds) * kSecondNs
                                                     : kDefaultRetryAfterNs;
        entry.blockedUntilNs = nowNs + wait;
        if (!result.rateLimitRemaining)
            entry.callsInWindow = std::max(entry.callsInWindow, limitsOf(entry).calls);
    }
    m_entries.insert(key, entry);
}

QString MetricsBudget::describe(const QString &key, bool cloud, qint64 nowNs) const
{
    const Entry entry = rolled(key, nowNs);
    if (nowNs < entry.blockedUntilNs)
        return QStringLiteral("Metrics API paused for %1 (rate limited)")
            .arg(formatDuration(entry.blockedUntilNs - nowNs));
    if (!cloud)
        return {};
    const Limits limits = limitsOf(entry);
    const int left = std::max(0, limits.calls - entry.callsInWindow);
    const QString window = limits.windowNs >= 24 * kHourNs ? QStringLiteral("day") : QStringLiteral("hour");
    const QString source = entry.serverRemaining ? QString() : QStringLiteral(" (estimated)");
    return QStringLiteral("%1 of %2 metrics-API calls left this %3%4")
        .arg(left)
        .arg(limits.calls)
        .arg(window, source);
}

void MetricsBudget::setTier(const QString &key, Tier tier)
{
    Entry entry = m_entries.value(key);
    entry.tier = tier;
    m_entries.insert(key, entry);
}

QJsonObject MetricsBudget::toJson() const
{
    QJsonObject out;
    for (auto it = m_entries.cbegin(); it != m_entries.cend(); ++it) {
        const Entry &e = it.value();
        QJsonObject o;
        o.insert(QStringLiteral("windowStart"), QString::number(e.windowStartNs));
        o.insert(QStringLiteral("calls"), e.callsInWindow);
        if (e.serverLimit)
            o.insert(QStringLiteral("limit"), *e.serverLimit);
        if (e.serverRemaining)
            o.insert(QStringLiteral("remaining"), *e.serverRemaining);
        o.insert(QStringLiteral("blockedUntil"), QString::number(e.blockedUntilNs));
        o.insert(QStringLiteral("tier"), tierName(e.tier));
        out.insert(it.key(), o);
    }
    return out;
}

void MetricsBudget::restore(const QJsonObject &state)
{
    m_entries.clear();
    for (auto it = state.constBegin(); it != state.constEnd(); ++it) {
        const QJsonObject o = it.value().toObject();
        Entry e;
        e.windowStartNs = o.value(QStringLiteral("windowStart")).toString().toLongLong();
        e.callsInWindow = std::max(0, o.value(QStringLiteral("calls")).toInt());
        if (o.contains(QStringLiteral("limit")))
            e.serverLimit = o.value(QStringLiteral("limit")).toInt();
        if (o.contains(QStringLiteral("remaining")))
            e.serverRemaining = o.value(QStringLiteral("remaining")).toInt();
        e.blockedUntilNs = o.value(QStringLiteral("blockedUntil")).toString().toLongLong();
        e.tier = tierFromName(o.value(QStringLiteral("tier")).toString());
        m_entries.insert(it.key(), e);
    }
}

} // namespace tg
