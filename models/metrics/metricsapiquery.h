#pragma once

#include "metrics/metricsseries.h"
#include "metrics/timebuckets.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

#include <optional>

namespace tg {

/// The Langfuse metrics API v2 (GET /api/public/v2/metrics?query=<json>, observations view)
/// for one remote project: builds the query object for a MetricsQuery and parses the answer
/// into the same buckets the local aggregation uses.
///
/// Mapping: cost = sum(totalCost); tokens = sum(inputTokens | outputTokens | totalTokens);
/// latency = p50..p99(latency) over all observations, GENERATION ones (type filter) or root
/// observations (isRootObservation, standing in for traces); trace count = count of root
/// observations; error count = count of ERROR observations; error rate = ERROR over all
/// observations (one query grouped by level). Group-by: model -> providedModelName, trace name
/// -> traceName, environment, tag -> tags; a source is one query. Not available remotely:
/// grouping by user (the API refuses high-cardinality dimensions), cached and reasoning tokens.
class MetricsApiQuery
{
public:
    static constexpr int kRowLimit = 1000; ///< the API's maximum row_limit

    /// The query object, or nullopt with `unsupported` saying why the API cannot answer it.
    /// The range is [fromNs, toNs) as given; `granularity` must be resolved (not Auto).
    static std::optional<QJsonObject> build(
        const MetricsQuery &query, Granularity granularity, QString *unsupported = nullptr);
    /// Compact JSON text, the value of the `query` URL parameter (before URL encoding).
    static QByteArray toText(const QJsonObject &query);
    /// Series over `buckets` from a response body ({"data": [...]}); `error` on bad JSON or shape.
    /// `sourceKey`/`sourceLabel` name the single series of a query grouped by source.
    static MetricsSeries parse(const QByteArray &body, const MetricsQuery &query, const TimeBuckets &buckets,
        const QString &sourceKey = {}, const QString &sourceLabel = {});
    /// Parses a time_dimension value: ISO-8601, "YYYY-MM-DD HH:MM:SS[.fff]" (UTC), "YYYY-MM-DD",
    /// or epoch milliseconds.
    static std::optional<qint64> parseTimeDimension(const QJsonValue &value);
    /// The "<aggregation>_<measure>" keys a query's rows carry, in series order.
    static QStringList metricKeys(const MetricsQuery &query);
};

} // namespace tg
