#pragma once

#include "domain/source.h"

#include <QToolButton>

#include <vector>

class QMenu;

namespace tg {

class TraceStore;

/// A "Sources ▾" button whose menu checks any number of sources (projects); none checked
/// means all. Keeps its list current as sources come and go.
class SourcePicker : public QToolButton
{
    Q_OBJECT

public:
    explicit SourcePicker(TraceStore *store, QWidget *parent = nullptr);

    /// Checked source ids; empty = all sources.
    QList<qint64> selection() const { return m_selected; }
    void setSelection(const QList<qint64> &ids);
    const std::vector<Source> &sources() const { return m_sources; }
    void reload();

Q_SIGNALS:
    void selectionChanged(const QList<qint64> &ids);
    void sourcesLoaded();

private:
    void rebuildMenu();
    void updateText();

    TraceStore *m_store;
    QMenu *m_menu;
    std::vector<Source> m_sources;
    QList<qint64> m_selected;
};

} // namespace tg
