#pragma once

#include "store/tracestore.h"

#include <QList>
#include <QString>

#include <utility>
#include <vector>

namespace tg {

class StoreReader;

/// One trace waiting to go to (or already sent to) a forward target.
struct OutboxItem
{
    QString target;
    qint64 traceRk = 0;
    qint64 dueSeq = 0; ///< the newest change to send (the trace's commit sequence)
    qint64 sentSeq = 0; ///< changes up to this commit were accepted by the target
    int attempts = 0; ///< failed sends since the last success
    qint64 nextTryNs = 0; ///< not before this time
    bool failed = false; ///< the target refused the data itself; kept until retried or cleared
    QString lastError;
    qint64 createdNs = 0;

    bool isPending() const { return dueSeq > sentSeq && !failed; }
};

/// How deep a target's outbox is.
struct OutboxStats
{
    qint64 pending = 0; ///< traces with changes to send
    qint64 waiting = 0; ///< of those, ones held back after a failure (retry later)
    qint64 failed = 0; ///< refused by the target; need the user
    qint64 sent = 0; ///< traces fully delivered (only when asked for)
    qint64 oldestPendingNs = 0; ///< when the oldest pending trace was queued; 0 if none
    qint64 nextTryNs = 0; ///< the earliest retry among waiting items; 0 if none
    QString lastError; ///< of the most recently failed item

    bool operator==(const OutboxStats &other) const = default;
};

/// "Forward this source's new data to that target as it arrives."
struct ForwardRule
{
    qint64 sourceId = 0;
    QString target;
    qint64 scannedSeq = 0; ///< commits up to here were looked at for this rule
};

/// The forwarder's outbox, kept in the store (tables outbox and forward_rules) so that nothing
/// queued is lost when the target is down or the app quits. Writes go through the store's writer
/// thread (queued; `done` runs there after the commit); reads use any reader connection.
///
/// An item names a trace, not a payload: the sender reads the trace when it sends, so a trace that
/// keeps growing is one item, and only the observations written after sentSeq go out again (plus
/// the roots, which carry the trace's own fields). Targets are opaque strings (connection ids).
class Outbox
{
public:
    explicit Outbox(TraceStore *store);

    /// Queues traces for `target`. With `resendAll` the whole trace goes again, else only what
    /// changed since the last accepted send. Failed items are reset.
    SubmitStatus enqueue(const QString &target, const QList<qint64> &traceRks, bool resendAll = false,
        CommitCallback done = {});
    /// Queues changed traces for every rule whose source owns them (only `target`'s rules when
    /// given); records `seq` as scanned for those rules.
    SubmitStatus enqueueChanges(
        const QList<qint64> &traceRks, qint64 seq, const QString &target = {}, CommitCallback done = {});
    /// Queues every trace changed after each rule's scannedSeq (what arrived while nobody watched);
    /// only `target`'s rules when given.
    SubmitStatus catchUp(const QString &target = {}, CommitCallback done = {});

    /// The target accepted these traces up to the given commit sequences.
    SubmitStatus markSent(const QString &target, const std::vector<std::pair<qint64, qint64>> &sentSeqs,
        CommitCallback done = {});
    /// A send failed for a reason that may pass (down, rate limited): try again at `nextTryNs`.
    SubmitStatus markRetry(const QString &target, const QList<qint64> &traceRks, qint64 nextTryNs,
        const QString &error, CommitCallback done = {});
    /// The target refused these traces themselves: park them as failed.
    SubmitStatus markFailed(
        const QString &target, const QList<qint64> &traceRks, const QString &error, CommitCallback done = {});
    /// Failed and waiting items become due now.
    SubmitStatus retryNow(const QString &target, CommitCallback done = {});
    /// Drops every unsent item of a target (sent bookkeeping stays).
    SubmitStatus clear(const QString &target, CommitCallback done = {});
    /// Items whose traces are gone.
    SubmitStatus forget(const QString &target, const QList<qint64> &traceRks, CommitCallback done = {});

    /// Starts or stops forwarding a source's new data; `includeExisting` also queues what it has.
    SubmitStatus setRule(qint64 sourceId, const QString &target, bool enabled, bool includeExisting = false,
        CommitCallback done = {});

    /// Items due now (pending, not failed, next try passed), oldest first.
    static std::vector<OutboxItem> dueItems(
        StoreReader &reader, const QString &target, qint64 nowNs, int limit);
    /// Pending and failed items, for display.
    static std::vector<OutboxItem> items(StoreReader &reader, const QString &target, int limit);
    /// Counts for a target; `countSent` adds the delivered count, which costs a scan of the target.
    static OutboxStats stats(
        StoreReader &reader, const QString &target, qint64 nowNs, bool countSent = false);
    static std::vector<ForwardRule> rules(StoreReader &reader);
    /// Targets that have items or rules.
    static QStringList targets(StoreReader &reader);

private:
    TraceStore *m_store;
};

} // namespace tg
