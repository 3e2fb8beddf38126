#pragma once

#include "connectsnippets.h"
#include "livefollower.h"
#include "receiversettings.h"
#include "receiverstatuswidget.h"

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>

class QAction;
class QMenu;
class QTimer;

namespace tg {

class ConnectAppDialog;
class CredentialStore;
class MainWindow;
class TraceReceiver;
class TraceStore;

/// The receiver in the app: starts it at launch with the saved settings (and command line
/// overrides), restarts it when settings change, and puts it in the window: a Receiver menu
/// (Start/Stop, Settings…, Connect your app…, Follow live), a status bar slot with address,
/// spans/s, totals and the last error, and Follow live on the traces table.
class ReceiverController : public QObject
{
    Q_OBJECT

public:
    explicit ReceiverController(TraceStore *store, QObject *parent = nullptr);
    ~ReceiverController() override;

    /// Adds the menu, the status bar slot and Follow live to `window` (call once).
    void install(MainWindow *window);
    void setOverrides(const ReceiverLaunchOverrides &overrides);
    /// Where the receiver secret key is kept (default: the app's keychain entries; tests pass
    /// their own). Not owned.
    void setCredentialStore(CredentialStore *store) { m_credentials = store; }
    /// Starts when the settings say so and the command line does not say --no-receiver.
    void startAtLaunch();

    /// Starts (or restarts) with the current settings; the outcome arrives as statusChanged().
    void start();
    void stop();
    bool isRunning() const;

    ReceiverSettings settings() const { return m_settings; }
    /// Saves `settings` (and a new secret key to the keychain) and restarts a running receiver.
    void applySettings(const ReceiverSettings &settings, const QString &newSecretKey = {});
    ReceiverStatus status() const { return m_status; }
    ConnectEndpoints endpoints() const;
    TraceReceiver *receiver() const { return m_receiver; }

    QAction *startStopAction() const { return m_startStop; }
    QAction *settingsAction() const { return m_settingsAction; }
    QAction *connectAction() const { return m_connectAction; }
    QAction *followLiveAction() const { return m_followLive; }
    ReceiverStatusWidget *statusWidget() const { return m_statusWidget; }
    LiveFollower *follower() const { return m_follower; }

    void showSettingsDialog();
    ConnectAppDialog *showConnectDialog();

Q_SIGNALS:
    void statusChanged(const tg::ReceiverStatus &status);

private:
    void startWithSecret(const QString &secret);
    void setFailed(const QString &message);
    void publish();
    void updateRate();
    QString explainStartError(const QString &error, const ReceiverOptions &options) const;
    CredentialStore *credentials();

    TraceStore *m_store;
    TraceReceiver *m_receiver;
    ReceiverSettings m_settings;
    ReceiverLaunchOverrides m_overrides;
    ReceiverStatus m_status;
    QString m_secret; ///< receiver secret key read from the keychain (memory only)
    quint64 m_startGeneration = 0;
    CredentialStore *m_credentials = nullptr;
    QTimer *m_rateTimer;
    QElapsedTimer m_rateClock;
    qint64 m_lastSpans = 0;
    QAction *m_startStop;
    QAction *m_settingsAction;
    QAction *m_connectAction;
    QAction *m_followLive;
    QPointer<ReceiverStatusWidget> m_statusWidget;
    QPointer<LiveFollower> m_follower;
    QPointer<MainWindow> m_window;
    QPointer<ConnectAppDialog> m_connectDialog;
};

} // namespace tg
