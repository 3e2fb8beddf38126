#pragma once

#include "metrics/metricstransport.h"

#include <QHash>
#include <QJsonObject>
#include <QString>

#include <optional>

namespace tg {

/// Counts metrics-API calls per budget key so charts stay within Langfuse Cloud's
/// public-api-v2-metrics limits (hobby 100/day, core 100/hour, pro and up 500/hour). Until the
/// server says otherwise (X-RateLimit-Limit/-Remaining headers) a Cloud key is assumed to be on
/// the smallest plan; self-hosted servers are not limited. A 429 blocks calls until Retry-After
/// has passed. Background refreshes (dashboards) leave a fifth of the budget to interactive use.
class MetricsBudget
{
public:
    enum class Tier { Hobby, Core, Pro };
    struct Limits
    {
        int calls = 0;
        qint64 windowNs = 0;
    };
    static Limits limitsFor(Tier tier);

    /// Whether a call may go out now; `why` says why not.
    bool canCall(
        const QString &key, bool cloud, qint64 nowNs, bool background = false, QString *why = nullptr) const;
    /// Counts a call that is being sent.
    void recordCall(const QString &key, bool cloud, qint64 nowNs);
    /// Learns from an answer's status and rate-limit headers.
    void recordResult(const QString &key, const MetricsFetchResult &result, qint64 nowNs);
    /// Calls left in the current window, when known or estimated; nullopt = unlimited.
    std::optional<int> remaining(const QString &key, bool cloud, qint64 nowNs) const;
    std::optional<int> limit(const QString &key, bool cloud) const;
    /// "87 of 100 metrics-API calls left", "metrics API paused for 40 s (rate limited)", or "".
    QString describe(const QString &key, bool cloud, qint64 nowNs) const;
    /// Overrides the assumed plan for a key (e.g. from settings).
    void setTier(const QString &key, Tier tier);

    QJsonObject toJson() const;
    void restore(const QJsonObject &state);

private:
    struct Entry
    {
        qint64 windowStartNs = 0;
        int callsInWindow = 0;
        std::optional<int> serverLimit;
        std::optional<int> serverRemaining;
        qint64 serverSeenNs = 0;
        qint64 blockedUntilNs = 0;
        Tier tier = Tier::Hobby;
    };
    Limits limitsOf(const Entry &entry) const;
    /// The entry as it stands at `nowNs` (a new window once the old one has passed).
    Entry rolled(const QString &key, qint64 nowNs) const;

    QHash<QString, Entry> m_entries;
};

} // namespace tg
