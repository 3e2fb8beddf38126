#include "connectionregistry.h"

#include "redaction.h"

#include <QCryptographicHash>
#include <QPointer>
#include <QSettings>
#include <QUrl>
#include <QUuid>

namespace tg {

namespace {

constexpr char kEnvPublic[] = "LANGFUSE_PUBLIC_KEY";
constexpr char kEnvSecret[] = "LANGFUSE_SECRET_KEY";
constexpr char kEnvHost[] = "LANGFUSE_HOST";
constexpr char kEnvBaseUrl[] = "LANGFUSE_BASE_URL";

/// Runs `fn` later on `context`'s thread (or the registry's when there is none).
template<typename Fn> void later(QObject *fallback, QObject *context, Fn fn)
{
    QObject *target = context ? context : fallback;
    QMetaObject::invokeMethod(target, std::move(fn), Qt::QueuedConnection);
}

} // namespace

ConnectionRegistry::ConnectionRegistry(QObject *parent)
    : ConnectionRegistry(Options(), parent)
{
}

ConnectionRegistry::ConnectionRegistry(const Options &options, QObject *parent)
    : QObject(parent)
    , m_options(options)
    , m_credentials(new CredentialStore(options.credentialService, this))
{
    connect(m_credentials, &CredentialStore::statusChanged, this, &ConnectionRegistry::storageChanged);
}

QString ConnectionRegistry::newId()
{
    return QUuid::createUuid().toString(QUuid::WithoutBraces).left(8);
}

QString ConnectionRegistry::group(const QString &sub) const
{
    return sub.isEmpty() ? m_options.settingsGroup : m_options.settingsGroup + u'/' + sub;
}

void ConnectionRegistry::load()
{
    QSettings settings;
    m_saved.clear();
    settings.beginGroup(group(QStringLiteral("connections")));
    QStringList ids = settings.value(QStringLiteral("order")).toStringList();
    for (const QString &child : settings.childGroups()) {
        if (!ids.contains(child))
            ids << child;
    }
    for (const QString &id : std::as_const(ids)) {
        if (!settings.childGroups().contains(id))
            continue;
        settings.beginGroup(id);
        LangfuseConnection c;
        c.id = id;
        c.name = settings.value(QStringLiteral("name")).toString();
        c.host = normalizeHost(settings.value(QStringLiteral("host")).toString());
        c.publicKey = settings.value(QStringLiteral("publicKey")).toString();
        c.tier = planTierFromKey(settings.value(QStringLiteral("tier")).toString(),
            isCloudHost(c.host) ? PlanTier::Hobby : PlanTier::SelfHosted);
        c.syncIntervalMinutes = std::max(0, settings.value(QStringLiteral("syncIntervalMinutes"), 5).toInt());
        c.lookbackDays = std::max(1, settings.value(QStringLiteral("lookbackDays"), 7).toInt());
        c.syncObservations = settings.value(QStringLiteral("syncObservations"), true).toBool();
        settings.endGroup();
        if (c.name.isEmpty())
            c.name = c.host;
        if (c.isValid())
            m_saved << c;
    }
    settings.endGroup();
    readEnvironment();
    emit connectionsChanged();
}

void ConnectionRegistry::readEnvironment()
{
    m_offer.reset();
    m_offerSecret.clear();
    if (!m_options.offerEnvironment)
        return;
    const QProcessEnvironment &env = m_options.environment;
    const QString publicKey = env.value(QLatin1String(kEnvPublic)).trimmed();
    const QString secret = env.value(QLatin1String(kEnvSecret)).trimmed();
    if (publicKey.isEmpty() || secret.isEmpty())
        return;
    QString rawHost = env.value(QLatin1String(kEnvHost)).trimmed();
    if (rawHost.isEmpty())
        rawHost = env.value(QLatin1String(kEnvBaseUrl)).trimmed();
    if (rawHost.isEmpty())
        rawHost = QStringLiteral("https://cloud.langfuse.com"); // the SDKs' default
    const QString host = normalizeHost(rawHost);
    if (host.isEmpty())
        return;
    for (const LangfuseConnection &c : std::as_const(m_saved)) {
        if (c.host == host && c.publicKey == publicKey)
            return; // made in the app: that one wins
    }
    LangfuseConnection offer;
    offer.id = QString::fromLatin1(kEnvironmentId);
    offer.name = QStringLiteral("Environment (%1)").arg(QUrl(host).host());
    offer.host = host;
    offer.publicKey = publicKey;
    offer.tier = isCloudHost(host) ? PlanTier::Hobby : PlanTier::SelfHosted;
    offer.fromEnvironment = true;
    m_offer = offer;
    m_offerSecret = secret;
    QSettings settings;
    if (settings.value(group(QStringLiteral("environmentHandled"))).toString() == environmentFingerprint()) {
        m_offer.reset();
        m_offerSecret.clear();
    }
}

QString ConnectionRegistry::environmentFingerprint() const
{
    if (!m_offer)
        return {};
    // Identifies the offer without storing the key itself.
    return QString::fromLatin1(QCryptographicHash::hash(
        (m_offer->host + u'|' + m_offer->publicKey).toUtf8(), QCryptographicHash::Sha256)
                                   .toHex()
                                   .left(32));
}

void ConnectionRegistry::dismissEnvironmentOffer()
{
    if (!m_offer)
        return;
    QSettings().setValue(group(QStringLiteral("environmentHandled")), environmentFingerprint());
    m_offer.reset();
    m_offerSecret.clear();
    emit connectionsChanged();
}

QList<LangfuseConnection> ConnectionRegistry::connections() const
{
    QList<LangfuseConnection> all = m_saved;
    if (m_offer)
        all << *m_offer;
    return all;
}

std::optional<LangfuseConnection> ConnectionRegistry::connection(const QString &id) const
{
    for (const LangfuseConnection &c : m_saved) {
        if (c.id == id)
            return c;
    }
    if (m_offer && m_offer->id == id)
        return m_offer;
    return std::nullopt;
}

QString ConnectionRegistry::storageMessage() const
{
    return m_credentials->statusMessage();
}

void ConnectionRegistry::writeSettings(const LangfuseConnection &c)
{
    QSettings settings;
    settings.beginGroup(group(QStringLiteral("connections/") + c.id));
    settings.setValue(QStringLiteral("name"), c.name);
    settings.setValue(QStringLiteral("host"), c.host);
    settings.setValue(QStringLiteral("publicKey"), c.publicKey);
    settings.setValue(QStringLiteral("tier"), planTierKey(c.tier));
    settings.setValue(QStringLiteral("syncIntervalMinutes"), c.syncIntervalMinutes);
    settings.setValue(QStringLiteral("lookbackDays"), c.lookbackDays);
    settings.setValue(QStringLiteral("syncObservations"), c.syncObservations);
    settings.endGroup();
    settings.sync();
}

void ConnectionRegistry::writeOrder()
{
    QStringList ids;
    for (const LangfuseConnection &c : std::as_const(m_saved))
        ids << c.id;
    QSettings settings;
    settings.setValue(group(QStringLiteral("connections/order")), ids);
}

void ConnectionRegistry::save(
    LangfuseConnection connection, const QString &secret, QObject *context, Done done)
{
    QString hostError;
    connection.host = normalizeHost(connection.host, &hostError);
    connection.publicKey = connection.publicKey.trimmed();
    connection.name = connection.name.trimmed();
    auto fail = [this, context, done](const QString &message) {
        later(this, context, [done, message] { done(false, message); });
    };
    if (connection.host.isEmpty())
        return fail(hostError);
    if (connection.publicKey.isEmpty())
        return fail(tr("Enter the public key (pk-lf-…)."));
    if (connection.publicKey.startsWith(QLatin1String("sk-")))
        return fail(
            tr("The public key field holds a secret key. Put the pk-lf-… key there and the sk-lf-… key "
               "in the secret key field."));
    QString key = secret.trimmed();
    const bool wasOffer = connection.fromEnvironment || connection.id == QLatin1String(kEnvironmentId);
    if (wasOffer) {
        if (key.isEmpty())
            key = m_offerSecret;
        connection.id = newId();
        connection.fromEnvironment = false;
    }
    if (connection.id.isEmpty())
        connection.id = newId();
    const bool exists = this->connection(connection.id).has_value() && !wasOffer;
    if (!exists && key.isEmpty())
        return fail(tr("Enter the secret key (sk-lf-…)."));
    if (key.startsWith(QLatin1String("pk-")))
        return fail(tr("The secret key field holds a public key: the secret key starts with sk-lf-."));
    if (connection.name.isEmpty())
        connection.name = QUrl(connection.host).host();

    QPointer<QObject> ctx = context;
    const bool hasContext = context != nullptr;
    auto commit = [this, connection, wasOffer, ctx, hasContext, done](const QString &note) {
        writeSettings(connection);
        bool replaced = false;
        for (LangfuseConnection &c : m_saved) {
            if (c.id == connection.id) {
                c = connection;
                replaced = true;
            }
        }
        if (!replaced)
            m_saved << connection;
        writeOrder();
        if (wasOffer) {
            QSettings().setValue(group(QStringLiteral("environmentHandled")), environmentFingerprint());
            m_offer.reset();
            m_offerSecret.clear();
        }
        emit connectionSaved(connection.id);
        emit connectionsChanged();
        if (!hasContext || ctx)
            done(true, note);
    };
    if (key.isEmpty()) {
        later(this, context, [commit] { commit(QString()); });
        return;
    }
    m_credentials->writeSecret(CredentialStore::langfuseAccount(connection.id), key, this,
        [this, commit, ctx, hasContext, done](const CredentialResult &result) {
            if (!result.ok()) {
                if (!hasContext || ctx)
                    done(false,
                        tr("The secret key could not be stored: %1").arg(redactSecrets(result.message)));
                return;
            }
            // A session-only store answers with a message saying so; pass it on, it must be seen.
            commit(m_credentials->status() == CredentialStore::Status::SessionOnly
                    ? storageMessage()
                    : redactSecrets(result.message));
        });
}

void ConnectionRegistry::remove(const QString &id, QObject *context, Done done)
{
    if (id == QLatin1String(kEnvironmentId)) {
        dismissEnvironmentOffer();
        later(this, context, [done] { done(true, QString()); });
        return;
    }
    QPointer<QObject> ctx = context;
    const bool hasContext = context != nullptr;
    m_credentials->removeSecret(CredentialStore::langfuseAccount(id), this,
        [this, id, ctx, hasContext, done](const CredentialResult &result) {
            QSettings settings;
            settings.remove(group(QStringLiteral("connections/") + id));
            m_saved.erase(std::remove_if(m_saved.begin(), m_saved.end(),
                              [&](const LangfuseConnection &c) { return c.id == id; }),
                m_saved.end());
            writeOrder();
            readEnvironment(); // the environment's keys may be offered again if they matched this one
            emit connectionRemoved(id);
            emit connectionsChanged();
            if (!hasContext || ctx)
                done(true,
                    result.ok() ? QString()
                                : tr("The connection was removed, but its keychain entry could not be: %1")
                                      .arg(redactSecrets(result.message)));
        });
}

void ConnectionRegistry::secret(const QString &id, QObject *context, CredentialStore::Callback done)
{
    if (m_offer && id == m_offer->id) {
        const QString key = m_offerSecret;
        later(this, context, [done, key] {
            CredentialResult r;
            r.secret = key;
            done(r);
        });
        return;
    }
    m_credentials->readSecret(CredentialStore::langfuseAccount(id), context, std::move(done));
}

} // namespace tg
