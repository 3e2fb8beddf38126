#include "childpool.h"

#include <algorithm>
#include <cstring>

namespace tg {

void ChildPool::assign(const std::vector<int> &capacities)
{
    m_lists.assign(capacities.size(), Range());
    size_t offset = 0;
    for (size_t i = 0; i < capacities.size(); ++i) {
        m_lists[i].offset = offset;
        m_lists[i].capacity = static_cast<size_t>(std::max(0, capacities[i]));
        offset += m_lists[i].capacity;
    }
    m_data.assign(offset, 0);
    m_entries = 0;
}

void ChildPool::addList()
{
    m_lists.push_back(Range { m_data.size(), 0, 0 });
}

void ChildPool::reserve(int index, size_t needed)
{
    Range &r = m_lists[static_cast<size_t>(index)];
    if (needed <= r.capacity)
        return;
    if (r.offset + r.capacity == m_data.size()) {
        // Last in the array: grow in place.
        const size_t capacity = std::max(needed, r.capacity * 2);
        m_data.resize(r.offset + capacity);
        r.capacity = capacity;
        return;
    }
    const size_t capacity = std::max<size_t>({ needed, r.capacity * 2, 4 });
    const size_t offset = m_data.size();
    m_data.resize(offset + capacity);
    if (r.size > 0)
        std::memmove(m_data.data() + offset, m_data.data() + r.offset, r.size * sizeof(int));
    r.offset = offset;
    r.capacity = capacity;
}

void ChildPool::compactIfSparse()
{
    const size_t slack = m_data.size() - m_entries;
    if (slack > 4096 && slack > 3 * m_entries)
        compact();
}

void ChildPool::compact()
{
    std::vector<int> data;
    size_t total = 0;
    for (const Range &r : m_lists)
        total += r.size;
    data.reserve(total + total / 4);
    for (Range &r : m_lists) {
        const size_t offset = data.size();
        data.insert(data.end(), m_data.begin() + static_cast<std::ptrdiff_t>(r.offset),
            m_data.begin() + static_cast<std::ptrdiff_t>(r.offset + r.size));
        r.offset = offset;
        r.capacity = r.size;
    }
    m_data.swap(data);
}

void ChildPool::append(int index, int value)
{
    reserve(index, m_lists[static_cast<size_t>(index)].size + 1);
    Range &r = m_lists[static_cast<size_t>(index)];
    m_data[r.offset + r.size] = value;
    ++r.size;
    ++m_entries;
    compactIfSparse();
}

void ChildPool::insert(int index, size_t at, const int *values, size_t count)
{
    if (count == 0)
        return;
    reserve(index, m_lists[static_cast<size_t>(index)].size + count);
    Range &r = m_lists[static_cast<size_t>(index)];
    at = std::min(at, r.size);
    int *base = m_data.data() + r.offset;
    std::memmove(base + at + count, base + at, (r.size - at) * sizeof(int));
    std::memcpy(base + at, values, count * sizeof(int));
    r.size += count;
    m_entries += count;
    compactIfSparse();
}

void ChildPool::erase(int index, size_t at, size_t count)
{
    Range &r = m_lists[static_cast<size_t>(index)];
    if (at >= r.size)
        return;
    count = std::min(count, r.size - at);
    int *base = m_data.data() + r.offset;
    std::memmove(base + at, base + at + count, (r.size - at - count) * sizeof(int));
    r.size -= count;
    m_entries -= count;
    compactIfSparse();
}

} // namespace tg
