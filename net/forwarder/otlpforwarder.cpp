#include "otlpforwarder.h"

#include "domain/timeformat.h"
#include "formats/otlpexportbuilder.h"
#include "formats/gzip.h"
#include "itemmodels/backgroundtask.h"
#include "redaction.h"
#include "store/exportreader.h"
#include "store/readerpool.h"
#include "store/storereader.h"
#include "store/tracestore.h"

#include <QDateTime>
#include <QLocale>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>

#include <algorithm>

namespace tg {

namespace {

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

std::optional<qint64> retryAfterMs(const QByteArray &value)
{
    const QByteArray trimmed = value.trimmed();
    if (trimmed.isEmpty())
        return std::nullopt;
    bool ok = false;
    const qint64 seconds = trimmed.toLongLong(&ok);
    if (ok)
        return seconds >= 0 ? std::optional<qint64>(seconds * 1000) : std::nullopt;
    const QDateTime when = QDateTime::fromString(QString::fromLatin1(trimmed), Qt::RFC2822Date);
    if (!when.isValid())
        return std::nullopt;
    return std::max<qint64>(0, when.toMSecsSinceEpoch() - nowMs());
}

bool isRetryableStatus(int status)
{
    return status == 429 || status == 502 || status == 503 || status == 504 || status == 524;
}

QString describeReply(int status, const QByteArray &body, const QString &networkError)
{
    QString text = status > 0 ? QStringLiteral("HTTP %1").arg(status) : networkError;
    QString detail = QString::fromUtf8(body.left(300)).simplified();
    if (!detail.isEmpty())
        text += QStringLiteral(": ") + detail;
    return redactSecrets(text);
}

} // namespace

struct OtlpForwarder::Payload
{
    QByteArray body;
    std::vector<std::pair<qint64, qint64>> completed; ///< trace rk -> due seq, fully in this request
    QList<qint64> included; ///< traces (some of) whose spans are in the request
    QList<qint64> missing; ///< queued traces that no longer exist
    std::optional<Partial> partial; ///< where the next request continues a trace too big for one
    int spans = 0;
    int traces = 0;
    bool more = false; ///< due items were left for the next request
    QString error;
};

OtlpForwarder::OtlpForwarder(TraceStore *store, const ForwardTarget &target, const QString &secretKey,
    const ForwarderOptions &options, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_outbox(store)
    , m_target(target)
    , m_secret(secretKey)
    , m_options(options)
    , m_network(new QNetworkAccessManager(this))
    , m_spanLimit(std::max(1, options.maxSpansPerRequest))
    , m_random(std::random_device {}())
{
    m_retryTimer.setSingleShot(true);
    connect(&m_retryTimer, &QTimer::timeout, this, [this] {
        if (m_state == State::Waiting)
            setState(State::Idle);
        pump();
    });
    m_pollTimer.setInterval(std::max(100, options.pollIntervalMs));
    connect(&m_pollTimer, &QTimer::timeout, this, &OtlpForwarder::pump);
    m_commitTimer.setSingleShot(true);
    m_commitTimer.setInterval(std::max(0, options.commitDebounceMs));
    connect(&m_commitTimer, &QTimer::timeout, this, &OtlpForwarder::flushChanges);
    m_statsTimer.setSingleShot(true);
    m_statsTimer.setInterval(250);
    connect(&m_statsTimer, &QTimer::timeout, this, &OtlpForwarder::refreshStats);
}

OtlpForwarder::~OtlpForwarder()
{
    if (QNetworkReply *reply = m_reply.data()) {
        reply->disconnect(this);
        reply->abort();
    }
}

CommitCallback OtlpForwarder::onThisThread(std::function<void(bool ok)> f)
{
    QPointer<OtlpForwarder> self(this);
    return [self, f = std::move(f)](const CommitResult &result) {
        if (!self)
            return;
        QMetaObject::invokeMethod(
            self.data(),
            [self, f, ok = result.ok] {
                if (self)
                    f(ok);
            },
            Qt::QueuedConnection);
    };
}

void OtlpForwarder::start()
{
    if (m_started)
        return;
    m_started = true;
    if (m_state == State::Stopped)
        setState(State::Idle);
    connect(m_store, &TraceStore::committed, this, &OtlpForwarder::onCommitted);
    reloadRules();
    m_outbox.catchUp(m_target.id, onThisThread([this](bool) {
        refreshStats();
        pump();
    }));
    m_pollTimer.start();
}

void OtlpForwarder::stop()
{
    m_started = false;
    disconnect(m_store, &TraceStore::committed, this, &OtlpForwarder::onCommitted);
    m_pollTimer.stop();
    m_retryTimer.stop();
    m_commitTimer.stop();
    setState(State::Stopped);
    if (QNetworkReply *reply = m_reply.data())
        reply->abort(); // its items stay queued
}

void OtlpForwarder::reloadRules()
{
    const std::shared_ptr<ReaderPool> pool = m_store->readerPool();
    const QString target = m_target.id;
    const quint64 generation = ++m_rulesGeneration;
    runInBackground(
        this,
        [pool, target] {
            QSet<qint64> sources;
            if (ReaderLease reader = pool->lease()) {
                for (const ForwardRule &rule : Outbox::rules(*reader)) {
                    if (rule.target == target)
                        sources.insert(rule.sourceId);
                }
            }
            return sources;
        },
        [this, generation](QSet<qint64> sources) {
            if (generation != m_rulesGeneration || m_pendingRuleWrites > 0)
                return; // may predate a rule change: a newer read follows its commit
            m_ruleSources = std::move(sources);
            emit statsChanged();
        });
}

void OtlpForwarder::onCommitted(const StoreChange &change)
{
    bool relevant = false;
    for (const qint64 sourceId : change.sourceIds)
        relevant = relevant || m_ruleSources.contains(sourceId);
    if (!relevant)
        return;
    m_changed += change.insertedTraceRks;
    m_changed += change.updatedTraceRks;
    m_changedSeq = std::max(m_changedSeq, change.seq);
    if (!m_commitTimer.isActive())
        m_commitTimer.start();
}

void OtlpForwarder::flushChanges()
{
    if (m_changed.isEmpty())
        return;
    QList<qint64> rks = std::exchange(m_changed, {});
    std::sort(rks.begin(), rks.end());
    rks.erase(std::unique(rks.begin(), rks.end()), rks.end());
    m_outbox.enqueueChanges(rks, m_changedSeq, m_target.id, onThisThread([this](bool) {
        scheduleStats();
        pump();
    }));
}

void OtlpForwarder::forwardTraces(const QList<qint64> &traceRks)
{
    m_outbox.enqueue(m_target.id, traceRks, true, onThisThread([this](bool) {
        refreshStats();
        pump();
    }));
}

void OtlpForwarder::setAutoForward(qint64 sourceId, bool enabled, bool includeExisting)
{
    ++m_pendingRuleWrites;
    if (enabled)
        m_ruleSources.insert(sourceId);
    else
        m_ruleSources.remove(sourceId);
    const SubmitStatus status = m_outbox.setRule(
        sourceId, m_target.id, enabled, includeExisting, onThisThread([this, includeExisting](bool) {
            --m_pendingRuleWrites;
            if (includeExisting) {
                m_outbox.catchUp(m_target.id, onThisThread([this](bool) {
                    refreshStats();
                    pump();
                }));
            }
            reloadRules();
        }));
    if (status != SubmitStatus::Queued)
        --m_pendingRuleWrites; // no commit callback will come
}

void OtlpForwarder::retryNow()
{
    m_retryTimer.stop();
    m_pausedUntilMs = 0;
    m_failures = 0;
    m_serverErrors = 0;
    if (m_state == State::Waiting || m_state == State::AuthFailed)
        setState(State::Idle);
    m_outbox.retryNow(m_target.id, onThisThread([this](bool) {
        refreshStats();
        pump();
    }));
}

void OtlpForwarder::clearQueue()
{
    m_partial.reset();
    m_outbox.clear(m_target.id, onThisThread([this](bool) { refreshStats(); }));
}

void OtlpForwarder::setSecretKey(const QString &secretKey)
{
    m_secret = secretKey;
    retryNow();
}

void OtlpForwarder::setState(State state)
{
    if (m_state == state)
        return;
    m_state = state;
    emit stateChanged(state);
}

QString OtlpForwarder::stateText() const
{
    const QLocale locale;
    QString queue = m_stats.pending > 0 ? QStringLiteral("%1 queued").arg(locale.toString(m_stats.pending))
                                        : QStringLiteral("nothing queued");
    if (m_stats.failed > 0)
        queue += QStringLiteral(", %1 refused").arg(locale.toString(m_stats.failed));
    switch (m_state) {
    case State::Idle:
        return QStringLiteral("%1: %2").arg(m_target.name, queue);
    case State::Sending:
        return QStringLiteral("%1: sending… %2").arg(m_target.name, queue);
    case State::Waiting: {
        const qint64 seconds = std::max<qint64>(0, (m_pausedUntilMs - nowMs() + 999) / 1000);
        return QStringLiteral("%1: %2; retry in %3 s — %4")
            .arg(m_target.name, m_lastError)
            .arg(seconds)
            .arg(queue);
    }
    case State::AuthFailed:
        return QStringLiteral("%1: key refused (%2) — %3").arg(m_target.name, m_lastError, queue);
    case State::Stopped:
        return QStringLiteral("%1: stopped — %2").arg(m_target.name, queue);
    }
    return QString();
}

void OtlpForwarder::scheduleStats()
{
    // A debounce that restarts on every call would never fire under a steady trickle of events.
    if (!m_statsTimer.isActive())
        m_statsTimer.start();
}

void OtlpForwarder::refreshStats()
{
    const std::shared_ptr<ReaderPool> pool = m_store->readerPool();
    const QString target = m_target.id;
    runInBackground(
        this,
        [pool, target] {
            OutboxStats stats;
            if (ReaderLease reader = pool->lease())
                stats = Outbox::stats(*reader, target, nowNs());
            return stats;
        },
        [this](OutboxStats stats) {
            if (stats == m_stats)
                return;
            m_stats = std::move(stats);
            emit statsChanged();
        });
}

void OtlpForwarder::pump()
{
    if (m_busy) {
        m_pumpAgain = true;
        return;
    }
    if (m_state == State::AuthFailed || m_state == State::Stopped || !m_started)
        return;
    if (m_pausedUntilMs > nowMs())
        return;
    m_busy = true;
    m_pumpAgain = false;
    const std::shared_ptr<ReaderPool> pool = m_store->readerPool();
    const ForwardTarget target = m_target;
    OtlpExportOptions exportOptions;
    exportOptions.langfusePublicKey = target.publicKey;
    exportOptions.scopeVersion = m_options.scopeVersion;
    const int maxTraces = m_soloSends > 0 ? 1 : m_options.maxTracesPerRequest;
    const int spanLimit = m_spanLimit;
    const qint64 maxBytes = m_options.maxRequestBytes;
    const bool gzip = m_options.gzip;
    const std::optional<Partial> partial = m_partial;
    runInBackground(
        this,
        [=] {
            auto payload = std::make_shared<Payload>();
            ReaderLease reader = pool->lease();
            if (!reader) {
                payload->error = QStringLiteral("cannot read the store");
                return payload;
            }
            const std::vector<OutboxItem> due = Outbox::dueItems(*reader, target.id, nowNs(), maxTraces + 1);
            ExportReader exportReader(*reader);
            OtlpExportBuilder builder(exportOptions);
            TraceBundle bundle;
            for (size_t i = 0; i < due.size(); ++i) {
                const OutboxItem &item = due[i];
                if (payload->traces >= maxTraces) {
                    payload->more = true;
                    break;
                }
                if (!exportReader.readTrace(item.traceRk, bundle, item.sentSeq, true, false)) {
                    payload->missing.append(item.traceRk);
                    continue;
                }
                std::vector<ObservationRecord> &observations = bundle.observations;
                if (partial && partial->traceRk == item.traceRk) {
                    const size_t skip = std::min(observations.size(), size_t(partial->offset));
                    observations.erase(observations.begin(), observations.begin() + qsizetype(skip));
                }
                if (observations.empty()) {
                    // Nothing OTLP can carry (a trace has no spans of its own): done.
                    payload->completed.emplace_back(item.traceRk, item.dueSeq);
                    continue;
                }
                const int count = int(observations.size());
                if (builder.spanCount() > 0 && builder.spanCount() + count > spanLimit) {
                    payload->more = true;
                    break;
                }
                if (count > spanLimit) {
                    // A trace larger than a request: this slice now, the rest next.
                    observations.resize(size_t(spanLimit));
                    builder.addTrace(bundle.trace, observations, false);
                    payload->included.append(item.traceRk);
                    payload->partial = Partial { item.traceRk,
                        (partial && partial->traceRk == item.traceRk ? partial->offset : 0) + spanLimit };
                    payload->more = true;
                    break;
                }
                builder.addTrace(bundle.trace, observations, false);
                payload->included.append(item.traceRk);
                payload->completed.emplace_back(item.traceRk, item.dueSeq);
                ++payload->traces;
                if (builder.approximateBytes() >= maxBytes) {
                    payload->more = i + 1 < due.size();
                    break;
                }
            }
            payload->spans = builder.spanCount();
            if (payload->spans > 0) {
                const std::string bytes = builder.request().SerializeAsString();
                const QByteArrayView view(bytes.data(), qsizetype(bytes.size()));
                payload->body = gzip ? gzipCompress(view) : view.toByteArray();
            }
            return payload;
        },
        [this](std::shared_ptr<Payload> payload) {
            if (m_state == State::Stopped) {
                m_busy = false;
                return;
            }
            if (!payload->error.isEmpty()) {
                m_busy = false;
                m_lastError = payload->error;
                return;
            }
            if (!payload->missing.isEmpty())
                m_outbox.forget(m_target.id, payload->missing);
            if (payload->spans == 0) {
                m_partial.reset();
                const bool more = payload->more || !payload->completed.empty() || !payload->missing.isEmpty();
                if (!payload->completed.empty()) {
                    m_outbox.markSent(m_target.id, payload->completed, onThisThread([this, more](bool) {
                        m_busy = false;
                        scheduleStats();
                        if (more)
                            pump();
                    }));
                    return;
                }
                m_busy = false;
                if (m_state == State::Sending)
                    setState(State::Idle);
                scheduleStats();
                if (more || m_pumpAgain)
                    pump();
                return;
            }
            send(std::move(payload));
        });
}

void OtlpForwarder::send(std::shared_ptr<Payload> payload)
{
    setState(State::Sending);
    QNetworkRequest request
        = langfuseOtlpRequest(m_target.host, m_target.publicKey, m_secret, m_options.gzip);
    request.setRawHeader("User-Agent", "traceglass/" + m_options.scopeVersion.toUtf8());
    request.setTransferTimeout(m_options.requestTimeoutMs);
    ++m_requests;
    QNetworkReply *reply = m_network->post(request, payload->body);
    m_reply = reply;
    connect(reply, &QNetworkReply::finished, this, [this, reply, payload] { onReply(reply, payload); });
}

void OtlpForwarder::onReply(QNetworkReply *reply, std::shared_ptr<Payload> payload)
{
    reply->deleteLater();
    m_reply.clear();
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QByteArray body = reply->readAll();
    if (m_state == State::Stopped) {
        m_busy = false;
        return;
    }
    if (status >= 200 && status < 300) {
        m_failures = 0;
        m_serverErrors = 0;
        m_lastError.clear();
        if (m_soloSends > 0)
            --m_soloSends;
        m_partial = payload->partial;
        m_spansDelivered += payload->spans;
        emit delivered(payload->traces, payload->spans);
        const bool more = payload->more;
        m_outbox.markSent(m_target.id, payload->completed, onThisThread([this, more](bool) {
            m_busy = false;
            scheduleStats();
            if (!more && !m_pumpAgain)
                setState(State::Idle);
            pump();
        }));
        return;
    }
    const QString error = describeReply(status, body, reply->errorString());
    if (status == 0 || isRetryableStatus(status)) {
        std::optional<qint64> after;
        if (reply->hasRawHeader("Retry-After"))
            after = retryAfterMs(reply->rawHeader("Retry-After"));
        retryLater(payload,
            status == 0 ? QStringLiteral("cannot reach %1 (%2)").arg(m_target.host, error) : error, after);
        return;
    }
    if (status == 401 || status == 403) {
        m_busy = false;
        m_lastError = error;
        setState(State::AuthFailed);
        scheduleStats();
        return;
    }
    if (status == 413 && m_spanLimit > 1) {
        m_spanLimit = std::max(1, m_spanLimit / 2);
        m_busy = false;
        pump();
        return;
    }
    if (status >= 400 && status < 500) {
        if (payload->included.size() > 1) {
            // One of them is the problem: find it by sending them one at a time.
            m_soloSends = int(payload->included.size());
            m_busy = false;
            pump();
            return;
        }
        m_lastError = error;
        m_outbox.markFailed(m_target.id, payload->included, error, onThisThread([this](bool) {
            m_busy = false;
            m_partial.reset();
            if (m_soloSends > 0)
                --m_soloSends;
            scheduleStats();
            pump();
        }));
        return;
    }
    // Other server errors: not retryable by the OTLP rules, but the outbox keeps the data, so try a
    // few more times before parking it.
    if (++m_serverErrors >= m_options.maxServerErrorAttempts) {
        m_serverErrors = 0;
        m_lastError = error;
        m_outbox.markFailed(m_target.id, payload->included, error, onThisThread([this](bool) {
            m_busy = false;
            m_partial.reset();
            scheduleStats();
            pump();
        }));
        return;
    }
    retryLater(payload, error, std::nullopt);
}

void OtlpForwarder::retryLater(
    const std::shared_ptr<Payload> &payload, const QString &error, std::optional<qint64> retryAfter)
{
    ++m_failures;
    qint64 delay = 0;
    if (retryAfter) {
        delay = std::min(*retryAfter, m_options.maxRetryAfterMs);
    } else {
        // Exponential backoff with "equal jitter": half fixed, half random.
        const int exponent = std::min(m_failures - 1, 30);
        const qint64 ceiling = std::min(
            m_options.maxBackoffMs, m_options.baseBackoffMs * (qint64(1) << std::min(exponent, 20)));
        std::uniform_int_distribution<qint64> jitter(0, std::max<qint64>(0, ceiling / 2));
        delay = ceiling / 2 + jitter(m_random);
    }
    m_lastError = error;
    m_pausedUntilMs = nowMs() + delay;
    setState(State::Waiting);
    m_retryTimer.start(int(std::min<qint64>(delay, std::numeric_limits<int>::max())));
    m_outbox.markRetry(
        m_target.id, payload->included, m_pausedUntilMs * 1'000'000, error, onThisThread([this](bool) {
            m_busy = false;
            scheduleStats();
        }));
}

} // namespace tg
