#pragma once

#include "metrics/dashboardtilespec.h"
#include "store/tracequery.h"

#include <QWidget>

#include <vector>

class QComboBox;
class QGridLayout;
class QLabel;
class QTimer;
class QToolButton;

namespace tg {

class DashboardTile;
class MetricsProvider;
class SourcePicker;
class TraceStore;

/// Tiles over several connections and projects side by side: KPIs with their change against
/// the previous period and small charts, in a four-column grid. The tile list, their order and
/// widths, the range, the sources and the auto-refresh interval persist in QSettings.
/// Auto-refreshes are background requests, so they leave metrics-API budget for interactive use.
class Dashboard : public QWidget
{
    Q_OBJECT

public:
    static constexpr int kColumns = 4;

    Dashboard(TraceStore *store, MetricsProvider *provider, QWidget *parent = nullptr);

    const std::vector<DashboardTileSpec> &tiles() const { return m_specs; }
    QList<DashboardTile *> tileWidgets() const { return m_tiles; }
    void setTiles(std::vector<DashboardTileSpec> tiles);
    void addTile(const DashboardTileSpec &tile);
    void removeTile(int index);
    void moveTile(int index, int by);
    void resizeTile(int index, int by);
    /// Gives a tile its own sources (empty = the dashboard's).
    void setTileSources(int index, const QList<qint64> &sourceIds);
    void resetLayout();

    RangePreset range() const;
    void setRange(RangePreset range);
    /// Auto-refresh interval in seconds; 0 = off.
    int refreshInterval() const;
    void setRefreshInterval(int seconds);
    SourcePicker *sourcePicker() const { return m_sources; }

    /// Recomputes every tile; `background` marks auto-refreshes.
    void refresh(bool background = false);
    /// Tiles still computing.
    int pending() const { return m_pending; }

    /// Persists to / restores from QSettings under `group` (default "dashboard").
    void saveState(const QString &group = QStringLiteral("dashboard")) const;
    void restoreState(const QString &group = QStringLiteral("dashboard"));

Q_SIGNALS:
    void tracesRequested(const tg::TraceFilter &filter, const QString &description);
    /// Every tile of the last refresh has its numbers.
    void refreshed();

protected:
    void showEvent(QShowEvent *event) override;

private:
    void rebuildGrid();
    void layoutChanged();
    void updateStatus();

    TraceStore *m_store;
    MetricsProvider *m_provider;
    SourcePicker *m_sources;
    QComboBox *m_range;
    QComboBox *m_interval;
    QToolButton *m_add;
    QToolButton *m_refreshButton;
    QLabel *m_status;
    QWidget *m_canvas;
    QGridLayout *m_grid;
    QTimer *m_timer;
    std::vector<DashboardTileSpec> m_specs;
    QList<DashboardTile *> m_tiles;
    quint64 m_generation = 0;
    int m_pending = 0;
    bool m_dirty = true;
    bool m_restoring = false;
};

} // namespace tg
