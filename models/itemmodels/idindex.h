#pragma once

#include <QString>
#include <QStringView>

#include <vector>

namespace tg {

/// Id -> node lookup for SpanTree: open addressing over node indexes, the strings themselves
/// stay in the tree's id vector. About three times faster to fill than a QHash<QString, int>,
/// which matters when a 100,000-span trace opens.
class IdIndex
{
public:
    void clear();
    void reserve(size_t count);
    /// The node whose id equals `id`, or -1.
    int find(QStringView id, const std::vector<QString> &ids) const;
    /// Adds `node`, whose id is ids[node] and not yet in the index.
    void insert(int node, const std::vector<QString> &ids);
    /// find(), or insert() of `node` when absent; returns the node now holding the id.
    int findOrInsert(int node, const std::vector<QString> &ids)
    {
        return findOrInsert(node, hashOf(ids[static_cast<size_t>(node)]), ids);
    }

    // The same with the hash computed beforehand, so a bulk load can hash in one sequential
    // pass and prefetch the table slots it is about to probe.
    static size_t hashOf(QStringView id);
    int find(QStringView id, size_t hash, const std::vector<QString> &ids) const;
    int findOrInsert(int node, size_t hash, const std::vector<QString> &ids);
    void prefetch(size_t hash) const
    {
        if (!m_slots.empty())
            __builtin_prefetch(&m_slots[hash & (m_slots.size() - 1)]);
    }

private:
    void rehash(size_t capacity);

    std::vector<int> m_slots; ///< node index or -1; size is a power of two
    std::vector<size_t> m_hashes; ///< per node
    size_t m_count = 0;
};

} // namespace tg
