#pragma once

#include <QPair>
#include <QWidget>

class QAction;
class QLabel;
class QLineEdit;
class QSplitter;
class QTableView;
class QTimer;

namespace tg {

class SessionConversationView;
class SessionListModel;
class TraceStore;

/// Sessions newest first (first and last time, traces, user, tokens, cost, duration); the
/// selected one reads as a conversation beside the table, with links into each trace.
class SessionsPage : public QWidget
{
    Q_OBJECT

public:
    explicit SessionsPage(TraceStore *store, QWidget *parent = nullptr);

    SessionListModel *model() const { return m_model; }
    QTableView *view() const { return m_view; }
    QLineEdit *filterEdit() const { return m_filterEdit; }
    SessionConversationView *conversation() const { return m_conversation; }
    QSplitter *splitter() const { return m_splitter; }
    void setSourceIds(const QList<qint64> &sourceIds);
    /// (source id, session id) of the selected sessions, in row order.
    QList<QPair<qint64, QString>> selectedSessions() const;
    /// Actions for the rows' context menu (export); they read the selection.
    void addContextActions(const QList<QAction *> &actions);
    void saveState(const QString &group) const;
    void restoreState(const QString &group);

Q_SIGNALS:
    /// Enter or double click on a session.
    void sessionActivated(qint64 sourceId, const QString &sessionId);
    /// A trace link in the conversation.
    void traceActivated(qint64 traceRk);
    void showTracesRequested(qint64 sourceId, const QString &sessionId);

private:
    void applyFilter();

    SessionListModel *m_model;
    QLineEdit *m_filterEdit;
    QSplitter *m_splitter;
    QTableView *m_view;
    SessionConversationView *m_conversation;
    QLabel *m_countLabel;
    QTimer *m_debounce;
    QList<qint64> m_sourceIds;
    QList<QAction *> m_contextActions;
};

} // namespace tg
