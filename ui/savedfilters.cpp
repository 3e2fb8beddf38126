#include "savedfilters.h"

#include <QSettings>

namespace tg {

SavedFilters::SavedFilters(QObject *parent)
    : QObject(parent)
{
    reload();
}

void SavedFilters::reload()
{
    QSettings settings;
    m_filters.clear();
    const int count = settings.beginReadArray(QStringLiteral("savedFilters"));
    for (int i = 0; i < count; ++i) {
        settings.setArrayIndex(i);
        SavedFilter f;
        f.name = settings.value(QStringLiteral("name")).toString();
        f.query = settings.value(QStringLiteral("query")).toString();
        f.timePreset = settings.value(QStringLiteral("time"), 0).toInt();
        if (!f.name.isEmpty())
            m_filters.append(f);
    }
    settings.endArray();
    Q_EMIT changed();
}

void SavedFilters::write() const
{
    QSettings settings;
    settings.remove(QStringLiteral("savedFilters"));
    settings.beginWriteArray(QStringLiteral("savedFilters"), static_cast<int>(m_filters.size()));
    for (int i = 0; i < m_filters.size(); ++i) {
        settings.setArrayIndex(i);
        settings.setValue(QStringLiteral("name"), m_filters[i].name);
        settings.setValue(QStringLiteral("query"), m_filters[i].query);
        settings.setValue(QStringLiteral("time"), m_filters[i].timePreset);
    }
    settings.endArray();
}

void SavedFilters::save(const SavedFilter &filter)
{
    if (filter.name.trimmed().isEmpty())
        return;
    SavedFilter f = filter;
    f.name = f.name.trimmed();
    bool replaced = false;
    for (SavedFilter &existing : m_filters) {
        if (existing.name == f.name) {
            existing = f;
            replaced = true;
        }
    }
    if (!replaced)
        m_filters.append(f);
    write();
    Q_EMIT changed();
}

bool SavedFilters::remove(const QString &name)
{
    const qsizetype before = m_filters.size();
    m_filters.removeIf([&](const SavedFilter &f) { return f.name == name; });
    if (m_filters.size() == before)
        return false;
    write();
    Q_EMIT changed();
    return true;
}

} // namespace tg
