#include "otlpjsondecoder.h"

#include "flatjson.h"
#include "otlpjsonsupport.h"
#include "otlpspanids.h"

#include <charconv>
#include <cmath>
#include <limits>

namespace tg {

namespace {

using otlpjson::shortened;

// Absent or null: protobuf's JSON mapping reads null as "not set".
bool absent(const FlatJsonValue &value)
{
    return value.isMissing();
}

// A member under its lowerCamelCase name or, as protobuf's JSON parser also accepts, its
// snake_case name.
FlatJsonValue get(const FlatJsonValue &object, const char *camel, const char *snake)
{
    FlatJsonValue value = object.value(camel);
    if (value.isUndefined() && snake)
        value = object.value(snake);
    return value;
}

namespace common = opentelemetry::proto::common::v1;
namespace trace = opentelemetry::proto::trace::v1;
using Request = opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest;

// Walks OTLP/JSON into protobuf messages, keeping the JSON path for error messages. Inside a span
// an error becomes that span's problem instead of the request's.
class TraceDecoder
{
public:
    QString error;

    bool decodeRequest(const FlatJsonValue &object, Request &request)
    {
        return forArray(
            get(object, "resourceSpans", "resource_spans"), "resourceSpans", [&](const FlatJsonValue &value) {
                return decodeResourceSpans(value, *request.add_resource_spans());
            });
    }

private:
    struct PathPart
    {
        const char *name;
        int index;
    };

    class Scope
    {
    public:
        Scope(std::vector<PathPart> &path, const char *name, int index = -1)
            : m_path(path)
        {
            m_path.push_back(PathPart { name, index });
        }
        ~Scope() { m_path.pop_back(); }
        Scope(const Scope &) = delete;
        Scope &operator=(const Scope &) = delete;

    private:
        std::vector<PathPart> &m_path;
    };

    QString pathText(size_t from) const
    {
        QString text;
        for (size_t i = from; i < m_path.size(); ++i) {
            const PathPart &part = m_path[i];
            if (!text.isEmpty())
                text += u'.';
            text += QLatin1String(part.name);
            if (part.index >= 0)
                text += u'[' + QString::number(part.index) + u']';
        }
        return text;
    }

    bool fail(const QString &what)
    {
        // Inside a span the path is relative to it: the mapper names the span itself.
        QString &target = m_inSpan ? m_spanProblem : error;
        if (target.isNull()) {
            QString path = pathText(m_inSpan ? m_spanPathStart : 0);
            if (path.size() > 120) // deep values: keep both ends, the message matters more
                path = path.left(50) + u'…' + path.right(50);
            target = path.isEmpty() ? what : path + u": " + what;
        }
        return false;
    }

    template<typename Each> bool forArray(const FlatJsonValue &value, const char *name, Each each)
    {
        if (absent(value))
            return true;
        if (!value.isArray()) {
            Scope scope(m_path, name);
            return fail(QStringLiteral("must be an array"));
        }
        bool ok = true;
        int i = 0;
        value.forEachElement([&](const FlatJsonValue &element) {
            if (!ok)
                return;
            Scope scope(m_path, name, i++);
            ok = each(element);
        });
        return ok;
    }

    bool object(const FlatJsonValue &value, FlatJsonValue &out)
    {
        if (!value.isObject())
            return fail(QStringLiteral("must be an object"));
        out = value;
        return true;
    }

    template<typename Decode>
    bool member(const FlatJsonValue &parent, const char *camel, const char *snake, Decode decode)
    {
        const FlatJsonValue value = get(parent, camel, snake);
        if (absent(value))
            return true;
        Scope scope(m_path, camel);
        return decode(value);
    }

    bool readString(const FlatJsonValue &value, std::string *out)
    {
        if (absent(value))
            return true;
        if (!value.isString())
            return fail(QStringLiteral("must be a string"));
        const QByteArrayView text = value.stringView(m_scratch);
        out->assign(text.data(), size_t(text.size()));
        return true;
    }

