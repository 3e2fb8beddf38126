#include "flatjson.h"
#include "flatjson_p.h"

#include <charconv>
#include <cmath>
#include <cstring>

namespace tg {

using flatjson::isSpace;
using flatjson::unescapeInto;

// FlatJsonValue

std::optional<double> FlatJsonValue::toDouble() const
{
    if (!isNumber())
        return std::nullopt;
    const QByteArrayView raw = rawText();
    double value = 0.0;
    const auto result = std::from_chars(raw.data(), raw.data() + raw.size(), value);
    if (result.ec != std::errc() || !std::isfinite(value))
        return std::nullopt;
    return value;
}

std::optional<qint64> FlatJsonValue::toInteger() const
{
    if (!isNumber())
        return std::nullopt;
    const QByteArrayView raw = rawText();
    const bool plain
        = std::none_of(raw.begin(), raw.end(), [](char c) { return c == '.' || c == 'e' || c == 'E'; });
    if (plain) {
        qint64 value = 0;
        const auto result = std::from_chars(raw.data(), raw.data() + raw.size(), value);
        if (result.ec == std::errc())
            return value;
        return std::nullopt;
    }
    const std::optional<double> d = toDouble();
    // 2^63 is exactly representable; anything at or above it does not fit.
    if (!d || std::floor(*d) != *d || *d >= 9223372036854775808.0 || *d < -9223372036854775808.0)
        return std::nullopt;
    return static_cast<qint64>(*d);
}

QString FlatJsonValue::toString() const
{
    if (!isString())
        return {};
    QByteArray scratch;
    const QByteArrayView text = stringView(scratch);
    return text.isEmpty() ? QString(u""_qs) : QString::fromUtf8(text); // "" stays non-null
}

QByteArray FlatJsonValue::toUtf8() const
{
    if (!isString())
        return {};
    QByteArray scratch;
    const QByteArrayView view = stringView(scratch);
    if (view.data() == scratch.constData())
        return scratch;
    return view.toByteArray();
}

QByteArrayView FlatJsonValue::stringView(QByteArray &scratch) const
{
    if (!isString())
        return {};
    const FlatJson::Node &n = node();
    const char *p = m_doc->text().constData() + n.begin + 1;
    const qsizetype len = static_cast<qsizetype>(n.end - n.begin - 2);
    if (!n.escaped)
        return QByteArrayView(p, len);
    unescapeInto(p, p + len, scratch);
    return QByteArrayView(scratch);
}

bool FlatJsonValue::stringEquals(std::string_view text) const
{
    if (!isString())
        return false;
    const FlatJson::Node &n = node();
    if (!n.escaped) {
        const size_t len = n.end - n.begin - 2;
        return len == text.size()
            && std::memcmp(m_doc->text().constData() + n.begin + 1, text.data(), len) == 0;
    }
    QByteArray scratch;
    const QByteArrayView view = stringView(scratch);
    return std::string_view(view.data(), static_cast<size_t>(view.size())) == text;
}

QByteArrayView FlatJsonValue::rawText() const
{
    if (!m_doc)
        return {};
    const FlatJson::Node &n = node();
    return QByteArrayView(m_doc->text().constData() + n.begin, static_cast<qsizetype>(n.end - n.begin));
}

QByteArray FlatJsonValue::compactText() const
{
    if (!m_doc)
        return {};
    const FlatJson::Node &n = node();
    const char *p = m_doc->text().constData() + n.begin;
    const char *const end = m_doc->text().constData() + n.end;
    if (!n.hasSpace)
        return QByteArray(p, end - p);
    QByteArray out;
    out.reserve(end - p);
    while (p < end) {
        const char c = *p;
        if (c == '"') {
            // Copy the whole string token; only an unescaped quote ends it.
            const char *q = p + 1;
            while (*q != '"')
                q += (*q == '\\') ? 2 : 1;
            out.append(p, q + 1 - p);
            p = q + 1;
        } else {
            if (!isSpace(static_cast<unsigned char>(c)))
                out.append(c);
            ++p;
        }
    }
    return out;
}

FlatJsonValue FlatJsonValue::value(std::string_view key) const
{
    FlatJsonValue found;
    forEachMember([&](const FlatJsonValue &k, const FlatJsonValue &v) {
        if (k.stringEquals(key))
            found = v;
    });
    return found;
}

// JsonFieldTable

namespace {

inline quint32 fieldHash(const char *p, size_t len)
{
    quint32 h = 2166136261u; // FNV-1a
    for (size_t i = 0; i < len; ++i)
        h = (h ^ static_cast<unsigned char>(p[i])) * 16777619u;
    return h;
}

} // namespace

JsonFieldTable::JsonFieldTable(std::initializer_list<std::string_view> names)
    : m_count(static_cast<int>(names.size()))
{
    size_t capacity = 8;
    while (capacity < names.size() * 4)
        capacity *= 2;
    m_slots.assign(capacity, Slot {});
    int i = 0;
    for (const std::string_view name : names) {
        size_t slot = fieldHash(name.data(), name.size()) & (capacity - 1);
        while (m_slots[slot].index >= 0)
            slot = (slot + 1) & (capacity - 1);
        m_slots[slot] = Slot { name, i++ };
    }
}

int JsonFieldTable::find(QByteArrayView name) const
{
    const size_t mask = m_slots.size() - 1;
    size_t slot = fieldHash(name.data(), static_cast<size_t>(name.size())) & mask;
    for (;;) {
        const Slot &s = m_slots[slot];
        if (s.index < 0)
            return -1;
        if (s.name.size() == static_cast<size_t>(name.size())
            && std::memcmp(s.name.data(), name.data(), s.name.size()) == 0)
            return s.index;
        slot = (slot + 1) & mask;
    }
}

int JsonFieldTable::collect(const FlatJsonValue &object, FlatJsonValue *fields) const
{
    int seen = 0;
    QByteArray scratch;
    object.forEachMember([&](const FlatJsonValue &key, const FlatJsonValue &value) {
        ++seen;
        const int index = find(key.stringView(scratch));
        if (index >= 0)
            fields[index] = value;
    });
    return seen;
}

} // namespace tg
