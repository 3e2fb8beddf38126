// Forwarding in the window, offscreen: the forwarder dialog (choose a connection, pick the sources
// that forward automatically), the status bar slot following outbox depth and state live, an
// outage (503) with backoff and the catch-up once the endpoint answers 200, pause and resume, and
// "Forward Selected Traces" from the traces list. Screenshot: forwarder-dialog.png.
//
// The endpoint is a fake: a QTcpServer answering the OTLP POSTs with 200 or 503, because a
// Langfuse server cannot run here. (tests/net/tst_forwarder.cpp checks the wire format itself.)
#include "files/forwardercontroller.h"
#include "files/forwarderdialog.h"
#include "filestestutil.h"
#include "formats/tracefileimporter.h"
#include "itemmodels/tracelistmodel.h"
#include "langfuse/connectionregistry.h"
#include "mainwindow.h"
#include "sourcessidebar.h"
#include "tracespage.h"
#include "uitestutil.h"

#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QSettings>
#include <QStandardPaths>
#include <QTableView>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTreeWidget>

using namespace tg;
using namespace tg::filestest;

namespace {

/// Answers every complete HTTP request with 200 or 503 (keep-alive), counting them.
class FakeOtlpEndpoint : public QObject
{
public:
    bool up = false;
    int accepted = 0;
    int refused = 0;

    FakeOtlpEndpoint()
    {
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *socket = m_server.nextPendingConnection()) {
                connect(socket, &QTcpSocket::readyRead, this, [this, socket] { serve(socket); });
                connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
            }
        });
        m_server.listen(QHostAddress::LocalHost);
    }
    quint16 port() const { return m_server.serverPort(); }

private:
    void serve(QTcpSocket *socket)
    {
        QByteArray &buffer = m_buffers[socket];
        buffer += socket->readAll();
        for (;;) {
            const qsizetype headerEnd = buffer.indexOf("\r\n\r\n");
            if (headerEnd < 0)
                return;
            qsizetype length = 0;
            for (const QByteArray &line : buffer.left(headerEnd).split('\n')) {
                if (line.toLower().startsWith("content-length:"))
                    length = line.mid(15).trimmed().toLongLong();
            }
            if (buffer.size() < headerEnd + 4 + length)
                return;
            buffer.remove(0, headerEnd + 4 + length);
            if (up) {
                ++accepted;
                socket->write(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}");
            } else {
                ++refused;
                socket->write("HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
                              "Content-Length: 35\r\n\r\n{\"message\":\"Service Unavailable\"}  ");
            }
        }
    }

    QTcpServer m_server;
    QHash<QTcpSocket *, QByteArray> m_buffers;
};

qint64 queued(ForwarderController &controller)
{
    return controller.forwarder() ? controller.forwarder()->stats().pending : -1;
}

} // namespace

