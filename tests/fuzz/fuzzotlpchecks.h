#pragma once
// Invariants every mapped OTLP request must hold, whatever the input; a violation aborts, which
// the fuzzer reports as a crash.

#include "mapping/jsontext.h"
#include "mapping/otlptracemapper.h"

#include <cstdio>
#include <cstdlib>

namespace fuzzotlp {

inline void require(bool condition, const char *what)
{
    if (!condition) {
        std::fprintf(stderr, "invariant violated: %s\n", what);
        std::abort();
    }
}

inline bool isLowerHex(const QString &id, qsizetype length)
{
    if (id.size() != length)
        return false;
    for (const QChar c : id) {
        if (!((c >= u'0' && c <= u'9') || (c >= u'a' && c <= u'f')))
            return false;
    }
    return true;
}

inline void requireJson(const QByteArray &payload, const char *what)
{
    // Payloads are stored as given and read back with QJsonDocument (nesting limit 1024).
    require(payload.isEmpty() || tg::JsonText::isValid(payload, tg::JsonText::kMaxCheckDepth), what);
}

inline void checkMapping(const opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest &request)
{
    qint64 spans = 0;
    for (const auto &resource : request.resource_spans()) {
        for (const auto &scope : resource.scope_spans())
            spans += scope.spans_size();
    }
    const tg::OtlpMappingResult result = tg::mapTraceRequest(request);
    require(result.acceptedSpans + result.rejectedSpans == spans, "every span is accepted or rejected");
    require(qint64(result.batch.observations.size()) == result.acceptedSpans,
        "one observation per accepted span");
    require(result.errors.size() <= tg::OtlpTraceMapper::kMaxErrors, "error list is capped");
    require((result.rejectedSpans == 0) == result.errorMessage().isEmpty(), "error message iff rejections");
    require(result.batch.traces.size() <= result.batch.observations.size(), "at most one trace per span");
    for (const tg::ObservationRecord &o : result.batch.observations) {
        require(isLowerHex(o.id, 16), "observation id is 16 lowercase hex digits");
        require(isLowerHex(o.traceId, 32), "trace id is 32 lowercase hex digits");
        require(o.parentId.isNull() || isLowerHex(o.parentId, 16), "parent id is 16 lowercase hex digits");
        require(o.startNs && o.endNs, "times are set");
        require(o.type.has_value() && o.level.has_value(), "type and level are set");
        requireJson(o.input, "observation input is JSON");
        requireJson(o.output, "observation output is JSON");
        requireJson(o.metadata, "observation metadata is JSON");
        require(tg::JsonText::objectMembers(o.metadata).has_value(), "observation metadata is an object");
        requireJson(o.modelParameters, "model parameters are JSON");
        require(o.modelParameters.isEmpty() || tg::JsonText::objectMembers(o.modelParameters).has_value(),
            "model parameters are an object");
        require(!o.environment.isEmpty() && o.environment.size() <= 40, "environment is normalised");
    }
    for (const tg::TraceRecord &t : result.batch.traces) {
        require(isLowerHex(t.id, 32), "trace id is 32 lowercase hex digits");
        requireJson(t.input, "trace input is JSON");
        requireJson(t.output, "trace output is JSON");
        requireJson(t.metadata, "trace metadata is JSON");
        require(t.environment.isNull() || (!t.environment.isEmpty() && t.environment.size() <= 40),
            "trace environment is normalised");
    }
}

} // namespace fuzzotlp
