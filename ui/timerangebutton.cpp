#include "timerangebutton.h"

#include "icons.h"

#include <QActionGroup>
#include <QCheckBox>
#include <QDateTimeEdit>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QMenu>

namespace tg {

namespace {
constexpr qint64 kMinute = 60'000'000'000LL;
}

TimeRangeButton::TimeRangeButton(QWidget *parent)
    : QToolButton(parent)
    , m_group(new QActionGroup(this))
{
    setObjectName(QStringLiteral("timeRangeButton"));
    setIcon(icons::icon(QStringLiteral("calendar")));
    setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    setPopupMode(QToolButton::InstantPopup);
    setAutoRaise(true);
    auto *menu = new QMenu(this);
    const QList<std::pair<Preset, QKeySequence>> presets {
        { AllTime, QKeySequence(Qt::ALT | Qt::Key_0) },
        { Last15Minutes, QKeySequence(Qt::ALT | Qt::Key_1) },
        { LastHour, QKeySequence(Qt::ALT | Qt::Key_2) },
        { Last24Hours, QKeySequence(Qt::ALT | Qt::Key_3) },
        { Last7Days, QKeySequence(Qt::ALT | Qt::Key_4) },
        { Last30Days, QKeySequence(Qt::ALT | Qt::Key_5) },
        { Custom, QKeySequence(Qt::ALT | Qt::Key_6) },
    };
    for (const auto &[preset, shortcut] : presets) {
        QAction *action
            = menu->addAction(presetName(preset) + (preset == Custom ? QStringLiteral("…") : QString()));
        action->setObjectName(QStringLiteral("actionTime%1").arg(static_cast<int>(preset)));
        action->setShortcut(shortcut);
        action->setCheckable(preset != Custom);
        action->setActionGroup(preset != Custom ? m_group : nullptr);
        action->setChecked(preset == AllTime);
        const Preset p = preset;
        connect(action, &QAction::triggered, this, [this, p] {
            if (p == Custom)
                chooseCustomRange();
            else
                setPreset(p);
        });
        m_actions.append(action);
    }
    setMenu(menu);
    updateText();
}

QString TimeRangeButton::presetName(Preset preset)
{
    switch (preset) {
    case AllTime:
        return tr("All time");
    case Last15Minutes:
        return tr("Last 15 minutes");
    case LastHour:
        return tr("Last hour");
    case Last24Hours:
        return tr("Last 24 hours");
    case Last7Days:
        return tr("Last 7 days");
    case Last30Days:
        return tr("Last 30 days");
    case Custom:
        return tr("Custom range");
    }
    return {};
}

qint64 TimeRangeButton::presetSpanNs(Preset preset)
{
    switch (preset) {
    case Last15Minutes:
        return 15 * kMinute;
    case LastHour:
        return 60 * kMinute;
    case Last24Hours:
        return 24 * 60 * kMinute;
    case Last7Days:
        return 7 * 24 * 60 * kMinute;
    case Last30Days:
        return 30 * 24 * 60 * kMinute;
    default:
        return 0;
    }
}

QList<QAction *> TimeRangeButton::presetActions() const
{
    return m_actions;
}

void TimeRangeButton::setPreset(Preset preset)
{
    if (preset == Custom && !m_customFrom && !m_customTo)
        preset = AllTime;
    const bool changed = preset != m_preset;
    m_preset = preset;
    for (int i = 0; i < m_actions.size(); ++i) {
        if (m_actions[i]->isCheckable())
            m_actions[i]->setChecked(i == static_cast<int>(preset));
    }
    if (preset == Custom) {
        // A custom range unchecks the presets.
        if (QAction *checked = m_group->checkedAction()) {
            m_group->setExclusive(false);
            checked->setChecked(false);
            m_group->setExclusive(true);
        }
    }
    updateText();
    if (changed || preset == Custom)
        Q_EMIT rangeChanged();
}

void TimeRangeButton::setCustomRange(std::optional<qint64> fromNs, std::optional<qint64> toNs)
{
    m_customFrom = fromNs;
    m_customTo = toNs;
    m_preset = AllTime; // force a change signal
    setPreset(Custom);
}

std::pair<std::optional<qint64>, std::optional<qint64>> TimeRangeButton::range(qint64 nowNs) const
{
    if (m_preset == Custom)
        return { m_customFrom, m_customTo };
    const qint64 span = presetSpanNs(m_preset);
    if (span == 0)
        return { std::nullopt, std::nullopt };
    return { nowNs - span, std::nullopt };
}

void TimeRangeButton::updateText()
{
    if (m_preset != Custom) {
        setText(presetName(m_preset));
        setToolTip(tr("Time range of the traces (Alt+0 … Alt+6)"));
        return;
    }
    const auto format = [](const std::optional<qint64> &ns) {
        return ns
            ? QDateTime::fromMSecsSinceEpoch(*ns / 1'000'000).toString(QStringLiteral("yyyy-MM-dd HH:mm"))
            : QStringLiteral("…");
    };
    setText(format(m_customFrom) + QStringLiteral(" – ") + format(m_customTo));
    setToolTip(tr("Custom time range"));
}

void TimeRangeButton::chooseCustomRange()
{
    QDialog dialog(this);
    dialog.setWindowTitle(tr("Custom Time Range"));
    auto *from = new QDateTimeEdit(&dialog);
    auto *to = new QDateTimeEdit(&dialog);
    auto *openEnd = new QCheckBox(tr("Up to now (and new traces)"), &dialog);
    for (QDateTimeEdit *edit : { from, to }) {
        edit->setCalendarPopup(true);
        edit->setDisplayFormat(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    }
    const QDateTime now = QDateTime::currentDateTime();
    from->setDateTime(
        m_customFrom ? QDateTime::fromMSecsSinceEpoch(*m_customFrom / 1'000'000) : now.addDays(-1));
    to->setDateTime(m_customTo ? QDateTime::fromMSecsSinceEpoch(*m_customTo / 1'000'000) : now);
    openEnd->setChecked(m_preset != Custom || !m_customTo);
    to->setEnabled(!openEnd->isChecked());
    connect(openEnd, &QCheckBox::toggled, to, [to](bool on) { to->setEnabled(!on); });
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
    connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    auto *layout = new QFormLayout(&dialog);
    layout->addRow(tr("From"), from);
    layout->addRow(tr("To"), to);
    layout->addRow(QString(), openEnd);
    layout->addRow(buttons);
    if (dialog.exec() != QDialog::Accepted)
        return;
    qint64 fromNs = from->dateTime().toMSecsSinceEpoch() * 1'000'000;
    std::optional<qint64> toNs;
    if (!openEnd->isChecked())
        toNs = to->dateTime().toMSecsSinceEpoch() * 1'000'000;
    if (toNs && *toNs < fromNs)
        std::swap(*toNs, fromNs);
    setCustomRange(fromNs, toNs);
}

} // namespace tg
