#pragma once

#include <QByteArrayView>
#include <QString>

namespace tg {

/// The trace file formats Traceglass opens. Detected from the content; the file name only breaks
/// ties (".jsonl" for a one-line file).
enum class TraceFileFormat : quint8 {
    Unknown,
    OtlpJson, ///< one ExportTraceServiceRequest / TracesData document
    OtlpJsonLines, ///< one request per line, as the OpenTelemetry Collector's file exporter writes
    OtlpProtobuf, ///< one ExportTraceServiceRequest message
    OtlpProtobufDelimited, ///< messages each behind a varint length (protobuf writeDelimitedTo)
    OtlpProtobufFramed, ///< messages each behind a 4-byte big-endian length (Collector, format: proto)
    LangfuseJson, ///< a Langfuse export, API answer, trace download or ingestion batch
    LangfuseJsonLines, ///< Langfuse objects (or batches), one per line
};

/// "OTLP JSON Lines", for messages.
QString traceFileFormatName(TraceFileFormat format);
bool isOtlpFormat(TraceFileFormat format);
bool isProtobufFormat(TraceFileFormat format);

/// Guesses the format of a file from its first bytes. `head` is the start of the file (a few
/// hundred KiB are plenty), `fileSize` its full size, `fileName` a tie-breaker.
TraceFileFormat detectTraceFileFormat(QByteArrayView head, qint64 fileSize, const QString &fileName);

} // namespace tg
