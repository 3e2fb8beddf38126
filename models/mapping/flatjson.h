#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

#include <optional>
#include <string_view>
#include <vector>

namespace tg {

class FlatJsonValue;

/// A JSON document parsed into one flat vector of nodes that point into the original UTF-8 text.
/// Strings and numbers are decoded only when asked for, and a subtree can be copied out as compact
/// JSON text without a decode/encode round trip. Parsing is iterative (no recursion), so nesting
/// depth is a policy (maxDepth), not a stack limit.
class FlatJson
{
public:
    enum class Kind : quint8 { Null, False, True, Number, String, Array, Object };

    struct Node
    {
        quint32 begin = 0; ///< offset of the first byte (the quote of a string, '{' of an object)
        quint32 end = 0; ///< one past the last byte
        quint32 next = 0; ///< index of the first node after this subtree
        quint32 count = 0; ///< members of an object, elements of an array
        Kind kind = Kind::Null;
        bool escaped = false; ///< strings: contains backslash escapes
        bool hasSpace = false; ///< containers: contains insignificant whitespace
    };

    /// What to do with byte sequences that are not UTF-8. Replace mirrors what a JavaScript server
    /// does (it decodes the body with U+FFFD replacements before JSON.parse). AssumeValid skips the
    /// check, for text known to be UTF-8 (e.g. a string decoded from a parsed document).
    enum class Utf8Policy : quint8 { Replace, Reject, AssumeValid };

    static constexpr int kDefaultMaxDepth = 1000;

    FlatJson() = default;

    /// Parses `text` (one JSON value, surrounding whitespace allowed). Returns false on a syntax
    /// error, nesting deeper than `maxDepth`, bad UTF-8 under Utf8Policy::Reject, or a text larger
    /// than 4 GiB; errorString() then says what and where.
    bool parse(
        const QByteArray &text, int maxDepth = kDefaultMaxDepth, Utf8Policy utf8 = Utf8Policy::Replace);

    bool isValid() const { return !m_nodes.empty(); }
    QString errorString() const { return m_error; }
    /// Byte offset of the error in the parsed text, -1 when there is none.
    qsizetype errorOffset() const { return m_errorOffset; }
    /// True when the last parse replaced invalid UTF-8 sequences with U+FFFD.
    bool replacedInvalidUtf8() const { return m_replacedUtf8; }

    FlatJsonValue root() const;
    const QByteArray &text() const { return m_text; }
    const Node &node(quint32 index) const { return m_nodes[index]; }
    size_t nodeCount() const { return m_nodes.size(); }

    /// True when `text` is exactly one JSON value no deeper than maxDepth, in valid UTF-8.
    static bool isValidJson(QByteArrayView text, int maxDepth = kDefaultMaxDepth);
    /// `text` with every invalid UTF-8 sequence replaced by U+FFFD.
    static QByteArray sanitizeUtf8(QByteArrayView text);

private:
    bool run(int maxDepth, bool checkUtf8);
    bool fail(const char *what, size_t offset);

    QByteArray m_text;
    std::vector<Node> m_nodes;
    QString m_error;
    qsizetype m_errorOffset = -1;
    bool m_badUtf8 = false;
    bool m_replacedUtf8 = false;
};

/// A handle on one node of a FlatJson; cheap to copy. A default-constructed value is "undefined"
/// (a member that is not there), which is different from JSON null.
class FlatJsonValue
{
public:
    using Kind = FlatJson::Kind;

    FlatJsonValue() = default;
    FlatJsonValue(const FlatJson *doc, quint32 index)
        : m_doc(doc)
        , m_index(index)
    {
    }

    bool isUndefined() const { return m_doc == nullptr; }
    /// Undefined or JSON null: "not given".
    bool isMissing() const { return m_doc == nullptr || kind() == Kind::Null; }
    /// The node's kind; Kind::Null for an undefined value (check isUndefined() to tell them apart).
    Kind kind() const { return m_doc ? node().kind : Kind::Null; }
    bool isNull() const { return m_doc && kind() == Kind::Null; }
    bool isBool() const { return m_doc && (kind() == Kind::True || kind() == Kind::False); }
    bool isNumber() const { return m_doc && kind() == Kind::Number; }
    bool isString() const { return m_doc && kind() == Kind::String; }
    bool isArray() const { return m_doc && kind() == Kind::Array; }
    bool isObject() const { return m_doc && kind() == Kind::Object; }

    bool toBool() const { return m_doc && kind() == Kind::True; }
    /// The number as a double; empty for non-numbers and values out of double range.
    std::optional<double> toDouble() const;
    /// The number when it is integral (1, 1.0, 1e3) and fits in 64 bits; empty otherwise.
    std::optional<qint64> toInteger() const;
    /// The decoded string; a null QString for non-strings.
    QString toString() const;
    /// The decoded string as UTF-8; empty for non-strings.
    QByteArray toUtf8() const;
    /// The decoded string as a view: into the document when it has no escapes, else into `scratch`.
    QByteArrayView stringView(QByteArray &scratch) const;
    /// True when this is a string equal to `text` (compared after decoding escapes).
    bool stringEquals(std::string_view text) const;

    /// The value's text exactly as it stands in the document.
    QByteArrayView rawText() const;
    /// The value as JSON text without insignificant whitespace.
    QByteArray compactText() const;

    /// Members of an object, elements of an array, 0 otherwise.
    int size() const { return m_doc ? static_cast<int>(node().count) : 0; }
    /// The last member named `key` (JSON.parse semantics for duplicates); undefined if none.
    FlatJsonValue value(std::string_view key) const;

    /// Calls f(key, value) for each member of an object, in document order.
    template<typename F> void forEachMember(F &&f) const
    {
        if (!isObject())
            return;
        const quint32 end = node().next;
        quint32 i = m_index + 1;
        while (i < end) {
            const FlatJsonValue key(m_doc, i);
            const FlatJsonValue val(m_doc, i + 1);
            f(key, val);
            i = m_doc->node(i + 1).next;
        }
    }

    /// Calls f(element) for each element of an array, in order.
    template<typename F> void forEachElement(F &&f) const
    {
        if (!isArray())
            return;
        const quint32 end = node().next;
        quint32 i = m_index + 1;
        while (i < end) {
            f(FlatJsonValue(m_doc, i));
            i = m_doc->node(i).next;
        }
    }

    const FlatJson *document() const { return m_doc; }
    quint32 index() const { return m_index; }

private:
    const FlatJson::Node &node() const { return m_doc->node(m_index); }

    const FlatJson *m_doc = nullptr;
    quint32 m_index = 0;
};

/// Maps member names to small integers so an object is walked once and each known field lands in
/// a slot (the last duplicate wins, as with JSON.parse). Build one static table per object shape.
class JsonFieldTable
{
public:
    JsonFieldTable(std::initializer_list<std::string_view> names);

    int size() const { return m_count; }
    /// The index of `name` in the constructor's list, -1 when unknown.
    int find(QByteArrayView name) const;

    /// Fills fields[i] with the member named names[i]; fields must hold size() values. Returns the
    /// number of members seen (known or not); 0 when `object` is not an object.
    int collect(const FlatJsonValue &object, FlatJsonValue *fields) const;

private:
    struct Slot
    {
        std::string_view name;
        int index = -1;
    };
    std::vector<Slot> m_slots; ///< open addressing, a power of two at least 4x the names
    int m_count = 0;
};

} // namespace tg
