#include "idindex.h"

#include <QRandomGenerator>

#include <cstring>

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
    // qHash() of a string longer than 8 bytes is SipHash in Debian's Qt build, a fifth of the
    // time of opening a large trace. This multiply-xorshift hash is several times faster; the
    // per-process random seed keeps hostile ids from being chosen to collide in advance.
    static const quint64 seed = QRandomGenerator::system()->generate64();
    constexpr quint64 k1 = 0x9e3779b97f4a7c15ULL;
    constexpr quint64 k2 = 0xff51afd7ed558ccdULL;
    const auto *bytes = reinterpret_cast<const char *>(id.utf16());
    size_t length = static_cast<size_t>(id.size()) * sizeof(char16_t);
    quint64 h = seed ^ (length * k1);
    while (length >= 8) {
        quint64 word = 0;
        std::memcpy(&word, bytes, 8);
        h = (h ^ word) * k2;
        h ^= h >> 29;
        bytes += 8;
        length -= 8;
    }
    if (length > 0) {
        quint64 word = 0;
        std::memcpy(&word, bytes, length);
        h = (h ^ word) * k2;
        h ^= h >> 29;
    }
    h *= k1;
    h ^= h >> 32;
    return static_cast<size_t>(h);
}

int IdIndex::find(QStringView id, const std::vector<QString> &ids) const
{
    return find(id, hashOf(id), ids);
}

int IdIndex::find(QStringView id, size_t hash, const std::vector<QString> &ids) const
{
    if (m_slots.empty())
        return -1;
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

int IdIndex::findOrInsert(int node, size_t hash, const std::vector<QString> &ids)
{
    if ((m_count + 1) * 2 > m_slots.size())
        rehash(std::max<size_t>(64, m_slots.size() * 2));
    const QString &id = ids[static_cast<size_t>(node)];
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
