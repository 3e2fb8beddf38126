#include "tracequeryparser.h"

#include "tracequerylexer_p.h"

#include <QCoreApplication>

#include <cmath>
#include <limits>

namespace tg {

using namespace querylexer;

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("TraceQueryParser", text);
}

struct KeyAlias
{
    const char16_t *alias;
    const char16_t *key;
};

constexpr KeyAlias kAliases[] = {
    { u"name", u"name" },
    { u"trace", u"name" },
    { u"user", u"user" },
    { u"userid", u"user" },
    { u"user_id", u"user" },
    { u"session", u"session" },
    { u"sessionid", u"session" },
    { u"session_id", u"session" },
    { u"tag", u"tag" },
    { u"tags", u"tag" },
    { u"env", u"env" },
    { u"environment", u"env" },
    { u"level", u"level" },
    { u"model", u"model" },
    { u"agent", u"agent" },
    { u"latency", u"latency" },
    { u"duration", u"latency" },
    { u"cost", u"cost" },
};

enum class Op { None, Greater, GreaterEqual, Less, LessEqual, Equal, Range };

struct Comparison
{
    Op op = Op::None;
    QString first; ///< the operand (the lower bound of a range)
    QString second; ///< the upper bound of a range
};

Comparison splitComparison(const QString &value)
{
    Comparison c;
    QString rest = value;
    if (rest.startsWith(u">=")) {
        c.op = Op::GreaterEqual;
        rest = rest.mid(2);
    } else if (rest.startsWith(u"<=")) {
        c.op = Op::LessEqual;
        rest = rest.mid(2);
    } else if (rest.startsWith(u'>')) {
        c.op = Op::Greater;
        rest = rest.mid(1);
    } else if (rest.startsWith(u'<')) {
        c.op = Op::Less;
        rest = rest.mid(1);
    } else if (rest.startsWith(u'=')) {
        c.op = Op::Equal;
        rest = rest.mid(1);
    } else if (const qsizetype dots = rest.indexOf(u".."); dots > 0) {
        c.op = Op::Range;
        c.second = rest.mid(dots + 2).trimmed();
        rest = rest.left(dots);
    }
    c.first = rest.trimmed();
    return c;
}

std::optional<double> parseCost(QString text)
{
    if (text.startsWith(u'$'))
        text = text.mid(1);
    bool ok = false;
    const double value = text.toDouble(&ok);
    if (!ok || !std::isfinite(value) || value < 0)
        return std::nullopt;
    return value;
}

class Parser
{
public:
    explicit Parser(const QString &text)
        : m_text(text)
    {
    }

    TraceQueryResult run()
    {
        QStringList words;
        for (const Token &t : tokenize(m_text)) {
            if (!isKeyToken(m_text, t)) {
                if (t.unterminated)
                    error(t.firstQuote, t.end - t.firstQuote, tr("Missing closing quote"));
                const QString word = unquote(QStringView(m_text).mid(t.start, t.end - t.start)).trimmed();
                if (!word.isEmpty())
                    words.append(word);
                continue;
            }
            handleTerm(t);
        }
        m_result.filter.text = words.join(u' ');
        return std::move(m_result);
    }

private:
    void error(int position, int length, const QString &message)
    {
        m_result.errors.append({ position, std::max(1, length), message });
    }

