#pragma once

#include "domain/rows.h"
#include "store/storechange.h"

#include <QElapsedTimer>
#include <QSet>
#include <QWidget>

#include <optional>

class QAction;
class QLabel;
class QLineEdit;
class QSplitter;
class QTimer;
class QToolBar;
class QToolButton;

namespace tg {

class ObservationDetailView;
class SpanTreeModel;
class SpanTreeView;
class TimelineMinimap;
class TimelineView;
class TraceStore;

/// One trace: its span tree (flat model, no size cap) beside a zoomable timeline that paints the
/// same rows, a minimap of the whole trace above them, and the detail of the selected observation.
/// The tree is built off the GUI thread; a trace still receiving spans grows in place, keeping
/// expansion, selection and scroll. Search covers names and, through the store's full-text index,
/// inputs and outputs; n/N walk the matches, e/E the errors.
class TraceView : public QWidget
{
    Q_OBJECT

public:
    /// The trace commands; the main window puts them in its menus (and so in the palette).
    struct Actions
    {
        QAction *search = nullptr;
        QAction *nextMatch = nullptr;
        QAction *previousMatch = nullptr;
        QAction *nextError = nullptr;
        QAction *previousError = nullptr;
        QAction *expandAll = nullptr;
        QAction *collapseAll = nullptr;
        QAction *expandErrors = nullptr;
        QAction *mostExpensive = nullptr;
        QAction *slowest = nullptr;
        QAction *toggleTimeline = nullptr;
        QAction *zoomIn = nullptr;
        QAction *zoomOut = nullptr;
        QAction *zoomFit = nullptr;
        QAction *zoomToSelection = nullptr;
        QAction *copyId = nullptr;
        QAction *copyTraceId = nullptr;
        QAction *openInLangfuse = nullptr;
        QAction *focusDetail = nullptr;

        QList<QAction *> all() const;
    };

    explicit TraceView(TraceStore *store, QWidget *parent = nullptr);

    /// Opens a trace by store row key (0 clears the view).
    void openTrace(qint64 traceRk);
    qint64 traceRk() const { return m_traceRk; }
    SpanTreeModel *model() const { return m_model; }
    SpanTreeView *tree() const { return m_tree; }
    TimelineView *timeline() const { return m_timeline; }
    TimelineMinimap *minimap() const { return m_minimap; }
    ObservationDetailView *detail() const { return m_detail; }
    QSplitter *splitter() const { return m_splitter; }
    QSplitter *treeSplitter() const { return m_treeSplitter; }
    QLineEdit *searchEdit() const { return m_searchEdit; }
    const Actions &actions() const { return m_actions; }

    /// Searches names (at once) and inputs/outputs (full-text, in the background).
    void search(const QString &text);
    QString searchText() const { return m_searchText; }
    int searchMatchCount() const;
    bool isSearching() const { return m_searchRunning; }
    void nextMatch();
    void previousMatch();
    void nextError();
    void previousError();
    void expandAll();
    void collapseAll();
    void expandToErrors();
    void jumpToMostExpensive();
    void jumpToSlowest();
    void focusSearch();
    void setTimelineVisible(bool visible);
    bool isTimelineVisible() const;

    void saveState(const QString &group) const;
    void restoreState(const QString &group);
    /// Adds an action to the span tree's context menu, above the copy actions (replay uses it).
    void addTreeContextAction(QAction *action);

Q_SIGNALS:
    /// The tree of the opened trace is on screen (for tests and timing).
    void traceLoaded(qint64 traceRk, int observations);
    /// Search results are in (names and contents).
    void searchFinished(int matches);
    /// Escape in the tree: go back to the list.
    void leaveRequested();
    void statusMessage(const QString &text);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    void createActions();
    void onCommitted(const StoreChange &change);
    void fetchLiveChanges();
    void showCurrent();
    void updateHeader(const TraceRow &row);
    void updateMatchLabel();
    QSet<qint64> nameMatches(const QString &text) const;
    void applyMatches(const QSet<qint64> &rowKeys, bool final);
    void jumpTo(const QModelIndex &index, const QString &emptyMessage);
    void showHeaderMenu(const QPoint &pos);
    void showTreeMenu(const QPoint &pos);

    TraceStore *m_store;
    SpanTreeModel *m_model;
    QLabel *m_title;
    QLabel *m_facts;
    QToolBar *m_toolbar;
    QLineEdit *m_searchEdit;
    QLabel *m_matchLabel;
    QSplitter *m_splitter;
    QSplitter *m_treeSplitter;
    SpanTreeView *m_tree;
    TimelineView *m_timeline;
    TimelineMinimap *m_minimap;
    ObservationDetailView *m_detail;
    QTimer *m_liveTimer;
    QTimer *m_detailRefresh; ///< live changes refresh the shown detail at most every 1.5 s
    QElapsedTimer m_sinceDetail; ///< since the detail was last loaded
    QTimer *m_searchDebounce;
    Actions m_actions;
    QList<QAction *> m_treeContextActions;
    std::optional<TraceRow> m_row;
    qint64 m_traceRk = 0;
    qint64 m_seenSeq = 0;
    quint64 m_generation = 0;
    quint64 m_detailGeneration = 0;
    quint64 m_searchGeneration = 0;
    bool m_liveFetchRunning = false;
    bool m_searchRunning = false;
    QString m_searchText;
    QSet<qint64> m_contentMatches; ///< observation row keys whose payloads match
    bool m_traceMatches = false; ///< the trace's own input/output matches
};

} // namespace tg
