#pragma once

#include "metrics/metricsseries.h"

#include <QChartView>
#include <QImage>

class QAbstractSeries;
class QLabel;

namespace tg {

/// Draws a MetricsSeries with Qt Charts: stacked areas or bars for sums split into groups,
/// lines for percentiles, rates and token kinds, horizontal bars for whole-range totals.
/// Long series are reduced to the plot's pixel width (min/max per column) before they reach
/// the chart. Hovering shows exact values; clicking a point or bar emits pointClicked().
class MetricsChartView : public QChartView
{
    Q_OBJECT

public:
    enum class Style { Auto, Lines, StackedArea, Bars, StackedBars, HorizontalBars };

    explicit MetricsChartView(QWidget *parent = nullptr);

    /// Small tiles: tighter margins, smaller fonts, legend only when several series.
    void setCompact(bool compact);
    void setStyle(Style style);
    Style style() const { return m_style; }
    /// The style actually drawn (Auto resolved).
    Style effectiveStyle() const;

    void setMetrics(const MetricsSeries &metrics);
    const MetricsSeries &metrics() const { return m_metrics; }
    /// Shown instead of a chart (e.g. "Computing…", an error).
    void setMessage(const QString &message);

    /// Tooltip text for one bucket of one series (also used by tests).
    QString tooltipText(int bucket, int seriesIndex) const;
    /// The chart alone rendered at `size` (for PNG export and benchmarks).
    QImage renderImage(const QSize &size);
    /// Points handed to Qt Charts by the last rebuild, after reduction.
    qsizetype drawnPointCount() const { return m_drawnPoints; }

Q_SIGNALS:
    /// A point or bar was clicked: bucket index and series index into metrics().series.
    void pointClicked(int bucket, int seriesIndex);
    void pointHovered(int bucket, int seriesIndex);

protected:
    void resizeEvent(QResizeEvent *event) override;

private:
    void rebuild();
    void buildXY(bool stacked);
    void buildBars(bool stacked);
    void buildHorizontalBars();
    void addValueAxis(double maxValue, Qt::Alignment alignment, QAbstractSeries *series);
    void attachXY(QAbstractSeries *series, int seriesIndex);
    int bucketAt(double msecs) const;
    double plotValue(double v) const; ///< the value in the axis unit
    void chooseScale();
    int plotWidth() const;
    void showTip(int bucket, int seriesIndex);
    QColor colorFor(int seriesIndex) const;

    MetricsSeries m_metrics;
    Style m_style = Style::Auto;
    bool m_compact = false;
    QLabel *m_message;
    qsizetype m_drawnPoints = 0;
    int m_builtForWidth = 0;
    bool m_reduced = false;
    double m_scale = 1.0; ///< plotted = value * scale (percent, seconds)
};

} // namespace tg
