#pragma once

#include <QDialog>

class QCheckBox;
class QComboBox;
class QLabel;
class QListWidget;
class QPushButton;
class QTimer;
class QTreeWidget;

namespace tg {

class ForwarderController;
class TraceStore;

/// Forwarding settings and state: the Langfuse connection to send to (or off), the local sources
/// whose new spans go automatically, and the outbox: state, queued / waiting / refused traces,
/// last success and last error, the first queued traces, and Retry Now, Pause and Clear Queue.
/// Follows the controller live.
class ForwarderDialog : public QDialog
{
    Q_OBJECT

public:
    ForwarderDialog(ForwarderController *controller, TraceStore *store, QWidget *parent = nullptr);

    QComboBox *connectionCombo() const { return m_connection; }
    QListWidget *sourceList() const { return m_sources; }
    QTreeWidget *queueList() const { return m_queue; }
    QPushButton *retryButton() const { return m_retry; }
    QPushButton *pauseButton() const { return m_pause; }
    QString stateText() const;
    QString queuedText() const;
    /// A line above everything (e.g. why the dialog opened).
    void setNotice(const QString &text);

private:
    void reloadConnections();
    void reloadSources();
    void reloadQueue();
    void refresh();

    ForwarderController *m_controller;
    TraceStore *m_store;
    QLabel *m_notice;
    QComboBox *m_connection;
    QPushButton *m_manage;
    QListWidget *m_sources;
    QCheckBox *m_includeExisting;
    QLabel *m_state;
    QLabel *m_queued;
    QLabel *m_delivered;
    QLabel *m_lastSuccess;
    QLabel *m_lastError;
    QTreeWidget *m_queue;
    QPushButton *m_retry;
    QPushButton *m_pause;
    QPushButton *m_clear;
    QTimer *m_queueTimer;
    quint64 m_queueGeneration = 0;
};

} // namespace tg
