#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QHash>
#include <QString>

#include <optional>
#include <string_view>
#include <vector>

namespace tg {

/// Small, non-recursive helpers over UTF-8 JSON text: validation, splitting the top level of an
/// object or array into raw member texts, string quoting and unquoting. Used where payloads are
/// passed through as text (mapping) and where QJsonDocument would cost a full tree.
class JsonText
{
public:
    /// Deepest nesting accepted; deeper text counts as invalid (as QJsonDocument, which refuses
    /// documents nested deeper than 1024, would fail on it later anyway).
    static constexpr int kMaxDepth = 512;

    struct Member
    {
        QByteArray key; ///< unescaped UTF-8
        QByteArrayView value; ///< raw JSON text of the value, pointing into the input
    };

    /// Deepest nesting isValid() can be asked to accept.
    static constexpr int kMaxCheckDepth = 1024;

    /// True if `text` (surrounding whitespace allowed) is exactly one valid JSON value with valid
    /// UTF-8 in its strings, nested at most `maxDepth` (up to kMaxCheckDepth) deep.
    static bool isValid(QByteArrayView text, int maxDepth = kMaxDepth);
    /// `text` without leading and trailing JSON whitespace.
    static QByteArrayView trimmed(QByteArrayView text);
    /// The members of a JSON object text in order, or nullopt if `text` is not a valid object.
    static std::optional<std::vector<Member>> objectMembers(QByteArrayView text);
    /// The elements of a JSON array text in order, or nullopt if `text` is not a valid array.
    static std::optional<std::vector<QByteArrayView>> arrayElements(QByteArrayView text);
    /// The UTF-8 content of a JSON string literal, or nullopt if `raw` is not one.
    static std::optional<QByteArray> unquote(QByteArrayView raw);
    /// A JSON string literal for UTF-8 text (which must be valid UTF-8).
    static QByteArray quote(std::string_view utf8);
    static QByteArray quote(const QString &text);
    static void appendQuoted(QByteArray &out, std::string_view utf8);
    /// Shortest text that reads back as the same double; NaN and infinities become null.
    static QByteArray number(double value);
    /// The raw value if it is valid JSON text, else the text as a JSON string: how Langfuse reads
    /// a string attribute that may or may not hold JSON. Valid JSON inside `owner` shares its
    /// storage, with no allocation and no copy (see sharedSlice()).
    static QByteArray fromMaybeJson(std::string_view utf8, const QByteArray *owner = nullptr);
};

/// Builds a JSON object from raw member texts; setting a key again replaces its value in place,
/// like a spread of objects in JavaScript.
class JsonObjectBuilder
{
public:
    void set(QByteArrayView key, QByteArray rawValue);
    /// Adds a member without looking for an earlier one: for keys known to be new.
    void append(QByteArrayView key, QByteArray rawValue);
    /// Sets every member of `other`.
    void merge(const JsonObjectBuilder &other);
    /// Sets every member of `objectText` if it is a JSON object; returns false otherwise.
    bool merge(QByteArrayView objectText);
    bool contains(QByteArrayView key) const;
    bool isEmpty() const { return m_members.empty(); }
    size_t size() const { return m_members.size(); }
    QByteArray toJson() const;

private:
    void buildIndex();

    std::vector<std::pair<QByteArray, QByteArray>> m_members;
    QHash<QByteArray, size_t> m_index; // filled once the object grows past a few members
};

} // namespace tg
