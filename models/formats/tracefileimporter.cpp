#include "tracefileimporter.h"

#include "formats/gzip.h"
#include "formats/tracefileunitdecoder.h"
#include "store/tracestore.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <QTemporaryFile>
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

/// A .gz file inflated to a temporary file that the splitter then reads like any other. The
/// copy is named after the inner file ("spans.jsonl" for "spans.jsonl.gz") so that format
/// detection still sees the extension.
struct InflatedCopy
{
    std::unique_ptr<QTemporaryFile> file;
    GzipFileInflation inflation;
};

InflatedCopy inflateToScratch(const QString &path, const TraceFileImportOptions &options,
    const std::atomic<bool> *cancel, const TraceFileImporter::Progress &progress)
{
    InflatedCopy copy;
    QString inner = QFileInfo(path).fileName();
    for (const QLatin1String suffix : { QLatin1String(".gz"), QLatin1String(".gzip") }) {
        if (inner.endsWith(suffix, Qt::CaseInsensitive))
            inner.chop(suffix.size());
    }
    const QString dir = options.scratchDir.isEmpty() ? QDir::tempPath() : options.scratchDir;
    copy.file
        = std::make_unique<QTemporaryFile>(QDir(dir).filePath(QStringLiteral("traceglass-XXXXXX-") + inner));
    if (!copy.file->open()) {
        copy.inflation.error = QStringLiteral("cannot create a file in %1 to decompress into: %2")
                                   .arg(QDir::toNativeSeparators(dir), copy.file->errorString());
        return copy;
    }
    GzipInflateOptions inflate;
    inflate.maxInflatedBytes = options.maxInflatedBytes;
    inflate.cancel = cancel;
    QElapsedTimer lastProgress;
    lastProgress.start();
    if (progress) {
        inflate.progress = [&](qint64 read, qint64 size) {
            if (lastProgress.elapsed() < 100)
                return;
            lastProgress.restart();
            TraceFileImportProgress p;
            p.bytesRead = read;
            p.fileSize = size;
            p.decompressing = true;
            progress(p);
        };
    }
    copy.inflation = inflateGzipFile(path, *copy.file, inflate);
    if (!copy.file->flush() && copy.inflation.problem.isEmpty())
        copy.inflation.problem
            = QStringLiteral("cannot write the decompressed data: %1").arg(copy.file->errorString());
    return copy;
}

} // namespace

QString TraceFileImportResult::summary() const
{
    const QLocale locale;
    QString text = QStringLiteral("%1 %2 from %3 (%4) in %5 s")
                       .arg(locale.toString(spans - rejected),
                           isOtlpFormat(format) ? QStringLiteral("spans") : QStringLiteral("objects"),
                           QFileInfo(path).fileName(),
                           traceFileFormatName(format) + (gzip ? QStringLiteral(", gzip") : QString()))
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
    // A .gz file (recognised by its first bytes, whatever its name) is read through an
    // inflated copy; what a truncated or corrupt one held up to the damage is still read.
    QString readPath = path;
    InflatedCopy inflated;
    if (isGzipFile(path)) {
        result.gzip = true;
        inflated = inflateToScratch(path, options, cancel, progress);
        const GzipFileInflation &inflation = inflated.inflation;
        if (inflation.cancelled) {
            result.cancelled = true;
            result.fileSize = inflation.compressedSize;
            result.bytesRead = inflation.compressedRead;
            result.seconds = double(timer.nsecsElapsed()) / 1e9;
            return result;
        }
        if (!inflation.error.isEmpty() || (inflation.inflatedBytes == 0 && !inflation.problem.isEmpty())) {
            result.error = inflation.error.isEmpty() ? inflation.problem : inflation.error;
            return result;
        }
        readPath = inflated.file->fileName();
    }
    TraceFileSplitter splitter(options.unitBytes, options.readChunkBytes);
    splitter.setMaxWholeMessageBytes(options.maxWholeMessageBytes);
    QString error;
    if (!splitter.open(readPath, &error, options.format)) {
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
        resolveLines(readPath, problems);
    // Last, as it is where the readable data ends, and kept even when the list is full.
    if (!inflated.inflation.problem.isEmpty()) {
        if (problems.size() >= size_t(TraceFileImportResult::kMaxProblems))
            problems.pop_back();
        FileProblem problem;
        problem.message = inflated.inflation.problem + QStringLiteral("; what came before was read");
        addProblem(std::move(problem));
    }
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
