#include "tracefileimporter.h"

#include "formats/tracefileunitdecoder.h"
#include "store/tracestore.h"

#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <QThread>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>

namespace tg {

namespace {

qint64 approximateBytes(const WriteBatch &batch)
{
    qint64 bytes = 0;
    for (const TraceRecord &t : batch.traces)
        bytes += 256 + t.input.size() + t.output.size() + t.metadata.size();
    for (const ObservationRecord &o : batch.observations)
        bytes += 320 + o.input.size() + o.output.size() + o.metadata.size() + o.modelParameters.size();
    for (const ScoreRecord &s : batch.scores)
        bytes += 256 + s.metadata.size();
    return bytes;
}

// Line and column of problems that only know their byte offset (JSON documents): one pass over
// the file up to the last such offset.
void resolveLines(const QString &path, std::vector<FileProblem> &problems)
{
    std::vector<FileProblem *> open;
    for (FileProblem &problem : problems) {
        if (problem.line == 0 && problem.offset >= 0)
            open.push_back(&problem);
    }
    if (open.empty())
        return;
    std::sort(open.begin(), open.end(),
        [](const FileProblem *a, const FileProblem *b) { return a->offset < b->offset; });
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return;
    qint64 line = 1;
    qint64 lineStart = 0;
    qint64 position = 0;
    size_t next = 0;
    QByteArray chunk;
    while (next < open.size()) {
        chunk = file.read(4 * 1024 * 1024);
        if (chunk.isEmpty())
            break;
        const qint64 chunkEnd = position + chunk.size();
        qsizetype i = 0;
        while (next < open.size()) {
            const qint64 target = std::min(open[next]->offset, chunkEnd);
            for (; position + i < target; ++i) {
                if (chunk[i] == '\n') {
                    ++line;
                    lineStart = position + i + 1;
                }
            }
            if (open[next]->offset >= chunkEnd)
                break;
            open[next]->line = line;
            open[next]->column = open[next]->offset - lineStart + 1;
            ++next;
        }
        position = chunkEnd;
    }
}

} // namespace

QString TraceFileImportResult::summary() const
{
    const QLocale locale;
    QString text = QStringLiteral("%1 %2 from %3 (%4) in %5 s")
                       .arg(locale.toString(spans - rejected),
                           isOtlpFormat(format) ? QStringLiteral("spans") : QStringLiteral("objects"),
                           QFileInfo(path).fileName(), traceFileFormatName(format))
                       .arg(seconds, 0, 'f', 1);
    if (cancelled)
        text += QStringLiteral("; cancelled at %1%").arg(fileSize > 0 ? bytesRead * 100 / fileSize : 0);
    if (problemCount > 0)
        text += QStringLiteral("; %1 problem(s)").arg(locale.toString(problemCount));
    if (!error.isEmpty())
        text += QStringLiteral("; %1").arg(error);
    return text;
}

QString TraceFileImporter::sourceKey(const QString &path)
{
    return QStringLiteral("file:") + QFileInfo(path).absoluteFilePath();
}

TraceFileImportResult TraceFileImporter::readFile(const QString &path, const Sink &sink,
    const TraceFileImportOptions &options, const std::atomic<bool> *cancel, const Progress &progress)
{
    TraceFileImportResult result;
    result.path = path;
    QElapsedTimer timer;
    timer.start();
    TraceFileSplitter splitter(options.unitBytes, options.readChunkBytes);
    splitter.setMaxWholeMessageBytes(options.maxWholeMessageBytes);
    QString error;
    if (!splitter.open(path, &error, options.format)) {
        result.error = error;
        return result;
    }
    result.format = splitter.format();
    result.fileSize = splitter.fileSize();

    const int threads
        = options.decodeThreads > 0 ? options.decodeThreads : std::clamp(QThread::idealThreadCount(), 1, 4);
    QThreadPool pool;
    pool.setMaxThreadCount(threads);
    std::deque<QFuture<FileUnitResult>> inFlight;
    std::vector<FileProblem> problems;
    bool failed = false;

    auto addProblem = [&](FileProblem problem) {
        ++result.problemCount;
        if (problems.size() < size_t(TraceFileImportResult::kMaxProblems))
            problems.push_back(std::move(problem));
    };
    auto takeOne = [&] {
        QFuture<FileUnitResult> future = std::move(inFlight.front());
        inFlight.pop_front();
        future.waitForFinished();
        FileUnitResult unitResult = future.takeResult();
        if (failed)
            return;
        for (FileProblem &problem : unitResult.problems)
            addProblem(std::move(problem));
        result.spans += unitResult.spans;
        result.rejected += unitResult.rejected;
        if (unitResult.batch.isEmpty())
            return;
        const qint64 traces = qint64(unitResult.batch.traces.size());
        const qint64 observations = qint64(unitResult.batch.observations.size());
        const qint64 scores = qint64(unitResult.batch.scores.size());
        QString sinkError;
        if (!sink(std::move(unitResult.batch), &sinkError)) {
            failed = true;
            result.error = sinkError;
            return;
        }
        result.traces += traces;
        result.observations += observations;
        result.scores += scores;
    };

    QElapsedTimer lastProgress;
    lastProgress.start();
    FileUnit unit;
    while (!failed) {
        if (cancel && cancel->load()) {
            result.cancelled = true;
            break;
        }
        if (!splitter.next(unit))
            break;
        result.bytesRead = std::max(result.bytesRead, unit.endOffset);
        inFlight.push_back(
            QtConcurrent::run(&pool, [piece = std::move(unit)] { return decodeTraceFileUnit(piece); }));
        unit = FileUnit();
        while (!inFlight.empty() && (inFlight.size() > size_t(threads) + 1 || inFlight.front().isFinished()))
            takeOne();
        if (progress && lastProgress.elapsed() >= 100) {
            lastProgress.restart();
            progress(TraceFileImportProgress {
                result.bytesRead, result.fileSize, result.spans, result.problemCount });
        }
    }
    while (!inFlight.empty())
        takeOne();
    if (!result.cancelled && !failed)
        result.bytesRead = result.fileSize;

    for (const FileProblem &problem : splitter.problems())
        addProblem(problem);
    std::stable_sort(problems.begin(), problems.end(),
        [](const FileProblem &a, const FileProblem &b) { return a.offset < b.offset; });
    if (!isProtobufFormat(result.format))
        resolveLines(path, problems);
    result.problems = std::move(problems);
    result.ok = !failed;
    result.seconds = double(timer.nsecsElapsed()) / 1e9;
    if (progress)
        progress(
            TraceFileImportProgress { result.bytesRead, result.fileSize, result.spans, result.problemCount });
    return result;
}

TraceFileImportResult TraceFileImporter::importFile(TraceStore &store, const QString &path,
    const TraceFileImportOptions &options, const std::atomic<bool> *cancel, const Progress &progress)
{
    const QFileInfo info(path);
    if (!info.isFile()) {
        TraceFileImportResult result;
        result.path = path;
        result.error = info.exists() ? QStringLiteral("not a file") : QStringLiteral("no such file");
        return result;
    }
    const QString detail
        = QString::fromUtf8(QJsonDocument(QJsonObject {
                                              { QStringLiteral("path"), info.absoluteFilePath() },
                                              { QStringLiteral("size"), info.size() },
                                          })
                                .toJson(QJsonDocument::Compact));
    QString error;
    const qint64 sourceId = store.ensureSource(SourceKind::File, sourceKey(path),
        options.sourceName.isEmpty() ? info.fileName() : options.sourceName, detail, &error);
    if (sourceId <= 0) {
        TraceFileImportResult result;
        result.path = path;
        result.error = QStringLiteral("cannot add the file as a source: %1").arg(error);
        return result;
    }

    struct Flow
    {
        std::mutex mutex;
        std::condition_variable changed;
        qint64 uncommitted = 0;
        QString error;
    };
    auto flow = std::make_shared<Flow>();
    const qint64 limit = std::max<qint64>(options.maxUncommittedBytes, 1024 * 1024);
    const Sink sink = [&store, flow, sourceId, limit](WriteBatch &&batch, QString *sinkError) {
        const qint64 bytes = approximateBytes(batch);
        {
            std::unique_lock lock(flow->mutex);
            flow->changed.wait(lock, [&] { return flow->uncommitted < limit || !flow->error.isEmpty(); });
            if (!flow->error.isEmpty()) {
                *sinkError = flow->error;
                return false;
            }
            flow->uncommitted += bytes;
        }
        // Others (the receiver) share the queue: leave them room rather than be refused.
        while (store.pendingRows() + batch.rowCount() > 300'000)
            QThread::msleep(5);
        batch.sourceId = sourceId;
        const SubmitStatus status
            = store.submit(std::move(batch), [flow, bytes](const CommitResult &committed) {
                  std::lock_guard lock(flow->mutex);
                  flow->uncommitted -= bytes;
                  if (!committed.ok && flow->error.isEmpty())
                      flow->error = QStringLiteral("the store could not write: %1").arg(committed.error);
                  flow->changed.notify_all();
              });
        if (status != SubmitStatus::Queued) {
            std::lock_guard lock(flow->mutex);
            flow->uncommitted -= bytes;
            *sinkError = status == SubmitStatus::Closed ? QStringLiteral("the store is closing")
                                                        : QStringLiteral("the store refused the data");
            return false;
        }
        return true;
    };

    TraceFileImportResult result = readFile(path, sink, options, cancel, progress);
    result.sourceId = sourceId;
    store.flush();
    {
        std::unique_lock lock(flow->mutex);
        flow->changed.wait(lock, [&] { return flow->uncommitted <= 0; });
        if (!flow->error.isEmpty() && result.error.isEmpty()) {
            result.error = flow->error;
            result.ok = false;
        }
    }
    return result;
}

} // namespace tg