    // protobufjs writes 64-bit integers as {"low": int32, "high": int32} when a JS object is
    // serialised as is; Langfuse accepts that form, so do we.
    static std::optional<quint64> longBits(const FlatJsonValue &value)
    {
        if (!value.isObject())
            return std::nullopt;
        const auto low = value.value("low").toInteger();
        const auto high = value.value("high").toInteger();
        if (!low || !high)
            return std::nullopt;
        return (quint64(quint32(*high)) << 32) | quint64(quint32(*low));
    }

    bool readUnsigned(const FlatJsonValue &value, quint64 max, quint64 &out)
    {
        out = 0;
        if (absent(value))
            return true;
        if (const auto bits = longBits(value)) {
            out = *bits;
        } else if (value.isNumber()) {
            const std::optional<qint64> asInteger = value.toInteger();
            if (asInteger && *asInteger >= 0) {
                out = quint64(*asInteger);
            } else {
                const double d = value.toDouble().value_or(-1);
                if (!(d >= 0 && d < 18446744073709551616.0) || std::floor(d) != d)
                    return fail(QStringLiteral("must be a non-negative integer"));
                out = quint64(d);
            }
        } else if (value.isString()) {
            const QByteArrayView text = value.stringView(m_scratch);
            const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
            if (text.isEmpty() || ec != std::errc() || ptr != text.data() + text.size())
                return fail(QStringLiteral("\"%1\" is not a non-negative decimal integer")
                                .arg(shortened(value.toString())));
        } else {
            return fail(QStringLiteral("must be an integer or a decimal string"));
        }
        if (out > max)
            return fail(QStringLiteral("%1 is out of range").arg(out));
        return true;
    }

    bool readSigned(const FlatJsonValue &value, qint64 &out)
    {
        out = 0;
        if (absent(value))
            return true;
        if (const auto bits = longBits(value)) {
            out = qint64(*bits);
            return true;
        }
        if (value.isNumber()) {
            if (const std::optional<qint64> asInteger = value.toInteger()) {
                out = *asInteger;
                return true;
            }
            const double d = value.toDouble().value_or(0.5);
            if (!(d >= -9223372036854775808.0 && d < 9223372036854775808.0) || std::floor(d) != d)
                return fail(QStringLiteral("must be an integer"));
            out = qint64(d);
            return true;
        }
        if (value.isString()) {
            const QByteArrayView text = value.stringView(m_scratch);
            const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
            if (text.isEmpty() || ec != std::errc() || ptr != text.data() + text.size())
                return fail(
                    QStringLiteral("\"%1\" is not a decimal integer").arg(shortened(value.toString())));
            return true;
        }
        return fail(QStringLiteral("must be an integer or a decimal string"));
    }

    bool readDouble(const FlatJsonValue &value, double &out)
    {
        if (value.isNumber()) {
            if (const std::optional<double> number = value.toDouble()) {
                out = *number;
                return true;
            }
        }
        if (value.isString()) {
            const QByteArrayView text = value.stringView(m_scratch);
            if (text == "NaN") {
                out = std::numeric_limits<double>::quiet_NaN();
                return true;
            }
            if (text == "Infinity" || text == "-Infinity") {
                out = text.startsWith('-') ? -std::numeric_limits<double>::infinity()
                                           : std::numeric_limits<double>::infinity();
                return true;
            }
            const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
            if (!text.isEmpty() && ec == std::errc() && ptr == text.data() + text.size())
                return true;
        }
        return fail(QStringLiteral("must be a number"));
    }

