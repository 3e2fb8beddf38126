#include "otlpfilemapper.h"

#include "domain/timeformat.h"
#include "formats/otlpexportbuilder.h"
#include "mapping/otlpattributes.h"
#include "mapping/otlpspanids.h"
#include "mapping/otlptracemapper.h"

#include <QHash>

namespace tg {

namespace {

using Request = opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest;
using AnyValue = OtlpAttributes::AnyValue;

bool isMarked(const otlpwire::ScopeSpans &scopeSpans)
{
    for (const otlpwire::KeyValue &kv : scopeSpans.scope.attributes) {
        if (kv.key() == otlpexport::kMarker)
            return true;
    }
    return false;
}

bool hasMarkedScopes(const otlpwire::TraceRequest &request)
{
    for (const otlpwire::ResourceSpans &resourceSpans : request.resource_spans) {
        for (const otlpwire::ScopeSpans &scopeSpans : resourceSpans.scope_spans) {
            if (isMarked(scopeSpans))
                return true;
        }
    }
    return false;
}

QString text(const OtlpAttributes &a, std::string_view key)
{
    const AnyValue *value = a.find(key);
    if (!value || value->value_case() != AnyValue::kStringValue)
        return QString();
    return QString::fromUtf8(value->string_value());
}

QByteArray bytes(const OtlpAttributes &a, std::string_view key)
{
    const AnyValue *value = a.find(key);
    if (!value || value->value_case() != AnyValue::kStringValue)
        return QByteArray();
    return QByteArrayView(value->string_value()).toByteArray();
}

bool flag(const OtlpAttributes &a, std::string_view key)
{
    const AnyValue *value = a.find(key);
    return value && OtlpAttributes::isTrue(*value);
}

std::optional<qint64> integer(const OtlpAttributes &a, std::string_view key)
{
    const AnyValue *value = a.find(key);
    if (!value)
        return std::nullopt;
    if (value->value_case() == AnyValue::kIntValue)
        return value->int_value();
    if (const auto number = OtlpAttributes::toNumber(*value))
        return qint64(*number);
    return std::nullopt;
}

std::optional<qint64> nanos(quint64 value)
{
    if (value == 0 || value > quint64(std::numeric_limits<qint64>::max()))
        return std::nullopt;
    return qint64(value);
}

void mergeTrace(TraceRecord &into, TraceRecord &&from)
{
    takeTraceIdentity(into, from);
    if (!from.environment.isNull())
        into.environment = std::move(from.environment);
    if (from.timestampNs)
        into.timestampNs = from.timestampNs;
    if (!from.input.isNull())
        into.input = std::move(from.input);
    if (!from.output.isNull())
        into.output = std::move(from.output);
    if (!from.metadata.isNull())
        into.metadata = std::move(from.metadata);
}

// Reads spans of Traceglass's own export back into the records they came from.
class DialectReader
{
public:
    OtlpMappingResult &result;
    QHash<QString, size_t> traceIndex;

