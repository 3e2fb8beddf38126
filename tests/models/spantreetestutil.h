#pragma once

// Helpers shared by the span tree tests: a compact text DSL for observation rows, a printer
// for trees, an invariant checker and an observer that replays the announced steps on a copy.
//
// DSL, one observation per line ('#' starts a comment):
//   id [^parent] [@start_ms] [+duration_ms] [!|?] [TYPE] [name=..] [model=..] [cost=..]
//      [in=..] [out=..] [rk=..]
// '!' marks ERROR, '?' WARNING; TYPE is an observation type name (GENERATION, TOOL, ...).
// Times are milliseconds after kBaseNs. The row key defaults to the line number (from 1).

#include "domain/rows.h"
#include "itemmodels/spantree.h"

#include <QAbstractItemModel>
#include <QHash>
#include <QString>
#include <QStringList>

#include <algorithm>
#include <limits>
#include <map>
#include <random>
#include <vector>

namespace tgtest {

inline constexpr qint64 kBaseNs = 1'780'000'000'000'000'000LL;
inline constexpr qint64 kMs = 1'000'000;

inline tg::ObservationRow parseRow(const QString &line, qint64 defaultRk)
{
    tg::ObservationRow row;
    row.rk = defaultRk;
    const QStringList tokens = line.split(u' ', Qt::SkipEmptyParts);
    row.id = tokens.value(0);
    row.name = row.id;
    qint64 durationMs = -1;
    for (qsizetype i = 1; i < tokens.size(); ++i) {
        const QString &t = tokens[i];
        if (t.startsWith(u'^'))
            row.parentId = t.mid(1);
        else if (t.startsWith(u'@'))
            row.startNs = kBaseNs + t.mid(1).toLongLong() * kMs;
        else if (t.startsWith(u'+'))
            durationMs = t.mid(1).toLongLong();
        else if (t == u"!")
            row.level = tg::Level::Error;
        else if (t == u"?")
            row.level = tg::Level::Warning;
        else if (t.startsWith(u"name="))
            row.name = t.mid(5);
        else if (t.startsWith(u"model="))
            row.model = t.mid(6);
        else if (t.startsWith(u"cost="))
            row.cost = t.mid(5).toDouble();
        else if (t.startsWith(u"in="))
            row.inputTokens = t.mid(3).toLongLong();
        else if (t.startsWith(u"out="))
            row.outputTokens = t.mid(4).toLongLong();
        else if (t.startsWith(u"rk="))
            row.rk = t.mid(3).toLongLong();
        else if (const auto type = tg::observationTypeFromString(t))
            row.type = *type;
        else
            qFatal("bad DSL token '%s'", qPrintable(t));
    }
    if (durationMs >= 0 && row.startNs >= 0)
        row.endNs = row.startNs + durationMs * kMs;
    row.totalTokens = row.inputTokens + row.outputTokens;
    return row;
}

inline std::vector<tg::ObservationRow> parseRows(const QString &text, qint64 firstRk = 1)
{
    std::vector<tg::ObservationRow> rows;
    qint64 rk = firstRk;
    for (QString line : text.split(u'\n')) {
        const qsizetype hash = line.indexOf(u'#');
        if (hash >= 0)
            line.truncate(hash);
        line = line.trimmed();
        if (!line.isEmpty())
            rows.push_back(parseRow(line, rk++));
    }
    return rows;
}

inline QString flagText(int flags)
{
    QString text;
    if (flags & tg::SpanTree::Orphan)
        text += QStringLiteral(" [orphan]");
    if (flags & tg::SpanTree::CycleCut)
        text += QStringLiteral(" [cycle]");
    if (flags & tg::SpanTree::Duplicate)
        text += QStringLiteral(" [dup]");
    return text;
}

/// One line per node in display order: two spaces per depth, the id, flags, and with
/// `withAggregates` the subtree size and error count.
inline QStringList printTree(const tg::SpanTree &tree, bool withAggregates = false)
{
    QStringList lines;
    for (int n = tree.next(-1); n >= 0; n = tree.next(n)) {
        QString line = QString(tree.depth(n) * 2, u' ') + tree.id(n) + flagText(tree.flags(n));
        if (withAggregates) {
            line += QStringLiteral(" s=%1").arg(tree.node(n).subtreeSize);
            if (tree.node(n).subtreeErrors > 0)
                line += QStringLiteral(" e=%1").arg(tree.node(n).subtreeErrors);
        }
        lines << line;
    }
    return lines;
}

inline QStringList expectedLines(const QString &text)
{
    QStringList lines;
    for (const QString &line : text.split(u'\n')) {
        if (!line.trimmed().isEmpty())
            lines << line;
    }
    // The common indentation of a raw string literal is not part of the tree.
    qsizetype indent = std::numeric_limits<qsizetype>::max();
    for (const QString &line : std::as_const(lines)) {
        qsizetype spaces = 0;
        while (spaces < line.size() && line[spaces] == u' ')
            ++spaces;
        indent = std::min(indent, spaces);
    }
    for (QString &line : lines)
        line = line.mid(indent);
    return lines;
}

/// Walks a model the way a view does and prints it like printTree().
inline QStringList printModel(const QAbstractItemModel &model, int idRole, int flagsRole)
{
    QStringList lines;
    std::vector<std::pair<QModelIndex, int>> stack;
    for (int r = model.rowCount() - 1; r >= 0; --r)
        stack.emplace_back(model.index(r, 0), 0);
    while (!stack.empty()) {
        const auto [index, depth] = stack.back();
        stack.pop_back();
        lines << QString(depth * 2, u' ') + index.data(idRole).toString()
                + flagText(index.data(flagsRole).toInt());
        for (int r = model.rowCount(index) - 1; r >= 0; --r)
            stack.emplace_back(model.index(r, 0, index), depth + 1);
    }
    return lines;
}

/// Everything a SpanTree promises about itself; empty when all holds, else the first failure.
inline QString checkInvariants(const tg::SpanTree &tree)
{
    const int n = tree.size();
    std::vector<int> seen(static_cast<size_t>(n), 0);
    std::vector<int> order;
    for (int r = 0; r < tree.childCount(-1); ++r)
        order.push_back(tree.child(-1, r));
    for (size_t head = 0; head < order.size(); ++head) {
        for (const int c : tree.children(order[head]))
            order.push_back(c);
    }
    if (static_cast<int>(order.size()) != n)
        return QStringLiteral("%1 nodes reachable of %2").arg(order.size()).arg(n);
    int maxDepth = -1;
    for (const int x : order) {
        if (seen[static_cast<size_t>(x)]++)
            return QStringLiteral("node %1 reached twice").arg(tree.id(x));
        maxDepth = std::max(maxDepth, tree.depth(x));
    }
    if (maxDepth != tree.maxDepth())
        return QStringLiteral("maxDepth %1, expected %2").arg(tree.maxDepth()).arg(maxDepth);
    std::vector<int> size(static_cast<size_t>(n), 1);
    std::vector<int> errors(static_cast<size_t>(n), 0);
    for (auto it = order.rbegin(); it != order.rend(); ++it) {
        const int x = *it;
        errors[static_cast<size_t>(x)] += tree.isError(x) ? 1 : 0;
        if (tree.parent(x) >= 0) {
            size[static_cast<size_t>(tree.parent(x))] += size[static_cast<size_t>(x)];
            errors[static_cast<size_t>(tree.parent(x))] += errors[static_cast<size_t>(x)];
        }
    }
    for (int x = 0; x < n; ++x) {
        const tg::SpanTree::Node &node = tree.node(x);
        const int parent = node.parent;
        if (tree.child(parent, node.row) != x)
            return QStringLiteral("row of %1 is wrong").arg(tree.id(x));
        if (node.depth != (parent < 0 ? 0 : tree.depth(parent) + 1))
            return QStringLiteral("depth of %1 is wrong").arg(tree.id(x));
        if (node.subtreeSize != size[static_cast<size_t>(x)])
            return QStringLiteral("subtree size of %1 is %2, expected %3")
                .arg(tree.id(x))
                .arg(node.subtreeSize)
                .arg(size[static_cast<size_t>(x)]);
        if (node.subtreeErrors != errors[static_cast<size_t>(x)])
            return QStringLiteral("subtree errors of %1 is %2, expected %3")
                .arg(tree.id(x))
                .arg(node.subtreeErrors)
                .arg(errors[static_cast<size_t>(x)]);
        if (tree.indexOfId(tree.id(x)) != x)
            return QStringLiteral("id index of %1 is wrong").arg(tree.id(x));
        const QString &parentId = tree.parentId(x);
        const int declared = parentId.isEmpty() ? -1 : tree.indexOfId(parentId);
        const bool orphan = (node.flags & tg::SpanTree::Orphan) != 0;
        const bool cut = (node.flags & tg::SpanTree::CycleCut) != 0;
        if (orphan != (!parentId.isEmpty() && declared < 0))
            return QStringLiteral("orphan flag of %1 is wrong").arg(tree.id(x));
        if (parent >= 0 && (parent != declared || orphan || cut))
            return QStringLiteral("%1 sits under the wrong parent").arg(tree.id(x));
        if (parent < 0 && declared >= 0 && !cut)
            return QStringLiteral("%1 is at the top level without a reason").arg(tree.id(x));
        if (cut && declared < 0)
            return QStringLiteral("%1 is marked cut but has no parent").arg(tree.id(x));
    }
    for (int p = -1; p < n; ++p) {
        const std::span<const int> list = tree.children(p);
        for (size_t i = 1; i < list.size(); ++i) {
            const auto key = [&tree](int x) {
                const qint64 s = tree.node(x).startNs;
                return std::make_pair(s >= 0 ? s : std::numeric_limits<qint64>::max(), x);
            };
            if (!(key(list[i - 1]) < key(list[i])))
                return QStringLiteral("children of %1 are out of order")
                    .arg(p < 0 ? QStringLiteral("top") : tree.id(p));
        }
    }
    return {};
}

/// Replays the announced steps on its own copy of the child lists and checks after each step
/// that the copy matches the tree, i.e. that the announcements describe the change exactly.
class ShadowObserver : public tg::SpanTreeObserver
{
public:
    explicit ShadowObserver(const tg::SpanTree &tree)
        : m_tree(tree)
    {
        for (int p = -1; p < tree.size(); ++p)
            m_lists[p] = listOf(p);
    }

