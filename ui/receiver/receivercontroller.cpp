#include "receivercontroller.h"

#include "connectappdialog.h"
#include "credentialstore.h"
#include "itemmodels/tracelistmodel.h"
#include "livefollower.h"
#include "mainwindow.h"
#include "receiver/tracereceiver.h"
#include "receiversettingsdialog.h"
#include "tracespage.h"

#include <QAction>
#include <QMenuBar>
#include <QPushButton>
#include <QSettings>
#include <QStatusBar>
#include <QTcpServer>
#include <QTimer>

namespace tg {

namespace {

constexpr auto kFollowLiveKey = "receiver/followLive";

/// A client on this machine cannot connect to 0.0.0.0; it connects to loopback.
QString clientUrl(QHostAddress address, quint16 port)
{
    if (address == QHostAddress::AnyIPv4 || address == QHostAddress::Any)
        address = QHostAddress::LocalHost;
    else if (address == QHostAddress::AnyIPv6)
        address = QHostAddress::LocalHostIPv6;
    const QString host = address.protocol() == QAbstractSocket::IPv6Protocol
        ? u'[' + address.toString() + u']'
        : address.toString();
    return QStringLiteral("http://%1:%2").arg(host).arg(port);
}

QString hostPort(const QHostAddress &address, quint16 port)
{
    return address.protocol() == QAbstractSocket::IPv6Protocol
        ? QStringLiteral("[%1]:%2").arg(address.toString()).arg(port)
        : QStringLiteral("%1:%2").arg(address.toString()).arg(port);
}

} // namespace

ReceiverController::ReceiverController(TraceStore *store, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_receiver(new TraceReceiver(store, this))
    , m_settings(ReceiverSettings::load())
    , m_rateTimer(new QTimer(this))
    , m_startStop(new QAction(this))
    , m_settingsAction(new QAction(tr("Receiver &Settings…"), this))
    , m_connectAction(new QAction(tr("&Connect Your App…"), this))
    , m_followLive(new QAction(tr("&Follow Live"), this))
{
    m_startStop->setObjectName(QStringLiteral("receiverStartStopAction"));
    m_settingsAction->setObjectName(QStringLiteral("receiverSettingsAction"));
    m_connectAction->setObjectName(QStringLiteral("receiverConnectAction"));
    m_followLive->setObjectName(QStringLiteral("followLiveAction"));
    m_followLive->setCheckable(true);
    m_followLive->setChecked(QSettings().value(QLatin1String(kFollowLiveKey), true).toBool());
    m_followLive->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_L));
    m_followLive->setToolTip(tr("Keep the newest trace selected and open while traces arrive"));
    connect(m_startStop, &QAction::triggered, this, [this] {
        if (m_status.state == ReceiverStatus::State::Running
            || m_status.state == ReceiverStatus::State::Starting)
            stop();
        else
            start();
    });
    connect(m_settingsAction, &QAction::triggered, this, &ReceiverController::showSettingsDialog);
    connect(m_connectAction, &QAction::triggered, this, &ReceiverController::showConnectDialog);
    connect(m_followLive, &QAction::toggled, this, [this](bool on) {
        QSettings().setValue(QLatin1String(kFollowLiveKey), on);
        if (m_follower)
            m_follower->setEnabled(on);
    });
    m_rateTimer->setInterval(1000);
    connect(m_rateTimer, &QTimer::timeout, this, &ReceiverController::updateRate);
    publish();
}

ReceiverController::~ReceiverController()
{
    m_receiver->disconnect(this);
    m_receiver->stop();
}

