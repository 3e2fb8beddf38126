#pragma once

#include "langfuseconnection.h"
#include "langfuseendpoint.h"
#include "langfuseerror.h"
#include "ratelimiter.h"
#include "retrypolicy.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QObject>
#include <QPair>
#include <QPointer>
#include <QRandomGenerator>
#include <QTimer>
#include <QUrl>

#include <array>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <unordered_map>

class QNetworkAccessManager;
class QNetworkReply;

namespace tg {

enum class RequestPriority : quint8 {
    Background, ///< sync and backfill
    Interactive, ///< the user is waiting (opening a trace, Test Connection): goes first
};

/// Where a request goes and with which keys. The secret stays in memory; it is only ever put
/// into the Authorization header.
struct LangfuseCredentials
{
    QString host; ///< normalised base URL
    QString publicKey;
    QString secretKey;
    PlanTier tier = PlanTier::SelfHosted; ///< the effective tier (see LangfuseConnection)
    QString scope; ///< rate-limit scope (RateLimiter::scopeKey); empty: derived from host + key
};

/// Query parameters in order, as plain (decoded) text; the transport percent-encodes every
/// reserved character, so base64 cursors keep their '+' and JSON filters their '&'.
struct QueryItems : QList<QPair<QString, QString>>
{
    void addQueryItem(const QString &key, const QString &value) { append({ key, value }); }
    QString value(const QString &key) const;
    /// "a=1&b=x%2By"
    QString encoded() const;
};

struct LangfuseRequest
{
    LangfuseEndpoint endpoint = LangfuseEndpoint::Health;
    QString id; ///< path id for Trace / Session
    QueryItems query;
    RequestPriority priority = RequestPriority::Background;
    std::optional<RetryPolicy::Options> retry; ///< overrides the transport's policy (Test Connection: 1 try)
};

struct LangfuseResponse
{
    int httpStatus = 0;
    QByteArray body;
    QList<QPair<QByteArray, QByteArray>> headers;
    LangfuseError error;
    int attempts = 0;
    qint64 waitedMs = 0; ///< spent waiting for the rate limiter, Retry-After and backoff
    qint64 elapsedMs = 0; ///< from get() to the answer
    QUrl url; ///< what was asked (never holds credentials)

    bool ok() const { return error.ok(); }
    QByteArray header(QByteArrayView name) const;
};

/// One attempt as it went over the wire, for tests and the debug log. Header values are
/// redacted (Authorization: "Basic [redacted]").
struct LangfuseExchange
{
    QUrl url;
    LangfuseEndpoint endpoint = LangfuseEndpoint::Health;
    int attempt = 0;
    int httpStatus = 0;
    QList<QPair<QByteArray, QByteArray>> requestHeaders;
    QList<QPair<QByteArray, QByteArray>> responseHeaders;
    LangfuseError error; ///< empty for a 2xx
    qint64 durationMs = 0;
    qint64 retryInMs = -1; ///< >= 0 when this attempt will be retried after that delay
};

/// The HTTP layer shared by every Langfuse connection of the app: one QNetworkAccessManager, a
/// queue per host with a cap on concurrent requests, the rate limiter (buckets per organisation),
/// retries (RetryPolicy), connect and read timeouts, cancellation, and what each host was found to
/// lack (the 404 fallback memory). Lives on one thread; everything is asynchronous.
class LangfuseTransport : public QObject
{
    Q_OBJECT

public:
    struct Options
    {
        int maxConcurrentPerHost = 4;
        int connectTimeoutMs = 15'000; ///< until the request is on the wire (TCP + TLS)
        int readTimeoutMs = 90'000; ///< longest silence while waiting for or reading the answer
        RetryPolicy::Options retry;
        quint32 seed = 0; ///< jitter seed; 0 = random
    };
    using Callback = std::function<void(const LangfuseResponse &)>;

    explicit LangfuseTransport(QObject *parent = nullptr);
    explicit LangfuseTransport(const Options &options, QObject *parent = nullptr);
    ~LangfuseTransport() override;

    const Options &options() const { return m_options; }
    void setOptions(const Options &options);
    RateLimiter &rateLimiter() { return m_limiter; }

    /// Queues a GET. `done` runs once, later, on this thread, unless `context` (optional) is
    /// destroyed first: then the request is dropped, or aborted if it is on the wire.
    quint64 get(const LangfuseCredentials &credentials, const LangfuseRequest &request, QObject *context,
        Callback done);
    /// Drops or aborts a request; its callback does not run.
    void cancel(quint64 requestId);
    void cancelAll(QObject *context);

    /// False once `host` answered 404 to the feature's endpoint (then callers use the v1 one).
    bool supports(const QString &host, LangfuseFeature feature) const;
    /// Records what a host was found to support (true after a 2xx, false after a 404).
    void setSupported(const QString &host, LangfuseFeature feature, bool supported);
    /// True when the host answered the feature's endpoint before (a later 404 is then an error).
    bool knownSupported(const QString &host, LangfuseFeature feature) const;

    int activeRequests(const QString &host) const;
    int pendingRequests() const { return int(m_pending.size()); }
    /// Sees every attempt (tests, debug logging).
    void setExchangeObserver(std::function<void(const LangfuseExchange &)> observer);

Q_SIGNALS:
    /// A request waits more than a second for the rate budget of `scope`.
    void rateLimitWait(const QString &scope, qint64 waitMs);

private:
    struct Pending;
    struct HostState
    {
        int active = 0;
        std::deque<quint64> queue;
        std::array<qint8, kLangfuseFeatureCount> features {}; ///< 0 unknown, 1 yes, -1 no
    };

    void enqueue(Pending &pending, bool front);
    void schedulePump();
    void pump();
    void start(Pending &pending);
    void onFinished(quint64 id);
    void deliver(quint64 id, LangfuseResponse response);
    void abortReply(Pending &pending);
    double random01();

    Options m_options;
    RetryPolicy m_policy;
    RateLimiter m_limiter;
    QNetworkAccessManager *m_nam;
    QTimer m_wakeTimer;
    bool m_pumpQueued = false;
    QRandomGenerator m_random;
    quint64 m_nextId = 1;
    std::unordered_map<quint64, std::unique_ptr<Pending>> m_pending;
    QHash<QString, HostState> m_hosts;
    std::function<void(const LangfuseExchange &)> m_observer;
};

} // namespace tg
