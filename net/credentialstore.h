#pragma once

#include <QHash>
#include <QObject>
#include <QString>

#include <functional>
#include <vector>

namespace tg {

/// The outcome of one credential operation.
struct CredentialResult
{
    enum class Error : quint8 {
        None,
        NotFound, ///< nothing stored under that account
        AccessDenied, ///< the keychain refused (locked, or the user dismissed its prompt)
        Failed, ///< any other keychain failure; see message
        TimedOut, ///< only from the blocking calls
    };

    Error error = Error::None;
    QString secret; ///< the secret, for a successful read; empty otherwise
    QString message; ///< plain text for the UI; never contains a secret

    bool ok() const { return error == Error::None; }
};

/// Keeps secrets (Langfuse secret keys, provider API keys) in the OS keychain through QtKeychain,
/// under service "Traceglass" and an account such as "langfuse:<connection-id>". When no keychain
/// service runs, it says so (status() == SessionOnly, statusMessage()) and keeps secrets in memory
/// until it is destroyed: never in a file, QSettings or a log. Lives on one thread; callbacks run
/// there, always after the call returned.
class CredentialStore : public QObject
{
    Q_OBJECT

public:
    enum class Status : quint8 {
        Unknown, ///< not probed yet; the first operation (or probe()) finds out
        Keychain, ///< secrets go to the system keychain and outlive the app
        SessionOnly, ///< no keychain service: secrets live in memory for this run only
    };
    Q_ENUM(Status)

    using Callback = std::function<void(const CredentialResult &)>;

    static constexpr const char *kDefaultService = "Traceglass";
    static constexpr int kDefaultBlockingTimeoutMs = 20'000;

    explicit CredentialStore(QObject *parent = nullptr);
    /// Tests pass a service of their own so they never touch the app's entries.
    explicit CredentialStore(const QString &service, QObject *parent = nullptr);
    ~CredentialStore() override;

    static QString langfuseAccount(const QString &connectionId);
    static QString providerAccount(const QString &providerName);

    QString service() const { return m_service; }
    Status status() const { return m_status; }
    /// Where secrets are kept, as a sentence for the UI; empty while Unknown.
    QString statusMessage() const { return m_statusMessage; }

    /// Looks for a keychain service on the session bus (asynchronous); statusChanged() follows.
    void probe();

    /// `done` runs on this object's thread unless `context` (optional) was destroyed first.
    void readSecret(const QString &account, QObject *context, Callback done);
    void writeSecret(const QString &account, const QString &secret, QObject *context, Callback done);
    /// Removing an account that holds nothing succeeds.
    void removeSecret(const QString &account, QObject *context, Callback done);

    // Blocking conveniences for tests and the command line: they spin a local event loop, so never
    // call them from a callback or where re-entrancy would hurt (the GUI thread).
    Status probeBlocking(int timeoutMs = kDefaultBlockingTimeoutMs);
    CredentialResult readSecretBlocking(const QString &account, int timeoutMs = kDefaultBlockingTimeoutMs);
    CredentialResult writeSecretBlocking(
        const QString &account, const QString &secret, int timeoutMs = kDefaultBlockingTimeoutMs);
    CredentialResult removeSecretBlocking(const QString &account, int timeoutMs = kDefaultBlockingTimeoutMs);

signals:
    void statusChanged(tg::CredentialStore::Status status);

private:
    enum class Op : quint8 { Read, Write, Remove };
    struct Request
    {
        Op op = Op::Read;
        QString account;
        QString secret;
        Callback done;
    };

    void submit(Request request, QObject *context);
    void dispatch(Request request);
    void runInKeychain(Request request);
    void runInMemory(const Request &request);
    void finishProbe(bool keychainFound, const QString &reason);
    void becomeSessionOnly(const QString &reason);
    CredentialResult waitFor(const std::function<void(QObject *, Callback)> &start, int timeoutMs);

    QString m_service;
    Status m_status = Status::Unknown;
    QString m_statusMessage;
    bool m_probing = false;
    std::vector<Request> m_waiting; ///< requests made while the probe runs
    QHash<QString, QString> m_memory; ///< SessionOnly secrets
};

} // namespace tg
