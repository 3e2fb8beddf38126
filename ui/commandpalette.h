#pragma once

#include <QFrame>
#include <QPointer>

#include <functional>

class QAction;
class QLineEdit;
class QListView;
class QStandardItemModel;

namespace tg {

/// An action offered by the palette and the keymap, with the menu it lives in.
struct CommandEntry
{
    QPointer<QAction> action;
    QString category;
};

/// Ctrl+K: every action of the window in one filterable list. Type to fuzzy-filter (initials and
/// word starts score highest), arrows to move, Enter to run, Escape to close.
class CommandPalette : public QFrame
{
    Q_OBJECT

public:
    using Provider = std::function<QList<CommandEntry>()>;

    explicit CommandPalette(QWidget *window, Provider provider);

    /// Shows the palette at the top of its window with an empty filter.
    void popup();
    QLineEdit *filterEdit() const { return m_edit; }
    QListView *list() const { return m_list; }
    /// The texts of the rows shown now, best first (for tests).
    QStringList visibleCommands() const;
    /// Runs the highlighted command.
    void runCurrent();

    /// Fuzzy match score of `query` in `text` (higher is better), -1 when it does not match.
    static int matchScore(const QString &query, const QString &text);
    /// An action's text without mnemonics ("&Quit" -> "Quit").
    static QString cleanText(const QAction *action);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void refilter();

    Provider m_provider;
    QList<CommandEntry> m_entries;
    QLineEdit *m_edit;
    QListView *m_list;
    QStandardItemModel *m_model;
    int m_maxHeight = 0;
};

} // namespace tg
