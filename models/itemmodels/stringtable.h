#pragma once

#include "idindex.h"

#include <QString>

#include <vector>

namespace tg {

/// Interns repeated strings (span names, model names) so a node holds a small integer.
/// Id 0 is always the empty string.
class StringTable
{
public:
    StringTable();

    /// Returns the id of `text`, adding it on first use.
    quint32 intern(const QString &text) { return intern(text, IdIndex::hashOf(text)); }
    /// intern() with IdIndex::hashOf(text) computed beforehand.
    quint32 intern(const QString &text, size_t hash);
    /// The string for `id`; the empty string for an unknown id.
    const QString &at(quint32 id) const;
    /// Number of distinct strings, including the empty one.
    int size() const { return static_cast<int>(m_strings.size()); }

private:
    std::vector<QString> m_strings;
    IdIndex m_index;
};

} // namespace tg