    void handleTerm(const Token &t)
    {
        QString keyText = m_text.mid(t.start, t.colon - t.start);
        if (keyText.startsWith(u'-')) {
            error(t.start, t.end - t.start, tr("Negation (-%1:) is not supported").arg(keyText.mid(1)));
            return;
        }
        const QString key = TraceQueryParser::canonicalKey(keyText);
        if (key.isEmpty()) {
            QStringList known;
            for (const auto &info : TraceQueryParser::keys())
                known.append(info.key);
            error(t.start, t.colon - t.start + 1,
                tr("Unknown filter “%1:”; known filters are %2. Put text in quotes to search for it.")
                    .arg(keyText, known.join(QStringLiteral(", "))));
            return;
        }
        const int valueStart = t.colon + 1;
        if (valueStart >= t.end) {
            error(t.start, t.end - t.start, tr("%1: needs a value").arg(key));
            return;
        }
        std::vector<Item> items = splitItems(m_text, valueStart, t.end, m_result.errors);
        if (items.empty())
            return;
        TraceFilter &f = m_result.filter;
        const auto single = [&](QString &slot) {
            if (items.size() > 1) {
                error(valueStart, t.end - valueStart, tr("%1: takes one value").arg(key));
                return;
            }
            if (!slot.isEmpty()) {
                error(t.start, t.end - t.start, tr("Only one %1: filter is possible").arg(key));
                return;
            }
            slot = items.front().text;
        };
        if (key == u"name") {
            QString value;
            single(value);
            if (value.contains(u'*')) {
                const QString inner = QString(value).remove(u'*');
                if (inner.isEmpty())
                    error(valueStart, t.end - valueStart, tr("name: needs text besides the *"));
                else if (!f.nameContains.isEmpty() || !f.name.isEmpty())
                    error(t.start, t.end - t.start, tr("Only one name: filter is possible"));
                else
                    f.nameContains = inner;
            } else if (!value.isEmpty()) {
                if (!f.nameContains.isEmpty() || !f.name.isEmpty())
                    error(t.start, t.end - t.start, tr("Only one name: filter is possible"));
                else
                    f.name = value;
            }
        } else if (key == u"user") {
            single(f.userId);
        } else if (key == u"session") {
            single(f.sessionId);
        } else if (key == u"model") {
            single(f.model);
        } else if (key == u"agent") {
            single(f.agent);
        } else if (key == u"tag") {
            for (const Item &item : items) {
                if (!f.tags.contains(item.text))
                    f.tags.append(item.text);
            }
        } else if (key == u"env") {
            for (const Item &item : items) {
                if (!f.environments.contains(item.text))
                    f.environments.append(item.text);
            }
        } else if (key == u"level") {
            handleLevel(t, items);
        } else if (key == u"latency") {
            handleLatency(t, items);
        } else if (key == u"cost") {
            handleCost(t, items);
        }
    }

    void handleLevel(const Token &t, const std::vector<Item> &items)
    {
        if (items.size() > 1) {
            error(t.colon + 1, t.end - t.colon - 1, tr("level: takes one value"));
            return;
        }
        QString value = items.front().text.toLower();
        if (value.startsWith(u">="))
            value = value.mid(2);
        const std::optional<Level> level = levelFromString(value);
        if (!level || (*level != Level::Warning && *level != Level::Error)) {
            error(items.front().start, items.front().end - items.front().start,
                tr("level: is “warning” (warnings or errors) or “error”"));
            return;
        }
        if (m_result.filter.minLevel) {
            error(t.start, t.end - t.start, tr("Only one level: filter is possible"));
            return;
        }
        m_result.filter.minLevel = level;
    }

    template<typename T, typename ParseFn>
    void handleBounds(const Token &t, const std::vector<Item> &items, const QString &key,
        std::optional<T> &min, std::optional<T> &max, ParseFn parse, const QString &example, T exclusiveStep)
    {
        const int from = items.front().start;
        const int length = items.back().end - from;
        if (items.size() > 1) {
            error(from, length, tr("%1: takes one comparison").arg(key));
            return;
        }
        const Comparison c = splitComparison(items.front().text);
        if (c.op == Op::None) {
            error(from, length, tr("%1: needs a comparison, e.g. %2").arg(key, example));
            return;
        }
        const std::optional<T> a = parse(c.first);
        if (!a) {
            error(from, length, tr("%1: “%2” is not a valid value, e.g. %3").arg(key, c.first, example));
            return;
        }
        const auto setMin = [&](T v) {
            if (min)
                error(t.start, t.end - t.start, tr("%1: lower bound given twice").arg(key));
            else
                min = v;
        };
        const auto setMax = [&](T v) {
            if (max)
                error(t.start, t.end - t.start, tr("%1: upper bound given twice").arg(key));
            else
                max = v;
        };
        switch (c.op) {
        case Op::Greater:
            setMin(*a + exclusiveStep);
            break;
        case Op::GreaterEqual:
            setMin(*a);
            break;
        case Op::Less:
            setMax(*a - exclusiveStep);
            break;
        case Op::LessEqual:
            setMax(*a);
            break;
        case Op::Equal:
            setMin(*a);
            setMax(*a);
            break;
        case Op::Range: {
            const std::optional<T> b = parse(c.second);
            if (!b) {
                error(from, length, tr("%1: “%2” is not a valid value, e.g. %3").arg(key, c.second, example));
                return;
            }
            if (*b < *a) {
                error(
                    from, length, tr("%1: the range is empty (the upper bound is below the lower)").arg(key));
                return;
            }
            setMin(*a);
            setMax(*b);
            break;
        }
        case Op::None:
            break;
        }
        if (min && max && *max < *min)
            error(t.start, t.end - t.start, tr("%1: no value can match these bounds").arg(key));
    }

