#pragma once

#include <QtGlobal>

#include <span>
#include <vector>

namespace tg {

/// The child lists of every node of a SpanTree in one flat array (one allocation instead of one
/// per parent). A list that outgrows its room moves to the end of the array; once the array
/// holds over three times more slack than entries (moved-away lists, big erases) it is
/// compacted. Spans from list() stay valid only until the next change.
class ChildPool
{
public:
    /// Empty lists with room for exactly `capacities[i]` entries in list i.
    void assign(const std::vector<int> &capacities);
    /// Adds an empty list at the end.
    void addList();
    int listCount() const { return static_cast<int>(m_lists.size()); }

    std::span<const int> list(int index) const
    {
        const Range &r = m_lists[static_cast<size_t>(index)];
        return { m_data.data() + r.offset, r.size };
    }
    std::span<int> mutableList(int index)
    {
        const Range &r = m_lists[static_cast<size_t>(index)];
        return { m_data.data() + r.offset, r.size };
    }
    int size(int index) const { return static_cast<int>(m_lists[static_cast<size_t>(index)].size); }

    void append(int index, int value);
    /// Inserts `count` values before position `at`; `values` must not point into the pool.
    void insert(int index, size_t at, const int *values, size_t count);
    void erase(int index, size_t at, size_t count);

private:
    struct Range
    {
        size_t offset = 0;
        size_t size = 0;
        size_t capacity = 0;
    };
    void reserve(int index, size_t needed);
    void compactIfSparse();

public:
    /// Rewrites the array with every list at its exact size.
    void compact();
    /// Entries in all lists, and the array length they occupy (for tests and statistics).
    size_t entryCount() const { return m_entries; }
    size_t arraySize() const { return m_data.size(); }

private:
    std::vector<Range> m_lists;
    std::vector<int> m_data;
    size_t m_entries = 0;
};

} // namespace tg
