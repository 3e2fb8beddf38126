#pragma once

#include <QString>

#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace tg {

/// Maps byte strings (UTF-8 group values read straight from SQLite) to small dense ids without
/// allocating for strings seen before: the hot scan loop looks up a string_view.
class KeyInterner
{
public:
    int intern(std::string_view key)
    {
        if (key.size() == m_lastKey.size() && m_last >= 0 && key == m_lastKey)
            return m_last; // runs of the same value are common (a trace's observations)
        const auto it = m_ids.find(key);
        int id;
        if (it != m_ids.end()) {
            id = it->second;
        } else {
            id = static_cast<int>(m_keys.size());
            m_keys.emplace_back(key);
            m_ids.emplace(std::string_view(m_keys.back()), id);
        }
        m_last = id;
        m_lastKey = m_keys[static_cast<size_t>(id)];
        return id;
    }
    /// The id of `key`, or -1 if it was never interned.
    int find(std::string_view key) const
    {
        const auto it = m_ids.find(key);
        return it == m_ids.end() ? -1 : it->second;
    }
    int size() const { return static_cast<int>(m_keys.size()); }
    const std::string &key(int id) const { return m_keys[static_cast<size_t>(id)]; }
    QString keyString(int id) const
    {
        return QString::fromUtf8(key(id).data(), static_cast<qsizetype>(key(id).size()));
    }

private:
    std::deque<std::string> m_keys; ///< deque: growing never moves the strings the map points into
    std::unordered_map<std::string_view, int> m_ids;
    int m_last = -1;
    std::string_view m_lastKey;
};

} // namespace tg
