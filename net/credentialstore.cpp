#include "credentialstore.h"

#include "redaction.h"

#include <QDBusConnection>
#include <QDBusMessage>
#include <QDBusPendingCallWatcher>
#include <QDBusPendingReply>
#include <QEventLoop>
#include <QPointer>
#include <QTimer>
#include <qt6keychain/keychain.h>

#include <array>
#include <optional>

namespace tg {

namespace {

constexpr int kProbeTimeoutMs = 5'000;

// Who can serve QtKeychain on Linux: the Secret Service (gnome-keyring, KeePassXC, KWallet's
// bridge) or KWallet itself.
constexpr std::array<const char *, 4> kKeychainBusNames {
    "org.freedesktop.secrets",
    "org.kde.kwalletd6",
    "org.kde.kwalletd5",
    "org.kde.kwalletd",
};

QDBusMessage busCall(const QString &method)
{
    return QDBusMessage::createMethodCall(QStringLiteral("org.freedesktop.DBus"),
        QStringLiteral("/org/freedesktop/DBus"), QStringLiteral("org.freedesktop.DBus"), method);
}

bool containsKeychainName(const QStringList &names)
{
    for (const char *name : kKeychainBusNames) {
        if (names.contains(QLatin1String(name)))
            return true;
    }
    return false;
}

// QtKeychain's libsecret path reports a missing daemon as OtherError with GLib's D-Bus message
// ("The name org.freedesktop.secrets was not provided by any .service files", "Process
// org.freedesktop.secrets exited with status 1", "Cannot autolaunch D-Bus without X11 $DISPLAY");
// its KWallet path says NoBackendAvailable.
bool isMissingService(QKeychain::Error error, const QString &message)
{
    if (error == QKeychain::NoBackendAvailable)
        return true;
    if (error != QKeychain::OtherError)
        return false;
    for (const char *sign : { "org.freedesktop.secrets", ".service files", "ServiceUnknown", "autolaunch" }) {
        if (message.contains(QLatin1String(sign), Qt::CaseInsensitive))
            return true;
    }
    return false;
}

QString sessionOnlyMessage(const QString &reason)
{
    return reason
        + QStringLiteral(
            " Secrets you enter are kept in memory for this session only and must be entered again "
            "after a restart. Start a keychain service (GNOME Keyring or KWallet) to keep them.");
}

} // namespace

CredentialStore::CredentialStore(QObject *parent)
    : CredentialStore(QLatin1String(kDefaultService), parent)
{
}

CredentialStore::CredentialStore(const QString &service, QObject *parent)
    : QObject(parent)
    , m_service(service)
{
}

CredentialStore::~CredentialStore() = default;

QString CredentialStore::langfuseAccount(const QString &connectionId)
{
    return QStringLiteral("langfuse:") + connectionId;
}

QString CredentialStore::providerAccount(const QString &providerName)
{
    return QStringLiteral("provider:") + providerName;
}

void CredentialStore::probe()
{
    if (m_status != Status::Unknown || m_probing)
        return;
    m_probing = true;
    QDBusConnection bus = QDBusConnection::sessionBus();
    if (!bus.isConnected()) {
        QMetaObject::invokeMethod(
            this,
            [this] {
                finishProbe(false,
                    tr("No D-Bus session bus is available, so the system keychain cannot be reached."));
            },
            Qt::QueuedConnection);
        return;
    }
    // A running daemon owns its name; a stopped one that D-Bus can start is activatable.
    auto *owned = new QDBusPendingCallWatcher(
        bus.asyncCall(busCall(QStringLiteral("ListNames")), kProbeTimeoutMs), this);
    connect(owned, &QDBusPendingCallWatcher::finished, this, [this, bus](QDBusPendingCallWatcher *watcher) {
        watcher->deleteLater();
        const QDBusPendingReply<QStringList> names = *watcher;
        if (names.isError()) {
            finishProbe(
                false, tr("The D-Bus session bus did not answer, so the system keychain cannot be reached."));
            return;
        }
        if (containsKeychainName(names.value())) {
            finishProbe(true, QString());
            return;
        }
        auto *activatable = new QDBusPendingCallWatcher(
            bus.asyncCall(busCall(QStringLiteral("ListActivatableNames")), kProbeTimeoutMs), this);
        connect(
            activatable, &QDBusPendingCallWatcher::finished, this, [this](QDBusPendingCallWatcher *second) {
                second->deleteLater();
                const QDBusPendingReply<QStringList> startable = *second;
                finishProbe(!startable.isError() && containsKeychainName(startable.value()),
                    tr("No keychain service (a Secret Service such as GNOME Keyring, or KWallet) is "
                       "running."));
            });
    });
}

void CredentialStore::finishProbe(bool keychainFound, const QString &reason)
{
    m_probing = false;
    if (keychainFound) {
        m_status = Status::Keychain;
        m_statusMessage = tr("Secrets are stored in the system keychain.");
        emit statusChanged(m_status);
    } else {
        becomeSessionOnly(reason);
    }
    std::vector<Request> waiting;
    waiting.swap(m_waiting);
    for (Request &request : waiting)
        dispatch(std::move(request));
}

void CredentialStore::becomeSessionOnly(const QString &reason)
{
    if (m_status == Status::SessionOnly)
        return;
    m_status = Status::SessionOnly;
    m_statusMessage = sessionOnlyMessage(reason);
    emit statusChanged(m_status);
}

void CredentialStore::readSecret(const QString &account, QObject *context, Callback done)
{
    submit({ Op::Read, account, QString(), std::move(done) }, context);
}

void CredentialStore::writeSecret(
    const QString &account, const QString &secret, QObject *context, Callback done)
{
    submit({ Op::Write, account, secret, std::move(done) }, context);
}

void CredentialStore::removeSecret(const QString &account, QObject *context, Callback done)
{
    submit({ Op::Remove, account, QString(), std::move(done) }, context);
}

void CredentialStore::submit(Request request, QObject *context)
{
    if (context) {
        request.done = [guard = QPointer<QObject>(context), done = std::move(request.done)](
                           const CredentialResult &r) {
            if (guard && done)
                done(r);
        };
    }
    QString invalid;
    if (request.account.isEmpty())
        invalid = tr("No account name was given for the secret.");
    else if (request.op == Op::Write && request.secret.isEmpty())
        invalid = tr("An empty secret cannot be stored; remove the entry instead.");
    if (!invalid.isEmpty()) {
        QMetaObject::invokeMethod(
            this,
            [done = std::move(request.done), invalid] {
                if (done)
                    done({ CredentialResult::Error::Failed, QString(), invalid });
            },
            Qt::QueuedConnection);
        return;
    }
    if (m_status == Status::Unknown) {
        m_waiting.push_back(std::move(request));
        probe();
        return;
    }
    dispatch(std::move(request));
}

void CredentialStore::dispatch(Request request)
{
    if (m_status == Status::SessionOnly) {
        // Queued so that the callback never runs inside the caller's own call.
        QMetaObject::invokeMethod(
            this, [this, request = std::move(request)] { runInMemory(request); }, Qt::QueuedConnection);
        return;
    }
    runInKeychain(std::move(request));
}

void CredentialStore::runInMemory(const Request &request)
{
    CredentialResult result;
    switch (request.op) {
    case Op::Read: {
        const auto it = m_memory.constFind(request.account);
        if (it == m_memory.cend()) {
            result.error = CredentialResult::Error::NotFound;
            result.message = tr("Nothing is stored for %1 in this session.").arg(request.account);
        } else {
            result.secret = it.value();
        }
        break;
    }
    case Op::Write:
        m_memory.insert(request.account, request.secret);
        result.message = tr("Kept in memory for this session only: no keychain service is running.");
        break;
    case Op::Remove:
        m_memory.remove(request.account);
        break;
    }
    if (request.done)
        request.done(result);
}

void CredentialStore::runInKeychain(Request request)
{
    QKeychain::Job *job = nullptr;
    switch (request.op) {
    case Op::Read:
        job = new QKeychain::ReadPasswordJob(m_service);
        break;
    case Op::Write: {
        auto *write = new QKeychain::WritePasswordJob(m_service);
        write->setTextData(request.secret);
        job = write;
        break;
    }
    case Op::Remove:
        job = new QKeychain::DeletePasswordJob(m_service);
        break;
    }
    // No parent: QtKeychain's backends call back into the job, so it must live until it finishes
    // (auto-delete), even if this store is gone by then; the connection below dies with the store.
    job->setAutoDelete(true);
    job->setInsecureFallback(false); // never plain text in QSettings
    job->setKey(request.account);
    connect(
        job, &QKeychain::Job::finished, this, [this, request = std::move(request)](QKeychain::Job *finished) {
            const QKeychain::Error error = finished->error();
            const QString detail = redactSecrets(finished->errorString());
            CredentialResult result;
            if (error == QKeychain::NoError) {
                if (request.op == Op::Read)
                    result.secret = static_cast<QKeychain::ReadPasswordJob *>(finished)->textData();
            } else if (error == QKeychain::EntryNotFound) {
                if (request.op == Op::Read) {
                    result.error = CredentialResult::Error::NotFound;
                    result.message
                        = tr("Nothing is stored in the system keychain for %1.").arg(request.account);
                }
            } else if (isMissingService(error, detail)) {
                becomeSessionOnly(tr("The system keychain is not available (%1).").arg(detail));
                runInMemory(request);
                return;
            } else if (error == QKeychain::AccessDenied || error == QKeychain::AccessDeniedByUser) {
                result.error = CredentialResult::Error::AccessDenied;
                result.message = tr("The system keychain refused access; it may be locked (%1).").arg(detail);
            } else {
                result.error = CredentialResult::Error::Failed;
                result.message = tr("The system keychain failed: %1").arg(detail);
            }
            if (request.done)
                request.done(result);
        });
    job->start();
}

CredentialResult CredentialStore::waitFor(
    const std::function<void(QObject *, Callback)> &start, int timeoutMs)
{
    QEventLoop loop;
    std::optional<CredentialResult> result;
    QTimer timer;
    timer.setSingleShot(true);
    connect(&timer, &QTimer::timeout, &loop, &QEventLoop::quit);
    // Destroyed first on return, so an answer that comes after the timeout is dropped.
    QObject context;
    start(&context, [&](const CredentialResult &r) {
        result = r;
        loop.quit();
    });
    timer.start(timeoutMs);
    loop.exec();
    if (result)
        return *result;
    return { CredentialResult::Error::TimedOut, QString(),
        tr("The system keychain did not answer within %1 seconds.").arg(timeoutMs / 1000.0) };
}

CredentialStore::Status CredentialStore::probeBlocking(int timeoutMs)
{
    if (m_status != Status::Unknown)
        return m_status;
    QEventLoop loop;
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    connect(this, &CredentialStore::statusChanged, &loop, &QEventLoop::quit);
    probe();
    loop.exec();
    return m_status;
}

CredentialResult CredentialStore::readSecretBlocking(const QString &account, int timeoutMs)
{
    return waitFor(
        [&](QObject *context, Callback done) { readSecret(account, context, std::move(done)); }, timeoutMs);
}

CredentialResult CredentialStore::writeSecretBlocking(
    const QString &account, const QString &secret, int timeoutMs)
{
    return waitFor(
        [&](QObject *context, Callback done) { writeSecret(account, secret, context, std::move(done)); },
        timeoutMs);
}

CredentialResult CredentialStore::removeSecretBlocking(const QString &account, int timeoutMs)
{
    return waitFor(
        [&](QObject *context, Callback done) { removeSecret(account, context, std::move(done)); }, timeoutMs);
}

} // namespace tg
