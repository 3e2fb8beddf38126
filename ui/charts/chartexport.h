#pragma once

#include <QString>

namespace tg {

class MetricsChartView;
struct MetricsSeries;

/// Saves what a chart shows: the picture as PNG or SVG, the numbers as CSV.
class ChartExport
{
public:
    enum class Format { Png, Svg, Csv };

    /// Writes `view`'s chart (or its series, for CSV) to `path`; false and `error` on failure.
    static bool save(MetricsChartView *view, Format format, const QString &path, QString *error = nullptr);
    static bool savePng(MetricsChartView *view, const QString &path, QString *error = nullptr);
    static bool saveSvg(MetricsChartView *view, const QString &path, QString *error = nullptr);
    static bool saveCsv(const MetricsSeries &series, const QString &path, QString *error = nullptr);
    /// The format a file name asks for (by suffix), PNG when unknown.
    static Format formatForPath(const QString &path);
};

} // namespace tg
