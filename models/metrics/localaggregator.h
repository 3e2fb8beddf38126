#pragma once

#include "metrics/metricsseries.h"

#include <atomic>
#include <memory>

namespace tg {

class ReaderPool;
class StoreReader;

/// Computes a MetricsSeries from the local store. One sequential scan reads only the columns
/// the query needs: traces for trace counts, error counts and trace latency; observations for
/// cost, tokens and generation/observation latency (with trace fields read once beforehand when
/// the group-by or a filter needs them). Group values are interned, percentiles exact. Large
/// observation scans are split over two read connections.
class LocalAggregator
{
public:
    explicit LocalAggregator(std::shared_ptr<ReaderPool> pool);

    /// Blocking: call on a worker thread. `cancel`, when set, aborts with an error.
    MetricsSeries run(const MetricsQuery &query, const std::atomic<bool> *cancel = nullptr) const;
    /// The same on one connection and one thread.
    static MetricsSeries run(
        StoreReader &reader, const MetricsQuery &query, const std::atomic<bool> *cancel = nullptr);

    /// Observation scans over more rows than this use a second thread (default 150,000).
    void setParallelRowThreshold(qint64 rows) { m_parallelThreshold = rows; }

private:
    std::shared_ptr<ReaderPool> m_pool;
    qint64 m_parallelThreshold = 150'000;
};

} // namespace tg