class TestFilesForwarder : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<TraceStore> m_store;
    std::unique_ptr<FakeOtlpEndpoint> m_endpoint;
    std::unique_ptr<ConnectionRegistry> m_registry;
    std::unique_ptr<MainWindow> m_window;
    std::unique_ptr<ForwarderController> m_controller;
    qint64 m_local = 0;
    qint64 m_file = 0;

    void addTraces(qint64 source, int seed, int traces)
    {
        const QString file = m_dir.filePath(QStringLiteral("batch-%1.jsonl").arg(seed));
        QVERIFY(writeJsonl(file, 1, traces, 3, seed));
        // Read as a file but stored under the given source, as the receiver would.
        const TraceFileImportResult r = TraceFileImporter::readFile(file, [&](WriteBatch &&batch, QString *) {
            batch.sourceId = source;
            uitest::submit(*m_store, std::move(batch));
            return true;
        });
        QVERIFY(r.ok);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
        m_store = uitest::openStore(m_dir.filePath(QStringLiteral("forward.db")));
        m_endpoint = std::make_unique<FakeOtlpEndpoint>();
        QVERIFY(m_endpoint->port() > 0);
        m_local = m_store->ensureSource(
            SourceKind::LocalReceiver, QStringLiteral("local"), QStringLiteral("Local receiver"));
        m_file = m_store->ensureSource(
            SourceKind::File, QStringLiteral("file:/tmp/x.jsonl"), QStringLiteral("x.jsonl"));
        addTraces(m_local, 1, 6); // 6 traces, 18 spans
        addTraces(m_file, 50, 4);

        // The connection comes from LANGFUSE_* variables (the environment offer), so its secret
        // stays in memory and the test needs no keychain.
        ConnectionRegistry::Options options;
        options.settingsGroup = QStringLiteral("test-filesui-langfuse");
        options.credentialService = QStringLiteral("Traceglass filesui tests");
        QProcessEnvironment env;
        env.insert(QStringLiteral("LANGFUSE_PUBLIC_KEY"), QStringLiteral("pk-lf-1"));
        env.insert(QStringLiteral("LANGFUSE_SECRET_KEY"), QStringLiteral("sk-lf-secret"));
        env.insert(
            QStringLiteral("LANGFUSE_HOST"), QStringLiteral("http://127.0.0.1:%1").arg(m_endpoint->port()));
        options.environment = env;
        m_registry = std::make_unique<ConnectionRegistry>(options);
        m_registry->load();
        QCOMPARE(m_registry->connections().size(), 1);

        m_window = std::make_unique<MainWindow>(m_store.get());
        m_controller = std::make_unique<ForwarderController>(m_store.get());
        ForwarderOptions fast;
        fast.baseBackoffMs = 300;
        fast.maxBackoffMs = 600;
        fast.pollIntervalMs = 200;
        fast.commitDebounceMs = 20;
        fast.gzip = false;
        m_controller->setForwarderOptions(fast);
        m_controller->install(m_window.get(), m_registry.get());
        m_controller->startAtLaunch();
        m_window->resize(1440, 900);
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    }

    void cleanupTestCase()
    {
        m_controller.reset();
        m_window.reset();
        m_registry.reset();
        m_store.reset();
    }

    void offByDefault()
    {
        QVERIFY(!m_controller->forwarder());
        QVERIFY(m_controller->statusText().isEmpty());
        QVERIFY(!m_controller->statusLabel()->isVisible());
        // Forwarding a selection without a connection asks for one.
        m_controller->forwardTraces({ 1 });
        ForwarderDialog *dialog = m_controller->dialog();
        QVERIFY(dialog && dialog->isVisible());
        QVERIFY(dialog->findChild<QLabel *>(QStringLiteral("forwarderNotice"))->isVisible());
        QCOMPARE(dialog->stateText(), QStringLiteral("Off"));
        QVERIFY(!dialog->sourceList()->isEnabled());
    }

    void outageThenCatchUp()
    {
        ForwarderDialog *dialog = m_controller->showDialog();
        QComboBox *combo = dialog->connectionCombo();
        QCOMPARE(combo->count(), 2); // Off + the connection
        combo->setCurrentIndex(1);
        Q_EMIT combo->activated(1);
        QCOMPARE(m_controller->connectionId(), QStringLiteral("env"));
        QCOMPARE(QSettings().value(QStringLiteral("forwarder/connection")).toString(), QStringLiteral("env"));
        QTRY_VERIFY_WITH_TIMEOUT(m_controller->forwarder(), 5000);
        QTRY_VERIFY(m_controller->statusLabel()->isVisible());
        QTRY_VERIFY2(
            m_controller->statusText().contains(u"idle · 0 queued"), qPrintable(m_controller->statusText()));

        // The local receiver forwards automatically, with what it has: Langfuse is down.
        QTRY_COMPARE_WITH_TIMEOUT(dialog->sourceList()->count(), 2, 5000); // local and the file
        dialog->findChild<QCheckBox *>(QStringLiteral("includeExistingCheck"))->setChecked(true);
        QListWidgetItem *local = nullptr;
        for (int i = 0; i < dialog->sourceList()->count(); ++i) {
            if (dialog->sourceList()->item(i)->data(Qt::UserRole).toLongLong() == m_local)
                local = dialog->sourceList()->item(i);
        }
        QVERIFY(local);
        local->setCheckState(Qt::Checked);
        QVERIFY(m_controller->autoForwardSources().contains(m_local));

        QTRY_COMPARE_WITH_TIMEOUT(queued(*m_controller), 6, 5000); // depth goes up
        QTRY_VERIFY_WITH_TIMEOUT(m_endpoint->refused > 0, 5000);
        QTRY_VERIFY2_WITH_TIMEOUT(m_controller->statusText().contains(u"backing off until"),
            qPrintable(m_controller->statusText()), 5000);
        QVERIFY2(m_controller->statusText().contains(u"503"), qPrintable(m_controller->statusText()));
        QVERIFY(m_controller->statusLabel()->text().contains(u"6 queued"));
        QTRY_VERIFY2_WITH_TIMEOUT(
            dialog->stateText().contains(u"backing off"), qPrintable(dialog->stateText()), 5000);
        QTRY_COMPARE_WITH_TIMEOUT(dialog->queueList()->topLevelItemCount(), 6, 5000);
        QVERIFY(dialog->findChild<QLabel *>(QStringLiteral("forwarderLastError"))->text().contains(u"503"));
        dialog->move(m_window->geometry().center() - dialog->rect().center());
        QVERIFY(uitest::saveScreenshot(*m_window, QStringLiteral("forwarder-dialog.png"), { dialog }));
        QCOMPARE(m_endpoint->accepted, 0);

        // Langfuse is back: everything queued goes, the depth falls to 0.
        m_endpoint->up = true;
        QTest::mouseClick(dialog->retryButton(), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(queued(*m_controller), 0, 10'000);
        QVERIFY(m_endpoint->accepted > 0);
        QCOMPARE(m_controller->forwarder()->spansDelivered(), 18);
        QTRY_VERIFY2(
            m_controller->statusText().contains(u"idle · 0 queued"), qPrintable(m_controller->statusText()));
        QVERIFY(m_controller->lastSuccess().isValid());
        QTRY_COMPARE(dialog->queueList()->topLevelItemCount(), 0);
    }

    void newSpansFollowAndPauseHolds()
    {
        const qint64 before = m_controller->forwarder()->spansDelivered();
        addTraces(m_local, 2, 2); // new spans on the auto-forwarded source
        QTRY_COMPARE_WITH_TIMEOUT(m_controller->forwarder()->spansDelivered(), before + 6, 10'000);
        addTraces(m_file, 60, 1); // not forwarded automatically
        QTest::qWait(600);
        QCOMPARE(m_controller->forwarder()->spansDelivered(), before + 6);

        ForwarderDialog *dialog = m_controller->showDialog();
        QTest::mouseClick(dialog->pauseButton(), Qt::LeftButton);
        QVERIFY(m_controller->isPaused());
        QTRY_VERIFY2(m_controller->statusText().contains(u"paused"), qPrintable(m_controller->statusText()));
        QCOMPARE(dialog->pauseButton()->text(), QStringLiteral("Resume"));
        addTraces(m_local, 3, 2);
        QTest::qWait(600);
        QCOMPARE(m_controller->forwarder()->spansDelivered(), before + 6);
        QTest::mouseClick(dialog->pauseButton(), Qt::LeftButton); // resume: caught up
        QTRY_COMPARE_WITH_TIMEOUT(m_controller->forwarder()->spansDelivered(), before + 12, 10'000);
        QTRY_COMPARE_WITH_TIMEOUT(queued(*m_controller), 0, 10'000);
    }

    void forwardSelectedTraces()
    {
        m_window->sidebar()->selectSource(m_file);
        TraceListModel *model = m_window->tracesPage()->model();
        QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 5, 10'000);
        QTableView *view = m_window->tracesPage()->view();
        view->clearSelection();
        for (const int row : { 0, 1 })
            view->selectionModel()->select(
                model->index(row, 0), QItemSelectionModel::Select | QItemSelectionModel::Rows);
        const qint64 before = m_controller->forwarder()->spansDelivered();
        m_controller->forwardSelectedAction()->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(m_controller->forwarder()->spansDelivered(), before + 6, 10'000);
        QTRY_COMPARE_WITH_TIMEOUT(queued(*m_controller), 0, 10'000);
    }

    void statusSlotOpensTheDialog()
    {
        m_controller->dialog()->close();
        QTRY_VERIFY(!m_controller->dialog());
        QTest::mouseClick(m_controller->statusLabel(), Qt::LeftButton);
        QVERIFY(m_controller->dialog() && m_controller->dialog()->isVisible());
        m_controller->dialog()->close();
    }

    void restartResumesTheSameConnection()
    {
        // A new controller (as at the next launch) finds the connection and the rule again.
        m_controller.reset();
        m_controller = std::make_unique<ForwarderController>(m_store.get());
        m_controller->install(m_window.get(), m_registry.get());
        m_controller->startAtLaunch();
        QTRY_VERIFY_WITH_TIMEOUT(m_controller->forwarder(), 5000);
        QTRY_VERIFY(m_controller->autoForwardSources().contains(m_local));
        QVERIFY(!m_controller->isPaused());
    }
};

QTEST_MAIN(TestFilesForwarder)
#include "tst_filesforwarder.moc"
