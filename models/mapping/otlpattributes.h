#pragma once

#include "otlpwire.h"

#include <QByteArray>
#include <QString>

#include <initializer_list>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

namespace tg {

/// A read-only view of an OTLP attribute list, sorted by key for lookups and prefix scans.
/// Duplicate keys keep the last value, as Langfuse's reduce over the list does. The view points
/// into the request's bytes, which must outlive it.
class OtlpAttributes
{
public:
    using AnyValue = otlpwire::AnyValue;
    using KeyValues = otlpwire::KeyValues;

    struct Entry
    {
        std::string_view key;
        AnyValue value;
        quint32 order = 0; ///< position in the span's list (equal keys keep the last)
    };
    using Range = std::pair<const Entry *, const Entry *>;

    /// Values nested deeper than this convert to JSON null, so no input recurses without bound.
    static constexpr int kMaxValueDepth = 64;

    OtlpAttributes() = default;
    explicit OtlpAttributes(const KeyValues &keyValues);
    ~OtlpAttributes();
    OtlpAttributes(const OtlpAttributes &) = default;
    OtlpAttributes &operator=(const OtlpAttributes &) = default;
    OtlpAttributes(OtlpAttributes &&) noexcept = default;
    OtlpAttributes &operator=(OtlpAttributes &&) noexcept = default;

    const AnyValue *find(std::string_view key) const;
    /// find(), but only for values Langfuse treats as given: not unset, not "", not [] or {}.
    const AnyValue *given(std::string_view key) const;
    /// The first key in `keys` with a given value.
    const AnyValue *firstGiven(std::initializer_list<std::string_view> keys) const;
    /// All entries whose key starts with `prefix`, in key order.
    Range withPrefix(std::string_view prefix) const;
    /// All entries whose key starts with `prefix` and a dot ("gen_ai.prompt." for
    /// "gen_ai.prompt"), without building that string.
    Range withDottedPrefix(std::string_view prefix) const;
    const std::vector<Entry> &entries() const { return m_entries; }
    bool isEmpty() const { return m_entries.empty(); }

    /// toText() of the first given key, or a null QString.
    QString text(std::initializer_list<std::string_view> keys) const;
    /// All attributes as one JSON object (values through toJson()).
    QByteArray toJsonObject() const;

    static bool isGiven(const AnyValue &value);
    /// Strings as they are, every other value as its JSON text.
    static QString toText(const AnyValue &value);
    static std::string_view stringView(const AnyValue &value);
    /// JSON for a value: kvlists become objects, bytes base64 strings, unset values null.
    static QByteArray toJson(const AnyValue &value);
    static void appendJson(QByteArray &out, const AnyValue &value, int depth = 0);
    /// JSON for a payload (input, output, metadata values): a string that holds valid JSON is
    /// used as that JSON, any other string becomes a JSON string.
    /// JSON sent as a string inside `owner` shares its storage (JsonText::fromMaybeJson()).
    static QByteArray toPayloadJson(const AnyValue &value, const QByteArray *owner = nullptr);
    /// The JSON object text held by a value (a string with a JSON object, or a kvlist); empty if
    /// it holds no object.
    static QByteArray objectJson(const AnyValue &value);
    /// A number from an int, a double or a numeric string.
    static std::optional<double> toNumber(const AnyValue &value);
    /// bool true or the string "true".
    static bool isTrue(const AnyValue &value);

private:
    /// Most lookups ask for keys a span does not have; this 256-bit filter over (length, middle
    /// and last byte) answers most of those without a single string comparison.
    static unsigned keySlot(std::string_view key);
    bool mayContain(std::string_view key) const
    {
        const unsigned slot = keySlot(key);
        return (m_filter[slot >> 6] >> (slot & 63)) & 1u;
    }

    std::vector<Entry> m_entries;
    quint64 m_filter[4] = { 0, 0, 0, 0 };
};

} // namespace tg
