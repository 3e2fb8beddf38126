// GUI test of the charts page (offscreen): cost, latency and token charts over two demo
// projects with 1440x900 screenshots, tooltips with exact values, clicking a bar opens its
// traces (also through the main window), PNG/SVG/CSV export, live redraws at most ten a
// second, and reduction of a 100,000-point series.
#include "charts/chartspage.h"
#include "charts/metricschartview.h"
#include "charts/sourcepicker.h"
#include "chartstestutil.h"
#include "domain/timeformat.h"
#include "itemmodels/tracelistmodel.h"
#include "mainwindow.h"
#include "metrics/localaggregator.h"
#include "metrics/metricsprovider.h"
#include "timerangebutton.h"
#include "tracespage.h"
#include "uitestutil.h"

#include <QAbstractBarSeries>
#include <QBarSet>
#include <QElapsedTimer>
#include <QImage>
#include <QLabel>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTimer>

using namespace tg;

namespace {
constexpr qint64 kDay = 86'400'000'000'000LL;
} // namespace

class TestChartsPage : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<TraceStore> m_store;
    std::unique_ptr<MetricsProvider> m_provider;
    qint64 m_prod = 0;
    qint64 m_staging = 0;
    qint64 m_end = 0;

    MetricsQuery weekQuery() const
    {
        MetricsQuery q;
        q.fromNs = m_end - 7 * kDay;
        q.toNs = m_end;
        q.granularity = Granularity::Day;
        q.groupBy = Dimension::Model;
        return q;
    }

    static bool waitForUpdate(ChartsPage &page, int before)
    {
        return QTest::qWaitFor([&] { return page.completedRefreshes() > before; }, 20'000);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
        StoreOptions options;
        options.path = m_dir.filePath(QStringLiteral("charts.db"));
        options.fullTextIndex = false;
        QString error;
        m_store = TraceStore::open(options, &error);
        QVERIFY2(m_store, qPrintable(error));
        // Whole local days so the daily buckets line up with the range.
        const QDateTime midnight(QDate::currentDate().addDays(1), QTime(0, 0));
        m_end = midnight.toMSecsSinceEpoch() * 1'000'000LL;
        m_prod = test::addDemoProject(*m_store, QStringLiteral("prod"), QStringLiteral("Production"), 7, 600,
            m_end - 7 * kDay, 7 * kDay);
        m_staging = test::addDemoProject(*m_store, QStringLiteral("staging"), QStringLiteral("Staging"), 11,
            250, m_end - 7 * kDay, 7 * kDay);
        m_provider = std::make_unique<MetricsProvider>(m_store->readerPool());
    }

    void costByModelPerDay()
    {
        ChartsPage page(m_store.get(), m_provider.get());
        page.resize(1440, 900);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        QTRY_VERIFY(page.sourcePicker()->sources().size() == 2);
        const int before = page.completedRefreshes();
        page.setQuery(weekQuery());
        QVERIFY(waitForUpdate(page, before));
        const MetricsSeries &shown = page.chartView()->metrics();
        QVERIFY2(shown.error.isEmpty(), qPrintable(shown.error));
        QCOMPARE(shown.bucketCount(), 7);
        QVERIFY(shown.series.size() >= 3);
        QCOMPARE(page.chartView()->effectiveStyle(), MetricsChartView::Style::StackedBars);
        QVERIFY(page.noticeLabel()->text().contains(QLatin1String("Local store")));

        // The chart shows what the aggregator computes.
        ReaderLease reader = m_store->reader();
        const MetricsSeries direct = LocalAggregator::run(*reader, shown.query);
        QCOMPARE(direct.series.size(), shown.series.size());
        for (size_t i = 0; i < direct.series.size(); ++i)
            QCOMPARE(direct.series[i].total, shown.series[i].total);

        // Tooltips carry exact values.
        const QString tip = page.chartView()->tooltipText(3, 0);
        QVERIFY(tip.contains(shown.series[0].label));
        QVERIFY2(tip.contains(QString::number(shown.series[0].values[3], 'g', 10)), qPrintable(tip));
        QVERIFY(tip.contains(QLatin1String("observations")));
        QTest::qWait(100);
        uitest::checkScreenshot(page, QStringLiteral("chartspage-cost-by-model.png"));
    }

    void clickingABarOpensItsTraces()
    {
        ChartsPage page(m_store.get(), m_provider.get());
        page.resize(1440, 900);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        const int before = page.completedRefreshes();
        page.setQuery(weekQuery());
        QVERIFY(waitForUpdate(page, before));
        QTest::qWait(50);
        MetricsChartView *view = page.chartView();
        auto *bars = qobject_cast<QAbstractBarSeries *>(view->chart()->series().value(0));
        QVERIFY(bars);
        // The middle of the lowest stacked segment of day 4.
        const int bucket = 4;
        const double value = view->metrics().series[0].values[bucket];
        QVERIFY(value > 0);
        const QPointF scene = view->chart()->mapToPosition(QPointF(bucket, value / 2), bars);
        const QPoint at = view->mapFromScene(scene);
        QSignalSpy hovered(view, &MetricsChartView::pointHovered);
        QTest::mouseMove(view->viewport(), at);
        QTRY_VERIFY(hovered.count() > 0);
        QCOMPARE(hovered.last().at(0).toInt(), bucket);
        QCOMPARE(hovered.last().at(1).toInt(), 0);
        QSignalSpy requested(&page, &ChartsPage::tracesRequested);
        QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, at);
        QTRY_COMPARE(requested.count(), 1);
        const auto filter = requested.front().at(0).value<TraceFilter>();
        QCOMPARE(filter.model, view->metrics().series[0].key);
        QCOMPARE(*filter.fromNs, view->metrics().bucketStart(bucket));
        QCOMPARE(*filter.toNs, view->metrics().bucketEnd(bucket));
        QVERIFY(requested.front().at(1).toString().contains(view->metrics().series[0].label));
    }

    void latencyAndTokens()
    {
        ChartsPage page(m_store.get(), m_provider.get());
        page.resize(1440, 900);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        MetricsQuery q = weekQuery();
        q.measure = Measure::Latency;
        q.latencyScope = LatencyScope::Generations;
        q.groupBy = Dimension::None;
        q.granularity = Granularity::Hour;
        int before = page.completedRefreshes();
        page.setQuery(q);
        QVERIFY(waitForUpdate(page, before));
        QCOMPARE(page.chartView()->metrics().series.size(), size_t(4));
        QCOMPARE(page.chartView()->effectiveStyle(), MetricsChartView::Style::Lines);
        QTest::qWait(100);
        uitest::checkScreenshot(page, QStringLiteral("chartspage-latency-percentiles.png"));

        q.measure = Measure::Tokens;
        q.granularity = Granularity::Day;
        before = page.completedRefreshes();
        page.setQuery(q);
        QVERIFY(waitForUpdate(page, before));
        const MetricsSeries &tokens = page.chartView()->metrics();
        QCOMPARE(tokens.series.size(), size_t(4));
        QVERIFY(tokens.series[2].total > 0); // the demo has cached input
        QVERIFY(tokens.series[3].total > 0); // and reasoning
        QTest::qWait(100);
        uitest::checkScreenshot(page, QStringLiteral("chartspage-tokens.png"));

        q.measure = Measure::ErrorRate;
        q.groupBy = Dimension::Source;
        before = page.completedRefreshes();
        page.setQuery(q);
        QVERIFY(waitForUpdate(page, before));
        QCOMPARE(page.chartView()->metrics().series.size(), size_t(2));
        QTest::qWait(100);
        uitest::checkScreenshot(page, QStringLiteral("chartspage-error-rate-by-project.png"));
    }

    void zonesAreSelectable()
    {
        ChartsPage page(m_store.get(), m_provider.get());
        MetricsQuery q = weekQuery();
        q.timeZone = "America/New_York";
        page.setQuery(q);
        QCOMPARE(page.query(0).timeZone, QByteArray("America/New_York"));
        q.timeZone = "UTC";
        page.setQuery(q);
        QCOMPARE(page.query(0).timeZone, QByteArray("UTC"));
        q.timeZone.clear();
        page.setQuery(q);
        QVERIFY(page.query(0).timeZone.isEmpty());
    }

    void stateSurvivesARestart()
    {
        MetricsQuery q = weekQuery();
        q.measure = Measure::Latency;
        q.latencyScope = LatencyScope::Observations;
        q.percentile = Percentile::P99;
        q.groupBy = Dimension::Environment;
        q.sourceIds = { m_staging };
        q.timeZone = "Europe/Berlin";
        {
            ChartsPage page(m_store.get(), m_provider.get());
            QTRY_VERIFY(page.sourcePicker()->sources().size() >= 2);
            page.setQuery(q, RangePreset::Last24Hours);
            page.saveState(QStringLiteral("testCharts"));
        }
        ChartsPage page(m_store.get(), m_provider.get());
        QTRY_VERIFY(page.sourcePicker()->sources().size() >= 2);
        page.restoreState(QStringLiteral("testCharts"));
        const MetricsQuery back = page.query(m_end);
        QCOMPARE(back.measure, q.measure);
        QCOMPARE(back.latencyScope, q.latencyScope);
        QCOMPARE(back.percentile, q.percentile);
        QCOMPARE(back.groupBy, q.groupBy);
        QCOMPARE(back.sourceIds, q.sourceIds);
        QCOMPARE(back.timeZone, q.timeZone);
        QCOMPARE(back.toNs - back.fromNs, kDay); // the relative preset, not the old window
    }

    void fallbackIsAnnounced()
    {
        // A "remote" project whose server has no metrics API v2: the page says it used local data.
        class NotFound : public MetricsTransport
        {
        public:
            QString budgetKey() const override { return QStringLiteral("https://cloud.langfuse.com|pk"); }
            bool isCloud() const override { return true; }
            void fetch(const QByteArray &, std::function<void(const MetricsFetchResult &)> done) override
            {
                QTimer::singleShot(0, [done] {
                    MetricsFetchResult r;
                    r.status = 404;
                    done(r);
                });
            }
        };
        const qint64 remote = m_store->ensureSource(
            SourceKind::Langfuse, QStringLiteral("langfuse:x/y"), QStringLiteral("Cloud project"));
        MetricsProvider provider(m_store->readerPool());
        provider.setTransportFactory([](const Source &s) -> std::shared_ptr<MetricsTransport> {
            return s.kind == SourceKind::Langfuse ? std::make_shared<NotFound>() : nullptr;
        });
        ChartsPage page(m_store.get(), &provider);
        page.resize(1000, 600);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        MetricsQuery q = weekQuery();
        q.sourceIds = { remote };
        const int before = page.completedRefreshes();
        page.setQuery(q);
        QVERIFY(waitForUpdate(page, before));
        const QString notice = page.noticeLabel()->text();
        QVERIFY2(notice.contains(QLatin1String("metrics API unavailable")), qPrintable(notice));
        QVERIFY2(notice.contains(QLatin1String("no metrics API v2")), qPrintable(notice));
        QVERIFY2(notice.contains(QLatin1String("99 of 100")), qPrintable(notice)); // the budget line
        QVERIFY(m_store->removeSource(remote));
    }

    void exportsPngSvgAndCsv()
    {
        ChartsPage page(m_store.get(), m_provider.get());
        page.resize(1200, 700);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        const int before = page.completedRefreshes();
        page.setQuery(weekQuery());
        QVERIFY(waitForUpdate(page, before));
        QTemporaryDir out;
        QString error;
        QVERIFY2(page.exportTo(out.filePath(QStringLiteral("c.png")), &error), qPrintable(error));
        const QImage image(out.filePath(QStringLiteral("c.png")));
        QVERIFY(!image.isNull());
        QCOMPARE(image.size(), page.chartView()->size());
        QVERIFY2(page.exportTo(out.filePath(QStringLiteral("c.svg")), &error), qPrintable(error));
        QFile svg(out.filePath(QStringLiteral("c.svg")));
        QVERIFY(svg.open(QIODevice::ReadOnly));
        const QByteArray svgText = svg.readAll();
        QVERIFY(svgText.contains("<svg"));
        QVERIFY(svgText.contains(page.chartView()->metrics().series[0].label.toUtf8()));
        QVERIFY2(page.exportTo(out.filePath(QStringLiteral("c.csv")), &error), qPrintable(error));
        QFile csv(out.filePath(QStringLiteral("c.csv")));
        QVERIFY(csv.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = csv.readAll().split('\n');
        QVERIFY(lines[0].startsWith("bucket_start,bucket_end,"));
        QCOMPARE(lines.size(), 7 + 2);
        QVERIFY(!page.exportTo(QStringLiteral("/nonexistent-dir/x.csv"), &error));
        QVERIFY(!error.isEmpty());
    }

    void liveUpdatesAtMostTenPerSecond()
    {
        const qint64 live = m_store->ensureSource(
            SourceKind::LocalReceiver, QStringLiteral("live"), QStringLiteral("Live"));
        ChartsPage page(m_store.get(), m_provider.get());
        page.resize(1000, 600);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        QTRY_VERIFY(page.sourcePicker()->sources().size() >= 3);
        MetricsQuery q;
        q.sourceIds = { live };
        q.measure = Measure::TraceCount;
        q.granularity = Granularity::Minute;
        int before = page.completedRefreshes();
        page.setQuery(q, RangePreset::Last15Minutes);
        QVERIFY(waitForUpdate(page, before));
        before = page.completedRefreshes();
        QElapsedTimer timer;
        timer.start();
        int sent = 0;
        while (timer.elapsed() < 1500) {
            WriteBatch batch;
            batch.sourceId = live;
            TraceRecord t;
            t.id = QStringLiteral("live-%1").arg(sent++);
            t.name = QStringLiteral("live");
            t.timestampNs = nowNs() - 1'000'000'000LL;
            batch.traces.push_back(t);
            QCOMPARE(m_store->submit(std::move(batch)), SubmitStatus::Queued);
            QTest::qWait(5);
        }
        const qint64 elapsed = timer.elapsed();
        QTest::qWait(400); // the trailing redraw
        const int redraws = page.completedRefreshes() - before;
        QVERIFY2(redraws >= 3, qPrintable(QString::number(redraws)));
        QVERIFY2(redraws <= elapsed / 100 + 3,
            qPrintable(QStringLiteral("%1 redraws in %2 ms").arg(redraws).arg(elapsed)));
        // The last redraw has every trace.
        QTRY_COMPARE_WITH_TIMEOUT(page.chartView()->metrics().series.at(0).total, double(sent), 5000);
    }

    void reducesAHundredThousandPoints()
    {
        MetricsSeries big;
        big.query.measure = Measure::Latency;
        big.query.granularity = Granularity::Minute;
        const qint64 start = 1'780'000'020LL * 1'000'000'000LL;
        MetricsSeriesData s;
        s.key = s.label = QStringLiteral("p95");
        for (int i = 0; i <= 100'000; ++i)
            big.edges.push_back(start + i * 60'000'000'000LL);
        for (int i = 0; i < 100'000; ++i) {
            s.values.push_back(100 + (i % 997) + (i == 54'321 ? 100'000 : 0));
            s.samples.push_back(1);
        }
        s.totalSamples = 100'000;
        big.series.push_back(s);
        MetricsChartView view;
        view.resize(1200, 500);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.setMetrics(big);
        QVERIFY(view.drawnPointCount() < 5000);
        QVERIFY(view.drawnPointCount() > 500);
        const QImage image = view.renderImage(QSize(1200, 500));
        QVERIFY(!image.isNull());
    }

    void mainWindowHasTheTabsAndOpensTraces()
    {
        MainWindow window(m_store.get());
        window.resize(1440, 900);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        auto *charts = window.findChild<ChartsPage *>();
        QVERIFY(charts);
        QVERIFY(window.pages()->indexOf(charts) >= 0);
        QVERIFY(window.findChild<QWidget *>(QStringLiteral("dashboard")));
        window.pages()->setCurrentWidget(charts);
        const int before = charts->completedRefreshes();
        charts->setQuery(weekQuery());
        QVERIFY(waitForUpdate(*charts, before));
        QTest::qWait(100);
        uitest::checkScreenshot(window, QStringLiteral("mainwindow-charts.png"));
        TraceFilter filter;
        filter.sourceIds = { m_staging };
        filter.fromNs = m_end - kDay;
        filter.toNs = m_end;
        filter.model = QStringLiteral("gpt-4o");
        Q_EMIT charts->tracesRequested(filter, QStringLiteral("test"));
        QCOMPARE(window.pages()->currentWidget(), window.tracesPage());
        QCOMPARE(window.tracesPage()->model()->filter(), filter);
        // The filter bar says what is shown, so the user can refine it.
        QCOMPARE(window.tracesPage()->query(), QStringLiteral("model:gpt-4o"));
        QCOMPARE(window.tracesPage()->timeRange()->preset(), TimeRangeButton::Custom);
    }
};

QTEST_MAIN(TestChartsPage)
#include "tst_chartspage.moc"