    void handleLatency(const Token &t, const std::vector<Item> &items)
    {
        handleBounds<qint64>(
            t, items, QStringLiteral("latency"), m_result.filter.minLatencyNs, m_result.filter.maxLatencyNs,
            [](const QString &s) { return TraceQueryParser::parseDuration(s); },
            QStringLiteral("latency:>2s"), qint64(1));
    }

    void handleCost(const Token &t, const std::vector<Item> &items)
    {
        // Costs are compared as doubles; a strict bound moves by one ulp-sized step.
        handleBounds<double>(
            t, items, QStringLiteral("cost"), m_result.filter.minCost, m_result.filter.maxCost,
            [](const QString &s) { return parseCost(s); }, QStringLiteral("cost:>0.01"), 1e-12);
    }

    const QString &m_text;
    TraceQueryResult m_result;
};

} // namespace

TraceQueryResult TraceQueryParser::parse(const QString &text)
{
    return Parser(text).run();
}

QList<QueryTerm> TraceQueryParser::terms(const QString &text)
{
    QList<QueryTerm> out;
    for (const Token &t : tokenize(text)) {
        QueryTerm term;
        term.start = t.start;
        term.length = t.end - t.start;
        term.keyLength = isKeyToken(text, t) ? t.colon - t.start + 1 : 0;
        out.append(term);
    }
    return out;
}

QString TraceQueryParser::canonicalKey(QStringView key)
{
    const QString lower = key.toString().toLower();
    for (const KeyAlias &a : kAliases) {
        if (lower == QStringView(a.alias))
            return QString::fromUtf16(a.key);
    }
    return {};
}

const QList<TraceQueryParser::KeyInfo> &TraceQueryParser::keys()
{
    static const QList<KeyInfo> list {
        { QStringLiteral("name"), QStringLiteral("name:support-chat"),
            tr("Trace name (exact; *text* matches part of the name)") },
        { QStringLiteral("user"), QStringLiteral("user:u_42"), tr("User id") },
        { QStringLiteral("session"), QStringLiteral("session:sess_1"), tr("Session id") },
        { QStringLiteral("tag"), QStringLiteral("tag:rag"), tr("Has this tag (repeat for several)") },
        { QStringLiteral("env"), QStringLiteral("env:production,staging"), tr("Environment (any of)") },
        { QStringLiteral("level"), QStringLiteral("level:error"),
            tr("Has an observation at this level or worse") },
        { QStringLiteral("model"), QStringLiteral("model:gpt-4o"), tr("Some generation used this model") },
        { QStringLiteral("agent"), QStringLiteral("agent:Planner"),
            tr("Agent (tag agent:Name or metadata agent_name)") },
        { QStringLiteral("latency"), QStringLiteral("latency:>2s"),
            tr("Latency: >, >=, <, <=, or a range 1s..5s") },
        { QStringLiteral("cost"), QStringLiteral("cost:>0.01"),
            tr("Total cost in USD: >, >=, <, <=, or a range") },
    };
    return list;
}

QStringList TraceQueryParser::fixedValues(const QString &field)
{
    if (field == u"level")
        return { QStringLiteral("warning"), QStringLiteral("error") };
    return {};
}

