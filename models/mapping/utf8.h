#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace tg {

/// Length of the valid UTF-8 sequence starting at `p` (1 to 4; 1 for ASCII), or 0 if it is
/// invalid. Follows Unicode table 3-7 (RFC 3629): no overlong forms, no UTF-16 surrogates,
/// nothing past U+10FFFF. `p` must be before `end`.
inline int utf8SequenceLength(const unsigned char *p, const unsigned char *end)
{
    const unsigned char c = p[0];
    if (c < 0x80)
        return 1;
    const auto avail = end - p;
    auto continuation = [](unsigned char b) { return b >= 0x80 && b <= 0xBF; };
    if (c >= 0xC2 && c <= 0xDF)
        return avail >= 2 && continuation(p[1]) ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
        if (avail < 3)
            return 0;
        const unsigned char lo = c == 0xE0 ? 0xA0 : 0x80; // overlong
        const unsigned char hi = c == 0xED ? 0x9F : 0xBF; // surrogate
        return (p[1] >= lo && p[1] <= hi && continuation(p[2])) ? 3 : 0;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if (avail < 4)
            return 0;
        const unsigned char lo = c == 0xF0 ? 0x90 : 0x80; // overlong
        const unsigned char hi = c == 0xF4 ? 0x8F : 0xBF; // past U+10FFFF
        return (p[1] >= lo && p[1] <= hi && continuation(p[2]) && continuation(p[3])) ? 4 : 0;
    }
    return 0;
}

/// True when `text` is well-formed UTF-8 throughout (utf8SequenceLength's rules). ASCII runs are
/// checked eight bytes at a time.
inline bool isValidUtf8(std::string_view text)
{
    const auto *p = reinterpret_cast<const unsigned char *>(text.data());
    const auto *end = p + text.size();
    while (p < end) {
        while (end - p >= 8) {
            uint64_t chunk = 0;
            std::memcpy(&chunk, p, 8);
            if (chunk & 0x8080808080808080ull)
                break;
            p += 8;
        }
        if (p >= end)
            break;
        const int length = utf8SequenceLength(p, end);
        if (length == 0)
            return false;
        p += length;
    }
    return true;
}

} // namespace tg
