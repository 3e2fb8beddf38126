#pragma once

#include "store/tracequery.h"

#include <QWidget>

class QLabel;
class QLineEdit;
class QTableView;
class QTimer;
class QPushButton;

namespace tg {

class TraceListModel;
class TraceStore;

/// The traces table with its filter bar and counters.
class TracesPage : public QWidget
{
    Q_OBJECT

public:
    explicit TracesPage(TraceStore *store, QWidget *parent = nullptr);

    TraceListModel *model() const { return m_model; }
    QTableView *view() const { return m_view; }
    QLineEdit *filterEdit() const { return m_filterEdit; }

    void setSourceIds(const QList<qint64> &sourceIds);
    /// Shows only the traces of one session (from the sessions page).
    void setSession(qint64 sourceId, const QString &sessionId);
    void saveState(const QString &group) const;
    void restoreState(const QString &group);

Q_SIGNALS:
    /// The user opened a trace (double click, Enter) or moved the current row.
    void traceActivated(qint64 traceRk);
    void currentTraceChanged(qint64 traceRk);

private:
    void applyFilter();
    void updateCountLabel();

    TraceStore *m_store;
    TraceListModel *m_model;
    QLineEdit *m_filterEdit;
    QTableView *m_view;
    QLabel *m_countLabel;
    QPushButton *m_newTracesButton;
    QTimer *m_filterDebounce;
    QList<qint64> m_sourceIds;
    QString m_sessionId;
};

} // namespace tg
