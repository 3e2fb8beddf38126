#pragma once

#include "langfuse/connectionregistry.h"
#include "providers/chatprovider.h"
#include "providers/providerregistry.h"
#include "replay/pricetable.h"
#include "replay/replayrecord.h"

#include <QHash>
#include <QObject>
#include <QPointer>

#include <functional>
#include <memory>

class QNetworkAccessManager;

namespace tg {

class LangfuseUploader;
class TraceStore;

/// What every replay window and batch dialog shares: the store, the providers (settings and
/// keychain), one network manager, the price table (kept in QSettings as JSON), the Langfuse
/// connections for "send", and a cache of ready providers (with their keys, in memory only).
class ReplayContext : public QObject
{
    Q_OBJECT

public:
    using ProviderCallback = std::function<void(ChatProvider *provider, const QString &error)>;
    using StoredCallback = std::function<void(bool ok, const QString &traceId, const QString &error)>;

    /// Tests pass a keychain service of their own (`credentialService`) so they never touch the app's.
    explicit ReplayContext(TraceStore *store, QObject *parent = nullptr,
        const QString &credentialService = QString::fromLatin1(CredentialStore::kDefaultService));
    ~ReplayContext() override;

    TraceStore *store() const { return m_store; }
    ProviderRegistry *providers() const { return m_providers; }
    QNetworkAccessManager *network() const { return m_network; }

    /// A provider with its key read from the keychain; `done` runs later on `context`'s thread.
    void provider(const QString &providerId, QObject *context, ProviderCallback done);

    PriceTable prices() const { return m_prices; }
    void setPrices(const PriceTable &prices);

    /// Whether finished replays go to the store (remembered).
    bool storesReplays() const { return m_storeReplays; }
    void setStoresReplays(bool store);
    /// The provider used last (remembered), for new windows.
    QString lastProviderId() const;
    void setLastProviderId(const QString &id);

    /// Stores a replay under the Replays source off the GUI thread.
    void storeReplay(ReplayRecord record, QObject *context, StoredCallback done);

    /// Langfuse connections to send replays to (none until the window has connections).
    void setConnections(ConnectionRegistry *connections) { m_connections = connections; }
    ConnectionRegistry *connections() const { return m_connections; }
    /// Sends replays (trace + generation each) to a Langfuse connection.
    void sendToLangfuse(const QString &connectionId, const std::vector<ReplayRecord> &records,
        QObject *context, std::function<void(bool ok, const QString &message)> done);

Q_SIGNALS:
    void pricesChanged();
    /// A replay was committed to the store.
    void replayStored(const QString &traceId);

private:
    TraceStore *m_store;
    ProviderRegistry *m_providers;
    QNetworkAccessManager *m_network;
    LangfuseUploader *m_uploader;
    QPointer<ConnectionRegistry> m_connections;
    PriceTable m_prices;
    bool m_storeReplays = true;
    QHash<QString, QPointer<ChatProvider>> m_cache; ///< by provider id; cleared when providers change
};

} // namespace tg
