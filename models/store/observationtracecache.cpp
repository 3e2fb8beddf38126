#include "observationtracecache.h"

namespace tg {

ObservationTraceCache::ObservationTraceCache(int setBits)
    : m_mask((quint64(1) << setBits) - 1)
{
}

ObservationTraceCache::~ObservationTraceCache() = default;

void ObservationTraceCache::remember(quint64 key, qint64 traceRk)
{
    if (!m_sets)
        m_sets = std::make_unique<Set[]>(size_t(m_mask) + 1); // zeroed: every way empty
    key = storedKey(key);
    Set &set = setFor(key);
    int way = 0;
    while (way < kWays - 1 && set.keys[way] != key)
        ++way;
    // Known: `way` is its place. Unknown: the oldest (last) way gives way. Either way it moves to
    // the front, so a set is kept newest first.
    for (int i = way; i > 0; --i) {
        set.keys[i] = set.keys[i - 1];
        set.traceRks[i] = set.traceRks[i - 1];
    }
    set.keys[0] = key;
    set.traceRks[0] = traceRk;
}

qint64 ObservationTraceCache::find(quint64 key) const
{
    if (!m_sets)
        return 0;
    key = storedKey(key);
    const Set &set = setFor(key);
    for (int way = 0; way < kWays; ++way) {
        if (set.keys[way] == key)
            return set.traceRks[way];
    }
    return 0;
}

void ObservationTraceCache::clear()
{
    m_sets.reset();
}

} // namespace tg
