#include "otlpjsonwriter.h"

#include "mapping/jsontext.h"

#include <charconv>

namespace tg {

namespace {

namespace common = opentelemetry::proto::common::v1;
namespace trace = opentelemetry::proto::trace::v1;

void quoted(QByteArray &out, const std::string &text)
{
    JsonText::appendQuoted(out, std::string_view(text));
}

void hex(QByteArray &out, const std::string &bytes)
{
    static constexpr char kDigits[] = "0123456789abcdef";
    out.append('"');
    for (const char c : bytes) {
        const auto b = static_cast<unsigned char>(c);
        out.append(kDigits[b >> 4]);
        out.append(kDigits[b & 15]);
    }
    out.append('"');
}

void unsignedString(QByteArray &out, quint64 value)
{
    char buffer[24];
    const auto end = std::to_chars(buffer, buffer + sizeof buffer, value).ptr;
    out.append('"');
    out.append(buffer, end - buffer);
    out.append('"');
}

void signedString(QByteArray &out, qint64 value)
{
    char buffer[24];
    const auto end = std::to_chars(buffer, buffer + sizeof buffer, value).ptr;
    out.append('"');
    out.append(buffer, end - buffer);
    out.append('"');
}

void anyValue(QByteArray &out, const common::AnyValue &value, int depth);

void keyValues(QByteArray &out, const google::protobuf::RepeatedPtrField<common::KeyValue> &list, int depth)
{
    out.append('[');
    bool first = true;
    for (const common::KeyValue &kv : list) {
        if (!first)
            out.append(',');
        first = false;
        out.append("{\"key\":");
        quoted(out, kv.key());
        out.append(",\"value\":");
        anyValue(out, kv.value(), depth + 1);
        out.append('}');
    }
    out.append(']');
}

void anyValue(QByteArray &out, const common::AnyValue &value, int depth)
{
    if (depth > 64) {
        out.append("{}");
        return;
    }
    switch (value.value_case()) {
    case common::AnyValue::kStringValue:
        out.append("{\"stringValue\":");
        quoted(out, value.string_value());
        out.append('}');
        break;
    case common::AnyValue::kBoolValue:
        out.append(value.bool_value() ? "{\"boolValue\":true}" : "{\"boolValue\":false}");
        break;
    case common::AnyValue::kIntValue:
        out.append("{\"intValue\":");
        signedString(out, value.int_value());
        out.append('}');
        break;
    case common::AnyValue::kDoubleValue:
        out.append("{\"doubleValue\":");
        out.append(JsonText::number(value.double_value()));
        out.append('}');
        break;
    case common::AnyValue::kArrayValue: {
        out.append("{\"arrayValue\":{\"values\":[");
        bool first = true;
        for (const common::AnyValue &element : value.array_value().values()) {
            if (!first)
                out.append(',');
            first = false;
            anyValue(out, element, depth + 1);
        }
        out.append("]}}");
        break;
    }
    case common::AnyValue::kKvlistValue:
        out.append("{\"kvlistValue\":{\"values\":");
        keyValues(out, value.kvlist_value().values(), depth);
        out.append("}}");
        break;
    case common::AnyValue::kBytesValue:
        out.append("{\"bytesValue\":\"");
        out.append(QByteArray::fromStdString(value.bytes_value()).toBase64());
        out.append("\"}");
        break;
    case common::AnyValue::VALUE_NOT_SET:
        out.append("{}");
        break;
    }
}

void span(QByteArray &out, const trace::Span &s)
{
    out.append("{\"traceId\":");
    hex(out, s.trace_id());
    out.append(",\"spanId\":");
    hex(out, s.span_id());
    if (!s.parent_span_id().empty()) {
        out.append(",\"parentSpanId\":");
        hex(out, s.parent_span_id());
    }
    if (!s.trace_state().empty()) {
        out.append(",\"traceState\":");
        quoted(out, s.trace_state());
    }
    out.append(",\"name\":");
    quoted(out, s.name());
    if (s.kind() != 0) {
        out.append(",\"kind\":");
        out.append(QByteArray::number(int(s.kind())));
    }
    out.append(",\"startTimeUnixNano\":");
    unsignedString(out, s.start_time_unix_nano());
    out.append(",\"endTimeUnixNano\":");
    unsignedString(out, s.end_time_unix_nano());
    if (s.attributes_size() > 0) {
        out.append(",\"attributes\":");
        keyValues(out, s.attributes(), 0);
    }
    if (s.events_size() > 0) {
        out.append(",\"events\":[");
        bool first = true;
        for (const trace::Span::Event &event : s.events()) {
            if (!first)
                out.append(',');
            first = false;
            out.append("{\"timeUnixNano\":");
            unsignedString(out, event.time_unix_nano());
            out.append(",\"name\":");
            quoted(out, event.name());
            out.append(",\"attributes\":");
            keyValues(out, event.attributes(), 0);
            out.append('}');
        }
        out.append(']');
    }
    if (s.has_status() && (s.status().code() != 0 || !s.status().message().empty())) {
        out.append(",\"status\":{");
        bool comma = false;
        if (!s.status().message().empty()) {
            out.append("\"message\":");
            quoted(out, s.status().message());
            comma = true;
        }
        if (s.status().code() != 0) {
            if (comma)
                out.append(',');
            out.append("\"code\":");
            out.append(QByteArray::number(int(s.status().code())));
        }
        out.append('}');
    }
    out.append('}');
}

} // namespace

void OtlpJsonWriter::append(
    QByteArray &out, const opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest &request)
{
    out.append("{\"resourceSpans\":[");
    bool first = true;
    appendResourceSpans(out, request, first);
    out.append("]}");
}

void OtlpJsonWriter::appendResourceSpans(QByteArray &out,
    const opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest &request, bool &firstResource)
{
    for (const trace::ResourceSpans &resourceSpans : request.resource_spans()) {
        if (!firstResource)
            out.append(',');
        firstResource = false;
        out.append("{\"resource\":{\"attributes\":");
        keyValues(out, resourceSpans.resource().attributes(), 0);
        out.append("},\"scopeSpans\":[");
        bool firstScope = true;
        for (const trace::ScopeSpans &scopeSpans : resourceSpans.scope_spans()) {
            if (!firstScope)
                out.append(',');
            firstScope = false;
            const common::InstrumentationScope &scope = scopeSpans.scope();
            out.append("{\"scope\":{\"name\":");
            quoted(out, scope.name());
            if (!scope.version().empty()) {
                out.append(",\"version\":");
                quoted(out, scope.version());
            }
            if (scope.attributes_size() > 0) {
                out.append(",\"attributes\":");
                keyValues(out, scope.attributes(), 0);
            }
            out.append("},\"spans\":[");
            bool firstSpan = true;
            for (const trace::Span &s : scopeSpans.spans()) {
                if (!firstSpan)
                    out.append(',');
                firstSpan = false;
                span(out, s);
            }
            out.append("]}");
        }
        out.append(']');
        if (!resourceSpans.schema_url().empty()) {
            out.append(",\"schemaUrl\":");
            quoted(out, resourceSpans.schema_url());
        }
        out.append('}');
    }
}

QByteArray OtlpJsonWriter::write(
    const opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest &request)
{
    QByteArray out;
    out.reserve(qsizetype(request.ByteSizeLong() * 5 / 4 + 256));
    append(out, request);
    return out;
}

} // namespace tg
