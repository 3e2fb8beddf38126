#pragma once

#include "credentialstore.h"
#include "langfuseconnection.h"

#include <QList>
#include <QObject>
#include <QProcessEnvironment>
#include <QString>

#include <functional>
#include <optional>

namespace tg {

/// The user's Langfuse connections: names, hosts, public keys and sync settings in QSettings,
/// secret keys in the OS keychain (CredentialStore), never in settings, logs or messages.
///
/// On start, LANGFUSE_PUBLIC_KEY + LANGFUSE_SECRET_KEY (+ LANGFUSE_HOST or LANGFUSE_BASE_URL,
/// default Cloud EU) are offered as a connection (fromEnvironment, id "env") until the user
/// saves or dismisses that offer; a saved connection with the same host and public key takes
/// precedence, so the offer is not shown then. The offer's secret stays in this process's memory.
class ConnectionRegistry : public QObject
{
    Q_OBJECT

public:
    struct Options
    {
        QString settingsGroup = QStringLiteral("langfuse");
        QString credentialService = QString::fromLatin1(CredentialStore::kDefaultService);
        bool offerEnvironment = true;
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    };
    using Done = std::function<void(bool ok, const QString &message)>;

    static constexpr const char *kEnvironmentId = "env";

    explicit ConnectionRegistry(QObject *parent = nullptr);
    explicit ConnectionRegistry(const Options &options, QObject *parent = nullptr);

    CredentialStore *credentials() const { return m_credentials; }

    /// Reads the settings (and the environment offer); connectionsChanged follows.
    void load();
    /// Saved connections in the user's order, then the environment offer if there is one.
    QList<LangfuseConnection> connections() const;
    QList<LangfuseConnection> savedConnections() const { return m_saved; }
    std::optional<LangfuseConnection> connection(const QString &id) const;
    std::optional<LangfuseConnection> environmentOffer() const { return m_offer; }

    /// Adds or updates a connection. A non-empty `secret` is written to the keychain first and the
    /// settings only after that succeeded; an empty one keeps the stored secret (a new connection
    /// needs one). Saving the environment offer turns it into a saved connection with a new id.
    /// `done` says what happened, e.g. that the key is kept for this run only (no keychain).
    void save(LangfuseConnection connection, const QString &secret, QObject *context, Done done);
    /// Removes the connection and its keychain entry.
    void remove(const QString &id, QObject *context, Done done);
    /// The user declined the environment offer; it is not offered again for these keys.
    void dismissEnvironmentOffer();

    /// The secret key of a connection (keychain, or the environment for the offer).
    void secret(const QString &id, QObject *context, CredentialStore::Callback done);

    /// Where secrets are kept, as a sentence for the UI (warns when it is memory only).
    QString storageMessage() const;
    bool keychainAvailable() const { return m_credentials->status() == CredentialStore::Status::Keychain; }

    static QString newId();

Q_SIGNALS:
    void connectionsChanged();
    void connectionSaved(const QString &id);
    void connectionRemoved(const QString &id);
    void storageChanged();

private:
    void writeSettings(const LangfuseConnection &connection);
    void writeOrder();
    void readEnvironment();
    QString environmentFingerprint() const;
    QString group(const QString &sub = {}) const;

    Options m_options;
    CredentialStore *m_credentials;
    QList<LangfuseConnection> m_saved;
    std::optional<LangfuseConnection> m_offer;
    QString m_offerSecret; ///< from LANGFUSE_SECRET_KEY; memory only
};

} // namespace tg
