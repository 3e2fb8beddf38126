#include "providerregistry.h"

#include <QPointer>
#include <QSettings>
#include <QUuid>

namespace tg {

ProviderRegistry::ProviderRegistry(
    CredentialStore *credentials, const QString &settingsGroup, QObject *parent)
    : QObject(parent)
    , m_credentials(credentials ? credentials : new CredentialStore(this))
    , m_group(settingsGroup)
{
}

QString ProviderRegistry::newId()
{
    return QUuid::createUuid().toString(QUuid::WithoutBraces).left(8);
}

void ProviderRegistry::load()
{
    QSettings settings;
    m_providers.clear();
    const int count = settings.beginReadArray(m_group);
    for (int i = 0; i < count; ++i) {
        settings.setArrayIndex(i);
        ProviderConfig c;
        c.id = settings.value(QStringLiteral("id")).toString();
        c.name = settings.value(QStringLiteral("name")).toString();
        c.kind = providerKindFromKey(settings.value(QStringLiteral("kind")).toString());
        c.baseUrl = normalizeProviderUrl(settings.value(QStringLiteral("baseUrl")).toString(), c.kind);
        c.defaultModel = settings.value(QStringLiteral("defaultModel")).toString();
        c.streaming = settings.value(QStringLiteral("streaming"), true).toBool();
        c.timeoutSeconds = std::clamp(settings.value(QStringLiteral("timeoutSeconds"), 120).toInt(), 5, 3600);
        if (c.isValid())
            m_providers << c;
    }
    settings.endArray();
    Q_EMIT providersChanged();
}

void ProviderRegistry::writeSettings() const
{
    QSettings settings;
    settings.remove(m_group);
    settings.beginWriteArray(m_group, int(m_providers.size()));
    for (int i = 0; i < m_providers.size(); ++i) {
        const ProviderConfig &c = m_providers.at(i);
        settings.setArrayIndex(i);
        settings.setValue(QStringLiteral("id"), c.id);
        settings.setValue(QStringLiteral("name"), c.name);
        settings.setValue(QStringLiteral("kind"), providerKindKey(c.kind));
        settings.setValue(QStringLiteral("baseUrl"), c.baseUrl);
        settings.setValue(QStringLiteral("defaultModel"), c.defaultModel);
        settings.setValue(QStringLiteral("streaming"), c.streaming);
        settings.setValue(QStringLiteral("timeoutSeconds"), c.timeoutSeconds);
    }
    settings.endArray();
}

std::optional<ProviderConfig> ProviderRegistry::provider(const QString &id) const
{
    for (const ProviderConfig &c : m_providers) {
        if (c.id == id)
            return c;
    }
    return std::nullopt;
}

void ProviderRegistry::save(
    ProviderConfig config, const QString &apiKey, bool clearKey, QObject *context, Done done)
{
    QString error;
    config.baseUrl = normalizeProviderUrl(config.baseUrl, config.kind, &error);
    if (config.id.isEmpty())
        config.id = newId();
    if (config.name.trimmed().isEmpty())
        error = tr("Give the provider a name.");
    if (!error.isEmpty()) {
        QMetaObject::invokeMethod(
            context ? context : this, [done, error] { done(false, error); }, Qt::QueuedConnection);
        return;
    }
    const auto store = [this, config, done] {
        bool replaced = false;
        for (ProviderConfig &c : m_providers) {
            if (c.id == config.id) {
                c = config;
                replaced = true;
            }
        }
        if (!replaced)
            m_providers << config;
        writeSettings();
        Q_EMIT providersChanged();
        done(true,
            m_credentials->status() == CredentialStore::Status::SessionOnly ? m_credentials->statusMessage()
                                                                            : QString());
    };
    if (apiKey.isEmpty() && !clearKey) {
        QMetaObject::invokeMethod(context ? context : this, store, Qt::QueuedConnection);
        return;
    }
    const auto written = [store, done](const CredentialResult &result) {
        if (result.ok() || result.error == CredentialResult::Error::NotFound)
            store();
        else
            done(false, tr("The API key could not be stored: %1").arg(result.message));
    };
    if (clearKey)
        m_credentials->removeSecret(config.account(), context, written);
    else
        m_credentials->writeSecret(config.account(), apiKey, context, written);
}

void ProviderRegistry::remove(const QString &id, QObject *context, Done done)
{
    const std::optional<ProviderConfig> config = provider(id);
    if (!config) {
        QMetaObject::invokeMethod(
            context ? context : this, [done] { done(false, tr("No such provider.")); }, Qt::QueuedConnection);
        return;
    }
    m_credentials->removeSecret(config->account(), context, [this, id, done](const CredentialResult &result) {
        m_providers.removeIf([&id](const ProviderConfig &c) { return c.id == id; });
        writeSettings();
        Q_EMIT providersChanged();
        done(result.ok(),
            result.ok() ? QString()
                        : tr("The key could not be removed from the keychain: %1").arg(result.message));
    });
}

void ProviderRegistry::apiKey(const QString &id, QObject *context,
    std::function<void(bool ok, const QString &key, const QString &error)> done)
{
    const std::optional<ProviderConfig> config = provider(id);
    if (!config) {
        QMetaObject::invokeMethod(
            context ? context : this, [done] { done(false, QString(), tr("No such provider.")); },
            Qt::QueuedConnection);
        return;
    }
    m_credentials->readSecret(config->account(), context, [done](const CredentialResult &result) {
        if (result.ok())
            done(true, result.secret, QString());
        else if (result.error == CredentialResult::Error::NotFound)
            done(true, QString(), QString());
        else
            done(false, QString(), result.message);
    });
}

} // namespace tg
