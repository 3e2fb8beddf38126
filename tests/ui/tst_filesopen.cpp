// Opening trace files in the window, offscreen: through FilesController::openFiles (what File →
// Open…, Open Recent, drops and `traceglass FILE...` all call), a malformed file (problems dialog
// naming lines, the good traces shown), a large import cancelled half way (the window keeps
// responding, the half-read source is gone), a synthesized drop, several files at once, and the
// command line argument filter. Screenshots: files-open-progress.png, files-problems.png.
#include "../models/storetestutil.h"
#include "files/fileimportdialog.h"
#include "files/fileproblemsdialog.h"
#include "files/filescontroller.h"
#include "filestestutil.h"
#include "formats/gzip.h"
#include "itemmodels/sourcelistmodel.h"
#include "itemmodels/tracelistmodel.h"
#include "mainwindow.h"
#include "sourcessidebar.h"
#include "tracespage.h"
#include "uitestutil.h"

#include <QAction>
#include <QElapsedTimer>
#include <QMenu>
#include <QMenuBar>
#include <QMimeData>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTreeWidget>
#include <QUrl>

using namespace tg;
using namespace tg::filestest;

class TestFilesOpen : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<TraceStore> m_store;
    std::unique_ptr<MainWindow> m_window;
    std::unique_ptr<FilesController> m_files;

    QList<FileImportOutcome> waitForImports(int timeoutMs = 60'000)
    {
        QSignalSpy done(m_files.get(), &FilesController::importsFinished);
        if (!done.wait(timeoutMs))
            return {};
        return done.takeFirst().at(0).value<QList<FileImportOutcome>>();
    }

    QString path(const QString &name) const { return m_dir.filePath(name); }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
        qRegisterMetaType<QList<FileImportOutcome>>();
        m_store = uitest::openStore(path(QStringLiteral("files.db")));
        m_window = std::make_unique<MainWindow>(m_store.get());
        m_files = std::make_unique<FilesController>(m_store.get());
        m_files->install(m_window.get());
        m_window->resize(1440, 900);
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    }

    void cleanupTestCase()
    {
        m_files.reset();
        m_window.reset();
        m_store.reset();
    }

    void menuHasOpenExportAndRecent()
    {
        QAction *open = m_files->openAction();
        QCOMPARE(open->shortcut(), QKeySequence(QKeySequence::Open));
        QMenu *file = m_window->menuBar()->actions().constFirst()->menu();
        QVERIFY(file->actions().contains(open));
        QVERIFY(file->actions().contains(m_files->exportAction()));
        QVERIFY(file->actions().contains(m_files->recentMenu()->menuAction()));
        QVERIFY(FilesController::openFilter().contains(u"*.jsonl"));
        QVERIFY(FilesController::openFilter().contains(u"*.pb"));
        QVERIFY(FilesController::openFilter().contains(u"*.gz"));
    }

    void gzipFileOpensAndItsDecompressionIsShown()
    {
        const QString plain = path(QStringLiteral("packed.otlp.jsonl"));
        QVERIFY(writeJsonl(plain, 3, 2, 3)); // 6 traces of 3 spans
        QFile in(plain);
        QVERIFY(in.open(QIODevice::ReadOnly));
        const QString file = plain + QStringLiteral(".gz");
        QFile out(file);
        QVERIFY(out.open(QIODevice::WriteOnly) && out.write(gzipCompress(in.readAll())) > 0);
        out.close();
        m_files->openFiles({ file });
        const QList<FileImportOutcome> outcomes = waitForImports();
        QCOMPARE(outcomes.size(), 1);
        const TraceFileImportResult &r = outcomes.front().result;
        QVERIFY2(r.ok, qPrintable(r.error));
        QVERIFY(r.gzip);
        QCOMPARE(r.spans, 18);
        QVERIFY(sourceForFile(*m_store, TraceFileImporter::sourceKey(file)));

        FileImportStatus status;
        status.progress.decompressing = true;
        status.progress.bytesRead = 2 * 1024 * 1024;
        status.progress.fileSize = 8 * 1024 * 1024;
        const QString text = FileImportDialog::describe(status);
        QVERIFY2(text.startsWith(u"Decompressing 2") && text.contains(u"of 8"), qPrintable(text));
    }

    void opensAGoodFile()
    {
        const QString file = path(QStringLiteral("agent.otlp.jsonl"));
        QVERIFY(writeJsonl(file, 6, 2, 3)); // 12 traces of 3 spans
        m_files->openFiles({ file });
        const QList<FileImportOutcome> outcomes = waitForImports();
        QCOMPARE(outcomes.size(), 1);
        const TraceFileImportResult &r = outcomes.front().result;
        QVERIFY2(r.ok, qPrintable(r.error));
        QCOMPARE(r.format, TraceFileFormat::OtlpJsonLines);
        QCOMPARE(r.spans, 36);
        QCOMPARE(r.problemCount, 0);
        QVERIFY(!outcomes.front().sourceRemoved);
        QVERIFY(!m_files->problemsDialog());

        // Its own source, selected in the sidebar, with its traces in the list.
        const auto source = sourceForFile(*m_store, TraceFileImporter::sourceKey(file));
        QVERIFY(source);
        QCOMPARE(source->kind, SourceKind::File);
        QCOMPARE(source->name, QStringLiteral("agent.otlp.jsonl"));
        QTRY_COMPARE_WITH_TIMEOUT(
            m_window->sidebar()->selectedSourceIds(), QList<qint64> { source->id }, 10'000);
        QTRY_COMPARE_WITH_TIMEOUT(m_window->tracesPage()->model()->rowCount(), 12, 10'000);
        QVERIFY2(m_window->statusBar()->currentMessage().contains(u"36 spans"),
            qPrintable(m_window->statusBar()->currentMessage()));
        QCOMPARE(m_files->recentFiles().value(0), file);
    }

    void malformedFileShowsProblemsAndTheGoodPart()
    {
        const QString file = path(QStringLiteral("broken.jsonl"));
        QByteArray bytes;
        for (int i = 0; i < 5; ++i) {
            if (i == 2)
                bytes += "{\"resourceSpans\":[{\"scopeSpans\":[ this is not json\n";
            bytes += otlpLine(100 + i, 2, 2) + '\n';
        }
        bytes += otlpLine(200, 1, 2).left(90) + '\n'; // cut off mid-line
        QVERIFY(writeBytes(file, bytes));
        m_files->openFiles({ file });
        const QList<FileImportOutcome> outcomes = waitForImports();
        QCOMPARE(outcomes.size(), 1);
        const TraceFileImportResult &r = outcomes.front().result;
        QVERIFY(r.ok);
        QCOMPARE(r.problemCount, 2);

        FileProblemsDialog *dialog = m_files->problemsDialog();
        QVERIFY(dialog);
        QVERIFY(dialog->isVisible());
        const QString text = dialog->text();
        QVERIFY2(text.contains(u"broken.jsonl") && text.contains(u"2 problems"), qPrintable(text));
        QVERIFY2(text.contains(u"The good part of the file is shown"), qPrintable(text));
        QVERIFY2(text.contains(u"line 3"), qPrintable(text)); // the broken line
        QVERIFY2(text.contains(u"line 7"), qPrintable(text)); // the cut-off one
        QCOMPARE(dialog->list()->topLevelItemCount(), 2);
        QVERIFY(dialog->list()->topLevelItem(0)->text(0).startsWith(u"line 3"));

        // The 5 good lines (10 traces) are in the list, the file's source selected.
        const auto source = sourceForFile(*m_store, TraceFileImporter::sourceKey(file));
        QVERIFY(source);
        QCOMPARE(traceCount(*m_store, source->id), 10);
        QTRY_COMPARE_WITH_TIMEOUT(
            m_window->sidebar()->selectedSourceIds(), QList<qint64> { source->id }, 10'000);
        QTRY_COMPARE_WITH_TIMEOUT(m_window->tracesPage()->model()->rowCount(), 10, 10'000);
        SourceListModel *sources = m_window->sidebar()->model();
        QTRY_COMPARE_WITH_TIMEOUT(sources->indexForSource(source->id)
                                      .siblingAtColumn(SourceListModel::TracesColumn)
                                      .data()
                                      .toString(),
            QStringLiteral("10"), 5000);
        dialog->move(m_window->geometry().center() - dialog->rect().center());
        QVERIFY(uitest::saveScreenshot(*m_window, QStringLiteral("files-problems.png"), { dialog }));
        dialog->close();
        QTRY_VERIFY(!m_files->problemsDialog());
    }

    void unreadableFileLeavesNoSource()
    {
        const QString file = path(QStringLiteral("notes.json"));
        QVERIFY(writeBytes(file, "just some words, not a trace file\n"));
        m_files->openFiles({ file });
        const QList<FileImportOutcome> outcomes = waitForImports();
        QCOMPARE(outcomes.size(), 1);
        QVERIFY(!outcomes.front().result.ok || outcomes.front().result.spans == 0);
        QVERIFY(outcomes.front().sourceRemoved);
        QVERIFY(!sourceForFile(*m_store, TraceFileImporter::sourceKey(file)));
        QVERIFY(m_files->problemsDialog());
        QVERIFY2(m_files->problemsDialog()->text().contains(u"could not be opened"),
            qPrintable(m_files->problemsDialog()->text()));
        m_files->problemsDialog()->close();
    }

    void cancelsALargeImportAndStaysResponsive()
    {
        // ~40 MB read in small units: long enough to cancel half way on a fast machine too.
        const QString file = path(QStringLiteral("large.jsonl"));
        QVERIFY(writeJsonl(file, 6000, 4, 4, 5000));
        TraceFileImportOptions options;
        options.unitBytes = 64 * 1024;
        options.readChunkBytes = 64 * 1024;
        options.decodeThreads = 1;
        // Reading stops once 1 MiB waits for a commit, and the store commits nothing until the
        // cancel button is clicked (below): the import cannot finish first, however fast the
        // machine or however slow the click.
        options.maxUncommittedBytes = 1024 * 1024;
        m_files->imports()->setOptions(options);
        FileImportDialog *progress = m_files->progressDialog();
        progress->setShowDelay(0);

        // The event loop keeps turning: a 20 ms timer never waits long.
        QElapsedTimer clock;
        clock.start();
        qint64 last = 0;
        qint64 worstGap = 0;
        QTimer ticker;
        ticker.setInterval(20);
        connect(&ticker, &QTimer::timeout, this, [&] {
            worstGap = std::max(worstGap, clock.elapsed() - last);
            last = clock.elapsed();
        });
        ticker.start();

        QSignalSpy progressed(m_files->imports(), &FileImportQueue::progressed);
        m_files->openFiles({ file });
        QTRY_VERIFY_WITH_TIMEOUT(progressed.size() >= 2, 30'000);
        // Held from here on (progress is reported as batches commit, so not before).
        test::WriterHold commitsHeld(*m_store);
        QTRY_VERIFY(progress->isVisible());
        QVERIFY2(progress->fileText().contains(u"large.jsonl"), qPrintable(progress->fileText()));
        QVERIFY2(progress->detailText().contains(u" of ") && progress->detailText().contains(u"spans"),
            qPrintable(progress->detailText()));
        QVERIFY(progress->progressBar()->value() > 0 && progress->progressBar()->value() < 1000);
        progress->move(m_window->geometry().center() - progress->rect().center());
        QVERIFY(uitest::saveScreenshot(*m_window, QStringLiteral("files-open-progress.png"), { progress }));

        QSignalSpy finished(m_files.get(), &FilesController::importsFinished);
        QTest::mouseClick(progress->cancelButton(), Qt::LeftButton);
        commitsHeld.release();
        QVERIFY(finished.wait(30'000));
        ticker.stop();
        const auto outcomes = finished.takeFirst().at(0).value<QList<FileImportOutcome>>();
        QCOMPARE(outcomes.size(), 1);
        QVERIFY(outcomes.front().result.cancelled);
        QVERIFY(outcomes.front().result.bytesRead < outcomes.front().result.fileSize);
        QVERIFY(outcomes.front().sourceRemoved);
        QTRY_VERIFY(!progress->isVisible());
        QVERIFY(!m_files->problemsDialog());
        QVERIFY2(worstGap < 2000, qPrintable(QString::number(worstGap)));

        // Nothing half-read remains: no source, no traces of it; the store still answers.
        const auto source = sourceForFile(*m_store, TraceFileImporter::sourceKey(file));
        QVERIFY(!source);
        QVERIFY(m_store->flush(10'000));
        ReaderLease reader = m_store->readerPool()->lease();
        QVERIFY(reader);
        qint64 fileTraces = 0;
        for (const Source &s : reader->sources())
            fileTraces += s.kind == SourceKind::File ? s.traceCount : 0;
        QCOMPARE(fileTraces, 12 + 6 + 10); // the three files opened before
        QVERIFY2(m_window->statusBar()->currentMessage().contains(u"cancelled"),
            qPrintable(m_window->statusBar()->currentMessage()));
        m_files->imports()->setOptions({});
    }

    void dropOpensFiles()
    {
        const QString a = path(QStringLiteral("dropped-a.jsonl"));
        const QString b = path(QStringLiteral("dropped-b.jsonl"));
        QVERIFY(writeJsonl(a, 2, 1, 2, 300));
        QVERIFY(writeJsonl(b, 3, 1, 2, 400));
        QMimeData mime;
        mime.setUrls({ QUrl::fromLocalFile(a), QUrl::fromLocalFile(b) });
        const QPointF at(700, 450);
        QDragEnterEvent enter(at.toPoint(), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(m_window.get(), &enter);
        QVERIFY(enter.isAccepted());
        QDropEvent drop(at, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(m_window.get(), &drop);
        QVERIFY(drop.isAccepted());
        const QList<FileImportOutcome> outcomes = waitForImports();
        QCOMPARE(outcomes.size(), 2); // one after another, each its own source
        const auto sa = sourceForFile(*m_store, TraceFileImporter::sourceKey(a));
        const auto sb = sourceForFile(*m_store, TraceFileImporter::sourceKey(b));
        QVERIFY(sa && sb && sa->id != sb->id);
        QCOMPARE(traceCount(*m_store, sa->id), 2);
        QCOMPARE(traceCount(*m_store, sb->id), 3);
        QTRY_COMPARE_WITH_TIMEOUT(m_window->sidebar()->selectedSourceIds(), QList<qint64> { sb->id }, 10'000);
        QVERIFY(m_window->statusBar()->currentMessage().contains(u"Opened 2 of 2 files"));

        // Text without files is not taken.
        QMimeData text;
        text.setText(QStringLiteral("hello"));
        QDragEnterEvent ignored(at.toPoint(), Qt::CopyAction, &text, Qt::LeftButton, Qt::NoModifier);
        ignored.ignore();
        QApplication::sendEvent(m_window.get(), &ignored);
        QVERIFY(!ignored.isAccepted());
    }

    void reopeningUpdatesTheSameSource()
    {
        const QString file = path(QStringLiteral("agent.otlp.jsonl"));
        const auto before = sourceForFile(*m_store, TraceFileImporter::sourceKey(file));
        QVERIFY(before);
        m_files->openFiles({ file });
        QCOMPARE(waitForImports().size(), 1);
        const auto after = sourceForFile(*m_store, TraceFileImporter::sourceKey(file));
        QVERIFY(after);
        QCOMPARE(after->id, before->id);
        QCOMPARE(traceCount(*m_store, after->id), 12);
        // The recent menu lists it first.
        m_files->recentMenu()->aboutToShow();
        QVERIFY(m_files->recentMenu()->actions().constFirst()->text().contains(u"agent.otlp.jsonl"));
    }

    void commandLineArguments()
    {
        const QString file = path(QStringLiteral("agent.otlp.jsonl"));
        QStringList rejected;
        const QStringList files
            = FilesController::filesFromArguments({ file, QUrl::fromLocalFile(file).toString(),
                                                      path(QStringLiteral("missing.json")), m_dir.path() },
                &rejected);
        QCOMPARE(files, QStringList { file }); // the URL names the same file
        QCOMPARE(rejected.size(), 2);
    }
};

QTEST_MAIN(TestFilesOpen)
#include "tst_filesopen.moc"
