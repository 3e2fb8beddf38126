#include "flatjson.h"

#include "flatjson_p.h"
#include "utf8.h"

#include <algorithm>
#include <array>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace tg {

using flatjson::isSpace;
using flatjson::unescapeInto;

namespace {

constexpr size_t kMaxTextSize = std::numeric_limits<quint32>::max() - 1;

inline bool isDigit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

/// Characters that may follow a backslash, \\u aside.
constexpr auto kSimpleEscape = [] {
    std::array<bool, 256> table {};
    for (const unsigned char c : { '"', '\\', '/', 'b', 'f', 'n', 'r', 't' })
        table[c] = true;
    return table;
}();

inline int hexValue(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

char *writeUtf8(char *w, char32_t cp)
{
    if (cp < 0x80) {
        *w++ = static_cast<char>(cp);
    } else if (cp < 0x800) {
        *w++ = static_cast<char>(0xC0 | (cp >> 6));
        *w++ = static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        *w++ = static_cast<char>(0xE0 | (cp >> 12));
        *w++ = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        *w++ = static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        *w++ = static_cast<char>(0xF0 | (cp >> 18));
        *w++ = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        *w++ = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        *w++ = static_cast<char>(0x80 | (cp & 0x3F));
    }
    return w;
}

int read4Hex(const char *p)
{
    int v = 0;
    for (int i = 0; i < 4; ++i) {
        const int h = hexValue(static_cast<unsigned char>(p[i]));
        if (h < 0)
            return -1;
        v = v * 16 + h;
    }
    return v;
}

/// Copies bytes from p to w up to the next backslash (or end) and returns how many it copied.
/// w never passes p, so whole-block stores stay inside the output buffer.
inline size_t copyToBackslash(const char *p, const char *end, char *w)
{
    const char *const start = p;
#if defined(__SSE2__)
    while (end - p >= 16) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i *>(p));
        _mm_storeu_si128(reinterpret_cast<__m128i *>(w), v);
        const auto mask = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))));
        if (mask)
            return static_cast<size_t>(p - start) + static_cast<size_t>(std::countr_zero(mask));
        p += 16;
        w += 16;
    }
#endif
    while (p < end && *p != '\\')
        *w++ = *p++;
    return static_cast<size_t>(p - start);
}

} // namespace

void flatjson::unescapeInto(const char *p, const char *end, QByteArray &out)
{
    out.resize(end - p);
    char *w = out.data();
    while (p < end) {
        const size_t copied = copyToBackslash(p, end, w);
        p += copied;
        w += copied;
        if (p >= end)
            break;
        ++p; // the backslash
        const char e = *p++;
        switch (e) {
        case 'b':
            *w++ = '\b';
            break;
        case 'f':
            *w++ = '\f';
            break;
        case 'n':
            *w++ = '\n';
            break;
        case 'r':
            *w++ = '\r';
            break;
        case 't':
            *w++ = '\t';
            break;
        case 'u': {
            char32_t cp = static_cast<char32_t>(read4Hex(p));
            p += 4;
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                // A high surrogate needs a low one right after it; alone it becomes U+FFFD.
                if (end - p >= 6 && p[0] == '\\' && p[1] == 'u') {
                    const int low = read4Hex(p + 2);
                    if (low >= 0xDC00 && low <= 0xDFFF) {
                        cp = 0x10000 + ((cp - 0xD800) << 10) + (static_cast<char32_t>(low) - 0xDC00);
                        p += 6;
                    } else {
                        cp = 0xFFFD;
                    }
                } else {
                    cp = 0xFFFD;
                }
            } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                cp = 0xFFFD;
            }
            w = writeUtf8(w, cp);
            break;
        }
        default: // '"', '\\', '/'
            *w++ = e;
            break;
        }
    }
    out.truncate(w - out.constData());
}

bool FlatJson::fail(const char *what, size_t offset)
{
    m_nodes.clear();
    m_errorOffset = static_cast<qsizetype>(offset);
    m_error = QString::fromLatin1(what) + QStringLiteral(" at offset ") + QString::number(offset);
    return false;
}

bool FlatJson::parse(const QByteArray &text, int maxDepth, Utf8Policy utf8)
{
    m_text = text;
    m_replacedUtf8 = false;
    if (run(maxDepth, utf8 != Utf8Policy::AssumeValid))
        return true;
    if (m_badUtf8 && utf8 == Utf8Policy::Replace) {
        m_text = sanitizeUtf8(text);
        m_replacedUtf8 = true;
        return run(maxDepth, true);
    }
    return false;
}

