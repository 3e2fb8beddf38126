#pragma once

#include <QList>
#include <QObject>
#include <QString>

namespace tg {

/// A named filter: query text and time preset.
struct SavedFilter
{
    QString name;
    QString query;
    int timePreset = 0; ///< TimeRangeButton::Preset (custom ranges are saved as all time)

    bool operator==(const SavedFilter &other) const = default;
};

/// Saved filters of the traces page, kept in the settings (QSettings array "savedFilters").
class SavedFilters : public QObject
{
    Q_OBJECT

public:
    explicit SavedFilters(QObject *parent = nullptr);

    QList<SavedFilter> filters() const { return m_filters; }
    /// Adds a filter, replacing one of the same name.
    void save(const SavedFilter &filter);
    bool remove(const QString &name);
    /// Reads the settings again.
    void reload();

Q_SIGNALS:
    void changed();

private:
    void write() const;

    QList<SavedFilter> m_filters;
};

} // namespace tg
