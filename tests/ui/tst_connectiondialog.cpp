// GUI test of the Langfuse connections: the connection dialog (presets, Test Connection with its
// success and failure messages, saving, the LANGFUSE_* offer) and the main window hooks (the
// Connections menu, sync state in the sidebar, an opened remote trace downloaded into the trace
// view). Runs against a fake Langfuse project on our own small HTTP server; screenshots go to
// TRACEGLASS_TEST_OUTPUT_DIR.
#include "../net/fakelangfuseproject.h"
#include "../net/fakelangfuseserver.h"
#include "connectiondialog.h"
#include "connectionscontroller.h"
#include "itemmodels/sourcelistmodel.h"
#include "itemmodels/spantreemodel.h"
#include "itemmodels/tracelistmodel.h"
#include "langfuse/langfusesyncmanager.h"
#include "langfuse/remotetracefetcher.h"
#include "mainwindow.h"
#include "observationdetailview.h"
#include "sourcessidebar.h"
#include "store/tracestore.h"
#include "tracespage.h"
#include "traceview.h"
#include "uitestutil.h"

#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenu>
#include <QMenuBar>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace tg;
using namespace tg::test;

namespace {

const QString kGroup = QStringLiteral("test-ui-langfuse");

} // namespace

class TestConnectionDialog : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<TraceStore> m_store;
    std::unique_ptr<FakeLangfuseProject> m_project;
    std::unique_ptr<FakeLangfuseServer> m_server;
    std::unique_ptr<LangfuseSyncManager> m_manager;
    QString m_envSecret;

    void fillNewConnection(ConnectionDialog &dialog, const QString &name, const QString &secret)
    {
        QTest::mouseClick(dialog.findChild<QPushButton *>(QStringLiteral("addButton")), Qt::LeftButton);
        QCOMPARE(dialog.currentId(), QString());
        dialog.presetCombo()->setCurrentIndex(dialog.presetCombo()->count() - 1); // Custom
        QVERIFY(!dialog.hostEdit()->isReadOnly());
        dialog.hostEdit()->clear();
        QTest::keyClicks(dialog.hostEdit(), m_server->url() + u'/');
        dialog.nameEdit()->clear();
        QTest::keyClicks(dialog.nameEdit(), name);
        QTest::keyClicks(dialog.publicKeyEdit(), m_project->publicKey);
        QTest::keyClicks(dialog.secretKeyEdit(), secret);
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QStandardPaths::setTestModeEnabled(true);
        QSettings().remove(kGroup);
        StoreOptions options;
        options.path = m_dir.filePath(QStringLiteral("ui.db"));
        options.fullTextIndex = false;
        QString error;
        m_store = TraceStore::open(options, &error);
        QVERIFY2(m_store, qPrintable(error));
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        m_project = std::make_unique<FakeLangfuseProject>(
            FakeLangfuseProject::generate(24, 4, now - 5 * 60'000, 20 * 60'000, 300));
        m_project->projectName = QStringLiteral("Checkout bot");
        m_project->organizationName = QStringLiteral("Acme Corp");
        m_project->secretKey
            = QStringLiteral("sk-lf-") + QString::number(QRandomGenerator::global()->generate64(), 36);
        m_server = std::make_unique<FakeLangfuseServer>(m_project->handler());
        QVERIFY(m_server->isListening());

        m_envSecret
            = QStringLiteral("sk-lf-env-") + QString::number(QRandomGenerator::global()->generate64(), 36);
        LangfuseSyncManager::Options o;
        o.registry.settingsGroup = kGroup;
        o.registry.credentialService = QStringLiteral("Traceglass tests");
        QProcessEnvironment env;
        env.insert(QStringLiteral("LANGFUSE_PUBLIC_KEY"), QStringLiteral("pk-lf-from-env"));
        env.insert(QStringLiteral("LANGFUSE_SECRET_KEY"), m_envSecret);
        env.insert(QStringLiteral("LANGFUSE_HOST"), QStringLiteral("https://us.cloud.langfuse.com"));
        o.registry.environment = env;
        o.transport.retry.maxAttempts = 1;
        m_manager = std::make_unique<LangfuseSyncManager>(m_store.get(), o);
        m_manager->fetcher()->setDebounceMs(10);
        m_manager->start();
    }

    void cleanupTestCase()
    {
        if (m_manager) {
            for (const LangfuseConnection &c : m_manager->registry()->savedConnections())
                m_manager->registry()->credentials()->removeSecretBlocking(
                    CredentialStore::langfuseAccount(c.id));
        }
        m_manager.reset();
        m_server.reset();
        m_store.reset();
        QSettings().remove(kGroup);
    }

    void presetsAndEnvironmentOffer()
    {
        ConnectionDialog dialog(m_manager.get());
        dialog.resize(900, 540);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        // The environment's keys are offered first, not saved yet.
        QCOMPARE(dialog.list()->count(), 1);
        QCOMPARE(dialog.currentId(), QString::fromLatin1(ConnectionRegistry::kEnvironmentId));
        QVERIFY(dialog.list()->item(0)->text().contains(QLatin1String("LANGFUSE_")));
        QCOMPARE(dialog.hostEdit()->text(), QStringLiteral("https://us.cloud.langfuse.com"));
        QCOMPARE(dialog.presetCombo()->currentIndex(), 1);
        QVERIFY(dialog.findChild<QLabel *>(QStringLiteral("environmentNote"))->isVisible());
        QCOMPARE(dialog.secretKeyEdit()->text(), QString()); // the secret is never put on screen
        QTest::qWait(50);
        uitest::checkScreenshot(dialog, QStringLiteral("connection-dialog-environment.png"));

        // Presets fill the host; Cloud hosts have a plan, others not.
        QTest::mouseClick(dialog.findChild<QPushButton *>(QStringLiteral("addButton")), Qt::LeftButton);
        QCOMPARE(dialog.hostEdit()->text(), QStringLiteral("https://cloud.langfuse.com"));
        QVERIFY(dialog.hostEdit()->isReadOnly());
        QVERIFY(dialog.tierCombo()->isEnabled());
        dialog.tierCombo()->setCurrentIndex(dialog.tierCombo()->findData(int(PlanTier::Core)));
        dialog.presetCombo()->setCurrentIndex(3);
        QCOMPARE(dialog.hostEdit()->text(), QStringLiteral("https://hipaa.cloud.langfuse.com"));
        dialog.presetCombo()->setCurrentIndex(4);
        QCOMPARE(dialog.hostEdit()->text(), QStringLiteral("http://localhost:3000"));
        QVERIFY(!dialog.tierCombo()->isEnabled());
        QCOMPARE(PlanTier(dialog.tierCombo()->currentData().toInt()), PlanTier::SelfHosted);
        QCOMPARE(dialog.formConnection().tier, PlanTier::SelfHosted);
        QVERIFY(dialog.findChild<QLabel *>(QStringLiteral("tierNote"))
                    ->text()
                    .contains(QLatin1String("no rate limits")));
        dialog.presetCombo()->setCurrentIndex(1);
        QCOMPARE(dialog.formConnection().tier, PlanTier::Core); // the Cloud plan chosen before
        // Typing a Cloud address selects its preset.
        dialog.presetCombo()->setCurrentIndex(dialog.presetCombo()->count() - 1);
        dialog.hostEdit()->clear();
        QTest::keyClicks(dialog.hostEdit(), QStringLiteral("jp.cloud.langfuse.com"));
        QCOMPARE(dialog.presetCombo()->currentIndex(), 2);
        QCOMPARE(dialog.formConnection().host, QStringLiteral("https://jp.cloud.langfuse.com"));
        // Finishing the edit shows the normalised address.
        dialog.hostEdit()->clear();
        QTest::keyClicks(dialog.hostEdit(), QStringLiteral("Langfuse.Example.com/api/public/"));
        emit dialog.hostEdit()->editingFinished();
        QCOMPARE(dialog.hostEdit()->text(), QStringLiteral("https://langfuse.example.com"));
    }

    void testConnectionAndSave()
    {
        ConnectionDialog dialog(m_manager.get());
        dialog.resize(900, 540);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        QSignalSpy tested(&dialog, &ConnectionDialog::testFinished);

        // Wrong secret key: a message naming the 401, never the key.
        fillNewConnection(dialog, QStringLiteral("staging"), QStringLiteral("sk-lf-wrong-key"));
        QTest::mouseClick(dialog.testButton(), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(tested.count(), 1, 15'000);
        QVERIFY(!tested.at(0).at(0).toBool());
        QVERIFY2(dialog.resultLabel()->text().contains(QLatin1String("401")),
            qPrintable(dialog.resultLabel()->text()));
        QVERIFY(!dialog.resultLabel()->text().contains(QLatin1String("sk-lf-wrong-key")));
        QTest::qWait(50);
        uitest::checkScreenshot(dialog, QStringLiteral("connection-dialog-401.png"));

        // The right one: project, organisation and server version.
        dialog.secretKeyEdit()->clear();
        QTest::keyClicks(dialog.secretKeyEdit(), m_project->secretKey);
        QTest::mouseClick(dialog.testButton(), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(tested.count(), 2, 15'000);
        QVERIFY2(tested.at(1).at(0).toBool(), qPrintable(tested.at(1).at(1).toString()));
        const QString result = dialog.resultLabel()->text();
        QVERIFY(result.contains(QLatin1String("Checkout bot")));
        QVERIFY(result.contains(QLatin1String("Acme Corp")));
        QVERIFY(result.contains(QLatin1String("3.95.0")));
        QVERIFY(!dialog.tierCombo()->isEnabled()); // a local server: no plan
        QTest::qWait(50);
        uitest::checkScreenshot(dialog, QStringLiteral("connection-dialog.png"));

        // Save: traces only, so opening one has something to download later.
        dialog.observationsCheck()->setChecked(false);
        QSignalSpy saved(&dialog, &ConnectionDialog::saveFinished);
        QTest::mouseClick(dialog.saveButton(), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(saved.count(), 1, 20'000);
        QVERIFY2(saved.at(0).at(0).toBool(), qPrintable(saved.at(0).at(1).toString()));
        QVERIFY(!dialog.currentId().isEmpty());
        QCOMPARE(dialog.secretKeyEdit()->text(), QString());
        QVERIFY(!dialog.storageLabel()->text().isEmpty()); // where the key went, said plainly
        const QList<LangfuseConnection> savedConnections = m_manager->registry()->savedConnections();
        QCOMPARE(savedConnections.size(), 1);
        QCOMPARE(savedConnections[0].host, m_server->url());
        QCOMPARE(savedConnections[0].syncObservations, false);
        QCOMPARE(dialog.list()->count(), 2); // + the environment offer
        // The manager starts syncing it.
        QTRY_COMPARE_WITH_TIMEOUT(m_manager->syncs().size(), 1, 20'000);
        QTRY_VERIFY_WITH_TIMEOUT(m_manager->syncs().first()->sourceId() > 0, 10'000);

        // Testing a saved connection without retyping the key uses the stored one.
        QTest::mouseClick(dialog.testButton(), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(tested.count(), 3, 15'000);
        QVERIFY(tested.at(2).at(0).toBool());
    }

    void mainWindowDownloadsOpenedTrace()
    {
        QVERIFY(m_manager->syncs().size() == 1);
        LangfuseSync *sync = m_manager->syncs().first();
        QTRY_VERIFY_WITH_TIMEOUT(
            sync->state() == LangfuseSync::State::Idle && sync->lastSync().isValid(), 20'000);

        MainWindow window(m_store.get());
        window.setConnections(m_manager.get());
        window.resize(1400, 850);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(window.connections());
        auto *menu = window.menuBar()->findChild<QMenu *>(QStringLiteral("connectionsMenu"));
        QVERIFY(menu);
        QVERIFY(menu->findChild<QAction *>(QStringLiteral("manageConnectionsAction"))
            || !menu->actions().isEmpty());

        // The sidebar lists the source with its sync state.
        SourceListModel *sources = window.sidebar()->model();
        QTRY_VERIFY_WITH_TIMEOUT(sources->indexForSource(sync->sourceId()).isValid(), 10'000);
        QTRY_VERIFY_WITH_TIMEOUT(sources->indexForSource(sync->sourceId())
                                     .data(SourceListModel::StateRole)
                                     .toString()
                                     .startsWith(QLatin1String("synced")),
            10'000);
        window.sidebar()->selectSource(sync->sourceId());
        TraceListModel *traces = window.tracesPage()->model();
        QTRY_COMPARE_WITH_TIMEOUT(traces->rowCount(), 24, 10'000);
        QCOMPARE(traces->index(0, TraceListModel::ObservationsColumn).data().toInt(), 0);

        // Opening a trace that is not cached downloads it; the trace view follows the store.
        m_server->clearRequests();
        window.tracesPage()->view()->setCurrentIndex(traces->index(0, TraceListModel::NameColumn));
        QTRY_COMPARE_WITH_TIMEOUT(window.traceView()->model()->tree().size(), 4, 15'000);
        QVERIFY(!m_server->requestsTo(QStringLiteral("/api/public/v2/observations")).isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(
            traces->index(0, TraceListModel::ObservationsColumn).data().toInt(), 4, 10'000);
        // The trace's detail catches up with the observations that just arrived.
        QTRY_VERIFY_WITH_TIMEOUT(
            window.traceView()->detail()->plainText().contains(QStringLiteral("observations 4")), 10'000);
        auto *status = window.findChild<QLabel *>(QStringLiteral("langfuseStatus"));
        QVERIFY(status);
        QTRY_VERIFY(status->text().contains(QLatin1String("Langfuse")));
        QTest::qWait(200);
        uitest::checkScreenshot(window, QStringLiteral("mainwindow-langfuse.png"));

        // Back to it later: served from the cache, no request.
        window.tracesPage()->view()->setCurrentIndex(traces->index(1, TraceListModel::NameColumn));
        QTest::qWait(300);
        m_server->clearRequests();
        window.tracesPage()->view()->setCurrentIndex(traces->index(0, TraceListModel::NameColumn));
        QTest::qWait(500);
        QCOMPARE(m_server->requestsTo(QStringLiteral("/api/public/v2/observations")).size(), 0);

        // The dialog opens from the window, on the connection.
        ConnectionDialog *dialog = window.connections()->showDialog(sync->connection().id);
        QVERIFY(dialog);
        QCOMPARE(dialog->currentId(), sync->connection().id);
        QCOMPARE(dialog->nameEdit()->text(), QStringLiteral("staging"));
        dialog->close();
    }
};

QTEST_MAIN(TestConnectionDialog)
#include "tst_connectiondialog.moc"
