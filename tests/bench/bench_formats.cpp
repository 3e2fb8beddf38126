// Trace file benchmarks (issue 8). Figures, not assertions:
//   decoding OTLP JSON Lines without a store (MB/s);
//   importing it into a store in this process (MB/s, spans/s);
//   `traceglass import` as a child process on a ~200 MB and a ~1 GB file: MB/s and the child's peak
//   resident memory (wait4's ru_maxrss), the figure the 300 MB bound is about;
//   exporting the ~200 MB store in every format (output MB/s, traces/s).
// MB = 10^6 bytes. The input is DemoGenerator's agent traces written as OTLP JSON Lines in
// Traceglass's export dialect (Langfuse attributes, ~1 KB chat payloads, 512 spans per line, as a
// Collector batch); files and the export store are built once under $TRACEGLASS_BENCH_DIR (default
// /tmp/traceglass-bench) as formats-*.
#include "benchcpu.h"
#include "benchdata.h"
#include "benchstore.h"
#include "demo/demogenerator.h"
#include "formats/gzip.h"
#include "formats/otlpexportbuilder.h"
#include "formats/otlpjsonwriter.h"
#include "formats/traceexporter.h"
#include "formats/tracefileimporter.h"
#include "store/tracestore.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>

#include <benchmark/benchmark.h>
#include <cstdio>
#include <cstring>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>

extern char **environ;

using namespace tg;
using bench::cpuSeconds;
using bench::processCpuSeconds;

namespace {

constexpr double kMB = 1e6;

double peakRssMB(const rusage &usage)
{
    return double(usage.ru_maxrss) * 1024.0 / kMB; // ru_maxrss is in KiB on Linux
}

double processPeakRssMB()
{
    rusage usage {};
    getrusage(RUSAGE_SELF, &usage);
    return peakRssMB(usage);
}

/// A store and its files, and the marker of a finished dataset.
void removeStore(const QString &path)
{
    bench::removeStoreFiles(path);
    QFile::remove(path + QStringLiteral(".complete"));
}

/// OTLP JSON Lines of about `megabytes` MB (built once): demo traces, 512 spans per line.
QString jsonlFile(int megabytes)
{
    const QString path = bench::benchDir() + QStringLiteral("/formats-%1mb.otlp.jsonl").arg(megabytes);
    if (QFile::exists(path + QStringLiteral(".complete")))
        return path;
    QFile out(path);
    if (!out.open(QIODevice::WriteOnly | QIODevice::Truncate))
        qFatal("cannot write %s", qPrintable(path));
    DemoOptions options;
    options.traceCount = megabytes * 200; // more than needed; generation stops at the size
    options.sessions = megabytes * 10;
    options.timeSpanNs = 30LL * 24 * 3600 * 1'000'000'000LL;
    DemoGenerator generator(options);
    OtlpExportBuilder builder;
    QByteArray line;
    const qint64 target = qint64(megabytes) * 1'000'000;
    const auto flush = [&] {
        line.clear();
        OtlpJsonWriter::append(line, builder.request());
        builder.clear();
        line.append('\n');
        out.write(line);
    };
    WriteBatch batch;
    while (out.size() < target && generator.next(batch)) {
        QHash<QString, std::vector<ObservationRecord>> byTrace;
        for (ObservationRecord &o : batch.observations)
            byTrace[o.traceId].push_back(std::move(o));
        for (const TraceRecord &trace : batch.traces) {
            builder.addTrace(trace, byTrace.take(trace.id));
            if (builder.spanCount() >= 512)
                flush();
        }
        for (auto it = byTrace.begin(); it != byTrace.end(); ++it) {
            TraceRecord trace;
            trace.id = it.key();
            builder.addTrace(trace, it.value(), false);
        }
    }
    if (!builder.isEmpty())
        flush();
    out.close();
    QFile(path + QStringLiteral(".complete")).open(QIODevice::WriteOnly);
    return path;
}

/// The same file gzip-compressed (built once).
QString gzipJsonlFile(int megabytes)
{
    const QString plain = jsonlFile(megabytes);
    const QString path = plain + QStringLiteral(".gz");
    if (QFile::exists(path + QStringLiteral(".complete")))
        return path;
    QFile in(plain);
    QFile out(path);
    if (!in.open(QIODevice::ReadOnly) || !out.open(QIODevice::WriteOnly | QIODevice::Truncate))
        qFatal("cannot write %s", qPrintable(path));
    out.write(gzipCompress(in.readAll()));
    out.close();
    QFile(path + QStringLiteral(".complete")).open(QIODevice::WriteOnly);
    return path;
}

// Reading the file, plain or gzip-compressed (inflated to a temporary copy first). MB/s are of
// the content either way, so the two figures compare.
void BM_DecodeOtlpJsonl(benchmark::State &state, bool gzip)
{
    const QString path = gzip ? gzipJsonlFile(200) : jsonlFile(200);
    const qint64 fileBytes = QFileInfo(path).size();
    qint64 bytes = 0;
    qint64 spans = 0;
    double seconds = 0;
    double cpu = 0;
    for (auto _ : state) {
        QElapsedTimer timer;
        timer.start();
        const double cpuBefore = processCpuSeconds();
        const TraceFileImportResult result
            = TraceFileImporter::readFile(path, [](WriteBatch &&, QString *) { return true; });
        seconds += timer.nsecsElapsed() / 1e9;
        cpu += processCpuSeconds() - cpuBefore;
        if (!result.ok || result.problemCount > 0 || result.gzip != gzip)
            state.SkipWithError(qPrintable(result.error));
        bytes = result.fileSize;
        spans = result.spans;
    }
    state.counters["MB/s"] = double(bytes) / kMB * double(state.iterations()) / seconds;
    state.counters["MB/cpu_s"] = double(bytes) / kMB * double(state.iterations()) / cpu;
    state.counters["spans/s"] = double(spans) * double(state.iterations()) / seconds;
    state.counters["file_MB"] = double(fileBytes) / kMB;
}
BENCHMARK_CAPTURE(BM_DecodeOtlpJsonl, plain, false)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(2)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_DecodeOtlpJsonl, gzip, true)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(2)
    ->UseRealTime();

