#pragma once

#include "formats/exportredactor.h"
#include "formats/otlpexportbuilder.h"
#include "store/tracequery.h"

#include <QList>
#include <QPair>
#include <QString>

#include <atomic>
#include <functional>
#include <memory>
#include <optional>

class QIODevice;

namespace tg {

class ReaderPool;
class StoreReader;

enum class ExportFormat : quint8 {
    OtlpJson, ///< one ExportTraceServiceRequest document
    OtlpJsonLines, ///< one request per line (the Collector's file exporter layout)
    OtlpProtobuf, ///< requests behind 4-byte big-endian lengths (the Collector's "proto" format)
    LangfuseJson, ///< an array of TraceWithFullDetails
    Csv, ///< the traces table
};

/// "otlp-json", "otlp-jsonl", "otlp-protobuf", "langfuse-json", "csv".
QString exportFormatKey(ExportFormat format);
std::optional<ExportFormat> exportFormatFromKey(const QString &key);
/// "OTLP JSON", for menus.
QString exportFormatLabel(ExportFormat format);
/// ".otlp.json", ".otlp.jsonl", ".otlp.pb", ".langfuse.json", ".csv" (the MIME globs).
QString exportFormatSuffix(ExportFormat format);

/// Which traces to export: the union of explicit traces, whole sessions and a filter.
struct ExportSelection
{
    QList<qint64> traceRks;
    QList<QPair<qint64, QString>> sessions; ///< (source id, session id)
    std::optional<TraceQuery> query;

    bool isEmpty() const { return traceRks.isEmpty() && sessions.isEmpty() && !query; }
};

struct ExportOptions
{
    ExportFormat format = ExportFormat::OtlpJsonLines;
    RedactionOptions redaction;
    OtlpExportOptions otlp;
    /// OTLP JSONL and protobuf: a request (line) closes after this many spans.
    int spansPerRequest = 2000;
};

struct ExportProgress
{
    qint64 tracesDone = 0;
    qint64 tracesTotal = 0;
    qint64 bytesWritten = 0;
};

struct ExportResult
{
    bool ok = false;
    bool cancelled = false;
    QString error;
    qint64 traces = 0;
    qint64 observations = 0;
    qint64 scores = 0;
    qint64 bytes = 0;
    double seconds = 0;

    QString summary() const;
};

/// Writes stored traces out in one of the ExportFormats, optionally redacted first. Traces are
/// read and written one at a time, so exports of any size run in constant memory. Blocking: run
/// it off the GUI thread.
class TraceExporter
{
public:
    using Progress = std::function<void(const ExportProgress &)>;

    /// Resolves the selection to trace row keys, oldest first, each once.
    static std::vector<qint64> resolve(StoreReader &reader, const ExportSelection &selection, QString *error);

    static ExportResult write(StoreReader &reader, const ExportSelection &selection,
        const ExportOptions &options, QIODevice &out, const std::atomic<bool> *cancel = nullptr,
        const Progress &progress = {});
    /// Writes to `path` through a temporary file that replaces it only when everything was written.
    static ExportResult writeFile(std::shared_ptr<ReaderPool> readers, const ExportSelection &selection,
        const ExportOptions &options, const QString &path, const std::atomic<bool> *cancel = nullptr,
        const Progress &progress = {});
};

} // namespace tg
