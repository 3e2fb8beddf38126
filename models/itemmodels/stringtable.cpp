#include "stringtable.h"

namespace tg {

StringTable::StringTable()
{
    m_strings.emplace_back();
}

quint32 StringTable::intern(const QString &text)
{
    if (text.isEmpty())
        return 0;
    const auto it = m_ids.constFind(text);
    if (it != m_ids.cend())
        return it.value();
    const auto id = static_cast<quint32>(m_strings.size());
    m_strings.push_back(text);
    m_ids.insert(text, id);
    return id;
}

const QString &StringTable::at(quint32 id) const
{
    if (id >= m_strings.size())
        return m_strings.front();
    return m_strings[id];
}

} // namespace tg
