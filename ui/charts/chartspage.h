#pragma once

#include "metrics/metricsquery.h"
#include "store/tracequery.h"

#include <QWidget>

class QComboBox;
class QDateTimeEdit;
class QLabel;
class QToolButton;

namespace tg {

class MetricsChartView;
class MetricsProvider;
class SourcePicker;
class ThrottledTrigger;
class TraceStore;
struct MetricsSeries;

/// Cost, token, latency and count charts over one or several sources: pick sources, a range
/// (relative presets or custom), granularity, measure and group-by. Computation runs through
/// MetricsProvider (local store or the Langfuse metrics API); the notice line says where the
/// numbers came from and how much metrics-API budget is left. Relative ranges follow incoming
/// data live, redrawing at most ten times a second. Clicking a point asks for its traces.
class ChartsPage : public QWidget
{
    Q_OBJECT

public:
    ChartsPage(TraceStore *store, MetricsProvider *provider, QWidget *parent = nullptr);

    /// The query the controls describe, with the range resolved at `nowNs`.
    MetricsQuery query(qint64 nowNs) const;
    /// Sets the controls from a query (range becomes Custom unless `preset` is given).
    void setQuery(const MetricsQuery &query, std::optional<RangePreset> preset = std::nullopt);
    MetricsChartView *chartView() const { return m_chart; }
    SourcePicker *sourcePicker() const { return m_sources; }
    QLabel *noticeLabel() const { return m_notice; }
    /// Recomputes now (also what the Refresh button does); `live` marks redraws for new data.
    void refresh(bool live = false);
    /// Writes the chart (PNG/SVG by suffix) or its series (CSV); false and `error` on failure.
    bool exportTo(const QString &path, QString *error = nullptr);
    /// Completed computations since construction (for tests and the live-rate check).
    int completedRefreshes() const { return m_completed; }

    void saveState(const QString &group) const;
    void restoreState(const QString &group);

Q_SIGNALS:
    /// Open the traces behind a clicked point or bar.
    void tracesRequested(const tg::TraceFilter &filter, const QString &description);
    /// A computation finished and the chart shows it.
    void updated();
    /// The user changed what the chart shows (sources, range, measure, ...).
    void controlsChanged();

protected:
    void showEvent(QShowEvent *event) override;

private:
    void buildControls();
    void updateVariantControl();
    void updateRangeControls();
    void scheduleRefresh();
    void showResult(const MetricsSeries &result, qint64 elapsedMs);
    void chooseExport(const QString &suffix);

    TraceStore *m_store;
    MetricsProvider *m_provider;
    SourcePicker *m_sources;
    QComboBox *m_range;
    QDateTimeEdit *m_from;
    QDateTimeEdit *m_to;
    QComboBox *m_granularity;
    QComboBox *m_zone;
    QComboBox *m_measure;
    QComboBox *m_variant;
    QComboBox *m_groupBy;
    QComboBox *m_style;
    QToolButton *m_export;
    QToolButton *m_refresh;
    MetricsChartView *m_chart;
    QLabel *m_notice;
    ThrottledTrigger *m_live;
    quint64 m_generation = 0;
    bool m_inFlight = false;
    bool m_again = false; ///< run once more when the running computation is done
    bool m_stale = false; ///< ...and drop its answer: the controls changed
    bool m_dirty = true;
    int m_completed = 0;
};

} // namespace tg