    void mapSpan(const otlpwire::Span &span, int r, int s, int i)
    {
        const OtlpAttributes a(span.attributes);
        QString traceId = text(a, otlpexport::kTraceId);
        if (traceId.isEmpty()) {
            if (span.trace_id.size() != OtlpSpanIds::kTraceIdBytes || OtlpSpanIds::isAllZero(span.trace_id)) {
                reject(r, s, i, QStringLiteral("traceId must be 16 bytes, not all zero"));
                return;
            }
            traceId = OtlpSpanIds::toHex(span.trace_id);
        }
        if (flag(a, otlpexport::kCarrier) || flag(a, otlpexport::kTraceOnly)) {
            TraceRecord t;
            t.id = traceId;
            t.name = text(a, "langfuse.trace.name");
            t.timestampNs = integer(a, otlpexport::kTraceTimestamp);
            t.userId = text(a, "langfuse.user.id");
            t.sessionId = text(a, "langfuse.session.id");
            t.release = text(a, "langfuse.release");
            t.version = text(a, otlpexport::kTraceVersion);
            t.environment = text(a, otlpexport::kTraceEnvironment);
            if (const AnyValue *value = a.find("langfuse.trace.public"))
                t.isPublic = OtlpAttributes::isTrue(*value);
            if (const AnyValue *tags = a.find("langfuse.trace.tags");
                tags && tags->value_case() == AnyValue::kArrayValue) {
                for (const AnyValue &tag : tags->array_value().values())
                    t.tags.append(OtlpAttributes::toText(tag));
            }
            t.input = bytes(a, "langfuse.trace.input");
            t.output = bytes(a, "langfuse.trace.output");
            t.metadata = bytes(a, "langfuse.trace.metadata");
            const auto slot = traceIndex.constFind(t.id);
            if (slot == traceIndex.cend()) {
                traceIndex.insert(t.id, result.batch.traces.size());
                result.batch.traces.push_back(std::move(t));
            } else {
                mergeTrace(result.batch.traces[*slot], std::move(t));
            }
        }
        if (flag(a, otlpexport::kTraceOnly)) {
            ++result.acceptedSpans;
            return;
        }

        ObservationRecord o;
        o.traceId = traceId;
        o.id = text(a, otlpexport::kObservationId);
        if (o.id.isEmpty()) {
            if (span.span_id.size() != OtlpSpanIds::kSpanIdBytes || OtlpSpanIds::isAllZero(span.span_id)) {
                reject(r, s, i, QStringLiteral("spanId must be 8 bytes, not all zero"));
                return;
            }
            o.id = OtlpSpanIds::toHex(span.span_id);
        }
        o.parentId = text(a, otlpexport::kParentId);
        if (o.parentId.isEmpty() && !span.parent_span_id.empty()
            && !OtlpSpanIds::isAllZero(span.parent_span_id))
            o.parentId = OtlpSpanIds::toHex(span.parent_span_id);
        o.type
            = observationTypeFromString(text(a, "langfuse.observation.type")).value_or(ObservationType::Span);
        if (!span.name.empty())
            o.name = QString::fromUtf8(span.name);
        o.startNs = nanos(span.start_time_unix_nano);
        o.endNs = nanos(span.end_time_unix_nano);
        const QString completion = text(a, "langfuse.observation.completion_start_time");
        if (!completion.isEmpty())
            o.completionStartNs = parseIsoTimestampNs(completion);
        o.model = text(a, "langfuse.observation.model.name");
        o.modelParameters = bytes(a, "langfuse.observation.model.parameters");
        o.level = levelFromString(text(a, "langfuse.observation.level")).value_or(Level::Default);
        o.statusMessage = text(a, "langfuse.observation.status_message");
        o.usage = UsageDetails::fromJsonText(bytes(a, "langfuse.observation.usage_details"));
        o.cost = CostDetails::fromJsonText(bytes(a, "langfuse.observation.cost_details"));
        o.promptName = text(a, "langfuse.observation.prompt.name");
        if (const auto version = integer(a, "langfuse.observation.prompt.version"))
            o.promptVersion = int(*version);
        o.version = text(a, "langfuse.version");
        o.environment = text(a, "langfuse.environment");
        o.input = bytes(a, "langfuse.observation.input");
        o.output = bytes(a, "langfuse.observation.output");
        o.metadata = bytes(a, "langfuse.observation.metadata");
        if (!traceIndex.contains(traceId)) {
            // The carrier may come in another request; the store keeps a bare trace until then.
            TraceRecord bare;
            bare.id = traceId;
            traceIndex.insert(traceId, result.batch.traces.size());
            result.batch.traces.push_back(std::move(bare));
        }
        result.batch.observations.push_back(std::move(o));
        ++result.acceptedSpans;
    }

    void reject(int r, int s, int i, const QString &problem)
    {
        ++result.rejectedSpans;
        if (result.errors.size() < OtlpTraceMapper::kMaxErrors)
            result.errors.append(QStringLiteral("resourceSpans[%1].scopeSpans[%2].spans[%3]: %4")
                                     .arg(r)
                                     .arg(s)
                                     .arg(i)
                                     .arg(problem));
    }
};

} // namespace

bool OtlpFileMapper::hasExportScopes(const Request &request)
{
    const std::string bytes = request.SerializeAsString();
    return hasMarkedScopes(otlpwire::TraceRequest(bytes));
}

OtlpMappingResult OtlpFileMapper::map(const Request &request)
{
    const std::string bytes = request.SerializeAsString();
    return map(otlpwire::TraceRequest(bytes));
}

OtlpMappingResult OtlpFileMapper::map(const otlpwire::TraceRequest &wire)
{
    if (!hasMarkedScopes(wire))
        return OtlpTraceMapper::map(wire);

    OtlpMappingResult result;
    DialectReader reader { result, {} };
    int r = 0;
    for (const otlpwire::ResourceSpans &resourceSpans : wire.resource_spans) {
        int s = 0;
        for (const otlpwire::ScopeSpans &scopeSpans : resourceSpans.scope_spans) {
            if (isMarked(scopeSpans)) {
                int i = 0;
                for (const otlpwire::Span &span : scopeSpans.spans)
                    reader.mapSpan(span, r, s, i++);
            }
            ++s;
        }
        ++r;
    }
    // Scopes of other producers in the same request keep the usual mapping.
    OtlpMappingResult other = OtlpTraceMapper::map(wire, isMarked);
    WriteBatch &out = result.batch;
    std::move(other.batch.traces.begin(), other.batch.traces.end(), std::back_inserter(out.traces));
    std::move(other.batch.observations.begin(), other.batch.observations.end(),
        std::back_inserter(out.observations));
    result.acceptedSpans += other.acceptedSpans;
    result.rejectedSpans += other.rejectedSpans;
    result.errors += other.errors;
    return result;
}

} // namespace tg
