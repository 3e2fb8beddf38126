// Splitting query text into terms, keys and values (shared by parsing, completion and editing).
#include "tracequerylexer_p.h"

#include <QCoreApplication>

namespace tg::querylexer {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("TraceQueryParser", text);
}

bool isKeyText(QStringView key)
{
    if (key.isEmpty())
        return false;
    for (const QChar c : key) {
        if (!(c.isLetter() || c == u'_' || c == u'.'))
            return false;
    }
    return key.front().isLetter() || key.front() == u'_';
}

} // namespace

std::vector<Token> tokenize(const QString &text)
{
    std::vector<Token> tokens;
    const int n = static_cast<int>(text.size());
    int i = 0;
    while (i < n) {
        if (text[i].isSpace()) {
            ++i;
            continue;
        }
        Token t;
        t.start = i;
        bool inQuote = false;
        while (i < n) {
            const QChar c = text[i];
            if (inQuote) {
                if (c == u'\\' && i + 1 < n) {
                    i += 2;
                    continue;
                }
                if (c == u'"')
                    inQuote = false;
                ++i;
                continue;
            }
            if (c.isSpace())
                break;
            if (c == u'"') {
                inQuote = true;
                if (t.firstQuote < 0)
                    t.firstQuote = i;
            } else if (c == u':' && t.colon < 0 && t.firstQuote < 0) {
                t.colon = i;
            }
            ++i;
        }
        t.end = i;
        t.unterminated = inQuote;
        tokens.push_back(t);
    }
    return tokens;
}

/// True when the token is "key:value" (as opposed to free text such as a URL).
bool isKeyToken(const QString &text, const Token &t)
{
    if (t.colon < 0)
        return false;
    QStringView key = QStringView(text).mid(t.start, t.colon - t.start);
    if (key.startsWith(u'-'))
        key = key.mid(1);
    if (!isKeyText(key))
        return false;
    return !QStringView(text).mid(t.colon + 1, t.end - t.colon - 1).startsWith(u"//");
}

/// Removes quotes and resolves backslash escapes.
QString unquote(QStringView raw)
{
    QString out;
    out.reserve(raw.size());
    bool inQuote = false;
    for (qsizetype i = 0; i < raw.size(); ++i) {
        const QChar c = raw[i];
        if (inQuote && c == u'\\' && i + 1 < raw.size()) {
            out.append(raw[++i]);
            continue;
        }
        if (c == u'"') {
            inQuote = !inQuote;
            continue;
        }
        out.append(c);
    }
    return out;
}

/// Splits a value into comma-separated items; quoted items may hold commas.
std::vector<Item> splitItems(const QString &text, int from, int to, QList<QueryError> &errors)
{
    std::vector<Item> items;
    int p = from;
    if (p >= to)
        return items;
    for (;;) {
        Item item;
        item.start = p;
        if (p < to && text[p] == u'"') {
            int q = p + 1;
            QString value;
            bool closed = false;
            while (q < to) {
                if (text[q] == u'\\' && q + 1 < to) {
                    value.append(text[q + 1]);
                    q += 2;
                    continue;
                }
                if (text[q] == u'"') {
                    closed = true;
                    ++q;
                    break;
                }
                value.append(text[q++]);
            }
            if (!closed) {
                errors.append({ p, to - p, tr("Missing closing quote") });
                item.text = value;
                item.end = to;
                items.push_back(item);
                return items;
            }
            item.text = value;
            item.end = q;
            p = q;
            if (p < to && text[p] != u',') {
                int stop = p;
                while (stop < to && text[stop] != u',')
                    ++stop;
                errors.append({ p, stop - p, tr("Unexpected text after a quoted value") });
                p = stop;
            }
        } else {
            int q = p;
            while (q < to && text[q] != u',')
                ++q;
            item.text = text.mid(p, q - p);
            item.end = q;
            p = q;
        }
        if (item.text.isEmpty() && item.end - item.start == 0)
            errors.append({ item.start, 1, tr("Empty value") });
        else
            items.push_back(item);
        if (p >= to)
            break;
        ++p; // the comma
        if (p >= to) {
            errors.append({ p - 1, 1, tr("Empty value after the comma") });
            break;
        }
    }
    return items;
}

} // namespace tg::querylexer
