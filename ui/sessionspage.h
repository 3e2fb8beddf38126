#pragma once

#include <QWidget>

class QLabel;
class QLineEdit;
class QTableView;
class QTimer;

namespace tg {

class SessionListModel;
class TraceStore;

/// Sessions newest first; opening one shows its traces.
class SessionsPage : public QWidget
{
    Q_OBJECT

public:
    explicit SessionsPage(TraceStore *store, QWidget *parent = nullptr);

    SessionListModel *model() const { return m_model; }
    QTableView *view() const { return m_view; }
    void setSourceIds(const QList<qint64> &sourceIds);
    void saveState(const QString &group) const;
    void restoreState(const QString &group);

Q_SIGNALS:
    void sessionActivated(qint64 sourceId, const QString &sessionId);

private:
    void applyFilter();

    SessionListModel *m_model;
    QLineEdit *m_filterEdit;
    QTableView *m_view;
    QLabel *m_countLabel;
    QTimer *m_debounce;
    QList<qint64> m_sourceIds;
};

} // namespace tg
