// The traces page: the query language through the filter bar (filters reach the list, errors are
// shown where they are and keep the last good result), completion of keys and values, time
// presets, saved filters, "filter by this value", sorting, and the agent column.
#include "demo/demoloader.h"
#include "itemmodels/modelroles.h"
#include "itemmodels/tracelistmodel.h"
#include "mainwindow.h"
#include "querylineedit.h"
#include "savedfilters.h"
#include "theme.h"
#include "timerangebutton.h"
#include "tracespage.h"
#include "uitestutil.h"

#include <QAbstractItemView>
#include <QApplication>
#include <QCompleter>
#include <QHeaderView>
#include <QLabel>
#include <QSettings>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>

using namespace tg;

namespace {

constexpr qint64 kMinute = 60'000'000'000LL;

/// Waits until the list shows the current filter's first page.
bool waitLoaded(TraceListModel *model)
{
    QTest::qWait(1);
    return QTest::qWaitFor([model] { return !model->isLoading(); }, 10000);
}

} // namespace

class TestTracesPage : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<TraceStore> m_store;
    qint64 m_demoSource = 0;
    qint64 m_recentSource = 0;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        DemoOptions demo;
        demo.traceCount = 160;
        demo.sessions = 25;
        QString error;
        m_demoSource
            = uitest::openDemoStore(m_store, m_dir.filePath(QStringLiteral("traces.db")), demo, &error);
        QVERIFY2(m_demoSource > 0, qPrintable(error));
        // Traces relative to now, for the time presets.
        m_recentSource = m_store->ensureSource(
            SourceKind::LocalReceiver, QStringLiteral("local"), QStringLiteral("Local receiver"));
        WriteBatch batch;
        batch.sourceId = m_recentSource;
        const qint64 now = QDateTime::currentMSecsSinceEpoch() * 1'000'000;
        const QList<qint64> ages { 5 * kMinute, 30 * kMinute, 3 * 60 * kMinute, 3 * 24 * 60 * kMinute,
            20 * 24 * 60 * kMinute, 60 * 24 * 60 * kMinute };
        for (int i = 0; i < ages.size(); ++i) {
            TraceRecord t;
            t.id = QStringLiteral("recent-%1").arg(i);
            t.name = QStringLiteral("recent");
            t.timestampNs = now - ages[i];
            batch.traces.push_back(t);
        }
        uitest::submit(*m_store, std::move(batch));
    }

    void queryReachesTheList_data()
    {
        QTest::addColumn<QString>("query");
        QTest::addColumn<int>("column");
        QTest::addColumn<int>("role");
        QTest::addColumn<QString>("expected");
        QTest::newRow("name") << "name:code-task" << int(TraceListModel::NameColumn) << int(Qt::DisplayRole)
                              << "code-task";
        QTest::newRow("agent") << "agent:SupportAgent" << int(TraceListModel::AgentColumn)
                               << int(Qt::DisplayRole) << "SupportAgent";
        QTest::newRow("env") << "env:dev" << int(TraceListModel::EnvironmentColumn) << int(Qt::DisplayRole)
                             << "dev";
        QTest::newRow("tag") << "tag:rag" << int(TraceListModel::TagsColumn) << int(TagsRole) << "rag";
    }

    void queryReachesTheList()
    {
        QFETCH(QString, query);
        QFETCH(int, column);
        QFETCH(int, role);
        QFETCH(QString, expected);
        TracesPage page(m_store.get());
        page.setSourceIds({ m_demoSource });
        TraceListModel *model = page.model();
        QVERIFY(waitLoaded(model));
        const int all = model->rowCount();
        QVERIFY(all > 20);
        // Typed, as a user would: the debounce applies it.
        page.queryEdit()->setFocus();
        QTest::keyClicks(page.queryEdit(), query);
        QTRY_VERIFY_WITH_TIMEOUT(model->filter().name == expected || model->filter().agent == expected
                || model->filter().environments == QStringList { expected }
                || model->filter().tags == QStringList { expected },
            5000);
        QVERIFY(waitLoaded(model));
        QVERIFY(model->rowCount() > 0);
        QVERIFY(model->rowCount() < all);
        for (int r = 0; r < model->rowCount(); ++r) {
            const QVariant value = model->index(r, column).data(role);
            if (role == TagsRole)
                QVERIFY(value.toStringList().contains(expected));
            else
                QCOMPARE(value.toString(), expected);
        }
        QVERIFY(page.errorLabel()->isHidden());
    }

    void comparisonsAndLevels()
    {
        TracesPage page(m_store.get());
        page.setSourceIds({ m_demoSource });
        TraceListModel *model = page.model();
        page.setQuery(QStringLiteral("latency:>10s level:warning"));
        QVERIFY(waitLoaded(model));
        QVERIFY(model->rowCount() > 0);
        for (int r = 0; r < model->rowCount(); ++r) {
            QVERIFY(model->index(r, 0).data(DurationRole).toLongLong() > 10'000'000'000LL);
            QVERIFY(model->index(r, 0).data(LevelRole).toInt() >= int(Level::Warning));
        }
        page.setQuery(QStringLiteral("cost:>0.05"));
        QVERIFY(waitLoaded(model));
        QVERIFY(model->rowCount() > 0);
        for (int r = 0; r < model->rowCount(); ++r)
            QVERIFY(model->index(r, 0).data(CostRole).toDouble() > 0.05);
    }

    void fullTextFromFreeWords()
    {
        TracesPage page(m_store.get());
        page.setSourceIds({ m_demoSource });
        // Wait for the index, then search a word only payloads contain.
        QTRY_COMPARE_WITH_TIMEOUT(m_store->fullTextBacklog(), qint64(0), 30000);
        page.setQuery(QStringLiteral("refund"));
        QVERIFY(waitLoaded(page.model()));
        QCOMPARE(page.appliedFilter().text, QStringLiteral("refund"));
        QVERIFY(page.model()->rowCount() > 0);
    }

    void errorsAreShownAndKeepTheLastResult()
    {
        TracesPage page(m_store.get());
        page.resize(1200, 500);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        page.setSourceIds({ m_demoSource });
        page.setQuery(QStringLiteral("name:support-chat"));
        QVERIFY(waitLoaded(page.model()));
        const int rows = page.model()->rowCount();
        page.setQuery(QStringLiteral("name:support-chat usr:bob latency:2s"));
        QVERIFY(page.errorLabel()->isVisible());
        QVERIFY(page.errorLabel()->text().contains(QStringLiteral("Unknown filter")));
        QVERIFY(page.errorLabel()->text().contains(QStringLiteral("1 more problem")));
        QCOMPARE(page.queryEdit()->errors().size(), 2);
        QCOMPARE(page.queryEdit()->errors().front().position, 18);
        // The mistakes are underlined in the error colour under the text.
        QTest::qWait(20);
        const QImage shot = page.queryEdit()->grab().toImage();
        shot.save(uitest::outputDir() + QStringLiteral("/query-error-underline.png"));
        int redPixels = 0;
        for (int y = shot.height() / 2; y < shot.height(); ++y) {
            for (int x = 0; x < shot.width(); ++x) {
                const QColor c = shot.pixelColor(x, y);
                redPixels += (c.red() - c.green() > 60 && c.red() - c.blue() > 60) ? 1 : 0;
            }
        }
        QVERIFY2(redPixels > 10, qPrintable(QString::number(redPixels)));
        QCOMPARE(page.appliedFilter().name, QStringLiteral("support-chat")); // unchanged
        QCOMPARE(page.model()->rowCount(), rows);
        page.setQuery(QStringLiteral("name:support-chat"));
        QVERIFY(page.errorLabel()->isHidden());
        QVERIFY(page.queryEdit()->errors().isEmpty());
    }

    void completesKeysAndValues()
    {
        MainWindow window(m_store.get());
        window.resize(1440, 900);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        TracesPage *page = window.tracesPage();
        QueryLineEdit *edit = page->queryEdit();
        edit->setFocus();
        QTRY_VERIFY(edit->hasFocus());
        QSignalSpy ready(edit, &QueryLineEdit::completionsReady);
        QTest::keyClicks(edit, QStringLiteral("ag"));
        QVERIFY(ready.wait(3000));
        QCOMPARE(edit->completionCandidates(), QStringList { QStringLiteral("agent:") });
        QVERIFY(edit->queryCompleter()->popup()->isVisible());
        // Tab accepts the key; its values (agents in the store) are offered at once.
        ready.clear();
        QTest::keyClick(edit->queryCompleter()->popup(), Qt::Key_Tab);
        QCOMPARE(edit->text(), QStringLiteral("agent:"));
        QTRY_VERIFY_WITH_TIMEOUT(edit->completionCandidates().contains(QStringLiteral("SupportAgent")), 3000);
        QVERIFY(edit->completionContext().kind == QueryCompletion::Kind::Value);
        QTest::keyClicks(edit, QStringLiteral("Sup"));
        QTRY_COMPARE_WITH_TIMEOUT(
            edit->completionCandidates(), QStringList { QStringLiteral("SupportAgent") }, 3000);
        QTRY_VERIFY(edit->queryCompleter()->popup()->isVisible());
        QTest::qWait(50);
        QVERIFY(uitest::saveScreenshot(
            window, QStringLiteral("traces-completion.png"), { edit->queryCompleter()->popup() }));
        QTest::keyClick(edit->queryCompleter()->popup(), Qt::Key_Return);
        QCOMPARE(edit->text(), QStringLiteral("agent:SupportAgent "));
        QTRY_COMPARE_WITH_TIMEOUT(page->appliedFilter().agent, QStringLiteral("SupportAgent"), 3000);

        // Values with spaces come back quoted; user ids complete from the store.
        edit->clear();
        QTest::keyClicks(edit, QStringLiteral("user:u_"));
        const auto allUsers = [edit] {
            const QStringList values = edit->completionCandidates();
            return !values.isEmpty() && std::all_of(values.begin(), values.end(), [](const QString &v) {
                return v.startsWith(QStringLiteral("u_"));
            });
        };
        QTRY_VERIFY_WITH_TIMEOUT(allUsers(), 3000);
        // Ctrl+Space offers every key anywhere.
        edit->clear();
        QTest::keyClick(edit, Qt::Key_Space, Qt::ControlModifier);
        QTRY_COMPARE(edit->completionCandidates().size(), TraceQueryParser::keys().size());
        QTest::keyClick(edit->queryCompleter()->popup(), Qt::Key_Escape);
    }

    void timePresets()
    {
        TracesPage page(m_store.get());
        page.setSourceIds({ m_recentSource });
        TraceListModel *model = page.model();
        QVERIFY(waitLoaded(model));
        QCOMPARE(model->rowCount(), 6);
        const QList<std::pair<TimeRangeButton::Preset, int>> expected { { TimeRangeButton::Last15Minutes, 1 },
            { TimeRangeButton::LastHour, 2 }, { TimeRangeButton::Last24Hours, 3 },
            { TimeRangeButton::Last7Days, 4 }, { TimeRangeButton::Last30Days, 5 },
            { TimeRangeButton::AllTime, 6 } };
        for (const auto &[preset, count] : expected) {
            page.timeRange()->setPreset(preset);
            QVERIFY(waitLoaded(model));
            QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), count, 5000);
        }
        // The presets are actions with shortcuts too (Alt+1 = last 15 minutes).
        page.timeRange()->presetActions().at(1)->trigger();
        QCOMPARE(page.timeRange()->preset(), TimeRangeButton::Last15Minutes);
        QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 1, 5000);
        // A custom range: from 2 days ago to 2 hours ago.
        const qint64 now = QDateTime::currentMSecsSinceEpoch() * 1'000'000;
        page.timeRange()->setCustomRange(now - 2 * 24 * 60 * kMinute, now - 2 * 60 * kMinute);
        QCOMPARE(page.timeRange()->preset(), TimeRangeButton::Custom);
        QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 1, 5000);
        QCOMPARE(page.appliedFilter().toNs, std::optional<qint64>(now - 2 * 60 * kMinute));
    }

    void savedFilters()
    {
        QSettings().remove(QStringLiteral("savedFilters"));
        {
            TracesPage page(m_store.get());
            page.setQuery(QStringLiteral("level:error env:production"));
            page.timeRange()->setPreset(TimeRangeButton::Last7Days);
            page.saveCurrentFilter(QStringLiteral("prod errors"));
            page.setQuery(QStringLiteral("name:x"));
            page.saveCurrentFilter(QStringLiteral("x"));
            page.saveCurrentFilter(QStringLiteral("x")); // same name replaces
            QCOMPARE(page.savedFilters()->filters().size(), 2);
        }
        // Another page (after a restart) reads them from the settings.
        TracesPage page(m_store.get());
        const QList<SavedFilter> saved = page.savedFilters()->filters();
        QCOMPARE(saved.size(), 2);
        QCOMPARE(saved.front().name, QStringLiteral("prod errors"));
        page.applySavedFilter(saved.front());
        QCOMPARE(page.query(), QStringLiteral("level:error env:production"));
        QCOMPARE(page.timeRange()->preset(), TimeRangeButton::Last7Days);
        QCOMPARE(page.appliedFilter().minLevel, std::optional<Level>(Level::Error));
        QVERIFY(page.savedFilters()->remove(QStringLiteral("x")));
        QVERIFY(!page.savedFilters()->remove(QStringLiteral("x")));
        QCOMPARE(SavedFilters().filters().size(), 1);
    }

    void filterByValueAndSorting()
    {
        TracesPage page(m_store.get());
        page.setSourceIds({ m_demoSource });
        TraceListModel *model = page.model();
        QVERIFY(waitLoaded(model));
        page.addFilterTerm(QStringLiteral("agent"), QStringLiteral("CodeAssistant"));
        page.addFilterTerm(QStringLiteral("tag"), QStringLiteral("ide"));
        QCOMPARE(page.query(), QStringLiteral("agent:CodeAssistant tag:ide"));
        page.addFilterTerm(QStringLiteral("agent"), QStringLiteral("SupportAgent"));
        QCOMPARE(page.query(), QStringLiteral("tag:ide agent:SupportAgent"));
        page.setQuery(QString());
        QVERIFY(waitLoaded(model));
        // Latency sorts in SQL; a non-sortable column leaves the order (and its indicator) alone.
        page.view()->sortByColumn(TraceListModel::LatencyColumn, Qt::DescendingOrder);
        QVERIFY(waitLoaded(model));
        QTRY_COMPARE(model->query().sortKey, TraceSortKey::Latency);
        for (int r = 1; r < model->rowCount(); ++r)
            QVERIFY(model->index(r - 1, 0).data(DurationRole).toLongLong()
                >= model->index(r, 0).data(DurationRole).toLongLong());
        page.view()->sortByColumn(TraceListModel::UserColumn, Qt::AscendingOrder);
        QCOMPARE(model->query().sortKey, TraceSortKey::Latency);
        QCOMPARE(page.view()->horizontalHeader()->sortIndicatorSection(), int(TraceListModel::LatencyColumn));
    }

    void screenshot()
    {
        MainWindow window(m_store.get());
        window.resize(1440, 900);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.tracesPage()->setQuery(QStringLiteral("env:production latency:>3s code"));
        QVERIFY(waitLoaded(window.tracesPage()->model()));
        QTRY_VERIFY(window.tracesPage()->model()->rowCount() > 3);
        window.tracesPage()->view()->setCurrentIndex(window.tracesPage()->model()->index(1, 1));
        QTest::qWait(600);
        QVERIFY(uitest::saveScreenshot(window, QStringLiteral("traces-page.png")));
        window.tracesPage()->setQuery(QStringLiteral("env:production usr:bob latency:2s"));
        QTest::qWait(100);
        QVERIFY(uitest::saveScreenshot(window, QStringLiteral("traces-query-error.png")));
        window.tracesPage()->setQuery(QString());
    }

    void cleanupTestCase()
    {
        QSettings().clear();
        m_store.reset();
    }
};

QTEST_MAIN(TestTracesPage)
#include "tst_tracespage.moc"
