#include "keymapdialog.h"

#include "icons.h"

#include <QAction>
#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLineEdit>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace tg {

KeymapDialog::KeymapDialog(const QList<CommandEntry> &entries, QWidget *parent)
    : QDialog(parent)
    , m_filter(new QLineEdit(this))
    , m_tree(new QTreeWidget(this))
{
    setObjectName(QStringLiteral("keymapDialog"));
    setWindowTitle(tr("Keyboard Shortcuts"));
    setWindowIcon(icons::icon(QStringLiteral("keyboard")));
    m_filter->setObjectName(QStringLiteral("keymapFilter"));
    m_filter->setPlaceholderText(tr("Filter shortcuts…"));
    m_filter->setClearButtonEnabled(true);
    m_tree->setObjectName(QStringLiteral("keymapTree"));
    m_tree->setColumnCount(2);
    m_tree->setHeaderLabels({ tr("Command"), tr("Keys") });
    m_tree->setRootIsDecorated(false);
    m_tree->setAlternatingRowColors(true);
    m_tree->setUniformRowHeights(true);
    m_tree->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_tree->header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    m_tree->header()->setStretchLastSection(false);

    QMap<QString, QTreeWidgetItem *> groups;
    QStringList order;
    const auto groupFor = [&](const QString &name) {
        QTreeWidgetItem *&group = groups[name];
        if (!group) {
            group = new QTreeWidgetItem(m_tree, { name });
            QFont bold = group->font(0);
            bold.setBold(true);
            group->setFont(0, bold);
            group->setFirstColumnSpanned(true);
            group->setFlags(Qt::ItemIsEnabled);
        }
        return group;
    };
    for (const CommandEntry &e : entries) {
        if (!e.action || e.action->shortcuts().isEmpty())
            continue;
        QStringList keys;
        for (const QKeySequence &k : e.action->shortcuts())
            keys << k.toString(QKeySequence::NativeText);
        auto *item = new QTreeWidgetItem(groupFor(e.category),
            { CommandPalette::cleanText(e.action), keys.join(QStringLiteral("  or  ")) });
        item->setIcon(0, e.action->icon());
    }
    const QList<std::pair<QString, QString>> extras {
        { tr("Open the selected trace or session; in the tree, go to the detail"), tr("Enter") },
        { tr("Back from the trace to the list"), tr("Esc") },
        { tr("Accept a completion in the filter bar"), tr("Tab or Enter") },
        { tr("Complete keys and values in the filter bar"), tr("Ctrl+Space") },
        { tr("Previous / next search match (in a search field)"), tr("Shift+Enter / Enter") },
        { tr("Zoom the timeline at the cursor"), tr("Ctrl+Wheel") },
        { tr("Pan the timeline"), tr("Shift+Wheel, drag, or Left/Right in the timeline") },
        { tr("Zoom the timeline to a span"), tr("Double-click a bar") },
        { tr("Choose a time window on the minimap"), tr("Drag on the minimap") },
        { tr("Copy the value / path in the JSON view"), tr("Ctrl+C / Ctrl+Shift+C") },
    };
    QTreeWidgetItem *more = groupFor(tr("Keys and gestures"));
    for (const auto &[what, keys] : extras)
        new QTreeWidgetItem(more, { what, keys });
    m_tree->expandAll();

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_filter);
    layout->addWidget(m_tree, 1);
    layout->addWidget(buttons);
    resize(620, 640);
    connect(m_filter, &QLineEdit::textChanged, this, &KeymapDialog::refilter);
    m_filter->setFocus();
}

void KeymapDialog::refilter()
{
    const QString text = m_filter->text().trimmed();
    for (int g = 0; g < m_tree->topLevelItemCount(); ++g) {
        QTreeWidgetItem *group = m_tree->topLevelItem(g);
        int shown = 0;
        for (int i = 0; i < group->childCount(); ++i) {
            QTreeWidgetItem *item = group->child(i);
            const bool match = text.isEmpty() || item->text(0).contains(text, Qt::CaseInsensitive)
                || item->text(1).contains(text, Qt::CaseInsensitive)
                || group->text(0).contains(text, Qt::CaseInsensitive);
            item->setHidden(!match);
            shown += match ? 1 : 0;
        }
        group->setHidden(shown == 0);
    }
}

int KeymapDialog::visibleRows() const
{
    int rows = 0;
    for (int g = 0; g < m_tree->topLevelItemCount(); ++g) {
        const QTreeWidgetItem *group = m_tree->topLevelItem(g);
        if (group->isHidden())
            continue;
        for (int i = 0; i < group->childCount(); ++i)
            rows += group->child(i)->isHidden() ? 0 : 1;
    }
    return rows;
}

} // namespace tg
