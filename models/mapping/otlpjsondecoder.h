#pragma once

#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"

#include <QByteArrayView>
#include <QString>

#include <optional>

namespace tg {

/// Decodes OTLP/JSON (the protobuf JSON mapping with OTLP's exceptions): trace and span ids are
/// case-insensitive hex, not base64; 64-bit integers come as decimal strings or numbers; enums
/// as integers or names; keys in lowerCamelCase or snake_case; unknown keys are ignored; null
/// means "not set". Only the shape of the JSON decides errors, never its size: nothing recurses
/// past kMaxValueDepth.
///
/// A problem inside one span (an id that is not hex, an attribute of the wrong type) does not
/// fail the request: the span is marked (OtlpSpanIds::decodeMark) and the mapper rejects it
/// alone. Problems outside spans fail the whole request with a message naming the JSON path.
class OtlpJsonDecoder
{
public:
    /// Deepest AnyValue nesting accepted (arrays and kvlists in attribute values). libprotobuf
    /// refuses messages nested past 100 levels and a kvlist level costs three, so this keeps every
    /// decoded request re-encodable as protobuf (for the forwarder and the gRPC path).
    static constexpr int kMaxValueDepth = 24;

    /// Decodes an ExportTraceServiceRequest (or TracesData: same shape) into `request`.
    static bool decodeTraces(QByteArrayView json,
        opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest &request, QString *error);
    /// Counts the log records of an ExportLogsServiceRequest.
    static std::optional<qint64> countLogRecords(QByteArrayView json, QString *error);
    /// Counts the data points of an ExportMetricsServiceRequest.
    static std::optional<qint64> countMetricDataPoints(QByteArrayView json, QString *error);
};

} // namespace tg
