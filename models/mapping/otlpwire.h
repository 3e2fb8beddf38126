#pragma once

#include <QString>

#include <cstdint>
#include <limits>
#include <string_view>

/// Zero-copy views of OTLP trace messages in protobuf wire format. The receiver maps spans
/// straight from the request body: no message objects, no copies of strings (parsing into
/// libprotobuf's classes allocated every attribute key and value, and freed them again).
///
/// validateTraceRequest() checks a body the way libprotobuf's parser does (structure, UTF-8 of
/// string fields, nesting); the views then trust bytes that passed it and never fail. They
/// mirror the accessors of the generated classes, with std::string_view for strings.
///
/// One difference from libprotobuf: a singular message field given more than once (two
/// `resource` fields, say) is merged by libprotobuf; here its scalar fields merge the same way
/// but repeated fields (attributes) come from the last occurrence. No exporter writes that.
namespace tg::otlpwire {

/// One field of a message as it appears on the wire.
struct Field
{
    uint32_t number = 0;
    uint8_t wireType = 0; ///< 0 varint, 1 fixed64, 2 length-delimited, 5 fixed32 (groups skipped)
    uint64_t number64 = 0; ///< the varint or fixed value
    std::string_view bytes; ///< a length-delimited field's content
};

/// Walks the fields of one message. On bytes that did not pass validation it stops at the first
/// malformed field; it never reads out of bounds.
class FieldReader
{
public:
    explicit FieldReader(std::string_view message)
        : m_p(message.data())
        , m_end(message.data() + message.size())
    {
    }
    /// The next field, skipping groups; false at the end or on malformed bytes.
    bool next(Field &field);

private:
    const char *m_p;
    const char *m_end;
    bool m_ok = true;
};

/// The elements of a repeated message field: every occurrence of field `number` in a message,
/// decoded one at a time while iterating.
template<typename T> class Repeated
{
public:
    Repeated() = default;
    Repeated(std::string_view message, uint32_t number)
        : m_message(message)
        , m_number(number)
    {
    }

    class iterator
    {
    public:
        iterator() = default;
        iterator(std::string_view message, uint32_t number)
            : m_reader(message)
            , m_number(number)
            , m_done(false)
        {
            advance();
        }
        const T &operator*() const { return m_current; }
        const T *operator->() const { return &m_current; }
        iterator &operator++()
        {
            advance();
            return *this;
        }
        bool operator==(const iterator &other) const { return m_done && other.m_done; }
        bool operator!=(const iterator &other) const { return !(*this == other); }

    private:
        void advance()
        {
            Field field;
            while (m_reader.next(field)) {
                if (field.number == m_number && field.wireType == 2) {
                    m_current = T::decode(field.bytes);
                    return;
                }
            }
            m_done = true;
        }

        FieldReader m_reader { std::string_view() };
        uint32_t m_number = 0;
        bool m_done = true;
        T m_current;
    };

    iterator begin() const { return m_number ? iterator(m_message, m_number) : iterator(); }
    iterator end() const { return iterator(); }
    bool empty() const { return count(1) == 0; }
    /// Counts the elements (a pass over the message, decoding none of them).
    int size() const { return count(std::numeric_limits<int>::max()); }

private:
    int count(int enough) const
    {
        int found = 0;
        FieldReader reader(m_message);
        Field field;
        while (found < enough && reader.next(field)) {
            if (field.number == m_number && field.wireType == 2)
                ++found;
        }
        return found;
    }

    std::string_view m_message;
    uint32_t m_number = 0;
};

class AnyValue;
class KeyValue;

/// A message whose only field is `repeated T values = 1`: ArrayValue (of AnyValue) and
/// KeyValueList (of KeyValue).
template<typename T> class ValueList
{
public:
    ValueList() = default;
    explicit ValueList(std::string_view raw)
        : m_raw(raw)
    {
    }
    Repeated<T> values() const { return { m_raw, 1 }; }
    int values_size() const { return values().size(); }
    bool empty() const { return values().empty(); }

private:
    std::string_view m_raw;
};

/// opentelemetry.proto.common.v1.ArrayValue
using ArrayValue = ValueList<AnyValue>;
/// opentelemetry.proto.common.v1.KeyValueList
using KeyValueList = ValueList<KeyValue>;

/// opentelemetry.proto.common.v1.AnyValue: the last member of the oneof given wins.
class AnyValue
{
public:
    enum ValueCase {
        VALUE_NOT_SET = 0,
        kStringValue = 1,
        kBoolValue = 2,
        kIntValue = 3,
        kDoubleValue = 4,
        kArrayValue = 5,
        kKvlistValue = 6,
        kBytesValue = 7,
    };