void BM_ImportOtlpJsonl(benchmark::State &state)
{
    const QString path = jsonlFile(200);
    const qint64 bytes = QFileInfo(path).size();
    const QString db = bench::benchDir() + QStringLiteral("/formats-import-inprocess.db");
    qint64 spans = 0;
    double seconds = 0;
    double cpu = 0;
    for (auto _ : state) {
        state.PauseTiming();
        removeStore(db);
        auto store = bench::openOrDie(db, false);
        state.ResumeTiming();
        QElapsedTimer timer;
        timer.start();
        const double cpuBefore = processCpuSeconds();
        const TraceFileImportResult result = TraceFileImporter::importFile(*store, path);
        store->flush();
        seconds += timer.nsecsElapsed() / 1e9;
        cpu += processCpuSeconds() - cpuBefore;
        if (!result.ok || result.problemCount > 0)
            state.SkipWithError(qPrintable(result.error));
        spans = result.spans;
        state.PauseTiming();
        store.reset();
        removeStore(db);
        state.ResumeTiming();
    }
    state.counters["MB/s"] = double(bytes) / kMB * double(state.iterations()) / seconds;
    state.counters["MB/cpu_s"] = double(bytes) / kMB * double(state.iterations()) / cpu;
    state.counters["spans/s"] = double(spans) * double(state.iterations()) / seconds;
    state.counters["process_peak_rss_MB"] = processPeakRssMB(); // includes generating the file
}
BENCHMARK(BM_ImportOtlpJsonl)->Unit(benchmark::kMillisecond)->Iterations(1)->UseRealTime();

// Linux carries a process's RSS high-water mark across exec, and posix_spawn's child starts as this
// (large) process: its ru_maxrss would be ours. So a small launcher (this program re-executed with
// kLauncher) forks the command from its own fresh address space and reports the grandchild's figure.
constexpr char kLauncher[] = "--launch-and-measure";

struct Measured
{
    int status = -1;
    long peakKiB = 0;
    double cpuSeconds = 0;
};

/// Runs argv and measures that process alone.
Measured launchAndMeasure(char **argv)
{
    pid_t pid = 0;
    if (posix_spawn(&pid, argv[0], nullptr, nullptr, argv, environ) != 0)
        return {};
    int status = 0;
    rusage usage {};
    if (wait4(pid, &status, 0, &usage) != pid)
        return {};
    return { WIFEXITED(status) ? WEXITSTATUS(status) : -1, usage.ru_maxrss, cpuSeconds(usage) };
}