    // An enum as its number or its name.
    bool readEnum(const FlatJsonValue &value, std::initializer_list<const char *> names, int &out)
    {
        out = 0;
        if (absent(value))
            return true;
        if (value.isString()) {
            int number = 0;
            for (const char *name : names) {
                if (value.stringEquals(name)) {
                    out = number;
                    return true;
                }
                ++number;
            }
            bool ok = false;
            out = value.stringView(m_scratch).toInt(&ok);
            if (ok)
                return true;
            return fail(QStringLiteral("unknown enum value \"%1\"").arg(shortened(value.toString())));
        }
        qint64 number = 0;
        if (!readSigned(value, number))
            return false;
        if (number < std::numeric_limits<int>::min() || number > std::numeric_limits<int>::max())
            return fail(QStringLiteral("%1 is out of range").arg(number));
        out = int(number);
        return true;
    }

    bool readHexId(const FlatJsonValue &value, std::string *out)
    {
        out->clear();
        if (absent(value))
            return true;
        if (!value.isString())
            return fail(QStringLiteral("must be a hex string"));
        const QByteArrayView text = value.stringView(m_scratch);
        const auto nibble = [](char c) {
            return c >= '0' && c <= '9' ? c - '0'
                : c >= 'a' && c <= 'f'  ? c - 'a' + 10
                : c >= 'A' && c <= 'F'  ? c - 'A' + 10
                                        : -1;
        };
        const bool hex = text.size() % 2 == 0
            && std::all_of(text.begin(), text.end(), [&](char c) { return nibble(c) >= 0; });
        if (!hex)
            return fail(QStringLiteral("\"%1\" is not hex").arg(shortened(value.toString())));
        out->resize(size_t(text.size() / 2));
        for (qsizetype i = 0; i < text.size(); i += 2)
            (*out)[size_t(i / 2)] = char((nibble(text[i]) << 4) | nibble(text[i + 1]));
        return true;
    }

    bool decodeAnyValue(const FlatJsonValue &value, common::AnyValue &out, int depth)
    {
        if (absent(value))
            return true;
        FlatJsonValue object;
        if (!this->object(value, object))
            return false;
        FlatJsonValue v;
        if (!absent(v = get(object, "stringValue", "string_value")))
            return readString(v, out.mutable_string_value());
        if (!absent(v = get(object, "boolValue", "bool_value"))) {
            if (!v.isBool())
                return fail(QStringLiteral("boolValue must be true or false"));
            out.set_bool_value(v.toBool());
            return true;
        }
        if (!absent(v = get(object, "intValue", "int_value"))) {
            qint64 number = 0;
            if (!readSigned(v, number))
                return false;
            out.set_int_value(number);
            return true;
        }
        if (!absent(v = get(object, "doubleValue", "double_value"))) {
            double number = 0;
            if (!readDouble(v, number))
                return false;
            out.set_double_value(number);
            return true;
        }
        if (!absent(v = get(object, "bytesValue", "bytes_value"))) {
            if (!v.isString())
                return fail(QStringLiteral("bytesValue must be a base64 string"));
            const QByteArray text = v.stringView(m_scratch).toByteArray();
            auto decoded = QByteArray::fromBase64Encoding(text, QByteArray::AbortOnBase64DecodingErrors);
            if (!decoded)
                decoded = QByteArray::fromBase64Encoding(
                    text, QByteArray::Base64UrlEncoding | QByteArray::AbortOnBase64DecodingErrors);
            if (!decoded)
                return fail(QStringLiteral("bytesValue is not base64"));
            out.set_bytes_value(decoded.decoded.toStdString());
            return true;
        }
        const bool isArray = !absent(v = get(object, "arrayValue", "array_value"));
        if (isArray || !absent(v = get(object, "kvlistValue", "kvlist_value"))) {
            if (depth >= OtlpJsonDecoder::kMaxValueDepth)
                return fail(QStringLiteral("value nested deeper than %1 levels")
                                .arg(OtlpJsonDecoder::kMaxValueDepth));
            FlatJsonValue list;
            if (!this->object(v, list))
                return false;
            const FlatJsonValue values = list.value("values");
            if (isArray) {
                auto *array = out.mutable_array_value();
                return forArray(values, "values", [&](const FlatJsonValue &element) {
                    return decodeAnyValue(element, *array->add_values(), depth + 1);
                });
            }
            auto *kvlist = out.mutable_kvlist_value();
            return forArray(values, "values", [&](const FlatJsonValue &element) {
                return decodeKeyValue(element, *kvlist->add_values(), depth + 1);
            });
        }
        return true; // an empty AnyValue: valid, and unset
    }

