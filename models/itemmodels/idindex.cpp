#include "idindex.h"

#include <QHashFunctions>

namespace tg {

void IdIndex::clear()
{
    m_slots.clear();
    m_hashes.clear();
    m_count = 0;
}

void IdIndex::reserve(size_t count)
{
    m_hashes.reserve(count);
    size_t capacity = 64;
    while (capacity < count * 2)
        capacity *= 2;
    if (capacity > m_slots.size())
        rehash(capacity);
}

size_t IdIndex::hashOf(QStringView id)
{
    // Seeded like QHash, so ids sent by a hostile client cannot be chosen to collide.
    return qHash(id, qGlobalQHashSeed());
}

int IdIndex::find(QStringView id, const std::vector<QString> &ids) const
{
    if (m_slots.empty())
        return -1;
    const size_t hash = hashOf(id);
    const size_t mask = m_slots.size() - 1;
    for (size_t slot = hash & mask;; slot = (slot + 1) & mask) {
        const int node = m_slots[slot];
        if (node < 0)
            return -1;
        if (m_hashes[static_cast<size_t>(node)] == hash && QStringView(ids[static_cast<size_t>(node)]) == id)
            return node;
    }
}

void IdIndex::insert(int node, const std::vector<QString> &ids)
{
    findOrInsert(node, ids);
}

int IdIndex::findOrInsert(int node, const std::vector<QString> &ids)
{
    if ((m_count + 1) * 2 > m_slots.size())
        rehash(std::max<size_t>(64, m_slots.size() * 2));
    const QString &id = ids[static_cast<size_t>(node)];
    const size_t hash = hashOf(id);
    const size_t mask = m_slots.size() - 1;
    for (size_t slot = hash & mask;; slot = (slot + 1) & mask) {
        const int other = m_slots[slot];
        if (other < 0) {
            m_slots[slot] = node;
            if (m_hashes.size() <= static_cast<size_t>(node))
                m_hashes.resize(static_cast<size_t>(node) + 1, 0);
            m_hashes[static_cast<size_t>(node)] = hash;
            ++m_count;
            return node;
        }
        if (m_hashes[static_cast<size_t>(other)] == hash && ids[static_cast<size_t>(other)] == id)
            return other;
    }
}

void IdIndex::rehash(size_t capacity)
{
    std::vector<int> old;
    old.swap(m_slots);
    m_slots.assign(capacity, -1);
    const size_t mask = capacity - 1;
    for (const int node : old) {
        if (node < 0)
            continue;
        size_t slot = m_hashes[static_cast<size_t>(node)] & mask;
        while (m_slots[slot] >= 0)
            slot = (slot + 1) & mask;
        m_slots[slot] = node;
    }
}

} // namespace tg
