#include "otlpwire.h"

#include "utf8.h"

#include <cstring>

namespace tg::otlpwire {

namespace {

/// Reads a varint of at most `maxBytes` bytes; libprotobuf allows 5 for tags and sizes, 10 for
/// values, and ignores the overflow bits of the last byte.
bool readVarint(const char *&p, const char *end, int maxBytes, uint64_t &value)
{
    uint64_t result = 0;
    for (int i = 0; i < maxBytes; ++i) {
        if (p >= end)
            return false;
        const auto byte = static_cast<uint8_t>(*p++);
        result |= uint64_t(byte & 0x7f) << (7 * i);
        if (!(byte & 0x80)) {
            value = result;
            return true;
        }
    }
    return false;
}

/// A tag: a varint of at most 5 bytes, as 32 bits, field number not 0.
bool readTag(const char *&p, const char *end, uint32_t &number, uint8_t &wireType)
{
    uint64_t tag = 0;
    if (!readVarint(p, end, 5, tag))
        return false;
    number = uint32_t(tag) >> 3;
    wireType = uint8_t(tag & 7);
    return number != 0;
}

/// A length prefix: at most 5 bytes, below 2^31, and within the bytes left.
bool readLength(const char *&p, const char *end, std::string_view &bytes)
{
    uint64_t size = 0;
    if (!readVarint(p, end, 5, size) || size > uint64_t(end - p) || size >= (uint64_t(1) << 31))
        return false;
    bytes = std::string_view(p, size_t(size));
    p += size;
    return true;
}

bool skipFixed(const char *&p, const char *end, size_t size, uint64_t &value)
{
    if (size_t(end - p) < size)
        return false;
    value = 0;
    std::memcpy(&value, p, size); // little-endian on every platform the app builds for
    p += size;
    return true;
}

/// Reads the value of a varint (wire type 0), fixed64 (1) or fixed32 (5) field; false for
/// other wire types and malformed bytes.
bool readScalar(const char *&p, const char *end, uint8_t wireType, uint64_t &value)
{
    switch (wireType) {
    case 0:
        return readVarint(p, end, 10, value);
    case 1:
        return skipFixed(p, end, 8, value);
    case 5:
        return skipFixed(p, end, 4, value);
    default:
        return false;
    }
}

/// Skips the rest of a group up to its end tag (number `number`); false on malformed bytes or
/// groups nested past the parse limit.
bool skipGroup(const char *&p, const char *end, uint32_t number, int depth)
{
    if (depth > kMaxMessageDepth)
        return false;
    for (;;) {
        uint32_t inner = 0;
        uint8_t wireType = 0;
        if (!readTag(p, end, inner, wireType))
            return false;
        uint64_t value = 0;
        std::string_view bytes;
        switch (wireType) {
        case 2:
            if (!readLength(p, end, bytes))
                return false;
            break;
        case 3:
            if (!skipGroup(p, end, inner, depth + 1))
                return false;
            break;
        case 4:
            return inner == number;
        default:
            if (!readScalar(p, end, wireType, value))
                return false;
            break;
        }
    }
}

} // namespace

bool FieldReader::next(Field &field)
{
    while (m_ok && m_p < m_end) {
        if (!readTag(m_p, m_end, field.number, field.wireType)) {
            m_ok = false;
            return false;
        }
        switch (field.wireType) {
        case 2:
            m_ok = readLength(m_p, m_end, field.bytes);
            return m_ok;
        case 3:
            m_ok = skipGroup(m_p, m_end, field.number, 1);
            continue;
        default:
            m_ok = readScalar(m_p, m_end, field.wireType, field.number64);
            return m_ok;
        }
    }
    return false;
}

double AnyValue::double_value() const
{
    if (m_case != kDoubleValue)
        return 0;
    double value = 0;
    std::memcpy(&value, &m_scalar, sizeof value);
    return value;
}

AnyValue AnyValue::decode(std::string_view bytes)
{
    AnyValue value;
    FieldReader reader(bytes);
    Field field;
    while (reader.next(field)) {
        switch (field.number) {
        case kStringValue:
        case kArrayValue:
        case kKvlistValue:
        case kBytesValue:
            if (field.wireType == 2) {
                value.m_case = ValueCase(field.number);
                value.m_bytes = field.bytes;
            }
            break;
        case kBoolValue:
        case kIntValue:
            if (field.wireType == 0) {
                value.m_case = ValueCase(field.number);
                value.m_scalar = field.number64;
            }
            break;
        case kDoubleValue:
            if (field.wireType == 1) {
                value.m_case = kDoubleValue;
                value.m_scalar = field.number64;
            }
            break;
        default:
            break;
        }
    }
    return value;
}

KeyValue KeyValue::decode(std::string_view bytes)
{
    KeyValue kv;
    FieldReader reader(bytes);
    Field field;
    while (reader.next(field)) {
        if (field.wireType != 2)
            continue;
        if (field.number == 1) {
            kv.m_key = field.bytes;
        } else if (field.number == 2) {
            const AnyValue value = AnyValue::decode(field.bytes);
            // A second `value` merges into the first: only a set member replaces it.
            if (value.value_case() != AnyValue::VALUE_NOT_SET
                || kv.m_value.value_case() == AnyValue::VALUE_NOT_SET)
                kv.m_value = value;
        }
    }
    return kv;
}

InstrumentationScope InstrumentationScope::decodeInto(InstrumentationScope scope, std::string_view bytes)
{
    FieldReader reader(bytes);
    Field field;
    while (reader.next(field)) {
        if (field.wireType != 2)
            continue;
        if (field.number == 1)
            scope.name = field.bytes;
        else if (field.number == 2)
            scope.version = field.bytes;
    }
    scope.attributes = KeyValues(bytes, 3);
    return scope;
}

Event Event::decode(std::string_view bytes)
{
    Event event;
    FieldReader reader(bytes);
    Field field;
    while (reader.next(field)) {
        if (field.number == 1 && field.wireType == 1)
            event.time_unix_nano = field.number64;
        else if (field.number == 2 && field.wireType == 2)
            event.name = field.bytes;
    }
    event.attributes = KeyValues(bytes, 3);
    return event;
}

namespace {

void decodeStatusInto(Status &status, std::string_view bytes)
{
    FieldReader reader(bytes);
    Field field;
    while (reader.next(field)) {
        if (field.number == 2 && field.wireType == 2)
            status.message = field.bytes;
        else if (field.number == 3 && field.wireType == 0)
            status.code = int32_t(field.number64);
    }
}

/// Unknown-field number of OtlpSpanIds' decode mark.
constexpr uint32_t kDecodeMarkField = 1000001;

} // namespace

Span Span::decode(std::string_view bytes)
{
    Span span;
    FieldReader reader(bytes);
    Field field;
    while (reader.next(field)) {
        if (field.wireType == 2) {
            switch (field.number) {
            case 1:
                span.trace_id = field.bytes;
                break;
            case 2:
                span.span_id = field.bytes;
                break;
            case 4:
                span.parent_span_id = field.bytes;
                break;
            case 5:
                span.name = field.bytes;
                break;
            case 15:
                decodeStatusInto(span.status, field.bytes);
                break;
            case kDecodeMarkField:
                span.decodeMark = field.bytes;
                break;
            default:
                break;
            }
        } else if (field.wireType == 0 && field.number == 6) {
            span.kind = int32_t(field.number64);
        } else if (field.wireType == 1 && field.number == 7) {
            span.start_time_unix_nano = field.number64;
        } else if (field.wireType == 1 && field.number == 8) {
            span.end_time_unix_nano = field.number64;
        }
    }
    span.attributes = KeyValues(bytes, 9);
    span.events = Repeated<Event>(bytes, 11);
    return span;
}

ScopeSpans ScopeSpans::decode(std::string_view bytes)
{
    ScopeSpans scopeSpans;
    FieldReader reader(bytes);
    Field field;
    while (reader.next(field)) {
        if (field.number == 1 && field.wireType == 2)
            scopeSpans.scope = InstrumentationScope::decodeInto(scopeSpans.scope, field.bytes);
    }
    scopeSpans.spans = Repeated<Span>(bytes, 2);
    return scopeSpans;
}

ResourceSpans ResourceSpans::decode(std::string_view bytes)
{
    ResourceSpans resourceSpans;
    FieldReader reader(bytes);
    Field field;
    while (reader.next(field)) {
        if (field.number == 1 && field.wireType == 2)
            resourceSpans.resource.attributes = KeyValues(field.bytes, 1);
    }
    resourceSpans.scope_spans = Repeated<ScopeSpans>(bytes, 2);
    return resourceSpans;
}

// ---------------------------------------------------------------------------------------------
// Validation

namespace {

enum class Kind : uint8_t {
    None, ///< unknown: fields are only checked for structure
    Request,
    ResourceSpans,
    Resource,
    ScopeSpans,
    Scope,
    Span,
    Event,
    Link,
    Status,
    KeyValue,
    AnyValue,
    ArrayValue,
    KeyValueList,
    Count,
};

/// What a length-delimited field of a known message holds: a message of kind `message`, a
/// string (named for errors), or anything (bytes, unknown fields).
struct FieldRule
{
    Kind message = Kind::None;
    const char *stringName = nullptr;
};

/// The length-delimited fields of each OTLP trace message, by field number (none is above 15).
struct RuleTable
{
    static constexpr uint32_t kMaxField = 15;
    FieldRule rules[int(Kind::Count)][kMaxField + 1] {};

