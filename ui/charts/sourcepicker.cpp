#include "sourcepicker.h"

#include "itemmodels/backgroundtask.h"
#include "store/readerpool.h"
#include "store/storereader.h"
#include "store/tracestore.h"

#include <QMenu>

namespace tg {

SourcePicker::SourcePicker(TraceStore *store, QWidget *parent)
    : QToolButton(parent)
    , m_store(store)
    , m_menu(new QMenu(this))
{
    setPopupMode(QToolButton::InstantPopup);
    setMenu(m_menu);
    setToolButtonStyle(Qt::ToolButtonTextOnly);
    connect(m_store, &TraceStore::committed, this, [this](const StoreChange &change) {
        if (change.sourcesChanged)
            reload();
    });
    reload();
    updateText();
}

void SourcePicker::reload()
{
    std::shared_ptr<ReaderPool> pool = m_store->readerPool();
    runInBackground(
        this,
        [pool]() -> std::vector<Source> {
            ReaderLease reader = pool->lease();
            return reader ? reader->sources(false) : std::vector<Source> {};
        },
        [this](std::vector<Source> sources) {
            m_sources = std::move(sources);
            QList<qint64> kept;
            for (const qint64 id : std::as_const(m_selected)) {
                for (const Source &s : m_sources) {
                    if (s.id == id)
                        kept << id;
                }
            }
            const bool changed = kept != m_selected;
            m_selected = kept;
            rebuildMenu();
            updateText();
            Q_EMIT sourcesLoaded();
            if (changed)
                Q_EMIT selectionChanged(m_selected);
        });
}

void SourcePicker::setSelection(const QList<qint64> &ids)
{
    if (ids == m_selected)
        return;
    m_selected = ids;
    rebuildMenu();
    updateText();
    Q_EMIT selectionChanged(m_selected);
}

void SourcePicker::rebuildMenu()
{
    m_menu->clear();
    QAction *all = m_menu->addAction(tr("All sources"));
    all->setCheckable(true);
    all->setChecked(m_selected.isEmpty());
    connect(all, &QAction::triggered, this, [this] { setSelection({}); });
    m_menu->addSeparator();
    for (const Source &source : m_sources) {
        QAction *action = m_menu->addAction(source.name);
        action->setCheckable(true);
        action->setChecked(m_selected.contains(source.id));
        action->setToolTip(sourceKindName(source.kind));
        const qint64 id = source.id;
        connect(action, &QAction::triggered, this, [this, id](bool checked) {
            QList<qint64> ids = m_selected;
            if (checked && !ids.contains(id))
                ids.append(id);
            if (!checked)
                ids.removeAll(id);
            setSelection(ids);
        });
    }
}

void SourcePicker::updateText()
{
    if (m_selected.isEmpty()) {
        setText(tr("All sources"));
        return;
    }
    if (m_selected.size() == 1) {
        for (const Source &s : m_sources) {
            if (s.id == m_selected.front()) {
                setText(s.name);
                return;
            }
        }
    }
    setText(tr("%n sources", nullptr, static_cast<int>(m_selected.size())));
}

} // namespace tg