    void aboutToInsert(int parent, int first, int last) override
    {
        expect(m_pending == 0, QStringLiteral("nested step"));
        expect(m_lists.count(parent) > 0, QStringLiteral("insert under an invisible parent"));
        expect(first >= 0 && first <= static_cast<int>(m_lists[parent].size()) && last >= first,
            QStringLiteral("bad insert range"));
        m_pending = 1;
        m_parent = parent;
        m_first = first;
        m_last = last;
        ++inserts;
    }
    void inserted() override
    {
        expect(m_pending == 1, QStringLiteral("inserted() without aboutToInsert()"));
        m_pending = 0;
        std::vector<int> &list = m_lists[m_parent];
        const std::span<const int> actual = m_tree.children(m_parent);
        list.insert(list.begin() + m_first, actual.begin() + m_first, actual.begin() + m_last + 1);
        // The new rows arrive with their subtrees.
        std::vector<int> stack(actual.begin() + m_first, actual.begin() + m_last + 1);
        while (!stack.empty()) {
            const int x = stack.back();
            stack.pop_back();
            expect(m_lists.count(x) == 0, QStringLiteral("inserted row was visible before"));
            m_lists[x] = listOf(x);
            stack.insert(stack.end(), m_lists[x].begin(), m_lists[x].end());
        }
        compare(m_parent);
    }
    void aboutToMove(int fromParent, int first, int last, int toParent, int toRow) override
    {
        expect(m_pending == 0, QStringLiteral("nested step"));
        expect(m_lists.count(fromParent) && m_lists.count(toParent),
            QStringLiteral("move between invisible parents"));
        const std::vector<int> &from = m_lists[fromParent];
        expect(first >= 0 && last >= first && last < static_cast<int>(from.size()),
            QStringLiteral("bad move range"));
        expect(toRow >= 0 && toRow <= static_cast<int>(m_lists[toParent].size()),
            QStringLiteral("bad move target"));
        if (fromParent == toParent)
            expect(toRow < first || toRow > last + 1, QStringLiteral("move onto itself"));
        for (int x = toParent; x >= 0; x = m_tree.parent(x)) {
            for (int r = first; r <= last && r < static_cast<int>(from.size()); ++r)
                expect(from[static_cast<size_t>(r)] != x, QStringLiteral("move into own subtree"));
        }
        m_pending = 2;
        m_from = fromParent;
        m_parent = toParent;
        m_first = first;
        m_last = last;
        m_toRow = toRow;
        ++moves;
    }
    void moved() override
    {
        expect(m_pending == 2, QStringLiteral("moved() without aboutToMove()"));
        m_pending = 0;
        std::vector<int> &from = m_lists[m_from];
        const std::vector<int> block(from.begin() + m_first, from.begin() + m_last + 1);
        from.erase(from.begin() + m_first, from.begin() + m_last + 1);
        int at = m_toRow;
        if (m_from == m_parent && m_toRow > m_last)
            at -= m_last - m_first + 1;
        std::vector<int> &to = m_lists[m_parent];
        to.insert(to.begin() + at, block.begin(), block.end());
        compare(m_from);
        compare(m_parent);
    }

