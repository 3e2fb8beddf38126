#include "jsontext.h"

#include "sharedslice.h"
#include "utf8.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstring>

namespace tg {

namespace {

bool isWhitespace(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

int hexDigit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

void appendUtf8(QByteArray &out, char32_t cp)
{
    if (cp < 0x80) {
        out.append(char(cp));
    } else if (cp < 0x800) {
        out.append(char(0xC0 | (cp >> 6)));
        out.append(char(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.append(char(0xE0 | (cp >> 12)));
        out.append(char(0x80 | ((cp >> 6) & 0x3F)));
        out.append(char(0x80 | (cp & 0x3F)));
    } else {
        out.append(char(0xF0 | (cp >> 18)));
        out.append(char(0x80 | ((cp >> 12) & 0x3F)));
        out.append(char(0x80 | ((cp >> 6) & 0x3F)));
        out.append(char(0x80 | (cp & 0x3F)));
    }
}

// A cursor over JSON text. Every routine advances `p` past what it accepted and returns false on
// the first error; nothing recurses, so deeply nested input costs a small explicit stack only.
/// Eight bytes as one word (unaligned load).
inline quint64 loadWord(const char *p)
{
    quint64 word;
    std::memcpy(&word, p, sizeof word);
    return word;
}

/// True when any byte of `word` is a control character (< 0x20), non-ASCII (>= 0x80), '"' or
/// '\\'. May say true for a word without one (the byte loop then decides); never false for one
/// with one.
inline bool hasSpecialByte(quint64 word)
{
    constexpr quint64 ones = 0x0101010101010101ULL;
    constexpr quint64 highs = 0x8080808080808080ULL;
    const quint64 control = (word - ones * 0x20) & ~word & highs;
    const quint64 nonAscii = word & highs;
    const quint64 quoteBytes = word ^ (ones * '"');
    const quint64 quote = (quoteBytes - ones) & ~quoteBytes & highs;
    const quint64 backslashBytes = word ^ (ones * '\\');
    const quint64 backslash = (backslashBytes - ones) & ~backslashBytes & highs;
    return (control | nonAscii | quote | backslash) != 0;
}

struct Scanner
{
    const char *p;
    const char *end;

    void skipWhitespace()
    {
        while (p < end && isWhitespace(*p))
            ++p;
    }

    bool atEnd() const { return p >= end; }

    bool string()
    {
        if (p >= end || *p != '"')
            return false;
        ++p;
        while (p < end) {
            // Plain ASCII is most of every payload: skip it eight bytes at a time, then byte
            // by byte up to the first byte that needs a closer look.
            while (end - p >= 8 && !hasSpecialByte(loadWord(p)))
                p += 8;
            while (p < end) {
                const auto plain = static_cast<unsigned char>(*p);
                if (plain < 0x20 || plain >= 0x80 || plain == '"' || plain == '\\')
                    break;
                ++p;
            }
            if (p >= end)
                return false;
            const auto c = static_cast<unsigned char>(*p);
            if (c == '"') {
                ++p;
                return true;
            }
            if (c < 0x20)
                return false;
            if (c == '\\') {
                if (++p >= end)
                    return false;
                switch (*p) {
                case '"':
                case '\\':
                case '/':
                case 'b':
                case 'f':
                case 'n':
                case 'r':
                case 't':
                    ++p;
                    break;
                case 'u':
                    if (end - p < 5)
                        return false;
                    for (int i = 1; i <= 4; ++i) {
                        if (hexDigit(p[i]) < 0)
                            return false;
                    }
                    p += 5;
                    break;
                default:
                    return false;
                }
                continue;
            }
            const int length = utf8SequenceLength(
                reinterpret_cast<const unsigned char *>(p), reinterpret_cast<const unsigned char *>(end));
            if (length == 0)
                return false;
            p += length;
        }
        return false;
    }

    bool digits()
    {
        const char *start = p;
        while (p < end && *p >= '0' && *p <= '9')
            ++p;
        return p > start;
    }

    bool number()
    {
        if (p < end && *p == '-')
            ++p;
        if (p >= end)
            return false;
        if (*p == '0') {
            ++p;
        } else if (!digits()) {
            return false;
        }
        if (p < end && *p == '.') {
            ++p;
            if (!digits())
                return false;
        }
        if (p < end && (*p == 'e' || *p == 'E')) {
            ++p;
            if (p < end && (*p == '+' || *p == '-'))
                ++p;
            if (!digits())
                return false;
        }
        return true;
    }

    bool literal(std::string_view word)
    {
        if (end - p < qsizetype(word.size()) || std::string_view(p, word.size()) != word)
            return false;
        p += word.size();
        return true;
    }

    bool scalar()
    {
        switch (*p) {
        case '"':
            return string();
        case 't':
            return literal("true");
        case 'f':
            return literal("false");
        case 'n':
            return literal("null");
        default:
            return number();
        }
    }

    // Reads `"key" :` inside an object, leaving p at the value.
    bool memberKey()
    {
        skipWhitespace();
        if (!string())
            return false;
        skipWhitespace();
        if (p >= end || *p != ':')
            return false;
        ++p;
        return true;
    }

    // One complete JSON value nested at most maxDepth (<= kMaxCheckDepth) deep.
    bool value(int maxDepth = JsonText::kMaxDepth)
    {
        std::array<bool, JsonText::kMaxCheckDepth> isObject; // the open containers, innermost last
        maxDepth = std::clamp(maxDepth, 0, JsonText::kMaxCheckDepth);
        int depth = 0;
        for (;;) {
            // Expecting a value.
            skipWhitespace();
            if (p >= end)
                return false;
            if (*p == '{' || *p == '[') {
                if (depth == maxDepth)
                    return false;
                const bool object = *p == '{';
                isObject[size_t(depth++)] = object;
                ++p;
                skipWhitespace();
                if (p < end && *p == (object ? '}' : ']')) {
                    ++p;
                    --depth;
                } else {
                    if (object && !memberKey())
                        return false;
                    continue;
                }
            } else if (!scalar()) {
                return false;
            }
            // After a value: close containers or move to the next element.
            for (;;) {
                if (depth == 0)
                    return true;
                skipWhitespace();
                if (p >= end)
                    return false;
                const bool object = isObject[size_t(depth - 1)];
                if (*p == ',') {
                    ++p;
                    if (object && !memberKey())
                        return false;
                    break;
                }
                if (*p != (object ? '}' : ']'))
                    return false;
                ++p;
                --depth;
            }
        }
    }
};

Scanner scannerFor(QByteArrayView text)
{
    return Scanner { text.data(), text.data() + text.size() };
}

// Walks one object or array that must be all of `text` (whitespace aside): `readElement` reads
// an element (a member or a value) with the scanner placed at its first byte, and returns false
// to give up.
template<typename ReadElement>
bool readContainer(QByteArrayView text, char open, char close, ReadElement readElement)
{
    Scanner s = scannerFor(text);
    s.skipWhitespace();
    if (s.atEnd() || *s.p != open)
        return false;
    ++s.p;
    s.skipWhitespace();
    if (!s.atEnd() && *s.p == close) {
        ++s.p;
    } else {
        for (;;) {
            s.skipWhitespace();
            if (!readElement(s))
                return false;
            s.skipWhitespace();
            if (s.atEnd())
                return false;
            if (*s.p == ',') {
                ++s.p;
                continue;
            }
            if (*s.p != close)
                return false;
            ++s.p;
            break;
        }
    }
    s.skipWhitespace();
    return s.atEnd();
}

bool mayStartJson(char c)
{
    return c == '{' || c == '[' || c == '"' || c == '-' || (c >= '0' && c <= '9') || c == 't' || c == 'f'
        || c == 'n';
}

} // namespace

bool JsonText::isValid(QByteArrayView text, int maxDepth)
{
    Scanner s = scannerFor(text);
    if (!s.value(maxDepth))
        return false;
    s.skipWhitespace();
    return s.atEnd();
}

QByteArrayView JsonText::trimmed(QByteArrayView text)
{
    qsizetype begin = 0;
    qsizetype end = text.size();
    while (begin < end && isWhitespace(text[begin]))
        ++begin;
    while (end > begin && isWhitespace(text[end - 1]))
        --end;
    return text.sliced(begin, end - begin);
}

std::optional<std::vector<JsonText::Member>> JsonText::objectMembers(QByteArrayView text)
{
    std::vector<Member> members;
    const bool ok = readContainer(text, '{', '}', [&](Scanner &s) {
        const char *keyStart = s.p;
        if (!s.memberKey())
            return false;
        // memberKey() validated the key; find its closing quote again by unquoting.
        const char *keyEnd = s.p - 1;
        while (keyEnd > keyStart && *keyEnd != '"')
            --keyEnd;
        auto key = unquote(QByteArrayView(keyStart, keyEnd - keyStart + 1));
        if (!key)
            return false;
        s.skipWhitespace();
        const char *valueStart = s.p;
        if (!s.value())
            return false;
        members.push_back(Member { std::move(*key), QByteArrayView(valueStart, s.p - valueStart) });
        return true;
    });
    if (!ok)
        return std::nullopt;
    return members;
}

std::optional<std::vector<QByteArrayView>> JsonText::arrayElements(QByteArrayView text)
{
    std::vector<QByteArrayView> elements;
    const bool ok = readContainer(text, '[', ']', [&](Scanner &s) {
        const char *valueStart = s.p;
        if (!s.value())
            return false;
        elements.emplace_back(valueStart, s.p - valueStart);
        return true;
    });
    if (!ok)
        return std::nullopt;
    return elements;
}

std::optional<QByteArray> JsonText::unquote(QByteArrayView raw)
{
    raw = trimmed(raw);
    Scanner check = scannerFor(raw);
    if (!check.string() || !check.atEnd())
        return std::nullopt;
    QByteArray out;
    out.reserve(raw.size() - 2);
    const char *p = raw.data() + 1;
    const char *end = raw.data() + raw.size() - 1; // the closing quote
    auto readHex4 = [](const char *at) {
        char32_t v = 0;
        for (int i = 0; i < 4; ++i)
            v = (v << 4) | char32_t(hexDigit(at[i]));
        return v;
    };
    while (p < end) {
        if (*p != '\\') {
            out.append(*p++);
            continue;
        }
        ++p;
        switch (*p) {
        case 'b':
            out.append('\b');
            break;
        case 'f':
            out.append('\f');
            break;
        case 'n':
            out.append('\n');
            break;
        case 'r':
            out.append('\r');
            break;
        case 't':
            out.append('\t');
            break;
        case 'u': {
            char32_t cp = readHex4(p + 1);
            p += 4;
            if (cp >= 0xD800 && cp <= 0xDBFF && end - p >= 7 && p[1] == '\\' && p[2] == 'u') {
                const char32_t low = readHex4(p + 3);
                if (low >= 0xDC00 && low <= 0xDFFF) {
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                    p += 6;
                }
            }
            if (cp >= 0xD800 && cp <= 0xDFFF)
                cp = 0xFFFD; // a lone surrogate has no UTF-8 form
            appendUtf8(out, cp);
            break;
        }
        default: // '"', '\\', '/'
            out.append(*p);
            break;
        }
        ++p;
    }
    return out;
}

void JsonText::appendQuoted(QByteArray &out, std::string_view utf8)
{
    static constexpr char kHex[] = "0123456789abcdef";
    // Writes through a pointer into space made ahead (most text needs no escapes; each escape
    // needs at most 6 bytes): appending piece by piece costs more than the escaping itself.
    // Invariant: the space left is at least the input left plus kSlack, the spare room that
    // escapes (5 extra bytes each) and the closing quote use up; when it runs low, grow.
    constexpr qsizetype kSlack = 16;
    const auto grow = [&out](qsizetype used, qsizetype needed) {
        if (out.capacity() < used + needed)
            out.reserve(std::max(used + needed, out.capacity() + out.capacity() / 2));
        out.resize(used + needed);
        return out.data() + used;
    };
    char *w = grow(out.size(), qsizetype(utf8.size()) + kSlack + 1);
    char *bufferEnd = out.data() + out.size();
    *w++ = '"';
    const char *p = utf8.data();
    const char *const end = p + utf8.size();
    while (p < end) {
        // Runs of plain bytes (non-ASCII passes through unescaped too) are copied a word at a time.
        const char *run = p;
        while (end - p >= 8 && !hasSpecialByte(loadWord(p) & 0x7f7f7f7f7f7f7f7fULL))
            p += 8;
        while (p < end) {
            const auto c = static_cast<unsigned char>(*p);
            if (c < 0x20 || c == '"' || c == '\\')
                break;
            ++p;
        }
        std::memcpy(w, run, size_t(p - run));
        w += p - run;
        if (p >= end)
            break;
        if ((bufferEnd - w) - (end - p) < 8) {
            const qsizetype left = end - p;
            w = grow(w - out.data(), left + kSlack + left / 8);
            bufferEnd = out.data() + out.size();
        }
        const auto c = static_cast<unsigned char>(*p++);
        *w++ = '\\';
        switch (c) {
        case '"':
            *w++ = '"';
            break;
        case '\\':
            *w++ = '\\';
            break;
        case '\n':
            *w++ = 'n';
            break;
        case '\r':
            *w++ = 'r';
            break;
        case '\t':
            *w++ = 't';
            break;
        case '\b':
            *w++ = 'b';
            break;
        case '\f':
            *w++ = 'f';
            break;
        default:
            *w++ = 'u';
            *w++ = '0';
            *w++ = '0';
            *w++ = kHex[c >> 4];
            *w++ = kHex[c & 0xF];
            break;
        }
    }
    *w++ = '"';
    out.resize(w - out.data());
}

QByteArray JsonText::quote(std::string_view utf8)
{
    QByteArray out;
    appendQuoted(out, utf8);
    return out;
}

QByteArray JsonText::quote(const QString &text)
{
    const QByteArray utf8 = text.toUtf8();
    return quote(std::string_view(utf8.constData(), size_t(utf8.size())));
}

QByteArray JsonText::number(double value)
{
    if (!std::isfinite(value))
        return QByteArrayLiteral("null");
    std::array<char, 32> buffer {};
    const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
    return QByteArray(buffer.data(), result.ptr - buffer.data());
}

QByteArray JsonText::fromMaybeJson(std::string_view utf8, const QByteArray *owner)
{
    const QByteArrayView text = trimmed(QByteArrayView(utf8.data(), qsizetype(utf8.size())));
    if (!text.isEmpty() && mayStartJson(text.front()) && isValid(text))
        return owner ? sharedSlice(*owner, text) : text.toByteArray();
    return quote(utf8);
}

} // namespace tg
