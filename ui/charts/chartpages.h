#pragma once

#include "store/tracequery.h"

#include <QString>

#include <functional>

class QTabWidget;

namespace tg {

class ChartsPage;
class Dashboard;
class MetricsProvider;
class TraceStore;

/// What addChartPages() created.
struct ChartPages
{
    MetricsProvider *provider = nullptr; ///< set its transport factory once connections exist
    ChartsPage *charts = nullptr;
    Dashboard *dashboard = nullptr;
};

/// Adds the Charts and Dashboard tabs to `pages`, sharing one MetricsProvider (cache in the app
/// data dir) and restoring their saved state. `openTraces` shows the traces behind a clicked
/// point (a filtered trace list).
ChartPages addChartPages(QTabWidget *pages, TraceStore *store,
    std::function<void(const TraceFilter &filter, const QString &description)> openTraces);

} // namespace tg