    bool decodeKeyValue(const FlatJsonValue &value, common::KeyValue &out, int depth)
    {
        FlatJsonValue object;
        if (!this->object(value, object))
            return false;
        return member(object, "key", nullptr, [&](const FlatJsonValue &v) {
            return readString(v, out.mutable_key());
        }) && member(object, "value", nullptr, [&](const FlatJsonValue &v) {
            return decodeAnyValue(v, *out.mutable_value(), depth);
        });
    }

    template<typename Message>
    bool decodeAttributes(const FlatJsonValue &object, const char *camel, const char *snake, Message &message)
    {
        return forArray(get(object, camel, snake), camel,
            [&](const FlatJsonValue &v) { return decodeKeyValue(v, *message.add_attributes(), 0); });
    }

    bool decodeCount(const FlatJsonValue &object, const char *camel, const char *snake, uint32_t &out)
    {
        return member(object, camel, snake, [&](const FlatJsonValue &v) {
            quint64 number = 0;
            const bool ok = readUnsigned(v, std::numeric_limits<uint32_t>::max(), number);
            out = uint32_t(number);
            return ok;
        });
    }

    bool decodeScope(const FlatJsonValue &value, common::InstrumentationScope &out)
    {
        FlatJsonValue object;
        uint32_t dropped = 0;
        const bool ok = this->object(value, object)
            && member(object, "name", nullptr,
                [&](const FlatJsonValue &v) { return readString(v, out.mutable_name()); })
            && member(object, "version", nullptr,
                [&](const FlatJsonValue &v) { return readString(v, out.mutable_version()); })
            && decodeAttributes(object, "attributes", nullptr, out)
            && decodeCount(object, "droppedAttributesCount", "dropped_attributes_count", dropped);
        out.set_dropped_attributes_count(dropped);
        return ok;
    }

    bool decodeResourceSpans(const FlatJsonValue &value, trace::ResourceSpans &out)
    {
        FlatJsonValue object;
        if (!this->object(value, object))
            return false;
        const bool resourceOk = member(object, "resource", nullptr, [&](const FlatJsonValue &v) {
            FlatJsonValue resource;
            uint32_t dropped = 0;
            const bool ok = this->object(v, resource)
                && decodeAttributes(resource, "attributes", nullptr, *out.mutable_resource())
                && decodeCount(resource, "droppedAttributesCount", "dropped_attributes_count", dropped);
            out.mutable_resource()->set_dropped_attributes_count(dropped);
            return ok;
        });
        if (!resourceOk || !member(object, "schemaUrl", "schema_url", [&](const FlatJsonValue &v) {
                return readString(v, out.mutable_schema_url());
            }))
            return false;
        // Pre-1.0 exporters wrote instrumentationLibrarySpans; old files still carry it.
        FlatJsonValue scopes = get(object, "scopeSpans", "scope_spans");
        const char *scopesName = "scopeSpans";
        if (absent(scopes)) {
            scopes = get(object, "instrumentationLibrarySpans", "instrumentation_library_spans");
            scopesName = "instrumentationLibrarySpans";
        }
        return forArray(scopes, scopesName,
            [&](const FlatJsonValue &v) { return decodeScopeSpans(v, *out.add_scope_spans()); });
    }

