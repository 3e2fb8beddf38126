#pragma once
// Shared by the FlatJson parser and its value accessors; not part of the interface.

#include <QByteArray>

namespace tg::flatjson {

inline bool isSpace(unsigned char c)
{
    return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

/// Decodes the body of a string token (between the quotes) that the parser has validated.
/// Decoding never lengthens the text, so it writes into a buffer of the input's size.
void unescapeInto(const char *p, const char *end, QByteArray &out);

} // namespace tg::flatjson
