#pragma once

#include "domain/source.h"
#include "metrics/dashboardtilespec.h"
#include "metrics/metricsseries.h"
#include "store/tracequery.h"

#include <QFrame>

#include <vector>

class QLabel;
class QToolButton;

namespace tg {

class MetricsChartView;

/// One dashboard tile: a title bar with a menu (move, resize, remove) over either a KPI (the
/// number, its change against the previous period) or a compact chart.
class DashboardTile : public QFrame
{
    Q_OBJECT

public:
    explicit DashboardTile(const DashboardTileSpec &spec, QWidget *parent = nullptr);

    const DashboardTileSpec &spec() const { return m_spec; }
    MetricsChartView *chart() const { return m_chart; }
    QLabel *valueLabel() const { return m_value; }
    QLabel *deltaLabel() const { return m_delta; }

    /// A KPI's figures: this period and the one before (either may carry an error).
    void setKpi(const MetricsSeries &current, const MetricsSeries &previous, const QString &periodName);
    void setChart(const MetricsSeries &series);
    void setBusy(bool busy);
    /// The sources the tile's "Sources" menu offers (the dashboard's list).
    void setSourceChoices(const std::vector<Source> &sources);
    /// "+12.3%" / "−4.0 pp" and whether the change is good, bad or neither, for tests.
    static QString deltaText(Measure measure, double current, double previous, int *tone = nullptr);

Q_SIGNALS:
    void moveRequested(int by);
    void spanRequested(int by);
    void removeRequested();
    /// The tile should show these sources instead of the dashboard's (empty = the dashboard's).
    void sourcesRequested(const QList<qint64> &sourceIds);
    void tracesRequested(const tg::TraceFilter &filter, const QString &description);

private:
    DashboardTileSpec m_spec;
    QLabel *m_title;
    QToolButton *m_menuButton;
    QLabel *m_value = nullptr;
    QLabel *m_delta = nullptr;
    QLabel *m_caption = nullptr;
    MetricsChartView *m_chart = nullptr;
    MetricsSeries m_current;
    std::vector<Source> m_sourceChoices;
};

} // namespace tg
