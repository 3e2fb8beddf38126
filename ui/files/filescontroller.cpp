#include "filescontroller.h"

#include "fileimportdialog.h"
#include "fileproblemsdialog.h"
#include "icons.h"
#include "itemmodels/sourcelistmodel.h"
#include "itemmodels/tracelistmodel.h"
#include "mainwindow.h"
#include "sessionspage.h"
#include "sourcessidebar.h"
#include "store/tracestore.h"
#include "tracespage.h"

#include <QAction>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QLocale>
#include <QMenu>
#include <QMenuBar>
#include <QMimeData>
#include <QSettings>
#include <QStatusBar>
#include <QTimer>
#include <QUrl>

namespace tg {

namespace {

constexpr auto kRecentKey = "files/recent";
constexpr auto kDirectoryKey = "files/openDirectory";
constexpr int kMaxRecent = 10;

QMenu *fileMenu(MainWindow *window)
{
    for (QAction *action : window->menuBar()->actions()) {
        if (action->menu() && action->text().remove(u'&') == QObject::tr("File"))
            return action->menu();
    }
    return window->menuBar()->addMenu(QObject::tr("&File"));
}

QString runSummary(const QList<FileImportOutcome> &outcomes)
{
    if (outcomes.size() == 1) {
        const FileImportOutcome &o = outcomes.front();
        if (o.result.cancelled && o.sourceRemoved)
            return QObject::tr("Opening %1 was cancelled; nothing of it was kept.")
                .arg(QFileInfo(o.result.path).fileName());
        if (!o.result.ok && o.result.format == TraceFileFormat::Unknown)
            return QObject::tr("%1 could not be opened: %2")
                .arg(QFileInfo(o.result.path).fileName(), o.result.error);
        return o.result.summary();
    }
    const QLocale locale;
    qint64 spans = 0;
    qint64 problems = 0;
    int opened = 0;
    int failed = 0;
    bool cancelled = false;
    for (const FileImportOutcome &o : outcomes) {
        spans += o.result.spans - o.result.rejected;
        problems += o.result.problemCount;
        cancelled = cancelled || o.result.cancelled;
        if (o.sourceRemoved || !o.result.ok)
            ++failed;
        else
            ++opened;
    }
    QString text = QObject::tr("Opened %1 of %2 files: %3 spans")
                       .arg(opened)
                       .arg(outcomes.size())
                       .arg(locale.toString(spans));
    if (problems > 0)
        text += QObject::tr("; %1 problems").arg(locale.toString(problems));
    if (cancelled)
        text += QObject::tr("; cancelled");
    else if (failed > 0)
        text += QObject::tr("; %1 could not be read").arg(failed);
    return text;
}

} // namespace

FilesController::FilesController(TraceStore *store, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_imports(new FileImportQueue(store, this))
    , m_openAction(new QAction(tr("&Open…"), this))
    , m_exportAction(new QAction(tr("&Export…"), this))
    , m_exportTracesAction(new QAction(tr("Export Selected Traces…"), this))
    , m_exportSessionsAction(new QAction(tr("Export Selected Sessions…"), this))
{
    m_openAction->setObjectName(QStringLiteral("actionOpenFiles"));
    m_openAction->setShortcut(QKeySequence::Open);
    m_openAction->setIcon(icons::icon(QStringLiteral("file")));
    m_openAction->setToolTip(tr("Open OTLP or Langfuse trace files, each as a source of its own"));
    m_exportAction->setObjectName(QStringLiteral("actionExport"));
    m_exportAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E));
    m_exportTracesAction->setObjectName(QStringLiteral("actionExportTraces"));
    m_exportSessionsAction->setObjectName(QStringLiteral("actionExportSessions"));
    connect(m_openAction, &QAction::triggered, this, &FilesController::showOpenDialog);
    connect(m_exportAction, &QAction::triggered, this, [this] {
        // From the menu: the selection when several traces are picked, else the list as filtered.
        const MainWindow *window = m_window.data();
        const bool several = window && window->tracesPage()->selectedTraceRks().size() > 1;
        showExportDialog(several ? ExportScope::SelectedTraces : ExportScope::FilteredList);
    });
    connect(m_exportTracesAction, &QAction::triggered, this,
        [this] { showExportDialog(ExportScope::SelectedTraces); });
    connect(m_exportSessionsAction, &QAction::triggered, this,
        [this] { showExportDialog(ExportScope::SelectedSessions); });
    connect(m_imports, &FileImportQueue::finished, this, &FilesController::onImportsFinished);
}

