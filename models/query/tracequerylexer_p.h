#pragma once
// Internal to TraceQueryParser: the query text as terms, keys and comma-separated values.

#include "tracequeryparser.h"

#include <QString>

#include <vector>

namespace tg::querylexer {

/// A whitespace-separated piece of the query; quoted parts may hold whitespace.
struct Token
{
    int start = 0;
    int end = 0; ///< one past the last character
    int colon = -1; ///< the key separator, -1 for free text
    int firstQuote = -1;
    bool unterminated = false;
};

std::vector<Token> tokenize(const QString &text);
/// True when the token is "key:value" (as opposed to free text such as a URL).
bool isKeyToken(const QString &text, const Token &t);
/// Removes quotes and resolves backslash escapes.
QString unquote(QStringView raw);

/// One comma-separated value of a term.
struct Item
{
    QString text;
    int start = 0;
    int end = 0;
};

/// Splits a value into comma-separated items; quoted items may hold commas. Problems go to `errors`.
std::vector<Item> splitItems(const QString &text, int from, int to, QList<QueryError> &errors);

} // namespace tg::querylexer
