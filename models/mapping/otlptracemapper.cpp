#include "otlptracemapper.h"

#include "jsontext.h"
#include "otlpspanids.h"
#include "otlpspanreader.h"

#include <QHash>

#include <algorithm>
#include <array>
#include <cstring>

namespace tg {

namespace {

// Merges `from` into `into` with records.h semantics (given fields win, metadata merged key by
// key, tags united). Timestamp and environment of a non-root span only fill gaps: the root span
// of a trace is what defines them.
void mergeTrace(TraceRecord &into, TraceRecord &&from, bool fromRoot)
{
    if (from.timestampNs && (fromRoot || !into.timestampNs))
        into.timestampNs = from.timestampNs;
    if (!from.environment.isNull() && (fromRoot || into.environment.isNull()))
        into.environment = std::move(from.environment);
    takeTraceIdentity(into, from);
    if (!from.input.isEmpty())
        into.input = std::move(from.input);
    if (!from.output.isEmpty())
        into.output = std::move(from.output);
    if (into.metadata.isEmpty()) {
        into.metadata = std::move(from.metadata);
    } else if (!from.metadata.isEmpty()) {
        JsonObjectBuilder merged;
        merged.merge(into.metadata);
        merged.merge(from.metadata);
        into.metadata = merged.toJson();
    }
}

QString spanLabel(int resource, int scope, int index, const otlpwire::Span &span)
{
    QString label
        = QStringLiteral("resourceSpans[%1].scopeSpans[%2].spans[%3]").arg(resource).arg(scope).arg(index);
    if (!span.name.empty()) {
        QString name = QString::fromUtf8(span.name);
        if (name.size() > 60)
            name = name.left(60) + u'…';
        label += QStringLiteral(" \"%1\"").arg(name);
    }
    return label;
}

class Mapper
{
public:
    OtlpMappingResult result;

    void mapSpan(const otlpwire::Span &span, const OtlpScopeContext &scope)
    {
        const OtlpSpanReader reader(span, scope);

        ObservationRecord observation;
        observation.id = spanIdText(span.span_id);
        observation.traceId = traceIdText(span.trace_id);
        if (!span.parent_span_id.empty() && !OtlpSpanIds::isAllZero(span.parent_span_id))
            observation.parentId = spanIdText(span.parent_span_id);
        const ObservationType type = reader.observationType();
        observation.type = type;
        observation.name = reader.observationName();
        observation.startNs = reader.startNs();
        observation.endNs = reader.endNs();
        observation.completionStartNs = reader.completionStartNs();
        observation.model = reader.model();
        observation.modelParameters = reader.modelParameters();
        observation.level = reader.level();
        observation.statusMessage = reader.statusMessage();
        observation.usage = reader.usage();
        observation.cost = reader.cost();
        if (type == ObservationType::Generation) {
            observation.promptName = reader.promptName();
            observation.promptVersion = reader.promptVersion();
        }
        observation.version = reader.version();
        observation.environment = reader.environment();
        const OtlpSpanReader::Payloads payloads = reader.observationPayloads();
        observation.input = payloads.input;
        observation.output = payloads.output;
        observation.metadata = reader.observationMetadata();

        TraceRecord trace;
        trace.id = observation.traceId;
        trace.timestampNs = reader.startNs();
        const bool root = reader.isTraceRoot();
        if (root || reader.hasTraceUpdates()) {
            trace.environment = root ? observation.environment : reader.environment(true);
            trace.name = reader.traceName();
            if (root && trace.name.isNull())
                trace.name = observation.name;
            trace.metadata = reader.traceMetadata(root);
            trace.version = observation.version;
            trace.release = reader.release();
            trace.userId = reader.userId();
            trace.sessionId = reader.sessionId();
            trace.isPublic = reader.isPublic();
            trace.tags = reader.tags();
            if (root) {
                const OtlpSpanReader::Payloads tracePayloads = reader.tracePayloads(payloads);
                trace.input = tracePayloads.input;
                trace.output = tracePayloads.output;
            } else {
                const OtlpAttributes &attributes = reader.attributes();
                if (const auto *input = attributes.given("langfuse.trace.input"))
                    trace.input = reader.payload(input);
                if (const auto *output = attributes.given("langfuse.trace.output"))
                    trace.output = reader.payload(output);
            }
        } else {
            trace.environment = reader.environment(true);
        }

        if (m_lastTrace < result.batch.traces.size() && result.batch.traces[m_lastTrace].id == trace.id) {
            mergeTrace(result.batch.traces[m_lastTrace], std::move(trace), root);
        } else if (const auto slot = m_traceIndex.constFind(trace.id); slot != m_traceIndex.constEnd()) {
            m_lastTrace = *slot;
            mergeTrace(result.batch.traces[*slot], std::move(trace), root);
        } else {
            m_lastTrace = result.batch.traces.size();
            m_traceIndex.insert(trace.id, m_lastTrace);
            result.batch.traces.push_back(std::move(trace));
        }
        result.batch.observations.push_back(std::move(observation));
        ++result.acceptedSpans;
    }

