#pragma once

#include "credentialstore.h"
#include "providerconfig.h"

#include <QList>
#include <QObject>

#include <functional>
#include <optional>

namespace tg {

/// The user's replay providers: name, kind, base URL, default model and options in QSettings
/// (group "replay/providers"), API keys in the OS keychain through CredentialStore, never in
/// settings, logs or messages.
class ProviderRegistry : public QObject
{
    Q_OBJECT

public:
    using Done = std::function<void(bool ok, const QString &message)>;

    /// `credentials` is shared and must outlive the registry; nullptr makes a private one.
    explicit ProviderRegistry(CredentialStore *credentials = nullptr,
        const QString &settingsGroup = QStringLiteral("replay/providers"), QObject *parent = nullptr);

    CredentialStore *credentials() const { return m_credentials; }
    void load();
    QList<ProviderConfig> providers() const { return m_providers; }
    std::optional<ProviderConfig> provider(const QString &id) const;

    /// Adds or updates a provider. A non-empty `apiKey` goes to the keychain first, the settings
    /// after that succeeded; an empty one keeps the stored key (`clearKey` removes it instead).
    void save(ProviderConfig config, const QString &apiKey, bool clearKey, QObject *context, Done done);
    /// Removes the provider and its keychain entry.
    void remove(const QString &id, QObject *context, Done done);
    /// The API key (empty when none is stored: local servers need none).
    void apiKey(const QString &id, QObject *context,
        std::function<void(bool ok, const QString &key, const QString &error)> done);

    static QString newId();

Q_SIGNALS:
    void providersChanged();

private:
    void writeSettings() const;

    CredentialStore *m_credentials;
    QString m_group;
    QList<ProviderConfig> m_providers;
};

} // namespace tg