    bool decodeScopeSpans(const FlatJsonValue &value, trace::ScopeSpans &out)
    {
        FlatJsonValue object;
        if (!this->object(value, object))
            return false;
        FlatJsonValue scope = get(object, "scope", nullptr);
        const char *scopeName = "scope";
        if (absent(scope)) {
            scope = get(object, "instrumentationLibrary", "instrumentation_library");
            scopeName = "instrumentationLibrary";
        }
        if (!absent(scope)) {
            Scope path(m_path, scopeName);
            if (!decodeScope(scope, *out.mutable_scope()))
                return false;
        }
        return member(object, "schemaUrl", "schema_url", [&](const FlatJsonValue &v) {
            return readString(v, out.mutable_schema_url());
        }) && forArray(get(object, "spans", nullptr), "spans", [&](const FlatJsonValue &v) {
            decodeSpanIsolated(v, *out.add_spans());
            return true;
        });
    }

    // Decodes one span; what goes wrong inside it marks the span instead of failing the request.
    void decodeSpanIsolated(const FlatJsonValue &value, trace::Span &span)
    {
        m_inSpan = true;
        m_spanPathStart = m_path.size();
        m_spanProblem.clear();
        const bool ok = decodeSpan(value, span);
        m_inSpan = false;
        if (!ok) {
            OtlpSpanIds::markUndecodable(
                span, m_spanProblem.isNull() ? QStringLiteral("undecodable span") : m_spanProblem);
            // Decoding may have stopped before the name; the error message names the span by it.
            const FlatJsonValue name = value.value("name");
            if (name.isString() && span.name().empty())
                span.set_name(name.toUtf8().toStdString());
        }
    }

    bool decodeSpan(const FlatJsonValue &value, trace::Span &out)
    {
        FlatJsonValue object;
        if (!this->object(value, object))
            return false;
        auto id = [&](const char *camel, const char *snake, std::string *target) {
            return member(object, camel, snake, [&](const FlatJsonValue &v) { return readHexId(v, target); });
        };
        auto fixed64 = [&](const char *camel, const char *snake, void (trace::Span::*set)(uint64_t)) {
            return member(object, camel, snake, [&](const FlatJsonValue &v) {
                quint64 number = 0;
                if (!readUnsigned(v, std::numeric_limits<quint64>::max(), number))
                    return false;
                (out.*set)(number);
                return true;
            });
        };
        uint32_t flags = 0;
        uint32_t droppedAttributes = 0;
        uint32_t droppedEvents = 0;
        uint32_t droppedLinks = 0;
        int kind = 0;
        const bool ok = id("traceId", "trace_id", out.mutable_trace_id())
            && id("spanId", "span_id", out.mutable_span_id())
            && id("parentSpanId", "parent_span_id", out.mutable_parent_span_id())
            && member(object, "traceState", "trace_state",
                [&](const FlatJsonValue &v) { return readString(v, out.mutable_trace_state()); })
            && decodeCount(object, "flags", nullptr, flags)
            && member(object, "name", nullptr,
                [&](const FlatJsonValue &v) { return readString(v, out.mutable_name()); })
            && member(object, "kind", nullptr,
                [&](const FlatJsonValue &v) {
                    return readEnum(v,
                        { "SPAN_KIND_UNSPECIFIED", "SPAN_KIND_INTERNAL", "SPAN_KIND_SERVER",
                            "SPAN_KIND_CLIENT", "SPAN_KIND_PRODUCER", "SPAN_KIND_CONSUMER" },
                        kind);
                })
            && fixed64("startTimeUnixNano", "start_time_unix_nano", &trace::Span::set_start_time_unix_nano)
            && fixed64("endTimeUnixNano", "end_time_unix_nano", &trace::Span::set_end_time_unix_nano)
            && decodeAttributes(object, "attributes", nullptr, out)
            && decodeCount(object, "droppedAttributesCount", "dropped_attributes_count", droppedAttributes)
            && forArray(get(object, "events", nullptr), "events",
                [&](const FlatJsonValue &v) { return decodeEvent(v, *out.add_events()); })
            && decodeCount(object, "droppedEventsCount", "dropped_events_count", droppedEvents)
            && forArray(get(object, "links", nullptr), "links",
                [&](const FlatJsonValue &v) { return decodeLink(v, *out.add_links()); })
            && decodeCount(object, "droppedLinksCount", "dropped_links_count", droppedLinks)
            && member(object, "status", nullptr,
                [&](const FlatJsonValue &v) { return decodeStatus(v, *out.mutable_status()); });
        out.set_flags(flags);
        out.set_kind(trace::Span::SpanKind(kind));
        out.set_dropped_attributes_count(droppedAttributes);
        out.set_dropped_events_count(droppedEvents);
        out.set_dropped_links_count(droppedLinks);
        return ok;
    }

