#pragma once

#include "mapping/otlptracemapper.h"

namespace tg {

/// Maps an OTLP trace export read from a file. Scopes written by Traceglass's exporter (marked
/// with otlpexport::kMarker) are read back field for field, so an export re-imports as the same
/// traces; every other scope goes through the Langfuse mapping (OtlpTraceMapper) as received
/// spans do.
class OtlpFileMapper
{
public:
    static OtlpMappingResult map(
        const opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest &request);
    /// Same, straight from protobuf bytes that passed otlpwire::validateTraceRequest().
    static OtlpMappingResult map(const otlpwire::TraceRequest &request);
    /// True when a scope of the request carries the export marker.
    static bool hasExportScopes(
        const opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest &request);
};

} // namespace tg