/// `traceglass import` on a file of Arg(0) MB in a child process: its wall time and peak RSS.
void BM_ImportCommand(benchmark::State &state)
{
    const QString path = jsonlFile(int(state.range(0)));
    const qint64 bytes = QFileInfo(path).size();
    const QString db = bench::benchDir() + QStringLiteral("/formats-import-command.db");
    const QByteArray self = QFile::encodeName(QCoreApplication::applicationFilePath());
    const QByteArray binary = QByteArrayLiteral(TRACEGLASS_BINARY_DIR "/app/traceglass");
    const QByteArray report
        = QFile::encodeName(bench::benchDir() + QStringLiteral("/formats-import-command.rss"));
    const QByteArray dbArg = db.toLocal8Bit();
    const QByteArray fileArg = path.toLocal8Bit();
    double seconds = 0;
    double cpu = 0;
    double peak = 0;
    for (auto _ : state) {
        removeStore(db);
        char *argv[] = { const_cast<char *>(self.constData()), const_cast<char *>(kLauncher),
            const_cast<char *>(report.constData()), const_cast<char *>(binary.constData()),
            const_cast<char *>("import"), const_cast<char *>("--quiet"), const_cast<char *>("--db"),
            const_cast<char *>(dbArg.constData()), const_cast<char *>(fileArg.constData()), nullptr };
        QFile::remove(QFile::decodeName(report));
        QElapsedTimer timer;
        timer.start();
        const Measured launcher = launchAndMeasure(argv);
        seconds += timer.nsecsElapsed() / 1e9;
        QFile result(QFile::decodeName(report));
        const QList<QByteArray> figures
            = result.open(QIODevice::ReadOnly) ? result.readAll().trimmed().split(' ') : QList<QByteArray>();
        if (launcher.status != 0 || figures.size() != 3 || figures[0].toInt() != 0) {
            state.SkipWithError("traceglass import failed (is the traceglass target built?)");
            break;
        }
        rusage usage {};
        usage.ru_maxrss = figures[1].toLong();
        peak = std::max(peak, peakRssMB(usage));
        cpu += figures[2].toDouble();
        removeStore(db);
    }
    state.counters["MB/s"] = double(bytes) / kMB * double(state.iterations()) / seconds;
    state.counters["MB/cpu_s"] = double(bytes) / kMB * double(state.iterations()) / cpu;
    state.counters["child_peak_rss_MB"] = peak;
    state.counters["file_MB"] = double(bytes) / kMB;
}
BENCHMARK(BM_ImportCommand)->Arg(200)->Arg(1000)->Unit(benchmark::kMillisecond)->Iterations(1)->UseRealTime();

/// The ~200 MB file imported once, for the exports.
std::unique_ptr<TraceStore> exportStore()
{
    const QString db = bench::benchDir() + QStringLiteral("/formats-export.db");
    if (QFile::exists(db + QStringLiteral(".complete")))
        return bench::openOrDie(db, false);
    removeStore(db);
    auto store = bench::openOrDie(db, false);
    const TraceFileImportResult result = TraceFileImporter::importFile(*store, jsonlFile(200));
    store->flush();
    if (!result.ok)
        qFatal("cannot import: %s", qPrintable(result.error));
    QFile(db + QStringLiteral(".complete")).open(QIODevice::WriteOnly);
    return store;
}

void BM_Export(benchmark::State &state)
{
    const auto format = ExportFormat(state.range(0));
    state.SetLabel(exportFormatKey(format).toStdString());
    auto store = exportStore();
    const QString out
        = bench::benchDir() + QStringLiteral("/formats-export-out") + exportFormatSuffix(format);
    ExportSelection all;
    all.query = TraceQuery();
    ExportOptions options;
    options.format = format;
    // Untimed first pass: the store's pages come into the page cache for every format alike.
    static bool warm = false;
    if (!warm) {
        warm = true;
        TraceExporter::writeFile(store->readerPool(), all, options, out + QStringLiteral(".warm"));
        QFile::remove(out + QStringLiteral(".warm"));
    }
    ExportResult result;
    double seconds = 0;
    double cpu = 0;
    for (auto _ : state) {
        QElapsedTimer timer;
        timer.start();
        const double cpuBefore = processCpuSeconds();
        result = TraceExporter::writeFile(store->readerPool(), all, options, out);
        seconds += timer.nsecsElapsed() / 1e9;
        cpu += processCpuSeconds() - cpuBefore;
        if (!result.ok)
            state.SkipWithError(qPrintable(result.error));
    }
    QFile::remove(out);
    state.counters["MB/s"] = double(result.bytes) / kMB * double(state.iterations()) / seconds;
    state.counters["MB/cpu_s"] = double(result.bytes) / kMB * double(state.iterations()) / cpu;
    state.counters["traces/s"] = double(result.traces) * double(state.iterations()) / seconds;
    state.counters["output_MB"] = double(result.bytes) / kMB;
}
BENCHMARK(BM_Export)
    ->Arg(int(ExportFormat::OtlpJson))
    ->Arg(int(ExportFormat::OtlpJsonLines))
    ->Arg(int(ExportFormat::OtlpProtobuf))
    ->Arg(int(ExportFormat::LangfuseJson))
    ->Arg(int(ExportFormat::Csv))
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1)
    ->UseRealTime();

} // namespace

int main(int argc, char **argv)
{
    if (argc >= 4 && std::strcmp(argv[1], kLauncher) == 0) {
        // bench_formats --launch-and-measure REPORT PROGRAM ARGS...: writes "status maxrss_kib cpu_s".
        const Measured measured = launchAndMeasure(argv + 3);
        FILE *report = std::fopen(argv[2], "w");
        if (!report)
            return 1;
        std::fprintf(report, "%d %ld %.3f\n", measured.status, measured.peakKiB, measured.cpuSeconds);
        std::fclose(report);
        return 0;
    }
    QCoreApplication app(argc, argv);
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