    bool decodeEvent(const FlatJsonValue &value, trace::Span::Event &out)
    {
        FlatJsonValue object;
        uint32_t dropped = 0;
        const bool ok = this->object(value, object)
            && member(object, "timeUnixNano", "time_unix_nano",
                [&](const FlatJsonValue &v) {
                    quint64 number = 0;
                    const bool read = readUnsigned(v, std::numeric_limits<quint64>::max(), number);
                    out.set_time_unix_nano(number);
                    return read;
                })
            && member(object, "name", nullptr,
                [&](const FlatJsonValue &v) { return readString(v, out.mutable_name()); })
            && decodeAttributes(object, "attributes", nullptr, out)
            && decodeCount(object, "droppedAttributesCount", "dropped_attributes_count", dropped);
        out.set_dropped_attributes_count(dropped);
        return ok;
    }

    bool decodeLink(const FlatJsonValue &value, trace::Span::Link &out)
    {
        FlatJsonValue object;
        uint32_t dropped = 0;
        uint32_t flags = 0;
        const bool ok = this->object(value, object)
            && member(object, "traceId", "trace_id",
                [&](const FlatJsonValue &v) { return readHexId(v, out.mutable_trace_id()); })
            && member(object, "spanId", "span_id",
                [&](const FlatJsonValue &v) { return readHexId(v, out.mutable_span_id()); })
            && member(object, "traceState", "trace_state",
                [&](const FlatJsonValue &v) { return readString(v, out.mutable_trace_state()); })
            && decodeAttributes(object, "attributes", nullptr, out)
            && decodeCount(object, "droppedAttributesCount", "dropped_attributes_count", dropped)
            && decodeCount(object, "flags", nullptr, flags);
        out.set_dropped_attributes_count(dropped);
        out.set_flags(flags);
        return ok;
    }

    bool decodeStatus(const FlatJsonValue &value, trace::Status &out)
    {
        FlatJsonValue object;
        int code = 0;
        const bool ok = this->object(value, object)
            && member(object, "message", nullptr,
                [&](const FlatJsonValue &v) { return readString(v, out.mutable_message()); })
            && member(object, "code", nullptr, [&](const FlatJsonValue &v) {
                   return readEnum(v, { "STATUS_CODE_UNSET", "STATUS_CODE_OK", "STATUS_CODE_ERROR" }, code);
               });
        out.set_code(trace::Status::StatusCode(code));
        return ok;
    }

    std::vector<PathPart> m_path;
    QByteArray m_scratch; ///< unescaped strings; a view of it lives until the next read
    bool m_inSpan = false;
    size_t m_spanPathStart = 0;
    QString m_spanProblem;
};

} // namespace

bool OtlpJsonDecoder::decodeTraces(QByteArrayView json, Request &request, QString *error)
{
    request.Clear();
    FlatJson document;
    if (!otlpjson::parseFlatDocument(json, document, error))
        return false;
    TraceDecoder decoder;
    if (!decoder.decodeRequest(document.root(), request)) {
        request.Clear();
        if (error)
            *error = QStringLiteral("invalid OTLP JSON trace request: ") + decoder.error;
        return false;
    }
    return true;
}

} // namespace tg
