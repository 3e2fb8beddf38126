#pragma once

#include "formats/traceexporter.h"

#include <QFutureWatcher>
#include <QObject>

#include <atomic>
#include <memory>

namespace tg {

class ReaderPool;

/// Runs one TraceExporter::writeFile on a worker thread with progress and a cancel flag. The
/// target file is replaced only when everything was written, so a cancel leaves no partial file.
class ExportRunner : public QObject
{
    Q_OBJECT

public:
    explicit ExportRunner(QObject *parent = nullptr);
    /// Cancels a running export and waits for it.
    ~ExportRunner() override;

    /// False when an export is running already.
    bool start(std::shared_ptr<ReaderPool> readers, const ExportSelection &selection,
        const ExportOptions &options, const QString &path);
    void cancel();
    bool isRunning() const { return m_running; }
    const ExportResult &result() const { return m_result; }

Q_SIGNALS:
    void progressed(const tg::ExportProgress &progress);
    void finished(const tg::ExportResult &result);

private:
    QFutureWatcher<ExportResult> m_watcher;
    std::shared_ptr<std::atomic<bool>> m_cancel;
    ExportResult m_result;
    bool m_running = false;
};

} // namespace tg