    void reject(const QString &label, const QString &problem)
    {
        ++result.rejectedSpans;
        if (result.errors.size() < OtlpTraceMapper::kMaxErrors) {
            QString reason = problem;
            if (reason.size() > 200)
                reason = reason.left(200) + u'…';
            result.errors.append(label + u": " + reason);
        }
    }

private:
    // Ids repeat within a request (the spans of a trace, the children of a span): each one's hex
    // text is made once and shared by the records, without an allocation per use.
    const QString &traceIdText(std::string_view bytes)
    {
        if (m_lastTraceIdText.isNull() || bytes != m_lastTraceIdBytes) {
            m_lastTraceIdBytes = bytes;
            m_lastTraceIdText = OtlpSpanIds::toHex(bytes);
        }
        return m_lastTraceIdText;
    }

    QString spanIdText(std::string_view bytes)
    {
        if (bytes.size() != sizeof(quint64))
            return OtlpSpanIds::toHex(bytes);
        quint64 key = 0;
        std::memcpy(&key, bytes.data(), sizeof key);
        SpanIdText &slot = m_spanIdTexts[(key ^ (key >> 31)) % m_spanIdTexts.size()];
        if (slot.text.isNull() || slot.key != key) {
            slot.key = key;
            slot.text = OtlpSpanIds::toHex(bytes);
        }
        return slot.text;
    }

    struct SpanIdText
    {
        quint64 key = 0;
        QString text;
    };

    QHash<QString, size_t> m_traceIndex;
    size_t m_lastTrace = size_t(-1); // index of the trace the previous span merged into
    std::string_view m_lastTraceIdBytes; // points into the request, which outlives the mapper
    QString m_lastTraceIdText;
    std::array<SpanIdText, 64> m_spanIdTexts;
};

} // namespace

void takeTraceIdentity(TraceRecord &into, TraceRecord &from)
{
    auto take = [](QString &target, QString &source) {
        if (!source.isNull())
            target = std::move(source);
    };
    take(into.name, from.name);
    take(into.userId, from.userId);
    take(into.sessionId, from.sessionId);
    take(into.release, from.release);
    take(into.version, from.version);
    if (from.isPublic)
        into.isPublic = from.isPublic;
    for (QString &tag : from.tags) {
        if (!into.tags.contains(tag))
            into.tags.append(std::move(tag));
    }
}

QString OtlpMappingResult::errorMessage() const
{
    if (rejectedSpans == 0)
        return QString();
    QString message
        = QStringLiteral("%1 span(s) rejected: ").arg(rejectedSpans) + errors.join(QStringLiteral("; "));
    if (rejectedSpans > errors.size())
        message += QStringLiteral("; and %1 more").arg(rejectedSpans - errors.size());
    return message;
}

OtlpMappingResult OtlpTraceMapper::map(const otlpwire::TraceRequest &request, const ScopeFilter &skipScope)
{
    Mapper mapper;
    // One observation per span: sized up front, the vector is not moved a dozen times per batch.
    size_t spans = 0;
    for (const otlpwire::ResourceSpans &resource : request.resource_spans) {
        for (const otlpwire::ScopeSpans &scope : resource.scope_spans)
            spans += scope.spans.size();
    }
    // Capped: a body of empty (rejected) spans would otherwise reserve gigabytes.
    mapper.result.batch.observations.reserve(std::min<size_t>(spans, 8192));
    int r = 0;
    for (const otlpwire::ResourceSpans &resource : request.resource_spans) {
        const OtlpAttributes resourceAttributes(resource.resource.attributes);
        OtlpScopeContext context;
        context.source = request.owner;
        context.setResource(resourceAttributes);
        int s = 0;
        for (const otlpwire::ScopeSpans &scope : resource.scope_spans) {
            if (skipScope && skipScope(scope)) {
                ++s;
                continue;
            }
            context.setScope(scope.scope);
            int i = 0;
            for (const otlpwire::Span &span : scope.spans) {
                const QString problem = OtlpSpanIds::problem(span);
                if (problem.isNull())
                    mapper.mapSpan(span, context);
                else
                    mapper.reject(spanLabel(r, s, i, span), problem);
                ++i;
            }
            ++s;
        }
        ++r;
    }
    return std::move(mapper.result);
}

OtlpMappingResult OtlpTraceMapper::map(
    const opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest &request)
{
    const std::string bytes = request.SerializeAsString();
    return map(otlpwire::TraceRequest(bytes));
}

OtlpMappingResult mapTraceRequest(
    const opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest &request)
{
    return OtlpTraceMapper::map(request);
}

OtlpMappingResult mapTraceRequest(const otlpwire::TraceRequest &request)
{
    return OtlpTraceMapper::map(request);
}

} // namespace tg
