#pragma once

#include "forwarder/otlpforwarder.h"

#include <QDateTime>
#include <QObject>
#include <QPointer>
#include <QSet>

class QAction;
class QLabel;

namespace tg {

class ConnectionRegistry;
class ForwarderDialog;
class MainWindow;
class TraceStore;

/// Forwarding local traces to a Langfuse project in the app. Owns the one OtlpForwarder (created
/// for the chosen connection once its secret key came from the keychain, started at launch when
/// configured), keeps the choice of connection and the pause in QSettings (never a secret; the
/// sources that forward automatically are rules in the store), and puts it in the window: a
/// status bar slot with outbox depth and state that opens the ForwarderDialog, "Forward to
/// Langfuse…" in the File and Receiver menus, and "Forward Selected Traces to Langfuse" on the
/// traces list.
class ForwarderController : public QObject
{
    Q_OBJECT

public:
    explicit ForwarderController(TraceStore *store, QObject *parent = nullptr);
    ~ForwarderController() override;

    /// Backoff, polling and request limits for the forwarder (tests shorten them).
    void setForwarderOptions(const ForwarderOptions &options) { m_options = options; }
    /// Adds the menus, the status slot and the context action; `registry` (not owned) lists the
    /// connections and holds their secrets.
    void install(MainWindow *window, ConnectionRegistry *registry);
    /// Starts forwarding when the settings name a connection (and it is not paused).
    void startAtLaunch();

    ConnectionRegistry *registry() const { return m_registry; }
    QString connectionId() const { return m_connectionId; }
    QString connectionName() const;
    /// Forward to another connection (empty: off). Sources forwarding automatically move along.
    void setConnection(const QString &connectionId);
    bool isPaused() const { return m_paused; }
    void setPaused(bool paused);
    /// Null while forwarding is off or the secret key is still being read.
    OtlpForwarder *forwarder() const { return m_forwarder; }
    /// Why there is no forwarder although a connection is chosen (no key, connection gone).
    QString problem() const { return m_problem; }

    /// Queues these traces (whole) for the connection; opens the dialog when none is chosen.
    void forwardTraces(const QList<qint64> &traceRks);
    void setAutoForward(qint64 sourceId, bool enabled, bool includeExisting);
    QSet<qint64> autoForwardSources() const { return m_ruleSources; }
    void retryNow();
    void clearQueue();

    /// What the status slot says: "→ production: backing off until 14:03:12 (HTTP 503) · 12 queued".
    QString statusText() const;
    QDateTime lastSuccess() const { return m_lastSuccess; }
    QLabel *statusLabel() const { return m_status; }
    QAction *dialogAction() const { return m_dialogAction; }
    QAction *forwardSelectedAction() const { return m_forwardSelected; }
    ForwarderDialog *showDialog();
    ForwarderDialog *dialog() const;
    /// Opens the window's connection dialog, when the window has one.
    bool manageConnections();
    bool canManageConnections() const;

Q_SIGNALS:
    /// The connection, state, queue depth or rules changed.
    void changed();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void activate();
    void createForwarder(const ForwardTarget &target, const QString &secret);
    void dropForwarder();
    void loadRules();
    void updateStatus();

    TraceStore *m_store;
    ForwarderOptions m_options;
    QPointer<MainWindow> m_window;
    ConnectionRegistry *m_registry = nullptr;
    OtlpForwarder *m_forwarder = nullptr;
    QString m_connectionId;
    QString m_problem;
    bool m_paused = false;
    quint64 m_generation = 0; ///< a newer activation makes a pending secret read stale
    QSet<qint64> m_ruleSources;
    QDateTime m_lastSuccess;
    QLabel *m_status = nullptr;
    QAction *m_dialogAction;
    QAction *m_forwardSelected;
    QPointer<ForwarderDialog> m_dialog;
};

} // namespace tg