    /// After applyUpdate(): every visible list equals the tree's.
    void verifyAll()
    {
        for (const auto &[parent, list] : m_lists)
            compare(parent);
        expect(static_cast<int>(m_lists.size()) == m_tree.size() + 1,
            QStringLiteral("not every node became visible"));
    }

    QString error;
    int inserts = 0;
    int moves = 0;

private:
    std::vector<int> listOf(int parent) const
    {
        const std::span<const int> list = m_tree.children(parent);
        return { list.begin(), list.end() };
    }
    void expect(bool ok, const QString &what)
    {
        if (!ok && error.isEmpty())
            error = what;
    }
    void compare(int parent)
    {
        expect(m_lists[parent] == listOf(parent),
            QStringLiteral("shadow list of %1 differs")
                .arg(parent < 0 ? QStringLiteral("top") : m_tree.id(parent)));
    }

    const tg::SpanTree &m_tree;
    std::map<int, std::vector<int>> m_lists;
    int m_pending = 0;
    int m_parent = -1;
    int m_from = -1;
    int m_first = 0;
    int m_last = 0;
    int m_toRow = 0;
};

/// A random trace: `count` nodes, parents among earlier nodes (so no loops), starts with ties
/// and unknowns, some errors. Ids are "n<index>".
inline std::vector<tg::ObservationRow> randomRows(int count, quint32 seed, int maxFanOut = 6)
{
    std::mt19937 rng(seed);
    std::vector<tg::ObservationRow> rows;
    rows.reserve(static_cast<size_t>(count));
    for (int i = 0; i < count; ++i) {
        tg::ObservationRow row;
        row.rk = i + 1;
        row.id = QStringLiteral("n%1").arg(i);
        row.name = QStringLiteral("span-%1").arg(i % 17);
        if (i > 0 && rng() % 20 != 0) {
            const int window = std::max(1, std::min(i, maxFanOut * 4));
            row.parentId
                = QStringLiteral("n%1").arg(i - 1 - static_cast<int>(rng() % static_cast<quint32>(window)));
        }
        if (rng() % 25 != 0) {
            row.startNs = kBaseNs + static_cast<qint64>(rng() % 5000) * kMs;
            row.endNs = row.startNs + static_cast<qint64>(rng() % 900) * kMs;
        }
        row.level = rng() % 15 == 0 ? tg::Level::Error : tg::Level::Default;
        row.type = static_cast<tg::ObservationType>(rng() % tg::kObservationTypeCount);
        row.cost = (rng() % 1000) / 100000.0;
        rows.push_back(row);
    }
    return rows;
}

} // namespace tgtest
