#pragma once

#include "query/tracequeryparser.h"
#include "store/tracequery.h"

#include <QWidget>

class QAction;
class QLabel;
class QLineEdit;
class QTableView;
class QTimer;
class QToolButton;
class QPushButton;

namespace tg {

class QueryLineEdit;
class SavedFilters;
struct SavedFilter;
class TimeRangeButton;
class TraceListModel;
class TraceStore;

/// The traces table with its filter bar: a time range, the query line (name:, user:, session:,
/// tag:, env:, level:, model:, agent:, latency:, cost: and full text, with completion), saved
/// filters, and counters. Columns sort in SQL; cells offer "filter by this value".
class TracesPage : public QWidget
{
    Q_OBJECT

public:
    struct Actions
    {
        QAction *focusFilter = nullptr;
        QAction *clearFilter = nullptr;
        QAction *saveFilter = nullptr;
        QAction *nextTrace = nullptr;
        QAction *previousTrace = nullptr;
        QAction *copyTraceId = nullptr;
        QList<QAction *> all() const;
    };

    explicit TracesPage(TraceStore *store, QWidget *parent = nullptr);

    TraceListModel *model() const { return m_model; }
    QTableView *view() const { return m_view; }
    QLineEdit *filterEdit() const;
    QueryLineEdit *queryEdit() const { return m_queryEdit; }
    TimeRangeButton *timeRange() const { return m_timeRange; }
    SavedFilters *savedFilters() const { return m_savedFilters; }
    QLabel *errorLabel() const { return m_errorLabel; }
    const Actions &actions() const { return m_actions; }

    void setSourceIds(const QList<qint64> &sourceIds);
    /// Shows only the traces of one session (from the sessions page).
    void setSession(qint64 sourceId, const QString &sessionId);
    /// Replaces the query text and applies it at once.
    void setQuery(const QString &text);
    QString query() const;
    /// Shows the traces a filter selects (a chart drill-down): its sources, time range and the
    /// query text for the rest, so the filter bar says what is shown.
    void showFilter(const TraceFilter &filter);
    /// Adds "key:value" to the query (replacing a single-valued key) and applies it.
    void addFilterTerm(const QString &key, const QString &value);
    /// The filter last applied (query, sources and time range).
    TraceFilter appliedFilter() const;
    /// Row keys of the selected traces, in row order.
    QList<qint64> selectedTraceRks() const;
    /// Actions appended to the rows' context menu (export, forward); they read the selection.
    void addContextActions(const QList<QAction *> &actions);
    /// Moves the current row by `delta` (fetching more rows at the end); false at either end.
    bool selectAdjacentTrace(int delta);
    void focusFilter();
    void saveCurrentFilter(const QString &name);
    void applySavedFilter(const SavedFilter &filter);
    void saveState(const QString &group) const;
    void restoreState(const QString &group);

Q_SIGNALS:
    /// The user opened a trace (double click, Enter) or moved the current row.
    void traceActivated(qint64 traceRk);
    void currentTraceChanged(qint64 traceRk);
    void statusMessage(const QString &text);

private:
    void createActions();
    void applyFilter();
    void updateCountLabel();
    void showContextMenu(const QPoint &pos);
    void rebuildSavedMenu();
    void askToSaveFilter();

    TraceStore *m_store;
    TraceListModel *m_model;
    TimeRangeButton *m_timeRange;
    QueryLineEdit *m_queryEdit;
    QToolButton *m_savedButton;
    SavedFilters *m_savedFilters;
    QLabel *m_errorLabel;
    QTableView *m_view;
    QLabel *m_countLabel;
    QPushButton *m_newTracesButton;
    QTimer *m_filterDebounce;
    Actions m_actions;
    QList<qint64> m_sourceIds;
    QList<QAction *> m_contextActions;
};

} // namespace tg
