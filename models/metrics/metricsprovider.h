#pragma once

#include "domain/source.h"
#include "metrics/metricsbudget.h"
#include "metrics/metricscache.h"
#include "metrics/metricsseries.h"
#include "metrics/metricstransport.h"

#include <QHash>
#include <QObject>
#include <QSet>

#include <functional>
#include <memory>

namespace tg {

class ReaderPool;

/// Answers MetricsQuery for any mix of sources: local sources (and remote ones without a
/// connection) are aggregated from the store on a worker thread; a Langfuse source with a
/// transport is asked through the metrics API v2, within the call budget and through the
/// per-query cache. When the API cannot answer (unsupported chart, 404 on older servers, budget
/// spent, 429, network error) the cached answer or else the local copy of that project is used,
/// and the result's notice says so. Parts are merged into one MetricsSeries.
class MetricsProvider : public QObject
{
    Q_OBJECT

public:
    using TransportFactory = std::function<std::shared_ptr<MetricsTransport>(const Source &)>;
    using Callback = std::function<void(const MetricsSeries &)>;

    explicit MetricsProvider(std::shared_ptr<ReaderPool> pool, QObject *parent = nullptr);
    ~MetricsProvider() override;

    /// Gives a transport for a Langfuse source with a usable connection, else nullptr.
    void setTransportFactory(TransportFactory factory) { m_factory = std::move(factory); }
    /// Where API answers and the budget state live; restores the budget from it.
    void setCache(std::shared_ptr<MetricsCache> cache);
    MetricsCache *cache() const { return m_cache.get(); }
    MetricsBudget &budget() { return m_budget; }
    /// Cached answers younger than this are used without calling (default 5 minutes).
    void setFreshness(qint64 ns) { m_freshNs = ns; }
    /// For tests: the clock used for budgets and cache ages.
    void setClock(std::function<qint64()> clock) { m_clock = std::move(clock); }

    /// Computes `query`; `done` runs later on this object's thread, never inside this call.
    /// Background requests (auto-refresh) leave part of the API budget for interactive use.
    void request(const MetricsQuery &query, Callback done, bool background = false);

    /// "Production: 87 of 100 metrics-API calls left this day" for each remote source among
    /// `sourceIds` (all when empty) seen so far; empty when none is rate-limited.
    QStringList budgetSummary(const QList<qint64> &sourceIds = {}) const;

    /// The remote query window for a query: whole minutes (minute buckets) or five minutes, so
    /// repeated refreshes of a relative range hit the cache.
    static MetricsQuery remoteWindow(const MetricsQuery &query);
    /// The granularity to ask the API for: the chart's, except local-zone days and weeks of
    /// additive one-series charts, which are asked per hour and summed into local days.
    static Granularity remoteGranularity(const MetricsQuery &query, const class TimeBuckets &buckets);

Q_SIGNALS:
    void budgetChanged();

private:
    struct Job;
    struct RemoteSource
    {
        Source source;
        std::shared_ptr<MetricsTransport> transport;
    };
    void start(const std::shared_ptr<Job> &job, const std::vector<Source> &sources);
    void startRemote(const std::shared_ptr<Job> &job, const RemoteSource &remote);
    void addLocalPart(const std::shared_ptr<Job> &job, const QList<qint64> &sourceIds, const QString &prefix,
        MetricsOrigin origin, const QString &notice);
    void addPart(const std::shared_ptr<Job> &job, MetricsSeries part, const QString &prefix);
    void finishPart(const std::shared_ptr<Job> &job);
    void saveBudget();
    qint64 now() const;

    std::shared_ptr<ReaderPool> m_pool;
    TransportFactory m_factory;
    std::shared_ptr<MetricsCache> m_cache;
    MetricsBudget m_budget;
    qint64 m_freshNs = 5LL * 60 * 1'000'000'000LL;
    std::function<qint64()> m_clock;
    QHash<qint64, RemoteSource> m_remotes; ///< remote sources seen by the last requests
    QSet<QString> m_noMetricsApi; ///< budget keys whose server answered 404
};

} // namespace tg
