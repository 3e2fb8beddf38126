#pragma once

#include "domain/records.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"
#include "otlpwire.h"

#include <QString>
#include <QStringList>

#include <functional>

namespace tg {

/// What mapping one OTLP trace export gave: the records, and the spans it could not use.
struct OtlpMappingResult
{
    WriteBatch batch; ///< one TraceRecord per trace id, one ObservationRecord per span; sourceId 0
    qint64 acceptedSpans = 0;
    qint64 rejectedSpans = 0;
    QStringList errors; ///< why spans were rejected, one line each, at most kMaxErrors lines

    /// The text for ExportTracePartialSuccess.error_message; empty when nothing was rejected.
    QString errorMessage() const;
};

/// Maps OTel spans to Langfuse traces and observations (langfuse-api.md §6). A span with unusable
/// ids is rejected on its own; every other span of the request is kept. Parent links are taken
/// as they come (cycles included): the span tree deals with them.
///
/// Trace records: a root span gives the full record, a child span with trace attributes an
/// update, any other span a shallow one (id, its start as timestampNs, an environment only when
/// an attribute names it). Within one request the records of a trace merge into one, the root's
/// timestamp and environment winning. Across requests the store merges them; as a child usually
/// ends (and is exported) before its root, the store should keep the earliest trace timestamp.
class OtlpTraceMapper
{
public:
    static constexpr int kMaxErrors = 20;
    /// True for scopes the mapping should leave out (another mapper reads them).
    using ScopeFilter = std::function<bool(const otlpwire::ScopeSpans &)>;

    /// Maps a request (or a TracesData: the same field) straight from its wire bytes, which
    /// must have passed otlpwire::validateTraceRequest() and outlive the call.
    static OtlpMappingResult map(const otlpwire::TraceRequest &request, const ScopeFilter &skipScope = {});
    /// Same for a parsed message, through its serialised bytes.
    static OtlpMappingResult map(
        const opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest &request);
};

/// Maps an OTLP trace export to Langfuse records; the receiver's and file import's entry point.
OtlpMappingResult mapTraceRequest(
    const opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest &request);
OtlpMappingResult mapTraceRequest(const otlpwire::TraceRequest &request);

/// Moves the identity fields `from` carries into `into` (given fields win; tags united; public
/// only turns on): name, user, session, release, version. Shared by the OTLP mappers.
void takeTraceIdentity(TraceRecord &into, TraceRecord &from);

} // namespace tg
