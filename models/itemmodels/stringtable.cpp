#include "stringtable.h"

namespace tg {

StringTable::StringTable()
{
    m_strings.emplace_back();
}

quint32 StringTable::intern(const QString &text, size_t hash)
{
    if (text.isEmpty())
        return 0;
    const int known = m_index.find(text, hash, m_strings);
    if (known >= 0)
        return static_cast<quint32>(known);
    m_strings.push_back(text);
    m_index.findOrInsert(size() - 1, hash, m_strings);
    return static_cast<quint32>(size() - 1);
}

const QString &StringTable::at(quint32 id) const
{
    if (id >= m_strings.size())
        return m_strings.front();
    return m_strings[id];
}

} // namespace tg
