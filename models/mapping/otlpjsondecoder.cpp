#include "otlpjsondecoder.h"

#include "otlpjsonsupport.h"
#include "otlpspanids.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonValue>

#include <charconv>
#include <cmath>
#include <limits>

namespace tg {

namespace {

using namespace otlpjson;

namespace common = opentelemetry::proto::common::v1;
namespace trace = opentelemetry::proto::trace::v1;
using Request = opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest;

// Walks OTLP/JSON into protobuf messages, keeping the JSON path for error messages. Inside a span
// an error becomes that span's problem instead of the request's.
class TraceDecoder
{
public:
    QString error;

    bool decodeRequest(const QJsonObject &object, Request &request)
    {
        return forArray(field(object, QLatin1String("resourceSpans"), QLatin1String("resource_spans")),
            "resourceSpans", [&](const QJsonValue &value) {
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

    template<typename Each> bool forArray(const QJsonValue &value, const char *name, Each each)
    {
        if (isAbsent(value))
            return true;
        if (!value.isArray()) {
            Scope scope(m_path, name);
            return fail(QStringLiteral("must be an array"));
        }
        const QJsonArray array = value.toArray();
        for (int i = 0; i < array.size(); ++i) {
            Scope scope(m_path, name, i);
            if (!each(array.at(i)))
                return false;
        }
        return true;
    }

    bool object(const QJsonValue &value, QJsonObject &out)
    {
        if (!value.isObject())
            return fail(QStringLiteral("must be an object"));
        out = value.toObject();
        return true;
    }

    template<typename Decode>
    bool member(const QJsonObject &parent, const char *camel, const char *snake, Decode decode)
    {
        const QJsonValue value = field(parent, QLatin1String(camel), QLatin1String(snake));
        if (isAbsent(value))
            return true;
        Scope scope(m_path, camel);
        return decode(value);
    }

    bool readString(const QJsonValue &value, std::string *out)
    {
        if (isAbsent(value))
            return true;
        if (!value.isString())
            return fail(QStringLiteral("must be a string"));
        *out = value.toString().toStdString();
        return true;
    }

    // protobufjs writes 64-bit integers as {"low": int32, "high": int32} when a JS object is
    // serialised as is; Langfuse accepts that form, so do we.
    static std::optional<quint64> longBits(const QJsonValue &value)
    {
        if (!value.isObject())
            return std::nullopt;
        const QJsonObject object = value.toObject();
        const QJsonValue low = object.value(QLatin1String("low"));
        const QJsonValue high = object.value(QLatin1String("high"));
        if (!low.isDouble() || !high.isDouble())
            return std::nullopt;
        return (quint64(quint32(high.toInteger())) << 32) | quint64(quint32(low.toInteger()));
    }

    bool readUnsigned(const QJsonValue &value, quint64 max, quint64 &out)
    {
        out = 0;
        if (isAbsent(value))
            return true;
        if (const auto bits = longBits(value)) {
            out = *bits;
        } else if (value.isDouble()) {
            const qint64 asInteger = value.toInteger(-1);
            if (asInteger >= 0) {
                out = quint64(asInteger);
            } else {
                const double d = value.toDouble();
                if (!(d >= 0 && d < 18446744073709551616.0) || std::floor(d) != d)
                    return fail(QStringLiteral("must be a non-negative integer"));
                out = quint64(d);
            }
        } else if (value.isString()) {
            const QByteArray text = value.toString().toLatin1();
            const auto [ptr, ec] = std::from_chars(text.constData(), text.constData() + text.size(), out);
            if (text.isEmpty() || ec != std::errc() || ptr != text.constData() + text.size())
                return fail(QStringLiteral("\"%1\" is not a non-negative decimal integer")
                                .arg(shortened(value.toString())));
        } else {
            return fail(QStringLiteral("must be an integer or a decimal string"));
        }
        if (out > max)
            return fail(QStringLiteral("%1 is out of range").arg(out));
        return true;
    }

    bool readSigned(const QJsonValue &value, qint64 &out)
    {
        out = 0;
        if (isAbsent(value))
            return true;
        if (const auto bits = longBits(value)) {
            out = qint64(*bits);
            return true;
        }
        if (value.isDouble()) {
            const double d = value.toDouble();
            constexpr qint64 kNotInteger = std::numeric_limits<qint64>::min();
            const qint64 asInteger = value.toInteger(kNotInteger);
            if (asInteger != kNotInteger) {
                out = asInteger;
                return true;
            }
            if (!(d >= -9223372036854775808.0 && d < 9223372036854775808.0) || std::floor(d) != d)
                return fail(QStringLiteral("must be an integer"));
            out = qint64(d);
            return true;
        }
        if (value.isString()) {
            const QByteArray text = value.toString().toLatin1();
            const auto [ptr, ec] = std::from_chars(text.constData(), text.constData() + text.size(), out);
            if (text.isEmpty() || ec != std::errc() || ptr != text.constData() + text.size())
                return fail(
                    QStringLiteral("\"%1\" is not a decimal integer").arg(shortened(value.toString())));
            return true;
        }
        return fail(QStringLiteral("must be an integer or a decimal string"));
    }

    bool readDouble(const QJsonValue &value, double &out)
    {
        if (value.isDouble()) {
            out = value.toDouble();
            return true;
        }
        if (value.isString()) {
            const QString text = value.toString();
            if (text == u"NaN") {
                out = std::numeric_limits<double>::quiet_NaN();
                return true;
            }
            if (text == u"Infinity" || text == u"-Infinity") {
                out = text.startsWith(u'-') ? -std::numeric_limits<double>::infinity()
                                            : std::numeric_limits<double>::infinity();
                return true;
            }
            const QByteArray latin = text.toLatin1();
            const auto [ptr, ec] = std::from_chars(latin.constData(), latin.constData() + latin.size(), out);
            if (!latin.isEmpty() && ec == std::errc() && ptr == latin.constData() + latin.size())
                return true;
        }
        return fail(QStringLiteral("must be a number"));
    }

    // An enum as its number or its name.
    bool readEnum(const QJsonValue &value, std::initializer_list<const char *> names, int &out)
    {
        out = 0;
        if (isAbsent(value))
            return true;
        if (value.isString()) {
            const QString text = value.toString();
            int number = 0;
            for (const char *name : names) {
                if (text == QLatin1String(name)) {
                    out = number;
                    return true;
                }
                ++number;
            }
            bool ok = false;
            out = text.toInt(&ok);
            if (ok)
                return true;
            return fail(QStringLiteral("unknown enum value \"%1\"").arg(shortened(text)));
        }
        qint64 number = 0;
        if (!readSigned(value, number))
            return false;
        if (number < std::numeric_limits<int>::min() || number > std::numeric_limits<int>::max())
            return fail(QStringLiteral("%1 is out of range").arg(number));
        out = int(number);
        return true;
    }

    bool readHexId(const QJsonValue &value, std::string *out)
    {
        out->clear();
        if (isAbsent(value))
            return true;
        if (!value.isString())
            return fail(QStringLiteral("must be a hex string"));
        const QString text = value.toString();
        const bool hex = text.size() % 2 == 0 && std::all_of(text.begin(), text.end(), [](QChar c) {
            return (c >= u'0' && c <= u'9') || (c >= u'a' && c <= u'f') || (c >= u'A' && c <= u'F');
        });
        if (!hex)
            return fail(QStringLiteral("\"%1\" is not hex").arg(shortened(text)));
        *out = QByteArray::fromHex(text.toLatin1()).toStdString();
        return true;
    }

    bool decodeAnyValue(const QJsonValue &value, common::AnyValue &out, int depth)
    {
        if (isAbsent(value))
            return true;
        QJsonObject object;
        if (!this->object(value, object))
            return false;
        QJsonValue v;
        if (!isAbsent(v = field(object, QLatin1String("stringValue"), QLatin1String("string_value"))))
            return readString(v, out.mutable_string_value());
        if (!isAbsent(v = field(object, QLatin1String("boolValue"), QLatin1String("bool_value")))) {
            if (!v.isBool())
                return fail(QStringLiteral("boolValue must be true or false"));
            out.set_bool_value(v.toBool());
            return true;
        }
        if (!isAbsent(v = field(object, QLatin1String("intValue"), QLatin1String("int_value")))) {
            qint64 number = 0;
            if (!readSigned(v, number))
                return false;
            out.set_int_value(number);
            return true;
        }
        if (!isAbsent(v = field(object, QLatin1String("doubleValue"), QLatin1String("double_value")))) {
            double number = 0;
            if (!readDouble(v, number))
                return false;
            out.set_double_value(number);
            return true;
        }
        if (!isAbsent(v = field(object, QLatin1String("bytesValue"), QLatin1String("bytes_value")))) {
            if (!v.isString())
                return fail(QStringLiteral("bytesValue must be a base64 string"));
            const QByteArray text = v.toString().toLatin1();
            auto decoded = QByteArray::fromBase64Encoding(text, QByteArray::AbortOnBase64DecodingErrors);
            if (!decoded)
                decoded = QByteArray::fromBase64Encoding(
                    text, QByteArray::Base64UrlEncoding | QByteArray::AbortOnBase64DecodingErrors);
            if (!decoded)
                return fail(QStringLiteral("bytesValue is not base64"));
            out.set_bytes_value(decoded.decoded.toStdString());
            return true;
        }
        const bool isArray
            = !isAbsent(v = field(object, QLatin1String("arrayValue"), QLatin1String("array_value")));
        if (isArray
            || !isAbsent(v = field(object, QLatin1String("kvlistValue"), QLatin1String("kvlist_value")))) {
            if (depth >= OtlpJsonDecoder::kMaxValueDepth)
                return fail(QStringLiteral("value nested deeper than %1 levels")
                                .arg(OtlpJsonDecoder::kMaxValueDepth));
            QJsonObject list;
            if (!this->object(v, list))
                return false;
            const QJsonValue values = list.value(QLatin1String("values"));
            if (isArray) {
                auto *array = out.mutable_array_value();
                return forArray(values, "values", [&](const QJsonValue &element) {
                    return decodeAnyValue(element, *array->add_values(), depth + 1);
                });
            }
            auto *kvlist = out.mutable_kvlist_value();
            return forArray(values, "values", [&](const QJsonValue &element) {
                return decodeKeyValue(element, *kvlist->add_values(), depth + 1);
            });
        }
        return true; // an empty AnyValue: valid, and unset
    }

    bool decodeKeyValue(const QJsonValue &value, common::KeyValue &out, int depth)
    {
        QJsonObject object;
        if (!this->object(value, object))
            return false;
        return member(object, "key", nullptr, [&](const QJsonValue &v) {
            return readString(v, out.mutable_key());
        }) && member(object, "value", nullptr, [&](const QJsonValue &v) {
            return decodeAnyValue(v, *out.mutable_value(), depth);
        });
    }

    template<typename Message>
    bool decodeAttributes(const QJsonObject &object, const char *camel, const char *snake, Message &message)
    {
        return forArray(field(object, QLatin1String(camel), QLatin1String(snake)), camel,
            [&](const QJsonValue &v) { return decodeKeyValue(v, *message.add_attributes(), 0); });
    }

    bool decodeCount(const QJsonObject &object, const char *camel, const char *snake, uint32_t &out)
    {
        return member(object, camel, snake, [&](const QJsonValue &v) {
            quint64 number = 0;
            const bool ok = readUnsigned(v, std::numeric_limits<uint32_t>::max(), number);
            out = uint32_t(number);
            return ok;
        });
    }

    bool decodeScope(const QJsonValue &value, common::InstrumentationScope &out)
    {
        QJsonObject object;
        uint32_t dropped = 0;
        const bool ok = this->object(value, object)
            && member(object, "name", nullptr,
                [&](const QJsonValue &v) { return readString(v, out.mutable_name()); })
            && member(object, "version", nullptr,
                [&](const QJsonValue &v) { return readString(v, out.mutable_version()); })
            && decodeAttributes(object, "attributes", nullptr, out)
            && decodeCount(object, "droppedAttributesCount", "dropped_attributes_count", dropped);
        out.set_dropped_attributes_count(dropped);
        return ok;
    }

    bool decodeResourceSpans(const QJsonValue &value, trace::ResourceSpans &out)
    {
        QJsonObject object;
        if (!this->object(value, object))
            return false;
        const bool resourceOk = member(object, "resource", nullptr, [&](const QJsonValue &v) {
            QJsonObject resource;
            uint32_t dropped = 0;
            const bool ok = this->object(v, resource)
                && decodeAttributes(resource, "attributes", nullptr, *out.mutable_resource())
                && decodeCount(resource, "droppedAttributesCount", "dropped_attributes_count", dropped);
            out.mutable_resource()->set_dropped_attributes_count(dropped);
            return ok;
        });
        if (!resourceOk || !member(object, "schemaUrl", "schema_url", [&](const QJsonValue &v) {
                return readString(v, out.mutable_schema_url());
            }))
            return false;
        // Pre-1.0 exporters wrote instrumentationLibrarySpans; old files still carry it.
        QJsonValue scopes = field(object, QLatin1String("scopeSpans"), QLatin1String("scope_spans"));
        const char *scopesName = "scopeSpans";
        if (isAbsent(scopes)) {
            scopes = field(object, QLatin1String("instrumentationLibrarySpans"),
                QLatin1String("instrumentation_library_spans"));
            scopesName = "instrumentationLibrarySpans";
        }
        return forArray(scopes, scopesName,
            [&](const QJsonValue &v) { return decodeScopeSpans(v, *out.add_scope_spans()); });
    }

    bool decodeScopeSpans(const QJsonValue &value, trace::ScopeSpans &out)
    {
        QJsonObject object;
        if (!this->object(value, object))
            return false;
        QJsonValue scope = field(object, QLatin1String("scope"));
        const char *scopeName = "scope";
        if (isAbsent(scope)) {
            scope = field(
                object, QLatin1String("instrumentationLibrary"), QLatin1String("instrumentation_library"));
            scopeName = "instrumentationLibrary";
        }
        if (!isAbsent(scope)) {
            Scope path(m_path, scopeName);
            if (!decodeScope(scope, *out.mutable_scope()))
                return false;
        }
        return member(object, "schemaUrl", "schema_url", [&](const QJsonValue &v) {
            return readString(v, out.mutable_schema_url());
        }) && forArray(field(object, QLatin1String("spans")), "spans", [&](const QJsonValue &v) {
            decodeSpanIsolated(v, *out.add_spans());
            return true;
        });
    }

    // Decodes one span; what goes wrong inside it marks the span instead of failing the request.
    void decodeSpanIsolated(const QJsonValue &value, trace::Span &span)
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
            const QJsonValue name
                = value.isObject() ? value.toObject().value(QLatin1String("name")) : QJsonValue();
            if (name.isString() && span.name().empty())
                span.set_name(name.toString().toStdString());
        }
    }

    bool decodeSpan(const QJsonValue &value, trace::Span &out)
    {
        QJsonObject object;
        if (!this->object(value, object))
            return false;
        auto id = [&](const char *camel, const char *snake, std::string *target) {
            return member(object, camel, snake, [&](const QJsonValue &v) { return readHexId(v, target); });
        };
        auto fixed64 = [&](const char *camel, const char *snake, void (trace::Span::*set)(uint64_t)) {
            return member(object, camel, snake, [&](const QJsonValue &v) {
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
                [&](const QJsonValue &v) { return readString(v, out.mutable_trace_state()); })
            && decodeCount(object, "flags", nullptr, flags)
            && member(object, "name", nullptr,
                [&](const QJsonValue &v) { return readString(v, out.mutable_name()); })
            && member(object, "kind", nullptr,
                [&](const QJsonValue &v) {
                    return readEnum(v,
                        { "SPAN_KIND_UNSPECIFIED", "SPAN_KIND_INTERNAL", "SPAN_KIND_SERVER",
                            "SPAN_KIND_CLIENT", "SPAN_KIND_PRODUCER", "SPAN_KIND_CONSUMER" },
                        kind);
                })
            && fixed64("startTimeUnixNano", "start_time_unix_nano", &trace::Span::set_start_time_unix_nano)
            && fixed64("endTimeUnixNano", "end_time_unix_nano", &trace::Span::set_end_time_unix_nano)
            && decodeAttributes(object, "attributes", nullptr, out)
            && decodeCount(object, "droppedAttributesCount", "dropped_attributes_count", droppedAttributes)
            && forArray(field(object, QLatin1String("events")), "events",
                [&](const QJsonValue &v) { return decodeEvent(v, *out.add_events()); })
            && decodeCount(object, "droppedEventsCount", "dropped_events_count", droppedEvents)
            && forArray(field(object, QLatin1String("links")), "links",
                [&](const QJsonValue &v) { return decodeLink(v, *out.add_links()); })
            && decodeCount(object, "droppedLinksCount", "dropped_links_count", droppedLinks)
            && member(object, "status", nullptr,
                [&](const QJsonValue &v) { return decodeStatus(v, *out.mutable_status()); });
        out.set_flags(flags);
        out.set_kind(trace::Span::SpanKind(kind));
        out.set_dropped_attributes_count(droppedAttributes);
        out.set_dropped_events_count(droppedEvents);
        out.set_dropped_links_count(droppedLinks);
        return ok;
    }

    bool decodeEvent(const QJsonValue &value, trace::Span::Event &out)
    {
        QJsonObject object;
        uint32_t dropped = 0;
        const bool ok = this->object(value, object)
            && member(object, "timeUnixNano", "time_unix_nano",
                [&](const QJsonValue &v) {
                    quint64 number = 0;
                    const bool read = readUnsigned(v, std::numeric_limits<quint64>::max(), number);
                    out.set_time_unix_nano(number);
                    return read;
                })
            && member(object, "name", nullptr,
                [&](const QJsonValue &v) { return readString(v, out.mutable_name()); })
            && decodeAttributes(object, "attributes", nullptr, out)
            && decodeCount(object, "droppedAttributesCount", "dropped_attributes_count", dropped);
        out.set_dropped_attributes_count(dropped);
        return ok;
    }

    bool decodeLink(const QJsonValue &value, trace::Span::Link &out)
    {
        QJsonObject object;
        uint32_t dropped = 0;
        uint32_t flags = 0;
        const bool ok = this->object(value, object)
            && member(object, "traceId", "trace_id",
                [&](const QJsonValue &v) { return readHexId(v, out.mutable_trace_id()); })
            && member(object, "spanId", "span_id",
                [&](const QJsonValue &v) { return readHexId(v, out.mutable_span_id()); })
            && member(object, "traceState", "trace_state",
                [&](const QJsonValue &v) { return readString(v, out.mutable_trace_state()); })
            && decodeAttributes(object, "attributes", nullptr, out)
            && decodeCount(object, "droppedAttributesCount", "dropped_attributes_count", dropped)
            && decodeCount(object, "flags", nullptr, flags);
        out.set_dropped_attributes_count(dropped);
        out.set_flags(flags);
        return ok;
    }

    bool decodeStatus(const QJsonValue &value, trace::Status &out)
    {
        QJsonObject object;
        int code = 0;
        const bool ok = this->object(value, object)
            && member(object, "message", nullptr,
                [&](const QJsonValue &v) { return readString(v, out.mutable_message()); })
            && member(object, "code", nullptr, [&](const QJsonValue &v) {
                   return readEnum(v, { "STATUS_CODE_UNSET", "STATUS_CODE_OK", "STATUS_CODE_ERROR" }, code);
               });
        out.set_code(trace::Status::StatusCode(code));
        return ok;
    }

    std::vector<PathPart> m_path;
    bool m_inSpan = false;
    size_t m_spanPathStart = 0;
    QString m_spanProblem;
};

} // namespace

bool OtlpJsonDecoder::decodeTraces(QByteArrayView json, Request &request, QString *error)
{
    request.Clear();
    const auto object = parseDocument(json, error);
    if (!object)
        return false;
    TraceDecoder decoder;
    if (!decoder.decodeRequest(*object, request)) {
        request.Clear();
        if (error)
            *error = QStringLiteral("invalid OTLP JSON trace request: ") + decoder.error;
        return false;
    }
    return true;
}

} // namespace tg
