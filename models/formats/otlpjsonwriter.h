#pragma once

#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"

#include <QByteArray>

namespace tg {

/// Writes OTLP/JSON as the specification asks (and OtlpJsonDecoder reads): lowerCamelCase keys,
/// trace and span ids as lowercase hex, 64-bit integers as decimal strings, enums as integers, no
/// whitespace, so one request fits one JSON line. String values must be valid UTF-8.
class OtlpJsonWriter
{
public:
    static void append(QByteArray &out,
        const opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest &request);
    /// Only the elements of resourceSpans, comma-separated (after a first one unless `first`), for
    /// one document written in pieces.
    static void appendResourceSpans(QByteArray &out,
        const opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest &request, bool &first);
    static QByteArray write(
        const opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest &request);
};

} // namespace tg
