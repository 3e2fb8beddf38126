// The export dialog in the window, offscreen: the scopes it offers (selected traces, selected
// sessions, the filtered list), every format written through the dialog and read back with the
// importer (same trace count), CSV rows, redaction that really masks (e-mails, API keys, a custom
// pattern, dropped inputs), bad choices refused with a reason, and the context menu entries.
// Screenshot: files-export-dialog.png.
#include "files/exportdialog.h"
#include "files/exportrunner.h"
#include "files/filescontroller.h"
#include "filestestutil.h"
#include "formats/tracefileimporter.h"
#include "itemmodels/modelroles.h"
#include "itemmodels/sessionlistmodel.h"
#include "itemmodels/tracelistmodel.h"
#include "mainwindow.h"
#include "sessionspage.h"
#include "sourcessidebar.h"
#include "tracespage.h"
#include "uitestutil.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>

using namespace tg;
using namespace tg::filestest;

class TestFilesExport : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<TraceStore> m_store;
    std::unique_ptr<MainWindow> m_window;
    std::unique_ptr<FilesController> m_files;
    qint64 m_sourceId = 0;

    QString path(const QString &name) const { return m_dir.filePath(name); }

    ExportResult runExport(ExportDialog *dialog)
    {
        QSignalSpy finished(dialog, &ExportDialog::exportFinished);
        if (!dialog->startExport()) {
            qWarning("export refused: %s", qPrintable(dialog->statusText()));
            return {};
        }
        if (!finished.wait(30'000))
            return {};
        return finished.takeFirst().at(0).value<ExportResult>();
    }

    /// Reads an exported file into a store of its own and counts the traces.
    qint64 reimport(const QString &file, const QString &storeName)
    {
        auto store = uitest::openStore(path(storeName));
        const TraceFileImportResult r = TraceFileImporter::importFile(*store, file);
        if (!r.ok || r.problemCount > 0) {
            qWarning("re-import of %s: %s", qPrintable(file), qPrintable(r.summary()));
            return -1;
        }
        return traceCount(*store, r.sourceId);
    }

    void selectRows(QTableView *view, const QList<int> &rows)
    {
        view->clearSelection();
        for (const int row : rows)
            view->selectionModel()->select(
                view->model()->index(row, 0), QItemSelectionModel::Select | QItemSelectionModel::Rows);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
        qRegisterMetaType<ExportResult>();
        m_store = uitest::openStore(path(QStringLiteral("export.db")));
        const QString file = path(QStringLiteral("orders.jsonl"));
        QVERIFY(writeJsonl(file, 10, 2, 3)); // 20 traces of 3 spans, sessions s-0..s-3
        const TraceFileImportResult r = TraceFileImporter::importFile(*m_store, file);
        QVERIFY2(r.ok && r.problemCount == 0, qPrintable(r.summary()));
        m_sourceId = r.sourceId;
        QCOMPARE(traceCount(*m_store, m_sourceId), 20);

        m_window = std::make_unique<MainWindow>(m_store.get());
        m_files = std::make_unique<FilesController>(m_store.get());
        m_files->install(m_window.get());
        m_window->resize(1440, 900);
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
        QTRY_COMPARE_WITH_TIMEOUT(m_window->tracesPage()->model()->rowCount(), 20, 10'000);
        QTRY_VERIFY_WITH_TIMEOUT(m_window->sessionsPage()->model()->rowCount() == 4, 10'000);
    }

    void cleanupTestCase()
    {
        m_files.reset();
        m_window.reset();
        m_store.reset();
    }

    void contextMenusOfferExport()
    {
        QVERIFY(m_files->findChild<QAction *>(QStringLiteral("actionExportTraces")));
        QVERIFY(m_files->findChild<QAction *>(QStringLiteral("actionExportSessions")));
    }

    void scopesFollowTheSelection()
    {
        selectRows(m_window->tracesPage()->view(), { 0, 2, 4 });
        QCOMPARE(m_window->tracesPage()->selectedTraceRks().size(), 3);
        selectRows(m_window->sessionsPage()->view(), { 0, 1 });
        QCOMPARE(m_window->sessionsPage()->selectedSessions().size(), 2);

        ExportDialog *dialog = m_files->showExportDialog(ExportScope::SelectedTraces);
        QVERIFY(dialog && dialog->isVisible());
        QCOMPARE(dialog->scope(), ExportScope::SelectedTraces);
        QCOMPARE(dialog->selection().traceRks.size(), 3);
        dialog->setScope(ExportScope::SelectedSessions);
        QCOMPARE(dialog->selection().sessions.size(), 2);
        dialog->setScope(ExportScope::FilteredList);
        QVERIFY(dialog->selection().query.has_value());
        dialog->close();

        // Nothing selected: the traces choice is off and the dialog falls back to the list.
        m_window->tracesPage()->view()->clearSelection();
        dialog = m_files->showExportDialog(ExportScope::SelectedTraces);
        QCOMPARE(dialog->scope(), ExportScope::SelectedSessions);
        dialog->close();
    }

    void everyFormatRoundTrips_data()
    {
        QTest::addColumn<int>("format");
        QTest::addColumn<QString>("scope");
        QTest::newRow("otlp-json selected") << int(ExportFormat::OtlpJson) << QStringLiteral("traces");
        QTest::newRow("otlp-jsonl filtered")
            << int(ExportFormat::OtlpJsonLines) << QStringLiteral("filtered");
        QTest::newRow("otlp-protobuf sessions")
            << int(ExportFormat::OtlpProtobuf) << QStringLiteral("sessions");
        QTest::newRow("langfuse-json filtered")
            << int(ExportFormat::LangfuseJson) << QStringLiteral("filtered");
    }

    void everyFormatRoundTrips()
    {
        QFETCH(int, format);
        QFETCH(QString, scope);
        selectRows(m_window->tracesPage()->view(), { 1, 3, 5, 7 });
        selectRows(m_window->sessionsPage()->view(), { 0 });
        const qint64 sessionTraces = m_window->sessionsPage()
                                         ->model()
                                         ->index(0, SessionListModel::TracesColumn)
                                         .data(SortRole)
                                         .toLongLong();
        QVERIFY(sessionTraces >= 4 && sessionTraces <= 6);
        ExportDialog *dialog = m_files->showExportDialog(ExportScope::FilteredList);
        dialog->setScope(scope == u"traces" ? ExportScope::SelectedTraces
                : scope == u"sessions"      ? ExportScope::SelectedSessions
                                            : ExportScope::FilteredList);
        dialog->setFormat(ExportFormat(format));
        dialog->setRedaction({});
        const QString file
            = path(QStringLiteral("out-%1%2").arg(scope, exportFormatSuffix(ExportFormat(format))));
        dialog->setOutputPath(file);
        const ExportResult result = runExport(dialog);
        QVERIFY2(result.ok, qPrintable(result.error + dialog->statusText()));
        const qint64 expected = scope == u"traces" ? 4 : scope == u"sessions" ? sessionTraces : 20;
        QCOMPARE(result.traces, expected);
        QVERIFY(result.bytes > 0);
        QCOMPARE(QFileInfo(file).size(), result.bytes);
        QVERIFY2(dialog->statusText().contains(QStringLiteral("Exported %1 traces").arg(expected)),
            qPrintable(dialog->statusText()));
        QCOMPARE(reimport(file, QStringLiteral("re-%1-%2.db").arg(format).arg(scope)), expected);
        dialog->close();
    }

    void csvIsTheTable()
    {
        ExportDialog *dialog = m_files->showExportDialog(ExportScope::FilteredList);
        dialog->setFormat(ExportFormat::Csv);
        QVERIFY(dialog->outputPath().endsWith(u".csv")); // the suffix follows the format
        const QString file = path(QStringLiteral("table.csv"));
        dialog->setOutputPath(file);
        const ExportResult result = runExport(dialog);
        QVERIFY(result.ok);
        QFile csv(file);
        QVERIFY(csv.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = csv.readAll().trimmed().split('\n');
        QCOMPARE(lines.size(), 21); // header + 20 traces
        dialog->close();
    }

    void redactionMasks()
    {
        ExportDialog *dialog = m_files->showExportDialog(ExportScope::FilteredList);
        dialog->setFormat(ExportFormat::OtlpJsonLines);
        dialog->findChild<QCheckBox *>(QStringLiteral("maskEmails"))->setChecked(true);
        dialog->findChild<QCheckBox *>(QStringLiteral("maskApiKeys"))->setChecked(true);
        dialog->findChild<QPlainTextEdit *>(QStringLiteral("customPatterns"))
            ->setPlainText(QStringLiteral("ORDER-\\d+\n"));
        QVERIFY(dialog->redaction().maskEmails && dialog->redaction().maskApiKeys);
        QCOMPARE(dialog->redaction().customPatterns, QStringList { QStringLiteral("ORDER-\\d+") });
        const QString file = path(QStringLiteral("masked.otlp.jsonl"));
        dialog->setOutputPath(file);
        QVERIFY(runExport(dialog).ok);
        QFile masked(file);
        QVERIFY(masked.open(QIODevice::ReadOnly));
        const QByteArray text = masked.readAll();
        QVERIFY(!text.contains("@example.com"));
        QVERIFY(!text.contains(filestest::apiKey()));
        QVERIFY(!text.contains("ORDER-40"));
        QVERIFY(text.contains("[email]"));
        QVERIFY(text.contains("[api-key]"));
        QVERIFY(text.contains("[redacted]"));
        QVERIFY(text.contains("shipped")); // the rest stays
        QCOMPARE(reimport(file, QStringLiteral("re-masked.db")), 20);

        // Dropping inputs and outputs leaves none of them.
        dialog->setRedaction({ true, false, false, {} });
        const QString dropped = path(QStringLiteral("dropped.otlp.jsonl"));
        dialog->setOutputPath(dropped);
        QVERIFY(runExport(dialog).ok);
        QFile noPayloads(dropped);
        QVERIFY(noPayloads.open(QIODevice::ReadOnly));
        const QByteArray bare = noPayloads.readAll();
        QVERIFY(!bare.contains("sub-step"));
        QVERIFY(!bare.contains("shipped"));
        QVERIFY(bare.contains("order 1"));

        // The choices come back next time.
        dialog->setRedaction({ false, true, false, { QStringLiteral("secret-\\w+") } });
        dialog->setOutputPath(path(QStringLiteral("again.otlp.jsonl")));
        QVERIFY(runExport(dialog).ok);
        dialog->close();
        dialog = m_files->showExportDialog(ExportScope::FilteredList);
        QVERIFY(dialog->redaction().maskEmails);
        QCOMPARE(dialog->redaction().customPatterns, QStringList { QStringLiteral("secret-\\w+") });
        QCOMPARE(QFileInfo(dialog->outputPath()).absolutePath(), QFileInfo(m_dir.path()).absoluteFilePath());
        dialog->close();
    }

    void badChoicesAreRefused()
    {
        ExportDialog *dialog = m_files->showExportDialog(ExportScope::FilteredList);
        dialog->setRedaction({ false, false, false, { QStringLiteral("([unclosed") } });
        dialog->setOutputPath(path(QStringLiteral("never.json")));
        QVERIFY(!dialog->startExport());
        QVERIFY2(dialog->statusText().contains(u"regular expression"), qPrintable(dialog->statusText()));
        dialog->setRedaction({});
        dialog->setOutputPath(path(QStringLiteral("no/such/folder/out.json")));
        QVERIFY(!dialog->startExport());
        QVERIFY2(dialog->statusText().contains(u"does not exist"), qPrintable(dialog->statusText()));
        dialog->setOutputPath(QString());
        QVERIFY(!dialog->startExport());
        QVERIFY(!QFileInfo::exists(path(QStringLiteral("never.json"))));
        dialog->close();
    }

    void screenshot()
    {
        selectRows(m_window->tracesPage()->view(), { 0, 1, 2 });
        ExportDialog *dialog = m_files->showExportDialog(ExportScope::SelectedTraces);
        dialog->setFormat(ExportFormat::LangfuseJson);
        dialog->setRedaction({ false, true, true, { QStringLiteral("ORDER-\\d+") } });
        dialog->setOutputPath(path(QStringLiteral("picked.langfuse.json")));
        QVERIFY(runExport(dialog).ok);
        dialog->adjustSize();
        dialog->move(m_window->geometry().center() - dialog->rect().center());
        QVERIFY(uitest::saveScreenshot(*m_window, QStringLiteral("files-export-dialog.png"), { dialog }));
        dialog->close();
    }

    void cancelLeavesNoFile()
    {
        // Enough traces that the export is still running when the first progress arrives.
        const QString big = path(QStringLiteral("big.jsonl"));
        QVERIFY(writeJsonl(big, 2000, 3, 3, 7000));
        const TraceFileImportResult r = TraceFileImporter::importFile(*m_store, big);
        QVERIFY(r.ok);
        m_window->tracesPage()->setSourceIds({ r.sourceId });
        ExportDialog *dialog = m_files->showExportDialog(ExportScope::FilteredList);
        dialog->setFormat(ExportFormat::OtlpJson);
        dialog->setRedaction({ false, true, true, {} });
        const QString file = path(QStringLiteral("cancelled.otlp.json"));
        dialog->setOutputPath(file);
        QSignalSpy progressed(dialog->runner(), &ExportRunner::progressed);
        QSignalSpy finished(dialog, &ExportDialog::exportFinished);
        QVERIFY(dialog->startExport());
        QVERIFY(dialog->isRunning());
        QVERIFY(!dialog->exportButton()->isEnabled());
        QVERIFY(progressed.wait(20'000));
        QPushButton *cancel = dialog->findChild<QPushButton *>(QStringLiteral("closeButton"));
        QCOMPARE(cancel->text(), QStringLiteral("Cancel"));
        QTest::mouseClick(cancel, Qt::LeftButton); // stops the export; the dialog stays
        QVERIFY(dialog->isVisible());
        QVERIFY(finished.wait(20'000));
        const auto result = finished.takeFirst().at(0).value<ExportResult>();
        QVERIFY(result.cancelled);
        QVERIFY(!QFileInfo::exists(file));
        QCOMPARE(dialog->statusText(), QStringLiteral("Cancelled; no file was written."));
        QVERIFY(dialog->exportButton()->isEnabled());
        dialog->close();
        m_window->tracesPage()->setSourceIds({});
    }
};

QTEST_MAIN(TestFilesExport)
#include "tst_filesexport.moc"
