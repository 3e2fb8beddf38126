#include "fileimportqueue.h"

#include "store/storereader.h"
#include "store/tracestore.h"

#include <QFileInfo>
#include <QtConcurrent/QtConcurrentRun>

namespace tg {

namespace {

FileImportOutcome importOne(TraceStore *store, const QString &path, const TraceFileImportOptions &options,
    const std::atomic<bool> *cancel, const TraceFileImporter::Progress &progress)
{
    // A file opened before keeps its source whatever happens; a new one that yields nothing (or
    // is cancelled half way) is taken out again, so the sidebar never shows a half-read file.
    bool existed = false;
    if (ReaderLease reader = store->readerPool()->lease())
        existed = reader->sourceByKey(TraceFileImporter::sourceKey(path)).has_value();
    FileImportOutcome outcome;
    outcome.result = TraceFileImporter::importFile(*store, path, options, cancel, progress);
    const TraceFileImportResult &r = outcome.result;
    const bool nothing = r.traces == 0 && r.observations == 0 && r.scores == 0;
    if (!existed && r.sourceId > 0 && (r.cancelled || nothing)) {
        QString error;
        outcome.sourceRemoved = store->removeSource(r.sourceId, &error);
        if (!outcome.sourceRemoved && outcome.result.error.isEmpty())
            outcome.result.error = error;
    }
    return outcome;
}

} // namespace

FileImportQueue::FileImportQueue(TraceStore *store, QObject *parent)
    : QObject(parent)
    , m_store(store)
{
    connect(&m_watcher, &QFutureWatcher<FileImportOutcome>::finished, this, &FileImportQueue::onFileDone);
}

FileImportQueue::~FileImportQueue()
{
    m_queue.clear();
    if (m_cancel)
        m_cancel->store(true);
    m_watcher.disconnect(this);
    m_watcher.waitForFinished();
}

void FileImportQueue::enqueue(const QStringList &paths)
{
    if (!isBusy()) {
        m_outcomes.clear();
        m_index = 0;
        m_total = 0;
    }
    for (const QString &path : paths) {
        const QString absolute = QFileInfo(path).absoluteFilePath();
        if (absolute == m_current || m_queue.contains(absolute))
            continue;
        m_queue.append(absolute);
        ++m_total;
    }
    if (!isBusy())
        startNext();
}

void FileImportQueue::cancelAll()
{
    m_total -= int(m_queue.size());
    m_queue.clear();
    if (m_cancel)
        m_cancel->store(true);
}

void FileImportQueue::startNext()
{
    if (m_queue.isEmpty()) {
        m_current.clear();
        m_cancel.reset();
        Q_EMIT finished();
        return;
    }
    m_current = m_queue.takeFirst();
    ++m_index;
    m_cancel = std::make_shared<std::atomic<bool>>(false);
    m_status = FileImportStatus {};
    m_status.path = m_current;
    m_status.index = m_index;
    m_status.total = m_total;
    m_status.progress.fileSize = QFileInfo(m_current).size();
    m_clock.start();
    Q_EMIT fileStarted(m_status);

    // The worker posts progress back; this object outlives it (the destructor waits).
    const auto progress = [this](const TraceFileImportProgress &p) {
        QMetaObject::invokeMethod(
            this, [this, p] { onProgress(p); }, Qt::QueuedConnection);
    };
    m_watcher.setFuture(
        QtConcurrent::run([store = m_store, path = m_current, options = m_options, cancel = m_cancel,
                              progress] { return importOne(store, path, options, cancel.get(), progress); }));
}

void FileImportQueue::onProgress(const TraceFileImportProgress &progress)
{
    if (!isBusy())
        return;
    m_status.progress = progress;
    m_status.total = m_total;
    const double seconds = double(m_clock.elapsed()) / 1000.0;
    m_status.bytesPerSecond = seconds > 0.05 ? double(progress.bytesRead) / seconds : 0.0;
    Q_EMIT progressed(m_status);
}

void FileImportQueue::onFileDone()
{
    FileImportOutcome outcome = m_watcher.result();
    // A cancel also stops what was still queued; cancelAll() already emptied the queue.
    m_outcomes.append(outcome);
    Q_EMIT fileFinished(outcome);
    startNext();
}

} // namespace tg
