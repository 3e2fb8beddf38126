#pragma once

#include "metrics/metricsquery.h"

#include <QJsonArray>
#include <QString>

#include <optional>
#include <vector>

namespace tg {

/// One tile of the dashboard, as persisted: a KPI (one number with its change against the
/// previous period) or a small chart. The dashboard supplies the time range and, unless the
/// tile names its own, the sources.
struct DashboardTileSpec
{
    enum class Kind : quint8 { Kpi, Chart };

    Kind kind = Kind::Chart;
    QString title;
    MetricsQuery query; ///< measure, split, granularity; range and sources are filled in
    QList<qint64> sources; ///< empty = the dashboard's sources
    int columnSpan = 2; ///< of the dashboard's four columns

    bool operator==(const DashboardTileSpec &other) const = default;

    QJsonObject toJson() const;
    static std::optional<DashboardTileSpec> fromJson(const QJsonObject &object);
    static QJsonArray listToJson(const std::vector<DashboardTileSpec> &tiles);
    /// Reads a saved layout, skipping tiles it cannot read.
    static std::vector<DashboardTileSpec> listFromJson(const QJsonArray &array);

    /// Total cost, traces, p95 latency and error rate KPIs; cost per project per day, p95
    /// latency per project, the ten most expensive trace names and the error rate per project.
    static std::vector<DashboardTileSpec> defaults();
    /// Everything the "Add tile" menu offers.
    static std::vector<DashboardTileSpec> catalogue();
    /// The query for a refresh at `nowNs`: the tile's query with the dashboard's range and sources;
    /// Auto granularity gives at most 60 buckets (small charts).
    MetricsQuery resolve(RangePreset range, const QList<qint64> &dashboardSources, qint64 nowNs) const;
    /// The same query one period earlier (for KPI deltas).
    static MetricsQuery previousPeriod(const MetricsQuery &query);
};

} // namespace tg
