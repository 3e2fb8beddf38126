// GUI smoke test: the main window on demo data, offscreen. Saves screenshots under the build
// directory (test-output/) and checks that layout state survives a restart.
#include "demo/demoloader.h"
#include "itemmodels/modelroles.h"
#include "itemmodels/sessionlistmodel.h"
#include "itemmodels/sourcelistmodel.h"
#include "itemmodels/spantreemodel.h"
#include "itemmodels/tracelistmodel.h"
#include "mainwindow.h"
#include "observationdetailview.h"
#include "sessionspage.h"
#include "sourcessidebar.h"
#include "store/tracestore.h"
#include "tracespage.h"
#include "traceview.h"

#include <QApplication>
#include <QDir>
#include <QSettings>
#include <QSignalSpy>
#include <QSplitter>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeView>

using namespace tg;

class TestMainWindow : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<TraceStore> m_store;

    static void saveScreenshot(QWidget &widget, const QString &name)
    {
        const QString dir
            = qEnvironmentVariable("TRACEGLASS_TEST_OUTPUT_DIR", QStringLiteral(TRACEGLASS_TEST_OUTPUT_DIR));
        QDir().mkpath(dir);
        const QString path = dir + u'/' + name;
        QVERIFY2(widget.grab().save(path), qPrintable(path));
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
        StoreOptions options;
        options.path = m_dir.filePath(QStringLiteral("gui.db"));
        QString error;
        m_store = TraceStore::open(options, &error);
        QVERIFY2(m_store, qPrintable(error));
        DemoOptions demo;
        demo.traceCount = 150;
        demo.sessions = 25;
        demo.startNs = 1'790'000'000'000'000'000LL;
        QVERIFY(loadDemoData(*m_store, demo, {}, &error) > 0);
    }

    void opensOnDemoData()
    {
        MainWindow window(m_store.get());
        window.resize(1440, 900);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        TraceListModel *traces = window.tracesPage()->model();
        QTRY_VERIFY_WITH_TIMEOUT(traces->rowCount() > 100, 10000);
        QTRY_VERIFY(window.sidebar()->model()->rowCount() >= 2);

        // Open a trace with errors so the tree and detail have something to show.
        int row = 0;
        for (int r = 0; r < traces->rowCount(); ++r) {
            const QModelIndex idx = traces->index(r, 0);
            if (idx.data(ErrorCountRole).toInt() > 0
                && traces->index(r, TraceListModel::ObservationsColumn).data().toInt() > 8) {
                row = r;
                break;
            }
        }
        QSignalSpy loaded(window.traceView(), &TraceView::traceLoaded);
        window.tracesPage()->view()->setCurrentIndex(traces->index(row, TraceListModel::NameColumn));
        QVERIFY(loaded.wait(10000) || loaded.count() > 0);
        SpanTreeModel *tree = window.traceView()->model();
        QVERIFY(tree->rowCount() > 0);
        const QModelIndex generation = tree->mostExpensiveGeneration();
        QVERIFY(generation.isValid());
        window.traceView()->tree()->setCurrentIndex(generation);
        QTRY_VERIFY_WITH_TIMEOUT(
            window.traceView()->detail()->plainText().contains(QStringLiteral("GENERATION")), 5000);
        QVERIFY(window.traceView()->detail()->plainText().contains(QStringLiteral("Input")));
        QTest::qWait(200);
        saveScreenshot(window, QStringLiteral("mainwindow-traces.png"));

        window.pages()->setCurrentWidget(window.sessionsPage());
        QTRY_VERIFY_WITH_TIMEOUT(window.sessionsPage()->model()->rowCount() > 10, 10000);
        QTest::qWait(100);
        saveScreenshot(window, QStringLiteral("mainwindow-sessions.png"));

        // Opening a session shows its traces only.
        const QModelIndex session = window.sessionsPage()->model()->index(0, 0);
        const int sessionTraces = window.sessionsPage()->model()->index(0, 5).data().toInt();
        emit window.sessionsPage()->view()->activated(session);
        QTRY_COMPARE(window.pages()->currentWidget(), window.tracesPage());
        QTRY_COMPARE_WITH_TIMEOUT(traces->rowCount(), sessionTraces, 10000);
    }

    void restoresLayout()
    {
        QList<int> sizes;
        {
            MainWindow window(m_store.get());
            window.resize(1300, 800);
            window.show();
            QVERIFY(QTest::qWaitForWindowExposed(&window));
            auto *splitter = window.findChild<QSplitter *>(QStringLiteral("contentSplitter"));
            QVERIFY(splitter);
            splitter->setSizes({ 200, 500 });
            window.tracesPage()->view()->setColumnWidth(TraceListModel::NameColumn, 333);
            window.pages()->setCurrentIndex(1);
            sizes = splitter->sizes();
            window.close();
        }
        MainWindow again(m_store.get());
        again.show();
        QVERIFY(QTest::qWaitForWindowExposed(&again));
        QCOMPARE(again.size(), QSize(1300, 800));
        QCOMPARE(again.findChild<QSplitter *>(QStringLiteral("contentSplitter"))->sizes(), sizes);
        QCOMPARE(again.tracesPage()->view()->columnWidth(TraceListModel::NameColumn), 333);
        QCOMPARE(again.pages()->currentIndex(), 1);
    }

    void cleanupTestCase()
    {
        QSettings().clear();
        m_store.reset();
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
