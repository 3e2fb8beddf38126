#include "otlpattributes.h"

#include "jsontext.h"

#include <algorithm>
#include <charconv>
#include <cstring>

namespace tg {

namespace {

/// A table of a few dozen entries is over a kilobyte: too big for malloc's per-thread cache, so
/// allocating one per span took the slow path and a fifth of the mapping's malloc time. Each
/// thread keeps the storage of its last few tables for the next ones instead.
using EntryStorage = std::vector<OtlpAttributes::Entry>;
thread_local std::vector<EntryStorage> t_spareStorage;
constexpr size_t kMaxSpareStorage = 8;
constexpr size_t kMaxSpareCapacity = 256; // a span with thousands of attributes does not stay

EntryStorage takeStorage()
{
    if (t_spareStorage.empty()) {
        EntryStorage storage;
        storage.reserve(32); // LLM spans carry a few dozen attributes at most, as a rule
        return storage;
    }
    EntryStorage storage = std::move(t_spareStorage.back());
    t_spareStorage.pop_back();
    return storage;
}

} // namespace

OtlpAttributes::OtlpAttributes(const KeyValues &keyValues)
    : m_entries(takeStorage())
{
    quint32 order = 0;
    for (const otlpwire::KeyValue &kv : keyValues)
        m_entries.push_back(Entry { kv.key(), kv.value(), order++ });
    std::sort(m_entries.begin(), m_entries.end(), [](const Entry &a, const Entry &b) {
        return a.key < b.key || (a.key == b.key && a.order < b.order);
    });
    // Keep the last of each run of equal keys.
    size_t kept = 0;
    for (size_t i = 0; i < m_entries.size(); ++i) {
        if (i + 1 < m_entries.size() && m_entries[i + 1].key == m_entries[i].key)
            continue;
        m_entries[kept++] = m_entries[i];
    }
    m_entries.resize(kept);
    for (const Entry &entry : m_entries) {
        const unsigned slot = keySlot(entry.key);
        m_filter[slot >> 6] |= quint64(1) << (slot & 63);
    }
}

OtlpAttributes::~OtlpAttributes()
{
    if (m_entries.capacity() == 0 || m_entries.capacity() > kMaxSpareCapacity
        || t_spareStorage.size() >= kMaxSpareStorage)
        return;
    m_entries.clear();
    t_spareStorage.push_back(std::move(m_entries));
}

unsigned OtlpAttributes::keySlot(std::string_view key)
{
    if (key.empty())
        return 0;
    const auto middle = static_cast<unsigned char>(key[key.size() / 2]);
    const auto last = static_cast<unsigned char>(key.back());
    return (static_cast<unsigned>(key.size()) * 131u + middle * 31u + last) & 255u;
}

const OtlpAttributes::AnyValue *OtlpAttributes::find(std::string_view key) const
{
    if (!mayContain(key))
        return nullptr;
    const auto it = std::lower_bound(m_entries.begin(), m_entries.end(), key,
        [](const Entry &e, std::string_view k) { return e.key < k; });
    if (it == m_entries.end() || it->key != key)
        return nullptr;
    return &it->value;
}

const OtlpAttributes::AnyValue *OtlpAttributes::given(std::string_view key) const
{
    const AnyValue *value = find(key);
    return value && isGiven(*value) ? value : nullptr;
}

const OtlpAttributes::AnyValue *OtlpAttributes::firstGiven(std::initializer_list<std::string_view> keys) const
{
    for (const std::string_view key : keys) {
        if (const AnyValue *value = given(key))
            return value;
    }
    return nullptr;
}

OtlpAttributes::Range OtlpAttributes::withPrefix(std::string_view prefix) const
{
    const auto begin = std::lower_bound(m_entries.begin(), m_entries.end(), prefix,
        [](const Entry &e, std::string_view k) { return e.key < k; });
    auto end = begin;
    while (end != m_entries.end() && end->key.substr(0, prefix.size()) == prefix)
        ++end;
    return { m_entries.data() + (begin - m_entries.begin()), m_entries.data() + (end - m_entries.begin()) };
}

OtlpAttributes::Range OtlpAttributes::withDottedPrefix(std::string_view prefix) const
{
    char buffer[128];
    if (prefix.size() + 1 > sizeof buffer)
        return withPrefix(std::string(prefix) + '.');
    std::memcpy(buffer, prefix.data(), prefix.size());
    buffer[prefix.size()] = '.';
    return withPrefix(std::string_view(buffer, prefix.size() + 1));
}

QString OtlpAttributes::text(std::initializer_list<std::string_view> keys) const
{
    const AnyValue *value = firstGiven(keys);
    return value ? toText(*value) : QString();
}

QByteArray OtlpAttributes::toJsonObject() const
{
    QByteArray out;
    out.append('{');
    bool first = true;
    for (const Entry &entry : m_entries) {
        if (!first)
            out.append(',');
        first = false;
        JsonText::appendQuoted(out, entry.key);
        out.append(':');
        appendJson(out, entry.value);
    }
    out.append('}');
    return out;
}

bool OtlpAttributes::isGiven(const AnyValue &value)
{
    switch (value.value_case()) {
    case AnyValue::VALUE_NOT_SET:
        return false;
    case AnyValue::kStringValue:
        return !value.string_value().empty();
    case AnyValue::kArrayValue:
        return !value.array_value().empty();
    case AnyValue::kKvlistValue:
        return !value.kvlist_value().empty();
    case AnyValue::kBytesValue:
        return !value.bytes_value().empty();
    default:
        return true;
    }
}

QString OtlpAttributes::toText(const AnyValue &value)
{
    if (value.value_case() == AnyValue::kStringValue)
        return QString::fromUtf8(value.string_value());
    return QString::fromUtf8(toJson(value));
}

std::string_view OtlpAttributes::stringView(const AnyValue &value)
{
    return value.string_value();
}

QByteArray OtlpAttributes::toJson(const AnyValue &value)
{
    QByteArray out;
    appendJson(out, value);
    return out;
}

void OtlpAttributes::appendJson(QByteArray &out, const AnyValue &value, int depth)
{
    switch (value.value_case()) {
    case AnyValue::kStringValue:
        JsonText::appendQuoted(out, value.string_value());
        return;
    case AnyValue::kBoolValue:
        out.append(value.bool_value() ? "true" : "false");
        return;
    case AnyValue::kIntValue: {
        char digits[24];
        const auto [end, ec] = std::to_chars(digits, digits + sizeof digits, value.int_value());
        out.append(digits, qsizetype(end - digits));
        return;
    }
    case AnyValue::kDoubleValue:
        out.append(JsonText::number(value.double_value()));
        return;
    case AnyValue::kBytesValue: {
        const std::string_view bytes = value.bytes_value();
        out.append('"');
        out.append(QByteArray::fromRawData(bytes.data(), qsizetype(bytes.size())).toBase64());
        out.append('"');
        return;
    }
    case AnyValue::kArrayValue: {
        if (depth >= kMaxValueDepth) {
            out.append("null");
            return;
        }
        out.append('[');
        bool first = true;
        for (const AnyValue &element : value.array_value().values()) {
            if (!first)
                out.append(',');
            first = false;
            appendJson(out, element, depth + 1);
        }
        out.append(']');
        return;
    }
    case AnyValue::kKvlistValue: {
        if (depth >= kMaxValueDepth) {
            out.append("null");
            return;
        }
        out.append('{');
        bool first = true;
        for (const otlpwire::KeyValue &kv : value.kvlist_value().values()) {
            if (!first)
                out.append(',');
            first = false;
            JsonText::appendQuoted(out, kv.key());
            out.append(':');
            appendJson(out, kv.value(), depth + 1);
        }
        out.append('}');
        return;
    }
    case AnyValue::VALUE_NOT_SET:
        break;
    }
    out.append("null");
}

QByteArray OtlpAttributes::toPayloadJson(const AnyValue &value, const QByteArray *owner)
{
    if (value.value_case() == AnyValue::kStringValue)
        return JsonText::fromMaybeJson(value.string_value(), owner);
    return toJson(value);
}

QByteArray OtlpAttributes::objectJson(const AnyValue &value)
{
    if (value.value_case() == AnyValue::kKvlistValue)
        return toJson(value);
    if (value.value_case() == AnyValue::kStringValue) {
        const QByteArray text = QByteArrayView(value.string_value()).toByteArray();
        if (JsonText::objectMembers(text))
            return text;
    }
    return QByteArray();
}

std::optional<double> OtlpAttributes::toNumber(const AnyValue &value)
{
    switch (value.value_case()) {
    case AnyValue::kIntValue:
        return double(value.int_value());
    case AnyValue::kDoubleValue:
        return value.double_value();
    case AnyValue::kStringValue: {
        const QByteArrayView text = JsonText::trimmed(QByteArrayView(value.string_value()));
        if (text.isEmpty())
            return std::nullopt;
        const char *begin = text.data();
        if (*begin == '+')
            ++begin;
        double result = 0;
        const auto [ptr, ec] = std::from_chars(begin, text.data() + text.size(), result);
        if (ec != std::errc() || ptr != text.data() + text.size())
            return std::nullopt;
        return result;
    }
    default:
        return std::nullopt;
    }
}

bool OtlpAttributes::isTrue(const AnyValue &value)
{
    if (value.value_case() == AnyValue::kBoolValue)
        return value.bool_value();
    return value.value_case() == AnyValue::kStringValue && value.string_value() == "true";
}

} // namespace tg
