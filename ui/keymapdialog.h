#pragma once

#include "commandpalette.h"

#include <QDialog>

class QLineEdit;
class QTreeWidget;

namespace tg {

/// "?": every keyboard shortcut of the window, grouped by menu, filterable; plus the keys and
/// mouse gestures that are not menu actions (Enter, Escape, Ctrl+wheel on the timeline, ...).
class KeymapDialog : public QDialog
{
    Q_OBJECT

public:
    KeymapDialog(const QList<CommandEntry> &entries, QWidget *parent = nullptr);

    QTreeWidget *tree() const { return m_tree; }
    QLineEdit *filterEdit() const { return m_filter; }
    /// Number of rows (shortcuts) currently shown.
    int visibleRows() const;

private:
    void refilter();

    QLineEdit *m_filter;
    QTreeWidget *m_tree;
};

} // namespace tg
