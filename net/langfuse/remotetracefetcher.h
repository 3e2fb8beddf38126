#pragma once

#include <QObject>
#include <QPointer>
#include <QTimer>

namespace tg {

class LangfuseSyncManager;
class TraceStore;

/// Opening a remote trace fetches it when it is not cached: when the user opens a trace of a
/// Langfuse source that has no observations in the store, its observations and scores are
/// downloaded (one request per 1,000 observations) and written; the trace view, which follows
/// the store, then shows them. A cached trace costs no request unless refresh is asked for.
/// Moving on to another trace cancels the previous download; quick moves through the list are
/// debounced so that arrow keys do not spend the rate budget.
class RemoteTraceFetcher : public QObject
{
    Q_OBJECT

public:
    RemoteTraceFetcher(TraceStore *store, LangfuseSyncManager *manager, QObject *parent = nullptr);

    /// The user opened (or moved to) a trace; 0 cancels any download.
    void traceOpened(qint64 traceRk);
    /// Downloads the trace again even when cached ("Refresh from server").
    void refresh(qint64 traceRk);
    void setDebounceMs(int ms) { m_debounce.setInterval(ms); }
    qint64 currentTrace() const { return m_traceRk; }
    bool isFetching() const { return !m_current.isNull(); }

Q_SIGNALS:
    /// A download started for a trace that is not (or is to be re-) cached.
    void fetchStarted(qint64 traceRk, const QString &message);
    void fetchFinished(qint64 traceRk, bool ok, const QString &message);
    /// The trace was cached: no request was made (for tests and the status line).
    void servedFromCache(qint64 traceRk);

private:
    void check(qint64 traceRk, bool refresh);

    TraceStore *m_store;
    QPointer<LangfuseSyncManager> m_manager;
    QTimer m_debounce;
    qint64 m_traceRk = 0;
    bool m_refresh = false;
    quint64 m_generation = 0;
    QPointer<QObject> m_current; ///< context of the running download; deleting it cancels
};

} // namespace tg
