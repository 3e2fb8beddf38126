#pragma once

#include "store/tracequery.h"

#include <QList>
#include <QString>
#include <QStringView>

#include <optional>

namespace tg {

/// One problem in a filter query, located in the text (UTF-16 offsets).
struct QueryError
{
    int position = 0;
    int length = 0;
    QString message;

    bool operator==(const QueryError &other) const = default;
};

/// What the cursor of a query line sits on, for completion.
struct QueryCompletion
{
    enum class Kind { Key, Value };
    Kind kind = Kind::Key;
    QString field; ///< canonical key ("user", "tag", ...) for Kind::Value
    QString prefix; ///< what is typed so far, unquoted
    int replaceStart = 0; ///< the span of text a chosen completion replaces
    int replaceLength = 0;

    bool operator==(const QueryCompletion &other) const = default;
};

/// One whitespace-separated term of a query, for syntax highlighting.
struct QueryTerm
{
    int start = 0;
    int length = 0;
    int keyLength = 0; ///< length of "key:" (colon included); 0 for free text

    bool operator==(const QueryTerm &other) const = default;
};

/// A parsed query: the filter it describes, or what is wrong with it.
struct TraceQueryResult
{
    TraceFilter filter; ///< only fields the query sets; sources and time range stay unset
    QList<QueryError> errors;

    bool isValid() const { return errors.isEmpty(); }
};

/// The filter bar's small query language:
///   name:support-chat  name:*chat*  user:u_42  session:"sess 1"  tag:rag tag:prod  env:prod,staging
///   level:error  level:warning  model:gpt-4o  agent:Planner  latency:>2s  latency:500ms..3s
///   cost:>0.01  cost:<=$1  and free text (every word must occur in a name, input or output).
/// Keys are case-insensitive with aliases (env/environment, user/userId, ...); values with spaces,
/// commas or quotes are written in double quotes with backslash escapes.
class TraceQueryParser
{
public:
    struct KeyInfo
    {
        QString key; ///< canonical key without the colon
        QString example;
        QString description;
    };

    /// Parses `text`; never throws, every problem becomes a located error.
    static TraceQueryResult parse(const QString &text);
    /// The terms of `text` in order (keys recognised by shape, known or not).
    static QList<QueryTerm> terms(const QString &text);
    /// What completion should offer at `cursor` (0..text.size()).
    static QueryCompletion completionAt(const QString &text, int cursor);
    /// Replaces the completion span with `value` (a key "user:" or a raw value, quoted as needed);
    /// returns the new text and sets `cursor` after the inserted text.
    static QString applyCompletion(
        const QString &text, const QueryCompletion &at, const QString &value, int *cursor);

    /// Every key, in the order menus show them.
    static const QList<KeyInfo> &keys();
    /// The canonical key for a key or alias ("environment" -> "env"), empty when unknown.
    static QString canonicalKey(QStringView key);
    /// The values completion offers for fields with a fixed set ("level").
    static QStringList fixedValues(const QString &field);
    /// Quotes a value when it holds whitespace, quotes, commas or nothing at all.
    static QString quoteValue(const QString &value);
    /// `text` with "key:value" added; an existing term of a single-valued key is replaced.
    static QString withTerm(const QString &text, const QString &key, const QString &value);
    /// A filter written back as query text (the fields the language knows).
    static QString toText(const TraceFilter &filter);

    /// "2s", "1.5m", "300ms", "250us", "2h", "2" (seconds) -> nanoseconds.
    static std::optional<qint64> parseDuration(QStringView text);
    /// Nanoseconds as the shortest exact query duration ("2s", "1500ms").
    static QString formatDuration(qint64 ns);
};

} // namespace tg
