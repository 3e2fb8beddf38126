#include "worddiff.h"

#include <QHash>

#include <algorithm>

namespace tg {

namespace {

enum class TokenClass { Word, Space, Other };

TokenClass classOf(QChar c)
{
    if (c.isLetterOrNumber() || c.isMark() || c == u'_')
        return TokenClass::Word;
    if (c.isSpace())
        return TokenClass::Space;
    return TokenClass::Other;
}

bool isWord(QStringView token)
{
    return !token.isEmpty() && !token.front().isSpace();
}

struct Op
{
    DiffRun::Kind kind;
    QStringView token;
};

/// Myers' forward pass keeping one V snapshot per edit count; false when it needs more than maxD.
bool myers(const std::vector<int> &a, const std::vector<int> &b, const std::vector<QStringView> &ta,
    const std::vector<QStringView> &tb, int maxD, std::vector<Op> *out)
{
    const int n = int(a.size());
    const int m = int(b.size());
    const int max = n + m;
    const int offset = max + 1;
    std::vector<int> v(size_t(2 * max + 3), 0);
    std::vector<std::vector<int>> trace;
    bool done = false;
    for (int d = 0; d <= max && !done; ++d) {
        if (d > maxD)
            return false;
        for (int k = -d; k <= d; k += 2) {
            int x = (k == -d || (k != d && v[size_t(offset + k - 1)] < v[size_t(offset + k + 1)]))
                ? v[size_t(offset + k + 1)]
                : v[size_t(offset + k - 1)] + 1;
            int y = x - k;
            while (x < n && y < m && a[size_t(x)] == b[size_t(y)]) {
                ++x;
                ++y;
            }
            v[size_t(offset + k)] = x;
            if (x >= n && y >= m)
                done = true;
        }
        trace.emplace_back(v.begin() + (offset - d), v.begin() + (offset + d + 1));
    }

    std::vector<Op> reversed;
    int x = n;
    int y = m;
    for (int d = int(trace.size()) - 1; d > 0; --d) {
        const std::vector<int> &previous = trace[size_t(d - 1)];
        const auto at = [&](int k) { return previous[size_t(k + d - 1)]; };
        const int k = x - y;
        const bool down = k == -d || (k != d && at(k - 1) < at(k + 1));
        const int prevK = down ? k + 1 : k - 1;
        const int prevX = at(prevK);
        const int prevY = prevX - prevK;
        const int startX = down ? prevX : prevX + 1;
        const int startY = startX - k;
        while (x > startX && y > startY) {
            reversed.push_back({ DiffRun::Kind::Equal, ta[size_t(x - 1)] });
            --x;
            --y;
        }
        if (down)
            reversed.push_back({ DiffRun::Kind::Insert, tb[size_t(prevY)] });
        else
            reversed.push_back({ DiffRun::Kind::Delete, ta[size_t(prevX)] });
        x = prevX;
        y = prevY;
    }
    while (x > 0 && y > 0) {
        reversed.push_back({ DiffRun::Kind::Equal, ta[size_t(x - 1)] });
        --x;
        --y;
    }
    out->insert(out->end(), reversed.rbegin(), reversed.rend());
    return true;
}

void append(WordDiff &diff, DiffRun::Kind kind, QStringView token)
{
    if (token.isEmpty())
        return;
    if (isWord(token)) {
        if (kind == DiffRun::Kind::Equal)
            ++diff.equalWords;
        else if (kind == DiffRun::Kind::Insert)
            ++diff.insertedWords;
        else
            ++diff.deletedWords;
    }
    if (!diff.runs.empty() && diff.runs.back().kind == kind)
        diff.runs.back().text += token;
    else
        diff.runs.push_back({ kind, token.toString() });
}

} // namespace

double WordDiff::similarity() const
{
    const int before = equalWords + deletedWords;
    const int after = equalWords + insertedWords;
    if (before + after == 0)
        return coarse ? 0.0 : 1.0;
    return 2.0 * equalWords / double(before + after);
}

std::vector<QStringView> wordTokens(QStringView text)
{
    std::vector<QStringView> tokens;
    qsizetype i = 0;
    while (i < text.size()) {
        const TokenClass cls = classOf(text[i]);
        qsizetype j = i + 1;
        if (cls == TokenClass::Word) {
            while (j < text.size()) {
                const QChar c = text[j];
                if (classOf(c) == TokenClass::Word) {
                    ++j;
                } else if ((c == u'\'' || c == u'\u2019') && j + 1 < text.size()
                    && classOf(text[j + 1]) == TokenClass::Word) {
                    j += 2; // don't, it's
                } else {
                    break;
                }
            }
        } else if (cls == TokenClass::Space) {
            while (j < text.size() && classOf(text[j]) == TokenClass::Space)
                ++j;
        } else if (text[i].isHighSurrogate() && j < text.size() && text[j].isLowSurrogate()) {
            ++j;
        }
        tokens.push_back(text.sliced(i, j - i));
        i = j;
    }
    return tokens;
}

WordDiff diffWords(QStringView before, QStringView after, int maxEdits)
{
    WordDiff diff;
    const std::vector<QStringView> ta = wordTokens(before);
    const std::vector<QStringView> tb = wordTokens(after);
    size_t prefix = 0;
    while (prefix < ta.size() && prefix < tb.size() && ta[prefix] == tb[prefix])
        ++prefix;
    size_t suffix = 0;
    while (suffix < ta.size() - prefix && suffix < tb.size() - prefix
        && ta[ta.size() - 1 - suffix] == tb[tb.size() - 1 - suffix])
        ++suffix;

    for (size_t i = 0; i < prefix; ++i)
        append(diff, DiffRun::Kind::Equal, ta[i]);

    // Tokens as integers: comparing them is what the inner loop does.
    QHash<QStringView, int> ids;
    const auto idsOf = [&ids](const std::vector<QStringView> &tokens, size_t from, size_t to,
                           std::vector<QStringView> *slice) {
        std::vector<int> out;
        out.reserve(to - from);
        for (size_t i = from; i < to; ++i) {
            int id = ids.value(tokens[i], -1);
            if (id < 0) {
                id = int(ids.size());
                ids.insert(tokens[i], id);
            }
            out.push_back(id);
            slice->push_back(tokens[i]);
        }
        return out;
    };
    std::vector<QStringView> sa;
    std::vector<QStringView> sb;
    const std::vector<int> a = idsOf(ta, prefix, ta.size() - suffix, &sa);
    const std::vector<int> b = idsOf(tb, prefix, tb.size() - suffix, &sb);
    std::vector<Op> ops;
    if (myers(a, b, sa, sb, std::max(0, maxEdits), &ops)) {
        for (const Op &op : ops)
            append(diff, op.kind, op.token);
    } else {
        diff.coarse = true;
        for (const QStringView t : sa)
            append(diff, DiffRun::Kind::Delete, t);
        for (const QStringView t : sb)
            append(diff, DiffRun::Kind::Insert, t);
    }
    for (size_t i = tb.size() - suffix; i < tb.size(); ++i)
        append(diff, DiffRun::Kind::Equal, tb[i]);
    return diff;
}

} // namespace tg
