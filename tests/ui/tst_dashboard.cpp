// GUI test of the dashboard (offscreen): default tiles over two projects with a 1440x900
// screenshot, KPI values and deltas against the previous period checked against the
// aggregator, layout changes persisted and restored, auto-refresh interval, drill-down.
#include "charts/dashboard.h"
#include "charts/dashboardtile.h"
#include "charts/metricschartview.h"
#include "charts/sourcepicker.h"
#include "chartstestutil.h"
#include "domain/timeformat.h"
#include "metrics/localaggregator.h"
#include "metrics/metricsprovider.h"
#include "uitestutil.h"

#include <QLabel>
#include <QMenu>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTimer>
#include <QToolButton>

using namespace tg;

namespace {
constexpr qint64 kDay = 86'400'000'000'000LL;
} // namespace

class TestDashboard : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<TraceStore> m_store;
    std::unique_ptr<MetricsProvider> m_provider;

    static bool waitForRefresh(Dashboard &dashboard, QSignalSpy &spy, int before)
    {
        return QTest::qWaitFor([&] { return spy.count() > before && dashboard.pending() == 0; }, 30'000);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
        StoreOptions options;
        options.path = m_dir.filePath(QStringLiteral("dash.db"));
        options.fullTextIndex = false;
        QString error;
        m_store = TraceStore::open(options, &error);
        QVERIFY2(m_store, qPrintable(error));
        // Two weeks, so the "last 7 days" KPIs have a previous period to compare with.
        const qint64 now = nowNs();
        test::addDemoProject(*m_store, QStringLiteral("prod"), QStringLiteral("Production"), 3, 700,
            now - 14 * kDay, 14 * kDay);
        test::addDemoProject(*m_store, QStringLiteral("staging"), QStringLiteral("Staging"), 5, 300,
            now - 14 * kDay, 14 * kDay);
        test::addDemoProject(*m_store, QStringLiteral("dev"), QStringLiteral("Dev laptop"), 9, 120,
            now - 6 * kDay, 6 * kDay, SourceKind::LocalReceiver);
        m_provider = std::make_unique<MetricsProvider>(m_store->readerPool());
    }

    void defaultTilesWithKpisAndCharts()
    {
        Dashboard dashboard(m_store.get(), m_provider.get());
        QSignalSpy refreshed(&dashboard, &Dashboard::refreshed);
        dashboard.resize(1440, 900);
        dashboard.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dashboard));
        QVERIFY(waitForRefresh(dashboard, refreshed, 0));
        QCOMPARE(dashboard.tileWidgets().size(), 8);
        QCOMPARE(dashboard.range(), RangePreset::Last7Days);

        // The cost KPI and its delta agree with the aggregator.
        DashboardTile *cost = dashboard.tileWidgets().at(0);
        QCOMPARE(cost->spec().title, QStringLiteral("Total cost"));
        const MetricsQuery current = cost->spec().resolve(RangePreset::Last7Days, {}, nowNs());
        ReaderLease reader = m_store->reader();
        const double now = LocalAggregator::run(*reader, current).series[0].total;
        const double before
            = LocalAggregator::run(*reader, DashboardTileSpec::previousPeriod(current)).series[0].total;
        QVERIFY(now > 0 && before > 0);
        MetricsSeries formatter;
        formatter.query.measure = Measure::Cost;
        QCOMPARE(cost->valueLabel()->text(), formatter.formatValue(now));
        QVERIFY2(cost->deltaLabel()->text().startsWith(DashboardTile::deltaText(Measure::Cost, now, before)),
            qPrintable(cost->deltaLabel()->text()));
        QVERIFY(cost->deltaLabel()->text().contains(QLatin1String("previous 7 days")));

        // The project charts have one series per project.
        DashboardTile *perProject = dashboard.tileWidgets().at(4);
        QCOMPARE(perProject->spec().query.groupBy, Dimension::Source);
        QCOMPARE(perProject->chart()->metrics().series.size(), size_t(3));
        DashboardTile *topNames = dashboard.tileWidgets().at(6);
        QCOMPARE(topNames->chart()->effectiveStyle(), MetricsChartView::Style::HorizontalBars);
        QVERIFY(topNames->chart()->metrics().series.size() <= 11);
        QTest::qWait(150);
        uitest::checkScreenshot(dashboard, QStringLiteral("dashboard.png"));

        // A KPI click opens the traces of the whole range.
        QSignalSpy traces(&dashboard, &Dashboard::tracesRequested);
        QTest::mouseClick(cost->valueLabel(), Qt::LeftButton);
        QCOMPARE(traces.count(), 1);
        const auto filter = traces.front().at(0).value<TraceFilter>();
        QVERIFY(filter.fromNs && filter.toNs);
        QCOMPARE(*filter.toNs - *filter.fromNs, 7 * kDay);
    }

    void deltas()
    {
        int tone = 0;
        QCOMPARE(DashboardTile::deltaText(Measure::Cost, 12, 10, &tone), QStringLiteral("▲ 20.0%"));
        QCOMPARE(tone, -1); // more cost is bad
        QCOMPARE(DashboardTile::deltaText(Measure::Latency, 50, 100, &tone), QStringLiteral("▼ 50.0%"));
        QCOMPARE(tone, 1);
        QCOMPARE(DashboardTile::deltaText(Measure::TraceCount, 20, 10, &tone), QStringLiteral("▲ 100.0%"));
        QCOMPARE(tone, 0); // more traces is neither
        QCOMPARE(DashboardTile::deltaText(Measure::ErrorRate, 0.05, 0.02, &tone), QStringLiteral("▲ 3.0 pp"));
        QCOMPARE(DashboardTile::deltaText(Measure::Cost, 5, 0), QStringLiteral("▲ new"));
        QCOMPARE(DashboardTile::deltaText(Measure::Cost, 5, MetricsSeries::kNoValue),
            QStringLiteral("no data to compare"));
    }

    void layoutPersists()
    {
        {
            Dashboard dashboard(m_store.get(), m_provider.get());
            dashboard.removeTile(7);
            dashboard.moveTile(0, 1); // traces KPI first
            dashboard.resizeTile(4, 2); // the first chart full width
            dashboard.addTile(DashboardTileSpec::catalogue().back());
            dashboard.setRange(RangePreset::Last30Days);
            dashboard.setRefreshInterval(60);
            dashboard.moveTile(0, -1); // out of range: ignored
            dashboard.removeTile(42);
        }
        Dashboard restored(m_store.get(), m_provider.get());
        restored.restoreState();
        const auto &tiles = restored.tiles();
        QCOMPARE(tiles.size(), size_t(8));
        QCOMPARE(tiles[0].title, QStringLiteral("Traces"));
        QCOMPARE(tiles[1].title, QStringLiteral("Total cost"));
        QCOMPARE(tiles[4].columnSpan, 4);
        QCOMPARE(tiles.back().title, DashboardTileSpec::catalogue().back().title);
        QCOMPARE(restored.range(), RangePreset::Last30Days);
        QCOMPARE(restored.refreshInterval(), 60);
        QCOMPARE(restored.tileWidgets().size(), 8);
        restored.resetLayout();
        QCOMPARE(restored.tiles(), DashboardTileSpec::defaults());
    }

    void tilesCanHaveTheirOwnSources()
    {
        QSettings().remove(QStringLiteral("dashboard"));
        Dashboard dashboard(m_store.get(), m_provider.get());
        QSignalSpy refreshed(&dashboard, &Dashboard::refreshed);
        dashboard.resize(1440, 900);
        dashboard.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dashboard));
        QTRY_COMPARE(dashboard.sourcePicker()->sources().size(), size_t(3));
        QVERIFY(waitForRefresh(dashboard, refreshed, 0));
        const qint64 staging = dashboard.sourcePicker()->sources().at(1).id;
        const int before = refreshed.count();
        dashboard.setTileSources(4, { staging });
        QVERIFY(waitForRefresh(dashboard, refreshed, before));
        QCOMPARE(dashboard.tiles()[4].sources, QList<qint64> { staging });
        DashboardTile *tile = dashboard.tileWidgets().at(4);
        QCOMPARE(tile->chart()->metrics().series.size(), size_t(1)); // one project only
        QVERIFY(tile->findChild<QLabel *>(QStringLiteral("tileTitle"))
                    ->text()
                    .contains(dashboard.sourcePicker()->sources().at(1).name));
        Dashboard restored(m_store.get(), m_provider.get());
        restored.restoreState();
        QCOMPARE(restored.tiles()[4].sources, QList<qint64> { staging });
    }

    void tileMenusRearrangeTheGrid()
    {
        QSettings().remove(QStringLiteral("dashboard"));
        Dashboard dashboard(m_store.get(), m_provider.get());
        auto trigger = [&](int tile, const QString &text) {
            auto *button = dashboard.tileWidgets().at(tile)->findChild<QToolButton *>();
            QVERIFY(button && button->menu());
            for (QAction *action : button->menu()->actions()) {
                if (action->text() == text)
                    action->trigger(); // from inside the tile's own menu, as a click would
            }
        };
        trigger(0, QStringLiteral("Move later"));
        QTRY_COMPARE(dashboard.tiles()[1].title, QStringLiteral("Total cost"));
        trigger(4, QStringLiteral("Wider"));
        QTRY_COMPARE(dashboard.tiles()[4].columnSpan, 3);
        trigger(7, QStringLiteral("Remove"));
        QTRY_COMPARE(dashboard.tiles().size(), size_t(7));
        QCOMPARE(dashboard.tileWidgets().size(), 7);
    }

    void autoRefreshRuns()
    {
        Dashboard dashboard(m_store.get(), m_provider.get());
        QSignalSpy refreshed(&dashboard, &Dashboard::refreshed);
        dashboard.resize(1000, 700);
        dashboard.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dashboard));
        QVERIFY(waitForRefresh(dashboard, refreshed, 0));
        dashboard.setRefreshInterval(30);
        auto *timer = dashboard.findChild<QTimer *>();
        QVERIFY(timer && timer->isActive());
        QCOMPARE(timer->interval(), 30'000);
        const int before = refreshed.count();
        QVERIFY(QMetaObject::invokeMethod(timer, "timeout", Qt::DirectConnection));
        QVERIFY(waitForRefresh(dashboard, refreshed, before));
        dashboard.setRefreshInterval(0);
        QVERIFY(!timer->isActive());
    }

    void tileSpecJsonRoundTrips()
    {
        std::vector<DashboardTileSpec> tiles = DashboardTileSpec::catalogue();
        tiles[2].sources = { 4, 9 };
        tiles[3].columnSpan = 3;
        const auto back = DashboardTileSpec::listFromJson(DashboardTileSpec::listToJson(tiles));
        QCOMPARE(back, tiles);
        QJsonArray broken = DashboardTileSpec::listToJson(tiles);
        broken.append(QJsonObject { { QStringLiteral("kind"), QStringLiteral("pie") } });
        broken.append(QStringLiteral("junk"));
        QCOMPARE(DashboardTileSpec::listFromJson(broken).size(), tiles.size());
    }
};

QTEST_MAIN(TestDashboard)
#include "tst_dashboard.moc"
