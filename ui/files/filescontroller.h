#pragma once

#include "exportdialog.h"
#include "fileimportqueue.h"

#include <QObject>
#include <QPointer>
#include <QStringList>

class QAction;
class QMenu;
class QMimeData;

namespace tg {

class FileImportDialog;
class FileProblemsDialog;
class MainWindow;
class TraceStore;

/// Trace files in the window: File → Open… (Ctrl+O), Open Recent, files dropped on the window
/// and `traceglass FILE...` all go through openFiles(): each file is imported off the GUI thread
/// as a source of its own, with a progress dialog and Cancel; the new source is selected, the
/// status bar sums up, and problems (with their line or byte) come in a dialog while the good
/// part is shown. File → Export… and the traces and sessions context menus open the ExportDialog.
class FilesController : public QObject
{
    Q_OBJECT

public:
    explicit FilesController(TraceStore *store, QObject *parent = nullptr);
    ~FilesController() override;

    /// Adds the File menu entries, the context menu actions and drag and drop (call once).
    void install(MainWindow *window);

    /// Imports the files one after another (the entry point of the menu, drops and the command line).
    void openFiles(const QStringList &paths);
    void showOpenDialog();
    /// Opens the export dialog on what the window has selected, with `scope` chosen.
    ExportDialog *showExportDialog(ExportScope scope);
    QStringList recentFiles() const;
    void clearRecentFiles();

    FileImportQueue *imports() const { return m_imports; }
    FileImportDialog *progressDialog() const { return m_progress; }
    /// The problems dialog of the last run, while it is open.
    FileProblemsDialog *problemsDialog() const;
    ExportDialog *exportDialog() const { return m_export; }
    QAction *openAction() const { return m_openAction; }
    QAction *exportAction() const { return m_exportAction; }
    QMenu *recentMenu() const { return m_recentMenu; }

    /// "Trace files (*.json *.jsonl …);;All files (*)".
    static QString openFilter();
    /// The arguments that name existing files (also file:// URLs), as absolute paths; the others
    /// go to `rejected`.
    static QStringList filesFromArguments(const QStringList &arguments, QStringList *rejected = nullptr);
    /// Local files in dragged or dropped data.
    static QStringList localFiles(const QMimeData *mime);

Q_SIGNALS:
    /// A run of imports ended (every file done or cancelled).
    void importsFinished(const QList<tg::FileImportOutcome> &outcomes);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void onImportsFinished();
    void selectSourceWhenListed(qint64 sourceId);
    void addRecent(const QStringList &paths);
    void rebuildRecentMenu();

    TraceStore *m_store;
    FileImportQueue *m_imports;
    QPointer<MainWindow> m_window;
    FileImportDialog *m_progress = nullptr;
    QPointer<FileProblemsDialog> m_problems;
    QPointer<ExportDialog> m_export;
    QAction *m_openAction;
    QAction *m_exportAction;
    QAction *m_exportTracesAction;
    QAction *m_exportSessionsAction;
    QMenu *m_recentMenu = nullptr;
};

} // namespace tg