FilesController::~FilesController()
{
    delete m_progress; // it watches the queue, which goes with this object
    delete m_problems.data();
    delete m_export.data();
}

void FilesController::install(MainWindow *window)
{
    m_window = window;
    QMenu *file = fileMenu(window);
    QAction *first = file->actions().value(0);
    m_recentMenu = new QMenu(tr("Open &Recent"), file);
    m_recentMenu->setObjectName(QStringLiteral("recentFilesMenu"));
    connect(m_recentMenu, &QMenu::aboutToShow, this, &FilesController::rebuildRecentMenu);
    file->insertAction(first, m_openAction);
    file->insertMenu(first, m_recentMenu);
    file->insertSeparator(first);
    file->insertAction(first, m_exportAction);
    file->insertSeparator(first);
    rebuildRecentMenu();

    window->tracesPage()->addContextActions({ m_exportTracesAction });
    window->sessionsPage()->addContextActions({ m_exportSessionsAction });

    m_progress = new FileImportDialog(m_imports, window);
    window->setAcceptDrops(true);
    window->installEventFilter(this);
}

void FilesController::openFiles(const QStringList &paths)
{
    QStringList rejected;
    const QStringList files = filesFromArguments(paths, &rejected);
    if (MainWindow *window = m_window.data(); window && !rejected.isEmpty())
        window->statusBar()->showMessage(
            tr("Not a file: %1").arg(rejected.join(QStringLiteral(", "))), 10'000);
    if (files.isEmpty())
        return;
    addRecent(files);
    QSettings().setValue(QLatin1String(kDirectoryKey), QFileInfo(files.back()).absolutePath());
    m_imports->enqueue(files);
}

void FilesController::showOpenDialog()
{
    const QString directory = QSettings().value(QLatin1String(kDirectoryKey)).toString();
    const QStringList files
        = QFileDialog::getOpenFileNames(m_window, tr("Open Trace Files"), directory, openFilter());
    if (!files.isEmpty())
        openFiles(files);
}

ExportDialog *FilesController::showExportDialog(ExportScope scope)
{
    MainWindow *window = m_window.data();
    if (!window)
        return nullptr;
    if (m_export && m_export->isRunning()) {
        m_export->raise();
        m_export->activateWindow();
        return m_export;
    }
    delete m_export.data();
    ExportScopes scopes;
    TracesPage *traces = window->tracesPage();
    scopes.traceRks = traces->selectedTraceRks();
    scopes.sessions = window->sessionsPage()->selectedSessions();
    scopes.filtered.filter = traces->appliedFilter();
    scopes.filteredCount = traces->model()->totalCount();
    m_export = new ExportDialog(m_store->readerPool(), scopes, scope, window);
    m_export->setAttribute(Qt::WA_DeleteOnClose);
    connect(m_export, &ExportDialog::exportFinished, this,
        [this](const ExportResult &result, const QString &path) {
            if (MainWindow *w = m_window.data(); w && result.ok)
                w->statusBar()->showMessage(
                    tr("Exported %1 traces (%2) to %3")
                        .arg(QLocale().toString(result.traces),
                            QLocale().formattedDataSize(result.bytes, 1, QLocale::DataSizeTraditionalFormat),
                            QFileInfo(path).fileName()),
                    10'000);
        });
    m_export->show();
    return m_export;
}

FileProblemsDialog *FilesController::problemsDialog() const
{
    return m_problems;
}

QStringList FilesController::recentFiles() const
{
    return QSettings().value(QLatin1String(kRecentKey)).toStringList();
}

void FilesController::clearRecentFiles()
{
    QSettings().remove(QLatin1String(kRecentKey));
    rebuildRecentMenu();
}

QString FilesController::openFilter()
{
    return tr("Trace files (*.json *.jsonl *.ndjson *.pb *.bin *.protobuf *.proto *.otlp *.gz);;"
              "OTLP JSON (*.json);;JSON Lines (*.jsonl *.ndjson);;OTLP protobuf (*.pb *.bin *.protobuf);;"
              "gzip-compressed (*.gz);;All files (*)");
}

QStringList FilesController::filesFromArguments(const QStringList &arguments, QStringList *rejected)
{
    QStringList files;
    for (const QString &argument : arguments) {
        QString path = argument;
        if (argument.startsWith(QStringLiteral("file:"), Qt::CaseInsensitive))
            path = QUrl(argument).toLocalFile();
        const QFileInfo info(path);
        if (!path.isEmpty() && info.isFile()) {
            if (!files.contains(info.absoluteFilePath()))
                files << info.absoluteFilePath();
        } else if (rejected) {
            *rejected << argument;
        }
    }
    return files;
}

QStringList FilesController::localFiles(const QMimeData *mime)
{
    QStringList files;
    if (!mime || !mime->hasUrls())
        return files;
    for (const QUrl &url : mime->urls()) {
        if (url.isLocalFile() && QFileInfo(url.toLocalFile()).isFile())
            files << url.toLocalFile();
    }
    return files;
}

bool FilesController::eventFilter(QObject *watched, QEvent *event)
{
    if (watched != m_window)
        return QObject::eventFilter(watched, event);
    switch (event->type()) {
    case QEvent::DragEnter:
    case QEvent::DragMove: {
        auto *drag = static_cast<QDragMoveEvent *>(event);
        if (localFiles(drag->mimeData()).isEmpty())
            return false;
        drag->setDropAction(Qt::CopyAction);
        drag->accept();
        return true;
    }
    case QEvent::Drop: {
        auto *drop = static_cast<QDropEvent *>(event);
        const QStringList files = localFiles(drop->mimeData());
        if (files.isEmpty())
            return false;
        drop->setDropAction(Qt::CopyAction);
        drop->accept();
        // After the drop returns: the drag source is waiting for it.
        QTimer::singleShot(0, this, [this, files] { openFiles(files); });
        return true;
    }
    default:
        return QObject::eventFilter(watched, event);
    }
}

void FilesController::onImportsFinished()
{
    const QList<FileImportOutcome> outcomes = m_imports->outcomes();
    if (outcomes.isEmpty())
        return;
    qint64 lastSource = 0;
    QList<FileImportOutcome> troubled;
    for (const FileImportOutcome &o : outcomes) {
        if (!o.sourceRemoved && o.result.sourceId > 0 && o.result.ok)
            lastSource = o.result.sourceId;
        if (FileProblemsDialog::hasProblems(o))
            troubled << o;
    }
    if (MainWindow *window = m_window.data()) {
        window->statusBar()->showMessage(runSummary(outcomes), 15'000);
        window->sidebar()->model()->reload(); // the final counts now, not at the next tick
        if (lastSource > 0)
            selectSourceWhenListed(lastSource);
        if (!troubled.isEmpty()) {
            delete m_problems.data();
            m_problems = new FileProblemsDialog(troubled, window);
            m_problems->setAttribute(Qt::WA_DeleteOnClose);
            m_problems->show();
        }
    }
    Q_EMIT importsFinished(outcomes);
}

void FilesController::selectSourceWhenListed(qint64 sourceId)
{
    MainWindow *window = m_window.data();
    if (!window)
        return;
    SourcesSidebar *sidebar = window->sidebar();
    if (sidebar->model()->indexForSource(sourceId).isValid()) {
        sidebar->selectSource(sourceId);
        return;
    }
    // The list reloads after the store says a source was added; select once it shows.
    auto connection = std::make_shared<QMetaObject::Connection>();
    *connection
        = connect(sidebar->model(), &SourceListModel::loaded, sidebar, [sidebar, sourceId, connection] {
              if (!sidebar->model()->indexForSource(sourceId).isValid())
                  return;
              QObject::disconnect(*connection);
              sidebar->selectSource(sourceId);
          });
    QTimer::singleShot(10'000, this, [connection] { QObject::disconnect(*connection); });
    sidebar->model()->reload();
}

void FilesController::addRecent(const QStringList &paths)
{
    QStringList recent = recentFiles();
    for (const QString &path : paths) {
        recent.removeAll(path);
        recent.prepend(path);
    }
    while (recent.size() > kMaxRecent)
        recent.removeLast();
    QSettings().setValue(QLatin1String(kRecentKey), recent);
    rebuildRecentMenu();
}

void FilesController::rebuildRecentMenu()
{
    if (!m_recentMenu)
        return;
    m_recentMenu->clear();
    const QStringList recent = recentFiles();
    int n = 0;
    for (const QString &path : recent) {
        const QString label = QStringLiteral("&%1 %2").arg(++n % 10).arg(QFileInfo(path).fileName());
        QAction *action = m_recentMenu->addAction(label, this, [this, path] { openFiles({ path }); });
        action->setToolTip(path);
        action->setEnabled(QFileInfo(path).isFile());
    }
    if (!recent.isEmpty()) {
        m_recentMenu->addSeparator();
        m_recentMenu->addAction(tr("Clear List"), this, &FilesController::clearRecentFiles);
    }
    m_recentMenu->setEnabled(!recent.isEmpty());
}

} // namespace tg
