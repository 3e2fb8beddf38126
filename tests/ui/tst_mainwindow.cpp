// The main window on demo data, offscreen: the pages and the trace view together, the sources
// sidebar (Langfuse connections and per-source state), light and dark palettes, and layout state
// surviving a restart. Saves screenshots under the build directory (test-output/).
#include "demo/demogenerator.h"
#include "demo/demoloader.h"
#include "itemmodels/modelroles.h"
#include "itemmodels/sessionlistmodel.h"
#include "itemmodels/sourcelistmodel.h"
#include "itemmodels/spantreemodel.h"
#include "itemmodels/tracelistmodel.h"
#include "mainwindow.h"
#include "observationdetailview.h"
#include "sessionconversationview.h"
#include "sessionspage.h"
#include "sourcessidebar.h"
#include "spantreeview.h"
#include "store/tracestore.h"
#include "theme.h"
#include "timelineview.h"
#include "tracespage.h"
#include "traceview.h"
#include "uitestutil.h"

#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QSettings>
#include <QSignalSpy>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTreeView>

using namespace tg;

class TestMainWindow : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<TraceStore> m_store;
    qint64 m_localSource = 0;
    qint64 m_langfuseSource = 0;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        DemoOptions demo;
        demo.traceCount = 150;
        demo.sessions = 25;
        QString error;
        QVERIFY2(uitest::openDemoStore(m_store, m_dir.filePath(QStringLiteral("gui.db")), demo, &error) > 0,
            qPrintable(error));
        // A receiver source and two Langfuse projects on one connection, with data of their own.
        m_localSource = m_store->ensureSource(
            SourceKind::LocalReceiver, QStringLiteral("local"), QStringLiteral("Local receiver"));
        m_langfuseSource = m_store->ensureSource(SourceKind::Langfuse,
            QStringLiteral("langfuse:cloud-eu/prod"), QStringLiteral("production"),
            QStringLiteral("{\"host\":\"https://cloud.langfuse.com\",\"projectId\":\"prod\"}"));
        m_store->ensureSource(SourceKind::Langfuse, QStringLiteral("langfuse:cloud-eu/staging"),
            QStringLiteral("staging"),
            QStringLiteral("{\"host\":\"https://cloud.langfuse.com\",\"projectId\":\"staging\"}"));
        for (const qint64 source : { m_localSource, m_langfuseSource }) {
            DemoOptions more;
            more.seed = static_cast<quint64>(source) * 7;
            more.traceCount = 12;
            more.sessions = 2;
            more.sourceId = source;
            more.startNs = 1'790'400'000'000'000'000LL;
            DemoGenerator generator(more);
            generator.generate([this](WriteBatch &&batch) {
                uitest::submit(*m_store, std::move(batch));
                return true;
            });
        }
    }

    void opensOnDemoData()
    {
        MainWindow window(m_store.get());
        window.resize(1440, 900);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        TraceListModel *traces = window.tracesPage()->model();
        QTRY_VERIFY_WITH_TIMEOUT(traces->rowCount() > 100, 10000);
        QTRY_VERIFY(window.sidebar()->model()->rowCount() >= 4);

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
        QTRY_COMPARE_WITH_TIMEOUT(
            window.traceView()->traceRk(), traces->index(row, 0).data(RowKeyRole).toLongLong(), 10000);
        QTRY_VERIFY_WITH_TIMEOUT(window.traceView()->model()->rowCount() > 0, 10000);
        SpanTreeModel *tree = window.traceView()->model();
        // Demo batches may still be landing and reopen the trace; select again until it sticks.
        QElapsedTimer selecting;
        selecting.start();
        while (!window.traceView()->detail()->plainText().contains(QStringLiteral("GENERATION"))
            && selecting.elapsed() < 15000) {
            const QModelIndex generation = tree->mostExpensiveGeneration();
            QVERIFY(generation.isValid());
            if (window.traceView()->tree()->currentIndex() != generation)
                window.traceView()->tree()->setCurrentIndex(generation);
            QTest::qWait(50);
        }
        QVERIFY(window.traceView()->detail()->plainText().contains(QStringLiteral("GENERATION")));
        QVERIFY(window.traceView()->detail()->plainText().contains(QStringLiteral("Input")));
        QTest::qWait(200);
        QVERIFY(uitest::saveScreenshot(window, QStringLiteral("mainwindow-traces.png")));

        window.pages()->setCurrentWidget(window.sessionsPage());
        QTRY_VERIFY_WITH_TIMEOUT(window.sessionsPage()->model()->rowCount() > 10, 10000);
        // Enter on a session reads it as a conversation.
        const QModelIndex session = window.sessionsPage()->model()->index(0, 0);
        const int sessionTraces
            = window.sessionsPage()->model()->index(0, SessionListModel::TracesColumn).data(SortRole).toInt();
        QSignalSpy conversation(window.sessionsPage()->conversation(), &SessionConversationView::loaded);
        window.sessionsPage()->view()->setCurrentIndex(session);
        emit window.sessionsPage()->view()->activated(session);
        QVERIFY(conversation.wait(10000));
        QCOMPARE(window.sessionsPage()->conversation()->turns().size(), size_t(sessionTraces));
        QTest::qWait(100);
        QVERIFY(uitest::saveScreenshot(window, QStringLiteral("mainwindow-sessions.png")));
    }

    void sidebarShowsConnectionsAndStates()
    {
        MainWindow window(m_store.get());
        window.resize(1440, 900);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        SourceListModel *sources = window.sidebar()->model();
        QTRY_VERIFY_WITH_TIMEOUT(sources->indexForSource(m_langfuseSource).isValid(), 10000);
        sources->setSourceStatus(
            m_localSource, QStringLiteral("listening on 127.0.0.1:4318"), SourceListModel::StateKind::Active);
        sources->setSourceStatus(
            m_langfuseSource, QStringLiteral("synced 2 min ago"), SourceListModel::StateKind::Idle);
        const QModelIndex production = sources->indexForSource(m_langfuseSource);
        const QModelIndex connection = production.parent();
        QVERIFY(connection.data(SourceListModel::IsConnectionRole).toBool());
        QCOMPARE(connection.data().toString(), QStringLiteral("cloud.langfuse.com"));
        // Choosing the connection shows both of its projects' traces; the receiver only its own.
        window.sidebar()->view()->setCurrentIndex(connection);
        QTRY_COMPARE(window.tracesPage()->appliedFilter().sourceIds.size(), 2);
        window.sidebar()->selectSource(m_localSource);
        QTRY_COMPARE(window.tracesPage()->appliedFilter().sourceIds, QList<qint64> { m_localSource });
        QTRY_COMPARE_WITH_TIMEOUT(window.tracesPage()->model()->rowCount(), 12, 10000);
        for (int r = 0; r < 12; ++r)
            QCOMPARE(window.tracesPage()->model()->index(r, TraceListModel::SourceColumn).data().toString(),
                QStringLiteral("Local receiver"));
        QTRY_VERIFY_WITH_TIMEOUT(window.traceView()->model()->rowCount() > 0, 10000);
        QTest::qWait(200);
        QVERIFY(uitest::saveScreenshot(window, QStringLiteral("mainwindow-sources.png")));
    }

    void followsTheDarkPalette()
    {
        theme::apply(theme::Scheme::Dark);
        QVERIFY(theme::isDark(QApplication::palette()));
        {
            MainWindow window(m_store.get());
            window.resize(1440, 900);
            window.show();
            QVERIFY(QTest::qWaitForWindowExposed(&window));
            QTRY_VERIFY_WITH_TIMEOUT(window.traceView()->model()->rowCount() > 0, 10000);
            window.traceView()->tree()->expandAll();
            const QModelIndex generation = window.traceView()->model()->mostExpensiveGeneration();
            if (generation.isValid())
                window.traceView()->tree()->reveal(generation);
            QTest::qWait(400);
            // The chosen scheme is remembered.
            QCOMPARE(theme::saved(), theme::Scheme::Dark);
            QVERIFY(theme::isDark(window.palette()));
            QVERIFY(uitest::saveScreenshot(window, QStringLiteral("mainwindow-dark.png")));
        }
        theme::apply(theme::Scheme::System);
        QVERIFY(!theme::isDark(QApplication::palette()));
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
            window.traceView()->setTimelineVisible(false);
            window.traceView()->treeSplitter()->setSizes({ 400, 0 });
            window.pages()->setCurrentIndex(1);
            window.tracesPage()->setQuery(QStringLiteral("env:production"));
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
        QVERIFY(!again.traceView()->isTimelineVisible());
        QCOMPARE(again.tracesPage()->query(), QStringLiteral("env:production"));
        again.traceView()->setTimelineVisible(true);
        again.tracesPage()->setQuery(QString());
    }

    void cleanupTestCase()
    {
        QSettings().clear();
        m_store.reset();
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