void ReceiverController::install(MainWindow *window)
{
    m_window = window;
    auto *menu = new QMenu(tr("&Receiver"), window);
    menu->setObjectName(QStringLiteral("receiverMenu"));
    menu->addAction(m_startStop);
    menu->addSeparator();
    menu->addAction(m_connectAction);
    menu->addAction(m_settingsAction);
    menu->addSeparator();
    menu->addAction(m_followLive);
    // Before Help, wherever the other menus end up.
    QAction *before = nullptr;
    for (QAction *action : window->menuBar()->actions()) {
        if (action->menu() && action->text().remove(u'&') == tr("Help"))
            before = action;
    }
    window->menuBar()->insertMenu(before, menu);

    m_statusWidget = new ReceiverStatusWidget;
    m_statusWidget->setMenuActions({ m_startStop, m_connectAction, m_settingsAction });
    m_statusWidget->setFollowLiveAction(m_followLive);
    window->statusBar()->insertPermanentWidget(0, m_statusWidget);

    m_follower = new LiveFollower(window->tracesPage()->view(), TraceListModel::TimeColumn);
    m_follower->setEnabled(m_followLive->isChecked());
    connect(m_follower, &LiveFollower::enabledChanged, m_followLive, &QAction::setChecked);
    // A list scrolled deep stops inserting and only counts new traces: following means going
    // back to the top, as the page's own "N new traces" button does.
    TracesPage *page = window->tracesPage();
    connect(page->model(), &TraceListModel::newTracesAvailable, this, [this, page] {
        if (!m_followLive->isChecked()) // in step with the follower
            return;
        if (auto *button = page->findChild<QPushButton *>(QStringLiteral("newTracesButton")))
            button->click();
        else
            page->model()->reload();
    });
    publish();
}

void ReceiverController::setOverrides(const ReceiverLaunchOverrides &overrides)
{
    m_overrides = overrides;
}

void ReceiverController::startAtLaunch()
{
    if (m_overrides.disabled || !m_settings.enabled) {
        m_status = ReceiverStatus {};
        publish();
        return;
    }
    start();
}

namespace {
ReceiverSettings withOverrides(ReceiverSettings settings, const ReceiverLaunchOverrides &overrides)
{
    if (overrides.httpPort)
        settings.httpPort = *overrides.httpPort;
    if (overrides.grpcPort)
        settings.grpcPort = *overrides.grpcPort;
    return settings;
}
} // namespace

void ReceiverController::start()
{
    const quint64 generation = ++m_startGeneration;
    const ReceiverSettings effective = withOverrides(m_settings, m_overrides);
    QString error;
    if (!effective.validate(&error)) {
        setFailed(error);
        return;
    }
    if (effective.publicKey.isEmpty() || !m_secret.isEmpty()) {
        startWithSecret(effective.publicKey.isEmpty() ? QString() : m_secret);
        return;
    }
    // Keys are configured: the secret comes from the keychain (asynchronously).
    m_status = ReceiverStatus {};
    m_status.state = ReceiverStatus::State::Starting;
    publish();
    credentials()->readSecret(QString::fromLatin1(ReceiverSettings::kSecretAccount), this,
        [this, generation](const CredentialResult &result) {
            if (generation != m_startGeneration)
                return;
            if (!result.ok() || result.secret.isEmpty()) {
                setFailed(tr("the receiver secret key is not available (%1) — set it in Receiver settings")
                              .arg(result.message.isEmpty() ? tr("not in the keychain") : result.message));
                return;
            }
            m_secret = result.secret;
            startWithSecret(m_secret);
        });
}

void ReceiverController::startWithSecret(const QString &secret)
{
    const ReceiverOptions options = withOverrides(m_settings, m_overrides).toOptions(secret);
    QString error;
    if (!m_receiver->start(options, &error)) {
        setFailed(explainStartError(error, options));
        return;
    }
    m_status = ReceiverStatus {};
    m_status.state = ReceiverStatus::State::Running;
    m_status.address = hostPort(options.address, m_receiver->httpPort());
    m_status.grpcPort = m_receiver->grpcPort();
    m_status.stats = m_receiver->stats();
    m_lastSpans = m_status.stats.spansAccepted;
    m_rateClock.start();
    m_rateTimer->start();
    publish();
}

void ReceiverController::stop()
{
    ++m_startGeneration;
    m_rateTimer->stop();
    m_receiver->stop();
    m_status = ReceiverStatus {};
    publish();
}

bool ReceiverController::isRunning() const
{
    return m_receiver->isRunning();
}

void ReceiverController::setFailed(const QString &message)
{
    m_rateTimer->stop();
    m_status = ReceiverStatus {};
    m_status.state = ReceiverStatus::State::Failed;
    m_status.error = message;
    publish();
}

