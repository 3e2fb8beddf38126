#include "jsontext.h"

#include <utility>

namespace tg {

void JsonObjectBuilder::set(QByteArrayView key, QByteArray rawValue)
{
    constexpr size_t kIndexThreshold = 12;
    if (m_index.isEmpty() && m_members.size() > kIndexThreshold)
        buildIndex();
    if (m_index.isEmpty()) {
        for (auto &member : m_members) {
            if (member.first == key) {
                member.second = std::move(rawValue);
                return;
            }
        }
        m_members.emplace_back(key.toByteArray(), std::move(rawValue));
        if (m_members.size() > kIndexThreshold)
            buildIndex();
        return;
    }
    const QByteArray ownedKey = key.toByteArray();
    const auto it = m_index.constFind(ownedKey);
    if (it != m_index.constEnd()) {
        m_members[*it].second = std::move(rawValue);
        return;
    }
    m_index.insert(ownedKey, m_members.size());
    m_members.emplace_back(ownedKey, std::move(rawValue));
}

void JsonObjectBuilder::buildIndex()
{
    for (size_t i = 0; i < m_members.size(); ++i)
        m_index.insert(m_members[i].first, i);
}

void JsonObjectBuilder::append(QByteArrayView key, QByteArray rawValue)
{
    if (!m_index.isEmpty())
        m_index.insert(key.toByteArray(), m_members.size());
    m_members.emplace_back(key.toByteArray(), std::move(rawValue));
}

void JsonObjectBuilder::merge(const JsonObjectBuilder &other)
{
    if (isEmpty()) {
        *this = other;
        return;
    }
    for (const auto &[key, value] : other.m_members)
        set(key, value);
}

bool JsonObjectBuilder::merge(QByteArrayView objectText)
{
    const auto members = JsonText::objectMembers(objectText);
    if (!members)
        return false;
    for (const auto &member : *members)
        set(member.key, member.value.toByteArray());
    return true;
}

bool JsonObjectBuilder::contains(QByteArrayView key) const
{
    if (!m_index.isEmpty())
        return m_index.contains(key.toByteArray());
    for (const auto &member : m_members) {
        if (member.first == key)
            return true;
    }
    return false;
}

QByteArray JsonObjectBuilder::toJson() const
{
    qsizetype size = 2;
    for (const auto &member : m_members)
        size += member.first.size() + member.second.size() + 4;
    QByteArray out;
    out.reserve(size);
    out.append('{');
    bool first = true;
    for (const auto &member : m_members) {
        if (!first)
            out.append(',');
        first = false;
        JsonText::appendQuoted(out, std::string_view(member.first.constData(), size_t(member.first.size())));
        out.append(':');
        out.append(member.second);
    }
    out.append('}');
    return out;
}

} // namespace tg