bool FlatJson::run(int maxDepth, bool checkUtf8)
{
    m_nodes.clear();
    m_error.clear();
    m_errorOffset = -1;
    m_badUtf8 = false;

    const size_t n = static_cast<size_t>(m_text.size());
    if (n > kMaxTextSize)
        return fail("JSON text too large", 0);
    const auto *const data = reinterpret_cast<const unsigned char *>(m_text.constData());
    const unsigned char *const dataEnd = data + n;

    // A rough guess that avoids most reallocations for typical API pages.
    m_nodes.reserve(std::min<size_t>(n / 64 + 16, 1u << 18));

    enum class Expect : quint8 { Value, ValueOrArrayEnd, Key, KeyOrObjectEnd, Colon, CommaOrEnd, Done };
    Expect expect = Expect::Value;
    std::vector<quint32> stack;
    size_t lastSpace = 0; // position of the most recent whitespace inside a container, 0 = none
    size_t pos = 0;

    auto addNode = [&](Kind kind, size_t begin) -> quint32 {
        const auto index = static_cast<quint32>(m_nodes.size());
        Node node;
        node.kind = kind;
        node.begin = static_cast<quint32>(begin);
        m_nodes.push_back(node);
        return index;
    };
    auto afterValue = [&] { expect = stack.empty() ? Expect::Done : Expect::CommaOrEnd; };
    auto closeContainer = [&] {
        Node &node = m_nodes[stack.back()];
        node.end = static_cast<quint32>(pos + 1);
        node.next = static_cast<quint32>(m_nodes.size());
        node.hasSpace = lastSpace > node.begin;
        stack.pop_back();
        ++pos;
        afterValue();
    };

    const quint64 nonAsciiMask = checkUtf8 ? ~quint64(0) : 0;
    [[maybe_unused]] const unsigned nonAsciiBits = checkUtf8 ? 0xFFFFu : 0u;

    // Scans the string token at pos (a quote); returns false on error.
    auto scanString = [&](quint32 index) -> bool {
        size_t p = pos + 1;
        bool escaped = false;
        for (;;) {
            // Fast path: eight bytes at a time while none is a control character, quote,
            // backslash or non-ASCII byte. The tests are the haszero/hasless bit hacks; their
            // lowest flagged byte is exact, so the first special byte is found with one ctz.
            bool found = false;
#if defined(__SSE2__)
            while (p + 16 <= n) {
                const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i *>(data + p));
                const __m128i quote = _mm_cmpeq_epi8(v, _mm_set1_epi8('"'));
                const __m128i backslash = _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'));
                const __m128i control = _mm_cmpeq_epi8(
                    _mm_and_si128(v, _mm_set1_epi8(static_cast<char>(0xE0))), _mm_setzero_si128());
                const unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(
                                          _mm_or_si128(_mm_or_si128(quote, backslash), control)))
                    | (static_cast<unsigned>(_mm_movemask_epi8(v)) & nonAsciiBits);
                if (mask) {
                    p += static_cast<size_t>(std::countr_zero(mask));
                    found = true;
                    break;
                }
                p += 16;
            }
#endif
            while (!found && p + 8 <= n) {
                quint64 x;
                std::memcpy(&x, data + p, 8);
                constexpr quint64 ones = 0x0101010101010101ULL;
                constexpr quint64 high = 0x8080808080808080ULL;
                const quint64 quote = x ^ (ones * '"');
                const quint64 backslash = x ^ (ones * '\\');
                const quint64 special = (((x - ones * 0x20) & ~x) | ((quote - ones) & ~quote)
                                            | ((backslash - ones) & ~backslash) | (x & nonAsciiMask))
                    & high;
                if (special) {
                    p += static_cast<size_t>(std::countr_zero(special)) / 8;
                    found = true;
                    break;
                }
                p += 8;
            }
            if (!found) {
                while (p < n) {
                    const unsigned char c = data[p];
                    if (c < 0x20 || c == '"' || c == '\\' || (c >= 0x80 && checkUtf8))
                        break;
                    ++p;
                }
            }
            if (p >= n)
                return fail("unterminated string", pos);
            const unsigned char c = data[p];
            if (c == '"') {
                ++p;
                break;
            }
            if (c == '\\') {
                escaped = true;
                if (p + 1 >= n)
                    return fail("unterminated string", pos);
                const unsigned char e = data[p + 1];
                if (kSimpleEscape[e]) {
                    p += 2;
                } else if (e == 'u') {
                    if (p + 6 > n || read4Hex(reinterpret_cast<const char *>(data + p + 2)) < 0)
                        return fail("invalid \\u escape", p);
                    p += 6;
                } else {
                    return fail("invalid escape", p);
                }
                continue;
            }
            if (c < 0x20)
                return fail("control character in string", p);
            // Non-ASCII (only reached when checking UTF-8): validate a run of sequences.
            do {
                const auto len = static_cast<size_t>(utf8SequenceLength(data + p, dataEnd));
                if (len == 0) {
                    m_badUtf8 = true;
                    return fail("invalid UTF-8", p);
                }
                p += len;
            } while (p < n && data[p] >= 0x80);
        }
        if (index != std::numeric_limits<quint32>::max()) {
            Node &node = m_nodes[index];
            node.end = static_cast<quint32>(p);
            node.next = index + 1;
            node.escaped = escaped;
        }
        pos = p;
        return true;
    };

    auto scanNumber = [&]() -> bool {
        size_t p = pos;
        if (data[p] == '-')
            ++p;
        if (p >= n)
            return fail("invalid number", pos);
        if (data[p] == '0') {
            ++p;
        } else if (data[p] >= '1' && data[p] <= '9') {
            while (p < n && isDigit(data[p]))
                ++p;
        } else {
            return fail("invalid number", pos);
        }
        if (p < n && data[p] == '.') {
            ++p;
            if (p >= n || !isDigit(data[p]))
                return fail("invalid number", pos);
            while (p < n && isDigit(data[p]))
                ++p;
        }
        if (p < n && (data[p] == 'e' || data[p] == 'E')) {
            ++p;
            if (p < n && (data[p] == '+' || data[p] == '-'))
                ++p;
            if (p >= n || !isDigit(data[p]))
                return fail("invalid number", pos);
            while (p < n && isDigit(data[p]))
                ++p;
        }
        const quint32 index = addNode(Kind::Number, pos);
        m_nodes[index].end = static_cast<quint32>(p);
        m_nodes[index].next = index + 1;
        pos = p;
        return true;
    };

    auto scanLiteral = [&](const char *word, size_t len, Kind kind) -> bool {
        if (n - pos < len || std::memcmp(data + pos, word, len) != 0)
            return fail("invalid literal", pos);
        const quint32 index = addNode(kind, pos);
        m_nodes[index].end = static_cast<quint32>(pos + len);
        m_nodes[index].next = index + 1;
        pos += len;
        return true;
    };

    for (;;) {
        while (pos < n && isSpace(data[pos])) {
            if (!stack.empty())
                lastSpace = pos;
            ++pos;
        }
        if (pos >= n) {
            if (expect == Expect::Done)
                break;
            return fail(m_nodes.empty() ? "empty document" : "unexpected end of JSON text", pos);
        }
        const unsigned char c = data[pos];
        switch (expect) {
        case Expect::Done:
            return fail("unexpected text after the JSON value", pos);
        case Expect::Colon:
            if (c != ':')
                return fail("expected ':'", pos);
            ++pos;
            expect = Expect::Value;
            continue;
        case Expect::CommaOrEnd: {
            const bool inObject = m_nodes[stack.back()].kind == Kind::Object;
            if (c == ',') {
                ++pos;
                expect = inObject ? Expect::Key : Expect::Value;
            } else if (c == (inObject ? '}' : ']')) {
                closeContainer();
            } else {
                return fail(inObject ? "expected ',' or '}'" : "expected ',' or ']'", pos);
            }
            continue;
        }
        case Expect::KeyOrObjectEnd:
        case Expect::Key: {
            if (c == '}' && expect == Expect::KeyOrObjectEnd) {
                closeContainer();
                continue;
            }
            if (c != '"')
                return fail("expected a member name", pos);
            const quint32 index = addNode(Kind::String, pos);
            if (!scanString(index))
                return false;
            expect = Expect::Colon;
            continue;
        }
        case Expect::ValueOrArrayEnd:
            if (c == ']') {
                closeContainer();
                continue;
            }
            [[fallthrough]];
        case Expect::Value:
            break;
        }

        // A value starts here.
        if (!stack.empty())
            ++m_nodes[stack.back()].count;
        switch (c) {
        case '{':
        case '[': {
            if (static_cast<int>(stack.size()) >= maxDepth)
                return fail("JSON nested too deeply", pos);
            const quint32 index = addNode(c == '{' ? Kind::Object : Kind::Array, pos);
            stack.push_back(index);
            ++pos;
            expect = c == '{' ? Expect::KeyOrObjectEnd : Expect::ValueOrArrayEnd;
            continue;
        }
        case '"': {
            const quint32 index = addNode(Kind::String, pos);
            if (!scanString(index))
                return false;
            break;
        }
        case 't':
            if (!scanLiteral("true", 4, Kind::True))
                return false;
            break;
        case 'f':
            if (!scanLiteral("false", 5, Kind::False))
                return false;
            break;
        case 'n':
            if (!scanLiteral("null", 4, Kind::Null))
                return false;
            break;
        default:
            if (c == '-' || isDigit(c)) {
                if (!scanNumber())
                    return false;
                break;
            }
            return fail("unexpected character", pos);
        }
        afterValue();
    }
    return true;
}

FlatJsonValue FlatJson::root() const
{
    if (m_nodes.empty())
        return {};
    return FlatJsonValue(this, 0);
}

bool FlatJson::isValidJson(QByteArrayView text, int maxDepth)
{
    FlatJson doc;
    return doc.parse(text.toByteArray(), maxDepth, Utf8Policy::Reject);
}

QByteArray FlatJson::sanitizeUtf8(QByteArrayView text)
{
    return QString::fromUtf8(text).toUtf8();
}

} // namespace tg
