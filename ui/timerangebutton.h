#pragma once

#include <QToolButton>

#include <optional>
#include <utility>

class QActionGroup;

namespace tg {

/// The time window of the traces list: all time, the last 15 minutes, hour, day, 7 or 30 days,
/// or a custom range chosen in a dialog. Relative presets are evaluated when the filter applies.
class TimeRangeButton : public QToolButton
{
    Q_OBJECT

public:
    enum Preset { AllTime, Last15Minutes, LastHour, Last24Hours, Last7Days, Last30Days, Custom };
    Q_ENUM(Preset)

    explicit TimeRangeButton(QWidget *parent = nullptr);

    Preset preset() const { return m_preset; }
    void setPreset(Preset preset);
    /// Chooses a custom range [from, to) in nanoseconds since the epoch (either may be open).
    void setCustomRange(std::optional<qint64> fromNs, std::optional<qint64> toNs);
    /// The range for the preset as of `nowNs`.
    std::pair<std::optional<qint64>, std::optional<qint64>> range(qint64 nowNs) const;
    /// The preset actions, for menus and the command palette.
    QList<QAction *> presetActions() const;
    static QString presetName(Preset preset);
    /// The length of a relative preset in nanoseconds (0 for all time and custom).
    static qint64 presetSpanNs(Preset preset);

public Q_SLOTS:
    /// Asks for a custom range in a dialog.
    void chooseCustomRange();

Q_SIGNALS:
    void rangeChanged();

private:
    void updateText();

    Preset m_preset = AllTime;
    std::optional<qint64> m_customFrom;
    std::optional<qint64> m_customTo;
    QActionGroup *m_group;
    QList<QAction *> m_actions;
};

} // namespace tg
