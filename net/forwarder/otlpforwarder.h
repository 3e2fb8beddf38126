#pragma once

#include "forwarder/forwardtarget.h"
#include "store/outbox.h"

#include <QObject>
#include <QPointer>
#include <QSet>
#include <QString>
#include <QTimer>

#include <optional>
#include <random>

class QNetworkAccessManager;
class QNetworkReply;

namespace tg {

class TraceStore;
struct StoreChange;

struct ForwarderOptions
{
    int maxSpansPerRequest = 2000;
    int maxTracesPerRequest = 500;
    /// Protobuf bytes before compression at which a request closes (Langfuse Cloud's edge limit is
    /// not published; its old docs said 5 MB).
    qint64 maxRequestBytes = 3 * 1024 * 1024;
    qint64 baseBackoffMs = 1'000;
    qint64 maxBackoffMs = 5 * 60 * 1'000;
    qint64 maxRetryAfterMs = 10 * 60 * 1'000; ///< a longer Retry-After is cut to this
    int requestTimeoutMs = 60'000;
    int maxServerErrorAttempts = 8; ///< 500 and other non-retryable 5xx, before items are parked
    int pollIntervalMs = 15'000; ///< look for due items even without a notice
    int commitDebounceMs = 200;
    bool gzip = true;
    QString scopeVersion; ///< the app version, written as the scope version
};

/// Sends traces from the local store to one Langfuse project through its OTLP endpoint
/// (POST <host>/api/public/otel/v1/traces, protobuf, gzip, Basic auth, x-langfuse-ingestion-version:
/// 4), out of the store's outbox, so nothing is lost while Langfuse is down or rate-limits: items
/// stay queued and are sent when the host is back, oldest first.
///
/// - Automatic: sources with a forward rule have every change queued as it commits (and what came
///   in while the app was closed is caught up at start). Only observations written since the
///   last accepted send go again, with the trace's root spans (they carry the trace fields).
/// - On demand: forwardTraces() queues a selection, whole.
/// - Failures: 429/502/503/504 and transport errors wait (Retry-After, else exponential backoff
///   with jitter) and retry everything; 401/403 stop until the key is fixed (retryNow); 413 halves
///   the request; another 4xx isolates the trace it concerns and parks it as failed (visible,
///   retryable); other 5xx retry up to maxServerErrorAttempts, then park. Resent spans are upserts
///   in Langfuse, so a retry never duplicates data.
/// Lives on one thread (with an event loop); store reads and encoding run on the thread pool.
class OtlpForwarder : public QObject
{
    Q_OBJECT

public:
    enum class State : quint8 {
        Idle, ///< nothing due
        Sending,
        Waiting, ///< the last send failed in a way that passes; see retryAtMs()
        AuthFailed, ///< 401/403: needs a new key (setSecretKey) or retryNow()
        Stopped,
    };
    Q_ENUM(State)

    OtlpForwarder(TraceStore *store, const ForwardTarget &target, const QString &secretKey,
        const ForwarderOptions &options = {}, QObject *parent = nullptr);
    ~OtlpForwarder() override;

    const ForwardTarget &target() const { return m_target; }
    State state() const { return m_state; }
    /// One line for the status bar: state, queue depth, next retry.
    QString stateText() const;
    QString lastError() const { return m_lastError; }
    const OutboxStats &stats() const { return m_stats; }
    /// Epoch milliseconds of the next attempt while Waiting; 0 otherwise.
    qint64 retryAtMs() const { return m_state == State::Waiting ? m_pausedUntilMs : 0; }
    QSet<qint64> autoForwardSources() const { return m_ruleSources; }
    qint64 spansDelivered() const { return m_spansDelivered; }
    qint64 requestsSent() const { return m_requests; }

    /// Catches up on what changed while nobody watched, then follows the store and sends.
    void start();
    /// Stops sending (an in-flight request is abandoned; its items stay queued).
    void stop();
    /// Queues these traces (whole) and sends them.
    void forwardTraces(const QList<qint64> &traceRks);
    /// Starts or stops forwarding a source's new data as it arrives.
    void setAutoForward(qint64 sourceId, bool enabled, bool includeExisting = false);
    /// Failed and waiting items are due now; a stopped key check is tried again.
    void retryNow();
    /// Drops everything not sent yet.
    void clearQueue();
    void setSecretKey(const QString &secretKey);

Q_SIGNALS:
    void stateChanged(tg::OtlpForwarder::State state);
    void statsChanged();
    /// A request was accepted.
    void delivered(int traces, int spans);

private:
    struct Partial
    {
        qint64 traceRk = 0;
        int offset = 0; ///< observations of that trace already sent in this round
    };
    struct Payload;

    void onCommitted(const StoreChange &change);
    void flushChanges();
    void pump();
    void send(std::shared_ptr<Payload> payload);
    void onReply(QNetworkReply *reply, std::shared_ptr<Payload> payload);
    void retryLater(const std::shared_ptr<Payload> &payload, const QString &error, std::optional<qint64> retryAfterMs);
    void setState(State state);
    void refreshStats();
    void scheduleStats();
    void reloadRules();
    /// Runs `f` on this object's thread once the store committed (from the writer thread).
    CommitCallback onThisThread(std::function<void(bool ok)> f);

    TraceStore *m_store;
    Outbox m_outbox;
    ForwardTarget m_target;
    QString m_secret;
    ForwarderOptions m_options;
    QNetworkAccessManager *m_network;
    QPointer<QNetworkReply> m_reply;
    QTimer m_retryTimer;
    QTimer m_pollTimer;
    QTimer m_commitTimer;
    QTimer m_statsTimer;
    QList<qint64> m_changed;
    qint64 m_changedSeq = 0;
    QSet<qint64> m_ruleSources;
    quint64 m_rulesGeneration = 0; ///< a newer rule read makes older ones stale
    int m_pendingRuleWrites = 0; ///< rule reads while a rule change is uncommitted are stale
    State m_state = State::Idle;
    bool m_busy = false;
    bool m_started = false;
    bool m_pumpAgain = false;
    int m_failures = 0; ///< consecutive retryable failures (for backoff)
    int m_serverErrors = 0;
    int m_soloSends = 0; ///< after a 4xx: send this many requests of one trace each
    int m_spanLimit = 0;
    std::optional<Partial> m_partial;
    qint64 m_pausedUntilMs = 0;
    QString m_lastError;
    OutboxStats m_stats;
    qint64 m_spansDelivered = 0;
    qint64 m_requests = 0;
    std::mt19937 m_random;
};

} // namespace tg