QueryCompletion TraceQueryParser::completionAt(const QString &text, int cursor)
{
    cursor = std::clamp(cursor, 0, static_cast<int>(text.size()));
    QueryCompletion c;
    c.replaceStart = cursor;
    for (const Token &t : tokenize(text)) {
        if (cursor < t.start || cursor > t.end)
            continue;
        if (isKeyToken(text, t) && cursor > t.colon) {
            QString key = text.mid(t.start, t.colon - t.start);
            if (key.startsWith(u'-'))
                key = key.mid(1);
            c.kind = QueryCompletion::Kind::Value;
            c.field = canonicalKey(key);
            // The comma-separated item under the cursor (quotes respected).
            int itemStart = t.colon + 1;
            bool inQuote = false;
            for (int i = t.colon + 1; i < cursor; ++i) {
                const QChar ch = text[i];
                if (inQuote && ch == u'\\') {
                    ++i;
                    continue;
                }
                if (ch == u'"')
                    inQuote = !inQuote;
                else if (ch == u',' && !inQuote)
                    itemStart = i + 1;
            }
            // The item ends at the next comma outside quotes (or the token end).
            int itemEnd = cursor;
            inQuote = itemStart < t.end && text[itemStart] == u'"';
            for (int i = itemStart + (inQuote ? 1 : 0); i < t.end; ++i) {
                const QChar ch = text[i];
                if (inQuote && ch == u'\\') {
                    ++i;
                    itemEnd = std::min(i + 1, t.end);
                    continue;
                }
                if (ch == u'"')
                    inQuote = !inQuote;
                else if (ch == u',' && !inQuote && i >= cursor)
                    break;
                itemEnd = i + 1;
            }
            itemEnd = std::max(itemEnd, cursor);
            c.replaceStart = itemStart;
            c.replaceLength = itemEnd - itemStart;
            c.prefix = unquote(QStringView(text).mid(itemStart, cursor - itemStart));
            return c;
        }
        c.kind = QueryCompletion::Kind::Key;
        c.replaceStart = t.start;
        const int keyEnd = t.colon >= 0 && isKeyToken(text, t) ? t.colon + 1 : t.end;
        c.replaceLength = keyEnd - t.start;
        c.prefix = text.mid(t.start, cursor - t.start);
        return c;
    }
    return c;
}

QString TraceQueryParser::applyCompletion(
    const QString &text, const QueryCompletion &at, const QString &value, int *cursor)
{
    QString insert = value;
    if (at.kind == QueryCompletion::Kind::Value)
        insert = quoteValue(value);
    const int start = std::clamp(at.replaceStart, 0, static_cast<int>(text.size()));
    const int length = std::clamp(at.replaceLength, 0, static_cast<int>(text.size()) - start);
    QString out = text.left(start) + insert;
    const QString rest = text.mid(start + length);
    if (at.kind == QueryCompletion::Kind::Value && (rest.isEmpty() || !rest.front().isSpace())
        && !rest.startsWith(u','))
        out += u' ';
    if (cursor)
        *cursor = static_cast<int>(out.size());
    return out + rest;
}

QString TraceQueryParser::quoteValue(const QString &value)
{
    bool needsQuotes = value.isEmpty();
    for (const QChar c : value) {
        if (c.isSpace() || c == u'"' || c == u',' || c == u'\\') {
            needsQuotes = true;
            break;
        }
    }
    if (!needsQuotes)
        return value;
    QString out = QStringLiteral("\"");
    for (const QChar c : value) {
        if (c == u'"' || c == u'\\')
            out += u'\\';
        out += c;
    }
    return out + u'"';
}

QString TraceQueryParser::withTerm(const QString &text, const QString &key, const QString &value)
{
    const QString canonical = canonicalKey(key);
    const bool multi = canonical == u"tag" || canonical == u"env";
    QString out;
    for (const Token &t : tokenize(text)) {
        const QString piece = text.mid(t.start, t.end - t.start);
        if (isKeyToken(text, t)) {
            const QString existing = canonicalKey(text.mid(t.start, t.colon - t.start));
            if (existing == canonical) {
                if (!multi)
                    continue;
                QList<QueryError> ignored;
                const std::vector<Item> items = splitItems(text, t.colon + 1, t.end, ignored);
                if (items.size() == 1 && items.front().text == value)
                    return text; // already there
            }
        }
        if (!out.isEmpty())
            out += u' ';
        out += piece;
    }
    if (!out.isEmpty())
        out += u' ';
    return out + canonical + u':' + quoteValue(value);
}

