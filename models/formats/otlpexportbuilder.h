#pragma once

#include "domain/records.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"

#include <QByteArray>
#include <QHash>
#include <QString>

#include <memory>
#include <string>
#include <vector>

namespace tg {

/// Attribute names of Traceglass's OTLP export dialect. Exports carry every Langfuse field as the
/// `langfuse.*` attributes Langfuse reads (langfuse-api.md §6), so Langfuse and other OTel tools
/// understand them; the few things OTLP cannot say (ids that are not hex, which span carries the
/// trace, a trace without observations, the trace's own timestamp, version and environment) go in
/// `traceglass.*` attributes. A scope marked with kMarker is read back by OtlpFileMapper exactly.
namespace otlpexport {
inline constexpr char kMarker[] = "traceglass.export"; ///< scope attribute; the dialect version
inline constexpr char kDialectVersion[] = "1";
inline constexpr char kTraceId[] = "traceglass.trace.id"; ///< the original id when it is not 32 hex
inline constexpr char kObservationId[] = "traceglass.observation.id";
inline constexpr char kParentId[] = "traceglass.parent.id";
inline constexpr char kCarrier[] = "traceglass.trace.carrier"; ///< true: this span carries the trace
inline constexpr char kTraceOnly[]
    = "traceglass.trace.only"; ///< true: stands for a trace without observations
inline constexpr char kTraceTimestamp[] = "traceglass.trace.timestamp"; ///< ns since the epoch
inline constexpr char kTraceVersion[] = "traceglass.trace.version";
inline constexpr char kTraceEnvironment[] = "traceglass.trace.environment";

/// 16 id bytes for a trace id: the id itself when it is 32 lowercase hex digits (an OTLP id) or a
/// UUID; otherwise (and for all-zero ids) a hash of it. `exact` says whether the id reads back.
std::string traceIdBytes(const QString &id, bool *exact);
/// 8 id bytes for an observation id: itself when 16 lowercase hex digits, else a hash.
std::string spanIdBytes(const QString &id, bool *exact);
} // namespace otlpexport

struct OtlpExportOptions
{
    QString scopeName = QStringLiteral("traceglass");
    QString scopeVersion;
    /// Set when sending to Langfuse: the scope becomes "langfuse-sdk" with this public_key (Langfuse
    /// refuses langfuse-sdk spans whose scope key differs from the one that authenticated).
    QString langfusePublicKey;
    /// user, session and tags on every span (Langfuse v4 filters read them per span), not only on
    /// the span that carries the trace.
    bool traceFieldsOnEverySpan = true;
};

/// Turns stored traces back into OTel spans (ExportTraceServiceRequest). Spans are grouped by the
/// resource attributes their observation metadata remembers (metadata.resourceAttributes), so an
/// export of received OTLP data shows its original services again.
class OtlpExportBuilder
{
public:
    using Request = opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest;

    explicit OtlpExportBuilder(OtlpExportOptions options = {});
    ~OtlpExportBuilder();
    OtlpExportBuilder(const OtlpExportBuilder &) = delete;
    OtlpExportBuilder &operator=(const OtlpExportBuilder &) = delete;

    /// Adds a trace and (some of) its observations. Without observations the trace goes out as one
    /// span marked kTraceOnly, unless `allowTraceOnly` is false (then nothing is added).
    void addTrace(const TraceRecord &trace, const std::vector<ObservationRecord> &observations,
        bool allowTraceOnly = true);
    int spanCount() const { return m_spans; }
    /// Protobuf size of what was added so far (cheap estimate, computed as spans go in).
    qint64 approximateBytes() const { return m_bytes; }
    bool isEmpty() const { return m_spans == 0; }
    /// The request built so far; valid until the next addTrace() or clear().
    const Request &request() const { return *m_request; }
    /// Starts over empty, releasing what was built at once.
    void clear();
    /// A copy of the request built so far; the builder starts over empty.
    Request take();

private:
    opentelemetry::proto::trace::v1::ScopeSpans *scopeFor(const QByteArray &resourceAttributesJson);

    OtlpExportOptions m_options;
    // Thousands of small messages and strings per request: an arena makes building and freeing
    // them a few large allocations instead of one each.
    std::unique_ptr<google::protobuf::Arena> m_arena;
    Request *m_request = nullptr;
    QHash<QByteArray, opentelemetry::proto::trace::v1::ScopeSpans *> m_scopes;
    int m_spans = 0;
    qint64 m_bytes = 0;
};

} // namespace tg
