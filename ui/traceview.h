#pragma once

#include "domain/rows.h"
#include "store/storechange.h"

#include <QWidget>

class QLabel;
class QSplitter;
class QTimer;
class QTreeView;

namespace tg {

class ObservationDetailView;
class SpanTreeModel;
class TraceStore;

/// One trace: its span tree (flat model, no size cap) next to the detail of the selected
/// observation. The tree is built off the GUI thread; while the trace is still receiving
/// spans it grows in place, keeping expansion, selection and scroll.
class TraceView : public QWidget
{
    Q_OBJECT

public:
    explicit TraceView(TraceStore *store, QWidget *parent = nullptr);

    /// Opens a trace by store row key (0 clears the view).
    void openTrace(qint64 traceRk);
    qint64 traceRk() const { return m_traceRk; }
    SpanTreeModel *model() const { return m_model; }
    QTreeView *tree() const { return m_tree; }
    ObservationDetailView *detail() const { return m_detail; }
    QSplitter *splitter() const { return m_splitter; }

Q_SIGNALS:
    /// The tree of the opened trace is on screen (for tests and timing).
    void traceLoaded(qint64 traceRk, int observations);

private:
    void onCommitted(const StoreChange &change);
    void fetchLiveChanges();
    void showCurrent();
    void updateHeader(const TraceRow &row);

    TraceStore *m_store;
    SpanTreeModel *m_model;
    QLabel *m_header;
    QSplitter *m_splitter;
    QTreeView *m_tree;
    ObservationDetailView *m_detail;
    QTimer *m_liveTimer;
    qint64 m_traceRk = 0;
    qint64 m_seenSeq = 0;
    quint64 m_generation = 0;
    quint64 m_detailGeneration = 0;
    bool m_liveFetchRunning = false;
};

} // namespace tg
