#pragma once

#include "domain/records.h"
#include "formats/tracefilesplitter.h"

#include <QString>

#include <atomic>
#include <functional>
#include <vector>

namespace tg {

class TraceStore;

struct TraceFileImportOptions
{
    TraceFileFormat format = TraceFileFormat::Unknown; ///< Unknown: detect from the content
    int decodeThreads = 0; ///< 0: one per core, at most 4
    qint64 unitBytes = TraceFileSplitter::kDefaultUnitBytes;
    qint64 readChunkBytes = FileChunkReader::kDefaultChunkBytes; ///< tests read in tiny chunks
    qint64 maxWholeMessageBytes = TraceFileSplitter::kMaxWholeMessageBytes;
    /// Decoded data handed to the store and not committed yet stays below this (memory bound).
    qint64 maxUncommittedBytes = 32 * 1024 * 1024;
    QString sourceName; ///< default: the file name
    /// Where a .gz file is decompressed to before reading (default: the system's temp folder).
    QString scratchDir;
    /// A .gz file stops decompressing here; what came before is read.
    qint64 maxInflatedBytes = 64LL * 1024 * 1024 * 1024;
};

struct TraceFileImportProgress
{
    qint64 bytesRead = 0;
    qint64 fileSize = 0;
    qint64 spans = 0;
    qint64 problems = 0;
    /// A .gz file is being decompressed: the bytes are of the compressed file, and reading it
    /// (with bytes of the decompressed data) comes next.
    bool decompressing = false;
};

struct TraceFileImportResult
{
    static constexpr int kMaxProblems = 100;

    bool ok = false; ///< the file was read (possibly with problems) and what was good is stored
    bool cancelled = false;
    QString error; ///< why nothing (more) could be read or stored
    QString path;
    qint64 sourceId = 0;
    TraceFileFormat format = TraceFileFormat::Unknown;
    bool gzip = false; ///< the file was gzip-compressed (fileSize and bytesRead are of its content)
    qint64 fileSize = 0;
    qint64 bytesRead = 0;
    qint64 spans = 0; ///< spans (or Langfuse objects) read
    qint64 rejected = 0; ///< of those, ones that could not be used
    qint64 traces = 0; ///< trace records stored (a trace spread over many lines counts per line)
    qint64 observations = 0;
    qint64 scores = 0;
    std::vector<FileProblem> problems; ///< the first kMaxProblems, located by line or byte
    qint64 problemCount = 0;
    double seconds = 0;

    /// "1,204 spans from agent.jsonl (OTLP JSON Lines) in 0.8 s; 2 problems".
    QString summary() const;
};

/// Reads trace files as streams into the store: the file is cut into units of a few MiB
/// (TraceFileSplitter), units decode in parallel, and their records are submitted in file order
/// while at most maxUncommittedBytes wait for the writer, so a 1 GB file never sits in memory.
/// Malformed parts are skipped with located problems; everything good is stored.
class TraceFileImporter
{
public:
    using Progress = std::function<void(const TraceFileImportProgress &)>;
    using Sink = std::function<bool(WriteBatch &&batch, QString *error)>;

    /// Imports into `store` as a source of its own (kind File, key "file:<absolute path>"; opening
    /// the same file again updates that source). Blocks: run it off the GUI thread. `cancel` is
    /// polled between units; `progress` is called on this thread every ~100 ms.
    static TraceFileImportResult importFile(TraceStore &store, const QString &path,
        const TraceFileImportOptions &options = {}, const std::atomic<bool> *cancel = nullptr,
        const Progress &progress = {});

    /// The same reading, handing each batch (in file order) to `sink` instead of a store.
    static TraceFileImportResult readFile(const QString &path, const Sink &sink,
        const TraceFileImportOptions &options = {}, const std::atomic<bool> *cancel = nullptr,
        const Progress &progress = {});

    /// The store key of a file source.
    static QString sourceKey(const QString &path);
};

} // namespace tg
