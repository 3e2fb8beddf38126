#include "exportrunner.h"

#include "store/readerpool.h"

#include <QElapsedTimer>
#include <QtConcurrent/QtConcurrentRun>

namespace tg {

ExportRunner::ExportRunner(QObject *parent)
    : QObject(parent)
{
    connect(&m_watcher, &QFutureWatcher<ExportResult>::finished, this, [this] {
        m_result = m_watcher.result();
        m_running = false;
        m_cancel.reset();
        Q_EMIT finished(m_result);
    });
}

ExportRunner::~ExportRunner()
{
    if (m_cancel)
        m_cancel->store(true);
    m_watcher.disconnect(this);
    m_watcher.waitForFinished();
}

bool ExportRunner::start(std::shared_ptr<ReaderPool> readers, const ExportSelection &selection,
    const ExportOptions &options, const QString &path)
{
    if (m_running)
        return false;
    m_running = true;
    m_result = ExportResult {};
    m_cancel = std::make_shared<std::atomic<bool>>(false);
    // Progress comes per trace; the GUI hears of it at most every 100 ms (and at the end).
    auto clock = std::make_shared<QElapsedTimer>();
    clock->start();
    const auto progress = [this, clock](const ExportProgress &p) {
        if (clock->elapsed() < 100 && p.tracesDone < p.tracesTotal)
            return;
        clock->restart();
        QMetaObject::invokeMethod(
            this, [this, p] { Q_EMIT progressed(p); }, Qt::QueuedConnection);
    };
    m_watcher.setFuture(QtConcurrent::run(
        [readers = std::move(readers), selection, options, path, cancel = m_cancel, progress] {
            return TraceExporter::writeFile(readers, selection, options, path, cancel.get(), progress);
        }));
    return true;
}

void ExportRunner::cancel()
{
    if (m_cancel)
        m_cancel->store(true);
}

} // namespace tg
