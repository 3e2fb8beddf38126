#include "chartpages.h"

#include "chartspage.h"
#include "dashboard.h"
#include "metrics/metricscache.h"
#include "metrics/metricsprovider.h"
#include "store/tracestore.h"

#include <QSplitter>
#include <QTabWidget>

#include <memory>

namespace tg {

ChartPages addChartPages(QTabWidget *pages, TraceStore *store,
    std::function<void(const TraceFilter &filter, const QString &description)> openTraces)
{
    ChartPages created;
    created.provider = new MetricsProvider(store->readerPool(), pages);
    created.provider->setCache(std::make_shared<MetricsCache>(MetricsCache::defaultDirectory()));
    created.charts = new ChartsPage(store, created.provider);
    created.dashboard = new Dashboard(store, created.provider);
    created.charts->restoreState(QStringLiteral("chartsPage"));
    created.dashboard->restoreState(QStringLiteral("dashboard"));
    pages->addTab(created.charts, ChartsPage::tr("Charts"));
    pages->addTab(created.dashboard, Dashboard::tr("Dashboard"));
    QObject::connect(created.charts, &ChartsPage::tracesRequested, pages, openTraces);
    QObject::connect(created.dashboard, &Dashboard::tracesRequested, pages, openTraces);
    // Charts want the height the trace view below the tabs takes: while a chart tab is current,
    // collapse the pane under the tabs (when the tabs sit in a vertical splitter) and give it back
    // afterwards.
    if (auto *splitter = qobject_cast<QSplitter *>(pages->parentWidget());
        splitter && splitter->orientation() == Qt::Vertical && splitter->count() > 1) {
        auto saved = std::make_shared<QList<int>>();
        QWidget *chartsWidget = created.charts;
        QWidget *dashboardWidget = created.dashboard;
        QObject::connect(pages, &QTabWidget::currentChanged, splitter, [=](int) {
            const bool chartTab
                = pages->currentWidget() == chartsWidget || pages->currentWidget() == dashboardWidget;
            const QList<int> sizes = splitter->sizes();
            if (chartTab && saved->isEmpty()) {
                *saved = sizes;
                int total = 0;
                for (const int size : sizes)
                    total += size;
                QList<int> collapsed(sizes.size(), 0);
                collapsed[splitter->indexOf(pages)] = total;
                splitter->setSizes(collapsed);
            } else if (!chartTab && !saved->isEmpty()) {
                QList<int> restore = *saved;
                // A layout saved while a chart tab was current has the pane collapsed: reopen it.
                int total = 0;
                for (const int size : restore)
                    total += size;
                if (restore.value(splitter->indexOf(pages)) >= total && restore.size() == 2)
                    restore = { total * 2 / 5, total - total * 2 / 5 };
                splitter->setSizes(restore);
                saved->clear();
            }
        });
    }
    // Remember the charts page's controls whenever it recomputes.
    ChartsPage *charts = created.charts;
    QObject::connect(
        charts, &ChartsPage::updated, charts, [charts] { charts->saveState(QStringLiteral("chartsPage")); });
    return created;
}

} // namespace tg