    constexpr RuleTable()
    {
        auto message
            = [this](Kind kind, uint32_t number, Kind inner) { rules[int(kind)][number].message = inner; };
        auto text = [this](Kind kind, uint32_t number, const char *name) {
            rules[int(kind)][number].stringName = name;
        };
        message(Kind::Request, 1, Kind::ResourceSpans);
        message(Kind::ResourceSpans, 1, Kind::Resource);
        message(Kind::ResourceSpans, 2, Kind::ScopeSpans);
        text(Kind::ResourceSpans, 3, "opentelemetry.proto.trace.v1.ResourceSpans.schema_url");
        message(Kind::Resource, 1, Kind::KeyValue);
        message(Kind::ScopeSpans, 1, Kind::Scope);
        message(Kind::ScopeSpans, 2, Kind::Span);
        text(Kind::ScopeSpans, 3, "opentelemetry.proto.trace.v1.ScopeSpans.schema_url");
        text(Kind::Scope, 1, "opentelemetry.proto.common.v1.InstrumentationScope.name");
        text(Kind::Scope, 2, "opentelemetry.proto.common.v1.InstrumentationScope.version");
        message(Kind::Scope, 3, Kind::KeyValue);
        text(Kind::Span, 3, "opentelemetry.proto.trace.v1.Span.trace_state");
        text(Kind::Span, 5, "opentelemetry.proto.trace.v1.Span.name");
        message(Kind::Span, 9, Kind::KeyValue);
        message(Kind::Span, 11, Kind::Event);
        message(Kind::Span, 13, Kind::Link);
        message(Kind::Span, 15, Kind::Status);
        text(Kind::Event, 2, "opentelemetry.proto.trace.v1.Span.Event.name");
        message(Kind::Event, 3, Kind::KeyValue);
        text(Kind::Link, 3, "opentelemetry.proto.trace.v1.Span.Link.trace_state");
        message(Kind::Link, 4, Kind::KeyValue);
        text(Kind::Status, 2, "opentelemetry.proto.trace.v1.Status.message");
        text(Kind::KeyValue, 1, "opentelemetry.proto.common.v1.KeyValue.key");
        message(Kind::KeyValue, 2, Kind::AnyValue);
        text(Kind::AnyValue, 1, "opentelemetry.proto.common.v1.AnyValue.string_value");
        message(Kind::AnyValue, 5, Kind::ArrayValue);
        message(Kind::AnyValue, 6, Kind::KeyValueList);
        message(Kind::ArrayValue, 1, Kind::AnyValue);
        message(Kind::KeyValueList, 1, Kind::KeyValue);
    }
};

constexpr RuleTable kRuleTable;

FieldRule ruleFor(Kind kind, uint32_t number)
{
    return number <= RuleTable::kMaxField ? kRuleTable.rules[int(kind)][number] : FieldRule {};
}

class Validator
{
public:
    QString problem;

