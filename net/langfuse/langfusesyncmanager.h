#pragma once

#include "connectionregistry.h"
#include "langfusesync.h"
#include "langfusetransport.h"
#include "syncoperation.h"

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QTimer>

namespace tg {

class RemoteTraceFetcher;
class TraceStore;

/// Every Langfuse connection of the app: the registry, one shared transport (so connections of
/// one organisation share its rate budget and each host its request cap), one LangfuseSync per
/// connection, and the RemoteTraceFetcher for opened traces. Follows the registry: a saved
/// connection (re)starts its sync, a removed one stops it.
class LangfuseSyncManager : public QObject
{
    Q_OBJECT

public:
    struct Options
    {
        ConnectionRegistry::Options registry;
        LangfuseTransport::Options transport;
        LangfuseSync::Options sync;
    };

    explicit LangfuseSyncManager(TraceStore *store, QObject *parent = nullptr);
    LangfuseSyncManager(TraceStore *store, const Options &options, QObject *parent = nullptr);
    ~LangfuseSyncManager() override;

    TraceStore *store() const { return m_store; }
    ConnectionRegistry *registry() const { return m_registry; }
    LangfuseTransport *transport() const { return m_transport; }
    RemoteTraceFetcher *fetcher() const { return m_fetcher; }

    /// Loads the registry and starts a sync per saved connection (the environment offer waits
    /// until the user accepts it).
    void start();
    QList<LangfuseSync *> syncs() const;
    LangfuseSync *sync(const QString &connectionId) const;
    LangfuseSync *syncForSource(qint64 sourceId) const;
    /// Removes a connection; with `deleteCachedData` also its sources and their traces.
    void removeConnection(
        const QString &connectionId, bool deleteCachedData, QObject *context, ConnectionRegistry::Done done);
    void syncAll();
    /// "Langfuse: 2 connections, 1 offline" for the status bar; empty without connections.
    QString summaryText() const;

Q_SIGNALS:
    /// The sidebar text of a source changed ("synced 2 min ago", "offline — showing cached data").
    void sourceStateChanged(qint64 sourceId, const QString &text);
    void summaryChanged();
    void syncAdded(tg::LangfuseSync *sync);
    void syncRemoved(const QString &connectionId);
    void backfillProgressed(const QString &connectionId, double fraction, qint64 traces);
    void backfillFinished(const QString &connectionId, bool ok, bool cancelled, const QString &message);

private:
    void startSync(const QString &connectionId);
    void stopSync(const QString &connectionId);
    void publish(LangfuseSync *sync);

    TraceStore *m_store;
    Options m_options;
    ConnectionRegistry *m_registry;
    LangfuseTransport *m_transport;
    RemoteTraceFetcher *m_fetcher;
    QHash<QString, LangfuseSync *> m_syncs;
    QTimer m_refreshTimer; ///< "synced 3 min ago" ages
    bool m_started = false;
    StoreTasks m_tasks; ///< source removals still running are waited for
};

} // namespace tg
