#pragma once

#include <QtGlobal>

#include <memory>

namespace tg {

/// Which trace an observation belongs to, for updates that omit the trace id (Langfuse ingestion
/// events may name only the observation). A fixed-size, 4-way set-associative cache: remembering
/// is one cache line touched, never a rehash or an allocation, and the oldest entry of a set
/// gives way. An entry survives 100,000 later observations with a probability of about 99.9%.
/// Keys are hashes; a collision only sends a lookup to a trace where the probe finds nothing.
class ObservationTraceCache
{
public:
    /// `setBits`: the cache holds 4 << setBits entries (16 bytes each).
    explicit ObservationTraceCache(int setBits = 18);
    ~ObservationTraceCache();

    void remember(quint64 key, qint64 traceRk);
    /// Starts loading the set of `key` into the CPU cache; a remember() or find() that follows
    /// some work later then does not wait for memory (the sets span megabytes).
    void prefetch(quint64 key) const
    {
        if (m_sets)
            __builtin_prefetch(&setFor(storedKey(key)), 1);
    }
    /// The trace row key remembered for `key`, or 0.
    qint64 find(quint64 key) const;
    void clear();

private:
    static constexpr int kWays = 4;
    struct alignas(64) Set
    {
        quint64 keys[kWays];
        qint64 traceRks[kWays];
    };
    static quint64 storedKey(quint64 key) { return key == 0 ? 1 : key; } // 0 marks an empty way
    Set &setFor(quint64 key) const { return m_sets[key & m_mask]; }

    std::unique_ptr<Set[]> m_sets; // m_mask + 1 sets, allocated on first use
    quint64 m_mask = 0;
};

} // namespace tg