QString TraceQueryParser::formatDuration(qint64 ns)
{
    struct Unit
    {
        qint64 factor;
        const char *suffix;
    };
    static constexpr Unit units[] = {
        { 3'600'000'000'000LL, "h" },
        { 60'000'000'000LL, "m" },
        { 1'000'000'000LL, "s" },
        { 1'000'000LL, "ms" },
        { 1'000LL, "us" },
    };
    for (const Unit &u : units) {
        if (ns != 0 && ns % u.factor == 0)
            return QString::number(ns / u.factor) + QLatin1String(u.suffix);
    }
    return QString::number(ns) + QStringLiteral("ns");
}

QString TraceQueryParser::toText(const TraceFilter &f)
{
    QStringList terms;
    if (!f.name.isEmpty())
        terms << QStringLiteral("name:") + quoteValue(f.name);
    if (!f.nameContains.isEmpty())
        terms << QStringLiteral("name:") + quoteValue(u'*' + f.nameContains + u'*');
    if (!f.userId.isEmpty())
        terms << QStringLiteral("user:") + quoteValue(f.userId);
    if (!f.sessionId.isEmpty())
        terms << QStringLiteral("session:") + quoteValue(f.sessionId);
    for (const QString &tag : f.tags)
        terms << QStringLiteral("tag:") + quoteValue(tag);
    if (!f.environments.isEmpty()) {
        QStringList envs;
        for (const QString &env : f.environments)
            envs << quoteValue(env);
        terms << QStringLiteral("env:") + envs.join(u',');
    }
    if (f.minLevel)
        terms << QStringLiteral("level:") + levelName(*f.minLevel).toLower();
    if (!f.model.isEmpty())
        terms << QStringLiteral("model:") + quoteValue(f.model);
    if (!f.agent.isEmpty())
        terms << QStringLiteral("agent:") + quoteValue(f.agent);
    if (f.minLatencyNs && f.maxLatencyNs)
        terms << QStringLiteral("latency:%1..%2")
                     .arg(formatDuration(*f.minLatencyNs), formatDuration(*f.maxLatencyNs));
    else if (f.minLatencyNs)
        terms << QStringLiteral("latency:>=") + formatDuration(*f.minLatencyNs);
    else if (f.maxLatencyNs)
        terms << QStringLiteral("latency:<=") + formatDuration(*f.maxLatencyNs);
    if (f.minCost && f.maxCost)
        terms << QStringLiteral("cost:%1..%2").arg(QString::number(*f.minCost), QString::number(*f.maxCost));
    else if (f.minCost)
        terms << QStringLiteral("cost:>=") + QString::number(*f.minCost);
    else if (f.maxCost)
        terms << QStringLiteral("cost:<=") + QString::number(*f.maxCost);
    if (!f.text.isEmpty())
        terms << f.text;
    return terms.join(u' ');
}

std::optional<qint64> TraceQueryParser::parseDuration(QStringView text)
{
    text = text.trimmed();
    qsizetype split = 0;
    while (split < text.size() && (text[split].isDigit() || text[split] == u'.'))
        ++split;
    if (split == 0)
        return std::nullopt;
    bool ok = false;
    const double number = text.left(split).toDouble(&ok);
    if (!ok || !std::isfinite(number) || number < 0)
        return std::nullopt;
    const QString unit = text.mid(split).trimmed().toString().toLower();
    double factor = 0;
    if (unit.isEmpty() || unit == u"s" || unit == u"sec" || unit == u"secs" || unit == u"second"
        || unit == u"seconds")
        factor = 1e9;
    else if (unit == u"ms")
        factor = 1e6;
    else if (unit == u"us" || unit == u"µs" || unit == u"μs")
        factor = 1e3;
    else if (unit == u"ns")
        factor = 1;
    else if (unit == u"m" || unit == u"min" || unit == u"mins" || unit == u"minute" || unit == u"minutes")
        factor = 60e9;
    else if (unit == u"h" || unit == u"hour" || unit == u"hours")
        factor = 3600e9;
    else
        return std::nullopt;
    const double ns = std::round(number * factor);
    if (ns > static_cast<double>(std::numeric_limits<qint64>::max() / 2))
        return std::nullopt;
    return static_cast<qint64>(ns);
}

} // namespace tg