    static AnyValue decode(std::string_view bytes);

    ValueCase value_case() const { return m_case; }
    std::string_view string_value() const { return m_case == kStringValue ? m_bytes : std::string_view(); }
    std::string_view bytes_value() const { return m_case == kBytesValue ? m_bytes : std::string_view(); }
    bool bool_value() const { return m_case == kBoolValue && m_scalar != 0; }
    int64_t int_value() const { return m_case == kIntValue ? int64_t(m_scalar) : 0; }
    double double_value() const;
    ArrayValue array_value() const
    {
        return ArrayValue(m_case == kArrayValue ? m_bytes : std::string_view());
    }
    KeyValueList kvlist_value() const
    {
        return KeyValueList(m_case == kKvlistValue ? m_bytes : std::string_view());
    }

private:
    ValueCase m_case = VALUE_NOT_SET;
    uint64_t m_scalar = 0;
    std::string_view m_bytes;
};

/// opentelemetry.proto.common.v1.KeyValue
class KeyValue
{
public:
    static KeyValue decode(std::string_view bytes);
    std::string_view key() const { return m_key; }
    const AnyValue &value() const { return m_value; }

private:
    std::string_view m_key;
    AnyValue m_value;
};

using KeyValues = Repeated<KeyValue>;

/// opentelemetry.proto.common.v1.InstrumentationScope
struct InstrumentationScope
{
    std::string_view name;
    std::string_view version;
    KeyValues attributes;

    /// `scope` with the fields of `bytes` applied (a scope given twice merges).
    static InstrumentationScope decodeInto(InstrumentationScope scope, std::string_view bytes);
};

/// opentelemetry.proto.resource.v1.Resource
struct Resource
{
    KeyValues attributes;
};

/// opentelemetry.proto.trace.v1.Status
struct Status
{
    enum StatusCode { STATUS_CODE_UNSET = 0, STATUS_CODE_OK = 1, STATUS_CODE_ERROR = 2 };
    std::string_view message;
    int32_t code = 0;
};

/// opentelemetry.proto.trace.v1.Span.Event
struct Event
{
    uint64_t time_unix_nano = 0;
    std::string_view name;
    KeyValues attributes;

    static Event decode(std::string_view bytes);
};

/// opentelemetry.proto.trace.v1.Span (links are not read: Langfuse does not map them).
struct Span
{
    std::string_view trace_id;
    std::string_view span_id;
    std::string_view parent_span_id;
    std::string_view name;
    int32_t kind = 0;
    uint64_t start_time_unix_nano = 0;
    uint64_t end_time_unix_nano = 0;
    KeyValues attributes;
    Repeated<Event> events;
    Status status;
    /// The OTLP/JSON decoder's mark on a span whose ids it could not decode (OtlpSpanIds).
    std::string_view decodeMark;

    static Span decode(std::string_view bytes);
};

/// opentelemetry.proto.trace.v1.ScopeSpans
struct ScopeSpans
{
    InstrumentationScope scope;
    Repeated<Span> spans;

    static ScopeSpans decode(std::string_view bytes);
};

/// opentelemetry.proto.trace.v1.ResourceSpans
struct ResourceSpans
{
    Resource resource;
    Repeated<ScopeSpans> scope_spans;

    static ResourceSpans decode(std::string_view bytes);
};

/// opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest (or TracesData: the same
/// field 1). Only build it over bytes that passed validateTraceRequest().
struct TraceRequest
{
    explicit TraceRequest(std::string_view bytes)
        : resource_spans(bytes, 1)
    {
    }
    /// Over `bytes`, which mapping may then share instead of copying (sharedSlice()).
    explicit TraceRequest(const QByteArray &bytes)
        : resource_spans(std::string_view(bytes.constData(), size_t(bytes.size())), 1)
        , owner(&bytes)
    {
    }
    Repeated<ResourceSpans> resource_spans;
    const QByteArray *owner = nullptr; ///< the bytes viewed, when held in a QByteArray
};

/// libprotobuf's nesting limit for parsing, which validation applies as well.
constexpr int kMaxMessageDepth = 100;

/// Checks an ExportTraceServiceRequest body as libprotobuf's parser would: well-formed fields,
/// valid UTF-8 in every string field, messages nested at most kMaxMessageDepth deep. False and
/// `error` (naming the field for bad UTF-8) when it would be refused.
bool validateTraceRequest(std::string_view bytes, QString *error);

} // namespace tg::otlpwire
