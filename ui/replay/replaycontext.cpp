#include "replaycontext.h"

#include "domain/timeformat.h"
#include "itemmodels/backgroundtask.h"
#include "langfuse/connectionregistry.h"
#include "replay/langfuseuploader.h"
#include "store/tracestore.h"

#include <QNetworkAccessManager>
#include <QSettings>

namespace tg {

namespace {

const QString kPricesKey = QStringLiteral("replay/prices");
const QString kStoreKey = QStringLiteral("replay/storeReplays");
const QString kLastProviderKey = QStringLiteral("replay/lastProvider");

} // namespace

ReplayContext::ReplayContext(TraceStore *store, QObject *parent, const QString &credentialService)
    : QObject(parent)
    , m_store(store)
    , m_providers(new ProviderRegistry(
          new CredentialStore(credentialService, this), QStringLiteral("replay/providers"), this))
    , m_network(new QNetworkAccessManager(this))
    , m_uploader(new LangfuseUploader(m_network, this))
{
    setObjectName(QStringLiteral("replayContext"));
    m_providers->load();
    connect(m_providers, &ProviderRegistry::providersChanged, this, [this] {
        // A changed base URL or key must not reuse an old provider.
        for (const QPointer<ChatProvider> &p : std::as_const(m_cache)) {
            if (p)
                p->deleteLater();
        }
        m_cache.clear();
    });
    QSettings settings;
    const QByteArray saved = settings.value(kPricesKey).toByteArray();
    std::optional<PriceTable> prices = saved.isEmpty() ? std::nullopt : PriceTable::fromJson(saved);
    m_prices = prices ? *prices : PriceTable::defaults();
    m_storeReplays = settings.value(kStoreKey, true).toBool();
}

ReplayContext::~ReplayContext() = default;

void ReplayContext::provider(const QString &providerId, QObject *context, ProviderCallback done)
{
    if (ChatProvider *cached = m_cache.value(providerId)) {
        QMetaObject::invokeMethod(
            context ? context : this,
            [done, p = QPointer<ChatProvider>(cached)] {
                done(p, p ? QString() : tr("The provider was removed."));
            },
            Qt::QueuedConnection);
        return;
    }
    const std::optional<ProviderConfig> config = m_providers->provider(providerId);
    if (!config) {
        QMetaObject::invokeMethod(
            context ? context : this, [done] { done(nullptr, tr("Choose a provider (Manage Providers…).")); },
            Qt::QueuedConnection);
        return;
    }
    m_providers->apiKey(providerId, context,
        [this, config = *config, done](bool ok, const QString &key, const QString &error) {
            if (!ok) {
                done(nullptr, tr("The API key of %1 could not be read: %2").arg(config.name, error));
                return;
            }
            if (ChatProvider *cached = m_cache.value(config.id)) {
                done(cached, QString());
                return;
            }
            ChatProvider *p = ChatProvider::create(config, key, m_network, this).release();
            m_cache.insert(config.id, p);
            done(p, QString());
        });
}

void ReplayContext::setPrices(const PriceTable &prices)
{
    m_prices = prices;
    QSettings().setValue(kPricesKey, prices.toJson());
    Q_EMIT pricesChanged();
}

void ReplayContext::setStoresReplays(bool store)
{
    m_storeReplays = store;
    QSettings().setValue(kStoreKey, store);
}

QString ReplayContext::lastProviderId() const
{
    return QSettings().value(kLastProviderKey).toString();
}

void ReplayContext::setLastProviderId(const QString &id)
{
    QSettings().setValue(kLastProviderKey, id);
}

void ReplayContext::storeReplay(ReplayRecord record, QObject *context, StoredCallback done)
{
    if (record.traceId.isEmpty())
        replayWriteBatch(record, 0); // assigns the id now, so the caller knows it before the commit
    TraceStore *store = m_store;
    struct Outcome
    {
        bool ok = false;
        QString traceId;
        QString error;
    };
    runInBackground(
        context ? context : this,
        [store, record]() mutable {
            Outcome out;
            out.ok = submitReplay(*store, record, &out.error);
            out.traceId = record.traceId;
            return out;
        },
        [this, done](const Outcome &out) {
            if (out.ok)
                Q_EMIT replayStored(out.traceId);
            done(out.ok, out.traceId, out.error);
        });
}

void ReplayContext::sendToLangfuse(const QString &connectionId, const std::vector<ReplayRecord> &records,
    QObject *context, std::function<void(bool ok, const QString &message)> done)
{
    QObject *target = context ? context : this;
    const std::optional<LangfuseConnection> connection
        = m_connections ? m_connections->connection(connectionId) : std::nullopt;
    if (!connection) {
        QMetaObject::invokeMethod(
            target, [done] { done(false, tr("That Langfuse connection is gone.")); }, Qt::QueuedConnection);
        return;
    }
    WriteBatch all;
    for (ReplayRecord record : records) {
        WriteBatch one = replayWriteBatch(record, 0);
        all.traces.insert(all.traces.end(), one.traces.begin(), one.traces.end());
        all.observations.insert(all.observations.end(), one.observations.begin(), one.observations.end());
    }
    m_connections->secret(connectionId, target,
        [this, connection = *connection, batch = std::move(all), target, done](
            const CredentialResult &secret) {
            if (!secret.ok()) {
                done(false,
                    tr("The secret key of %1 could not be read: %2").arg(connection.name, secret.message));
                return;
            }
            m_uploader->send(connection.host, connection.publicKey, secret.secret, batch, target, done);
        });
}

} // namespace tg