    /// The fields of one message of `kind` up to `end`, or up to the end tag of group
    /// `groupNumber` when that is not 0.
    bool fields(const char *&p, const char *end, Kind kind, int depth, uint32_t groupNumber)
    {
        while (p < end) {
            uint32_t number = 0;
            uint8_t wireType = 0;
            if (!readTag(p, end, number, wireType))
                return false;
            uint64_t value = 0;
            switch (wireType) {
            case 2: {
                std::string_view bytes;
                if (!readLength(p, end, bytes))
                    return false;
                const FieldRule rule = ruleFor(kind, number);
                if (rule.stringName && !isValidUtf8(bytes)) {
                    problem = QStringLiteral("string field '%1' contains invalid UTF-8")
                                  .arg(QLatin1StringView(rule.stringName));
                    return false;
                }
                if (rule.message != Kind::None) {
                    if (!enter(depth))
                        return false;
                    const char *inner = bytes.data();
                    if (!fields(inner, bytes.data() + bytes.size(), rule.message, depth + 1, 0))
                        return false;
                }
                break;
            }
            case 3:
                if (!enter(depth) || !fields(p, end, Kind::None, depth + 1, number))
                    return false;
                break;
            case 4:
                return groupNumber != 0 && number == groupNumber;
            default:
                if (!readScalar(p, end, wireType, value))
                    return false;
                break;
            }
        }
        return groupNumber == 0; // a group must end with its end tag
    }

private:
    bool enter(int depth)
    {
        if (depth + 1 <= kMaxMessageDepth)
            return true;
        problem = QStringLiteral("messages nested deeper than %1 levels").arg(kMaxMessageDepth);
        return false;
    }
};

} // namespace

bool validateTraceRequest(std::string_view bytes, QString *error)
{
    Validator validator;
    const char *p = bytes.data();
    if (validator.fields(p, bytes.data() + bytes.size(), Kind::Request, 0, 0))
        return true;
    if (error) {
        *error = QStringLiteral("invalid OTLP protobuf ExportTraceServiceRequest (%1 bytes): %2")
                     .arg(bytes.size())
                     .arg(validator.problem.isEmpty() ? QStringLiteral("truncated or malformed message")
                                                      : validator.problem);
    }
    return false;
}

} // namespace tg::otlpwire