QString ReceiverController::explainStartError(const QString &error, const ReceiverOptions &options) const
{
    // Which port, and is it really taken (rather than, say, a privileged port)?
    const auto inUse = [&options](quint16 port) {
        QTcpServer probe;
        if (probe.listen(options.address, port)) {
            probe.close();
            return false;
        }
        return probe.serverError() == QAbstractSocket::AddressInUseError;
    };
    for (const quint16 port : { options.httpPort, options.grpcEnabled ? options.grpcPort : quint16(0) }) {
        if (port != 0 && inUse(port))
            return tr("port %1 is in use — change it in Receiver settings").arg(port);
    }
    return error;
}

void ReceiverController::applySettings(const ReceiverSettings &settings, const QString &newSecretKey)
{
    const bool restart = m_status.state != ReceiverStatus::State::Stopped;
    m_settings = settings;
    m_settings.save();
    // Settings chosen in the dialog replace ports given on the command line.
    m_overrides.httpPort.reset();
    m_overrides.grpcPort.reset();
    const QString account = QString::fromLatin1(ReceiverSettings::kSecretAccount);
    if (settings.publicKey.isEmpty()) {
        if (!m_secret.isEmpty())
            credentials()->removeSecret(account, this, [](const CredentialResult &) {});
        m_secret.clear();
    } else if (!newSecretKey.isEmpty()) {
        m_secret = newSecretKey;
        credentials()->writeSecret(account, newSecretKey, this, [this](const CredentialResult &result) {
            if (!result.ok() && m_window)
                m_window->statusBar()->showMessage(
                    tr("The receiver secret key could not be saved: %1").arg(result.message), 15000);
        });
    }
    if (restart)
        start();
    else
        publish();
}

ConnectEndpoints ReceiverController::endpoints() const
{
    ConnectEndpoints e;
    const ReceiverSettings effective = withOverrides(m_settings, m_overrides);
    const ReceiverOptions running = m_receiver->options();
    if (m_receiver->isRunning()) {
        e.http = clientUrl(running.address, m_receiver->httpPort());
        if (m_receiver->grpcPort() != 0)
            e.grpc = clientUrl(running.address, m_receiver->grpcPort());
        if (running.hasKeys())
            e.publicKey = running.publicKey;
    } else {
        const QHostAddress address(effective.address);
        e.http = clientUrl(address, effective.httpPort);
        if (effective.grpcEnabled)
            e.grpc = clientUrl(address, effective.grpcPort);
        e.publicKey = effective.publicKey;
    }
    return e;
}

void ReceiverController::updateRate()
{
    if (!m_receiver->isRunning())
        return;
    const ReceiverStats stats = m_receiver->stats();
    const double seconds = std::max<qint64>(1, m_rateClock.restart()) / 1000.0;
    m_status.spansPerSecond = double(stats.spansAccepted - m_lastSpans) / seconds;
    m_lastSpans = stats.spansAccepted;
    m_status.stats = stats;
    publish();
}

void ReceiverController::publish()
{
    const bool active = m_status.state == ReceiverStatus::State::Running
        || m_status.state == ReceiverStatus::State::Starting;
    m_startStop->setText(active ? tr("S&top Receiver") : tr("S&tart Receiver"));
    if (m_statusWidget)
        m_statusWidget->setStatus(m_status);
    if (m_connectDialog)
        m_connectDialog->setEndpoints(endpoints(), m_receiver->isRunning());
    Q_EMIT statusChanged(m_status);
}

void ReceiverController::showSettingsDialog()
{
    ReceiverSettingsDialog dialog(withOverrides(m_settings, m_overrides), m_window);
    if (dialog.exec() == QDialog::Accepted)
        applySettings(dialog.settings(), dialog.newSecretKey());
}

ConnectAppDialog *ReceiverController::showConnectDialog()
{
    if (!m_connectDialog) {
        m_connectDialog = new ConnectAppDialog(m_window);
        m_connectDialog->setAttribute(Qt::WA_DeleteOnClose);
    }
    m_connectDialog->setEndpoints(endpoints(), m_receiver->isRunning());
    m_connectDialog->show();
    m_connectDialog->raise();
    m_connectDialog->activateWindow();
    return m_connectDialog;
}

CredentialStore *ReceiverController::credentials()
{
    if (!m_credentials)
        m_credentials = new CredentialStore(this);
    return m_credentials;
}

} // namespace tg
