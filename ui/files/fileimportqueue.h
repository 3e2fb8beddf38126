#pragma once

#include "formats/tracefileimporter.h"

#include <QElapsedTimer>
#include <QFutureWatcher>
#include <QObject>
#include <QStringList>

#include <atomic>
#include <memory>

namespace tg {

class TraceStore;

/// Where the import of one file stands, for the progress dialog.
struct FileImportStatus
{
    QString path;
    int index = 0; ///< 1-based among the files of this run
    int total = 0;
    TraceFileImportProgress progress;
    double bytesPerSecond = 0;
};

/// How one file's import ended.
struct FileImportOutcome
{
    TraceFileImportResult result;
    /// A new source the import made was taken out again (cancelled, or nothing readable), so no
    /// half-imported file stays behind. A file opened before keeps its source.
    bool sourceRemoved = false;
};

/// Imports trace files into the store one after another on a worker thread, each as a source of
/// its own, with progress and a cancel flag. The GUI thread only sees signals.
class FileImportQueue : public QObject
{
    Q_OBJECT

public:
    explicit FileImportQueue(TraceStore *store, QObject *parent = nullptr);
    /// Cancels the running import and waits for it: the store must outlive the worker.
    ~FileImportQueue() override;

    /// Read options for every file (tests use tiny chunks).
    void setOptions(const TraceFileImportOptions &options) { m_options = options; }
    /// Queues files; a path already queued or running is skipped.
    void enqueue(const QStringList &paths);
    /// Stops the running import and drops the files still waiting.
    void cancelAll();
    bool isBusy() const { return !m_current.isEmpty(); }
    const FileImportStatus &status() const { return m_status; }
    /// Outcomes of the files of the current (or last) run, in order.
    const QList<FileImportOutcome> &outcomes() const { return m_outcomes; }

Q_SIGNALS:
    void fileStarted(const tg::FileImportStatus &status);
    void progressed(const tg::FileImportStatus &status);
    void fileFinished(const tg::FileImportOutcome &outcome);
    /// Every queued file is done (or cancelled); outcomes() holds them.
    void finished();

private:
    void startNext();
    void onProgress(const TraceFileImportProgress &progress);
    void onFileDone();

    TraceStore *m_store;
    TraceFileImportOptions m_options;
    QStringList m_queue;
    QString m_current;
    int m_index = 0;
    int m_total = 0;
    FileImportStatus m_status;
    QList<FileImportOutcome> m_outcomes;
    std::shared_ptr<std::atomic<bool>> m_cancel;
    QFutureWatcher<FileImportOutcome> m_watcher;
    QElapsedTimer m_clock;
};

} // namespace tg
