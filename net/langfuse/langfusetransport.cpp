#include "langfusetransport.h"

#include "redaction.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSslCertificate>
#include <QSslError>

#include <algorithm>
#include <limits>

Q_LOGGING_CATEGORY(lcLangfuseHttp, "traceglass.langfuse.http", QtWarningMsg)

namespace tg {

struct LangfuseTransport::Pending
{
    enum class Abort : quint8 { None, ConnectTimeout, ReadTimeout };

    quint64 id = 0;
    LangfuseCredentials credentials;
    LangfuseRequest request;
    QUrl url;
    QPointer<QObject> context;
    bool hasContext = false;
    QMetaObject::Connection contextConnection;
    Callback done;
    RetryPolicy policy;
    int attempt = 0;
    qint64 notBeforeMs = 0;
    qint64 queuedAtMs = 0;
    qint64 waitedMs = 0;
    bool waitReported = false;
    QElapsedTimer elapsed;
    QElapsedTimer attemptTimer;
    QNetworkReply *reply = nullptr;
    QTimer *connectTimer = nullptr;
    QTimer *readTimer = nullptr;
    Abort abort = Abort::None;
    QList<QSslError> sslErrors;
};

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("tg::LangfuseTransport", text);
}

QString hostLabel(const QUrl &url)
{
    return url.host() + (url.port() > 0 ? u':' + QString::number(url.port()) : QString());
}

QString certificateText(const QSslCertificate &cert)
{
    auto join = [](const QStringList &parts) { return parts.join(QLatin1String(", ")); };
    QStringList subject = cert.subjectInfo(QSslCertificate::CommonName);
    QStringList issuer = cert.issuerInfo(QSslCertificate::CommonName);
    issuer += cert.issuerInfo(QSslCertificate::Organization);
    const QByteArray sha = cert.digest(QCryptographicHash::Sha256).toHex(':').toUpper();
    return tr("Certificate: %1, issued by %2, valid %3 to %4, SHA-256 %5")
        .arg(subject.isEmpty() ? tr("(no common name)") : join(subject),
            issuer.isEmpty() ? tr("(unknown issuer)") : join(issuer),
            cert.effectiveDate().toUTC().toString(Qt::ISODate),
            cert.expiryDate().toUTC().toString(Qt::ISODate),
            QString::fromLatin1(sha.left(47)) + QStringLiteral("…"));
}

/// Transport failures (no usable HTTP answer): QNetworkReply's 1-99 and proxy 101-199 codes.
bool isTransportError(QNetworkReply::NetworkError error)
{
    const int code = int(error);
    return code > 0 && code < 200;
}

LangfuseError transportError(QNetworkReply *reply, QNetworkReply::NetworkError code,
    const QList<QSslError> &sslErrors, const QUrl &url)
{
    using K = LangfuseError::Kind;
    const QString where = hostLabel(url);
    const QString qtText = reply->errorString();
    switch (code) {
    case QNetworkReply::HostNotFoundError:
        return LangfuseError::make(K::HostNotFound,
            tr("The host name %1 could not be resolved (DNS). Check the address and your network connection.")
                .arg(url.host()),
            qtText);
    case QNetworkReply::ConnectionRefusedError:
        return LangfuseError::make(K::ConnectionRefused,
            tr("Nothing accepts connections at %1 (connection refused). Is the server running, and is the "
               "port right?")
                .arg(where),
            qtText);
    case QNetworkReply::RemoteHostClosedError:
        return LangfuseError::make(K::ConnectionClosed,
            tr("%1 closed the connection before the answer was complete.").arg(where), qtText);
    case QNetworkReply::TimeoutError:
        return LangfuseError::make(K::Timeout, tr("%1 did not answer in time (timeout).").arg(where), qtText);
    case QNetworkReply::SslHandshakeFailedError: {
        QStringList problems;
        QList<QSslCertificate> certs;
        for (const QSslError &e : sslErrors) {
            problems << e.errorString();
            if (!e.certificate().isNull() && !certs.contains(e.certificate()))
                certs << e.certificate();
        }
        if (certs.isEmpty())
            certs = reply->sslConfiguration().peerCertificateChain();
        QStringList detail;
        if (!problems.isEmpty())
            detail << problems.join(QLatin1String("; "));
        if (!certs.isEmpty())
            detail << certificateText(certs.first());
        if (detail.isEmpty())
            detail << qtText;
        return LangfuseError::make(K::Tls,
            tr("The secure (TLS) connection to %1 failed: the server's certificate is not trusted or the "
               "handshake failed.")
                .arg(where),
            detail.join(u'\n'));
    }
    default:
        return LangfuseError::make(K::Network, tr("The connection to %1 failed.").arg(where), qtText);
    }
}

bool retryableKind(LangfuseError::Kind kind)
{
    using K = LangfuseError::Kind;
    return kind == K::Timeout || kind == K::HostNotFound || kind == K::ConnectionRefused
        || kind == K::ConnectionClosed || kind == K::Network;
}

QList<QPair<QByteArray, QByteArray>> redactedHeaders(const QNetworkRequest &request)
{
    QList<QPair<QByteArray, QByteArray>> out;
    for (const QByteArray &name : request.rawHeaderList())
        out.append({ name, redactHeaderValue(name, request.rawHeader(name)) });
    return out;
}

} // namespace

QString QueryItems::value(const QString &key) const
{
    for (const auto &item : *this) {
        if (item.first == key)
            return item.second;
    }
    return {};
}

QString QueryItems::encoded() const
{
    QByteArray out;
    for (const auto &item : *this) {
        if (!out.isEmpty())
            out += '&';
        out += QUrl::toPercentEncoding(item.first) + '=' + QUrl::toPercentEncoding(item.second);
    }
    return QString::fromLatin1(out);
}

QByteArray LangfuseResponse::header(QByteArrayView name) const
{
    for (const auto &h : headers) {
        if (QByteArrayView(h.first).compare(name, Qt::CaseInsensitive) == 0)
            return h.second;
    }
    return {};
}

LangfuseTransport::LangfuseTransport(QObject *parent)
    : LangfuseTransport(Options(), parent)
{
}

LangfuseTransport::LangfuseTransport(const Options &options, QObject *parent)
    : QObject(parent)
    , m_nam(new QNetworkAccessManager(this))
{
    m_wakeTimer.setSingleShot(true);
    connect(&m_wakeTimer, &QTimer::timeout, this, &LangfuseTransport::pump);
    // Credentials go in the Authorization header of each request; QNAM must not cache any.
    m_nam->setAutoDeleteReplies(false);
    setOptions(options);
}

LangfuseTransport::~LangfuseTransport()
{
    for (auto &entry : m_pending) {
        Pending &p = *entry.second;
        QObject::disconnect(p.contextConnection);
        if (p.reply) {
            p.reply->disconnect(this);
            p.reply->abort();
            delete p.reply;
            p.reply = nullptr;
        }
    }
    m_pending.clear();
}

void LangfuseTransport::setOptions(const Options &options)
{
    m_options = options;
    m_options.maxConcurrentPerHost = std::max(1, options.maxConcurrentPerHost);
    m_policy = RetryPolicy(options.retry);
    m_random = options.seed ? QRandomGenerator(options.seed) : QRandomGenerator::securelySeeded();
}

double LangfuseTransport::random01()
{
    return m_random.generateDouble();
}

void LangfuseTransport::setExchangeObserver(std::function<void(const LangfuseExchange &)> observer)
{
    m_observer = std::move(observer);
}

bool LangfuseTransport::supports(const QString &host, LangfuseFeature feature) const
{
    const auto it = m_hosts.constFind(host);
    return it == m_hosts.constEnd() || it->features[size_t(feature)] >= 0;
}

bool LangfuseTransport::knownSupported(const QString &host, LangfuseFeature feature) const
{
    const auto it = m_hosts.constFind(host);
    return it != m_hosts.constEnd() && it->features[size_t(feature)] > 0;
}

void LangfuseTransport::setSupported(const QString &host, LangfuseFeature feature, bool supported)
{
    m_hosts[host].features[size_t(feature)] = supported ? 1 : -1;
}

int LangfuseTransport::activeRequests(const QString &host) const
{
    return m_hosts.value(host).active;
}

quint64 LangfuseTransport::get(
    const LangfuseCredentials &credentials, const LangfuseRequest &request, QObject *context, Callback done)
{
    auto pending = std::make_unique<Pending>();
    Pending &p = *pending;
    p.id = m_nextId++;
    p.credentials = credentials;
    if (p.credentials.scope.isEmpty())
        p.credentials.scope = RateLimiter::scopeKey(credentials.host, QString(), credentials.publicKey);
    p.request = request;
    p.policy = request.retry ? RetryPolicy(*request.retry) : m_policy;
    p.done = std::move(done);
    p.url = QUrl(credentials.host + langfuseEndpointPath(request.endpoint, request.id));
    if (!request.query.isEmpty())
        p.url.setQuery(request.query.encoded(), QUrl::StrictMode);
    p.elapsed.start();
    if (context) {
        p.context = context;
        p.hasContext = true;
        const quint64 id = p.id;
        p.contextConnection = connect(context, &QObject::destroyed, this, [this, id] { cancel(id); });
    }
    const quint64 id = p.id;
    m_pending.emplace(id, std::move(pending));
    enqueue(p, false);
    return id;
}

void LangfuseTransport::enqueue(Pending &p, bool front)
{
    p.queuedAtMs = m_limiter.now();
    std::deque<quint64> &queue = m_hosts[p.credentials.host].queue;
    if (front || p.request.priority == RequestPriority::Interactive) {
        // After the interactive ones already waiting, before the background ones.
        auto it = queue.begin();
        while (it != queue.end()) {
            const auto found = m_pending.find(*it);
            if (found == m_pending.end() || found->second->request.priority != RequestPriority::Interactive)
                break;
            ++it;
        }
        queue.insert(it, p.id);
    } else {
        queue.push_back(p.id);
    }
    schedulePump();
}

void LangfuseTransport::schedulePump()
{
    if (m_pumpQueued)
        return;
    m_pumpQueued = true;
    // Never start (or answer) inside the caller's own call.
    QMetaObject::invokeMethod(this, &LangfuseTransport::pump, Qt::QueuedConnection);
}

void LangfuseTransport::pump()
{
    m_pumpQueued = false;
    const qint64 now = m_limiter.now();
    qint64 nextWake = std::numeric_limits<qint64>::max();
    QList<QPair<QString, qint64>> waits; // reported after the loop: a slot may queue requests
    for (auto hostIt = m_hosts.begin(); hostIt != m_hosts.end(); ++hostIt) {
        HostState &host = *hostIt;
        for (auto it = host.queue.begin();
             it != host.queue.end() && host.active < m_options.maxConcurrentPerHost;) {
            const auto found = m_pending.find(*it);
            if (found == m_pending.end()) {
                it = host.queue.erase(it);
                continue;
            }
            Pending &p = *found->second;
            if (p.notBeforeMs > now) {
                nextWake = std::min(nextWake, p.notBeforeMs);
                ++it;
                continue;
            }
            const qint64 wait = m_limiter.acquire(
                p.credentials.scope, p.credentials.tier, langfuseEndpointBucket(p.request.endpoint));
            if (wait > 0) {
                p.notBeforeMs = now + wait;
                nextWake = std::min(nextWake, p.notBeforeMs);
                if (wait > 1000 && !p.waitReported) {
                    p.waitReported = true;
                    waits.append({ p.credentials.scope, wait });
                }
                ++it;
                continue;
            }
            it = host.queue.erase(it);
            ++host.active;
            p.waitedMs += std::max<qint64>(0, now - p.queuedAtMs);
            start(p);
        }
    }
    if (nextWake != std::numeric_limits<qint64>::max())
        m_wakeTimer.start(int(std::clamp<qint64>(nextWake - now, 1, std::numeric_limits<int>::max())));
    for (const auto &w : std::as_const(waits))
        emit rateLimitWait(w.first, w.second);
}

void LangfuseTransport::start(Pending &p)
{
    ++p.attempt;
    p.abort = Pending::Abort::None;
    p.sslErrors.clear();
    p.attemptTimer.start();

    QNetworkRequest request(p.url);
    request.setRawHeader("Accept", "application/json");
    request.setHeader(QNetworkRequest::UserAgentHeader,
        QStringLiteral("Traceglass/%1")
            .arg(QCoreApplication::applicationVersion().isEmpty() ? QStringLiteral("dev")
                                                                  : QCoreApplication::applicationVersion()));
    if (langfuseEndpointNeedsAuth(p.request.endpoint)) {
        const QByteArray pair = (p.credentials.publicKey + u':' + p.credentials.secretKey).toUtf8();
        request.setRawHeader("Authorization", "Basic " + pair.toBase64());
    }
    // Never send the keys to another origin.
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::SameOriginRedirectPolicy);
    request.setAttribute(QNetworkRequest::CacheSaveControlAttribute, false);
    request.setAttribute(QNetworkRequest::CacheLoadControlAttribute, QNetworkRequest::AlwaysNetwork);

    QNetworkReply *reply = m_nam->get(request);
    p.reply = reply;
    const quint64 id = p.id;
    p.connectTimer = new QTimer(reply);
    p.connectTimer->setSingleShot(true);
    p.readTimer = new QTimer(reply);
    p.readTimer->setSingleShot(true);
    auto timeout = [this, id](Pending::Abort why) {
        const auto found = m_pending.find(id);
        if (found == m_pending.end() || !found->second->reply)
            return;
        found->second->abort = why;
        found->second->reply->abort(); // finished() follows, synchronously
    };
    connect(p.connectTimer, &QTimer::timeout, this, [timeout] { timeout(Pending::Abort::ConnectTimeout); });
    connect(p.readTimer, &QTimer::timeout, this, [timeout] { timeout(Pending::Abort::ReadTimeout); });
    QTimer *connectTimer = p.connectTimer;
    QTimer *readTimer = p.readTimer;
    const int readMs = m_options.readTimeoutMs;
    auto activity = [connectTimer, readTimer, readMs] {
        connectTimer->stop();
        readTimer->start(readMs);
    };
    connect(reply, &QNetworkReply::requestSent, this, activity);
    connect(reply, &QNetworkReply::metaDataChanged, this, activity);
    connect(reply, &QNetworkReply::downloadProgress, this, activity);
    connect(reply, &QNetworkReply::sslErrors, this, [this, id](const QList<QSslError> &errors) {
        const auto found = m_pending.find(id);
        if (found != m_pending.end())
            found->second->sslErrors = errors;
    });
    connect(reply, &QNetworkReply::finished, this, [this, id] { onFinished(id); });
    p.connectTimer->start(m_options.connectTimeoutMs);
    qCDebug(lcLangfuseHttp) << "GET" << redactSecrets(p.url.toString()) << "attempt" << p.attempt;
}

void LangfuseTransport::abortReply(Pending &p)
{
    if (!p.reply)
        return;
    QNetworkReply *reply = p.reply;
    p.reply = nullptr;
    reply->disconnect(this);
    if (reply->isRunning())
        reply->abort();
    reply->deleteLater();
    HostState &host = m_hosts[p.credentials.host];
    host.active = std::max(0, host.active - 1);
}

void LangfuseTransport::cancel(quint64 requestId)
{
    const auto found = m_pending.find(requestId);
    if (found == m_pending.end())
        return;
    std::unique_ptr<Pending> p = std::move(found->second);
    m_pending.erase(found);
    QObject::disconnect(p->contextConnection);
    abortReply(*p);
    schedulePump(); // a slot may have freed up; the queue entry is skipped lazily
}

void LangfuseTransport::cancelAll(QObject *context)
{
    std::vector<quint64> ids;
    for (const auto &entry : m_pending) {
        if (entry.second->hasContext && entry.second->context == context)
            ids.push_back(entry.first);
    }
    for (quint64 id : ids)
        cancel(id);
}

void LangfuseTransport::onFinished(quint64 id)
{
    const auto found = m_pending.find(id);
    if (found == m_pending.end())
        return;
    Pending &p = *found->second;
    QNetworkReply *reply = p.reply;
    if (!reply)
        return;
    p.reply = nullptr;
    reply->disconnect(this);
    reply->deleteLater();
    HostState &host = m_hosts[p.credentials.host];
    host.active = std::max(0, host.active - 1);

    LangfuseResponse response;
    response.url = p.url;
    response.attempts = p.attempt;
    const QVariant statusAttr = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
    const QNetworkReply::NetworkError code = reply->error();
    response.headers = reply->rawHeaderPairs();
    if (reply->isOpen())
        response.body = reply->readAll();
    response.httpStatus = statusAttr.isValid() ? statusAttr.toInt() : 0;

    const QString host_ = p.credentials.host;
    bool transport = false;
    if (p.abort == Pending::Abort::ConnectTimeout) {
        transport = true;
        response.error = LangfuseError::make(LangfuseError::Kind::Timeout,
            tr("Could not connect to %1 within %2 s (timeout). The host may be down or blocked by a "
               "firewall.")
                .arg(hostLabel(p.url))
                .arg(m_options.connectTimeoutMs / 1000.0, 0, 'g', 3));
    } else if (p.abort == Pending::Abort::ReadTimeout) {
        transport = true;
        response.error = LangfuseError::make(LangfuseError::Kind::Timeout,
            tr("%1 stopped answering for %2 s (read timeout).")
                .arg(hostLabel(p.url))
                .arg(m_options.readTimeoutMs / 1000.0, 0, 'g', 3));
    } else if (code != QNetworkReply::NoError && (response.httpStatus == 0 || isTransportError(code))) {
        // A 2xx status with a transport error is a body cut short (Content-Length not reached).
        transport = true;
        response.error = transportError(reply, code, p.sslErrors, p.url);
    } else if (response.httpStatus < 200 || response.httpStatus >= 300) {
        response.error = LangfuseError::fromHttp(response.httpStatus, response.body, host_);
    }
    if (transport)
        response.httpStatus = 0;

    // Retry-After applies to every request of the same organisation and bucket, not only this one.
    std::optional<qint64> retryAfter;
    if (response.httpStatus == 429 || response.httpStatus == 503) {
        retryAfter
            = RetryPolicy::parseRetryAfter(response.header("Retry-After"), QDateTime::currentDateTimeUtc());
        if (response.httpStatus == 429 && retryAfter) {
            response.error.retryAfterMs = *retryAfter;
            m_limiter.pause(p.credentials.scope, p.credentials.tier,
                langfuseEndpointBucket(p.request.endpoint), *retryAfter);
        }
    }
    RetryPolicy::Decision decision;
    if (!response.ok())
        decision = p.policy.decide(p.attempt, response.httpStatus,
            transport && retryableKind(response.error.kind), retryAfter, random01());

    if (m_observer) {
        LangfuseExchange ex;
        ex.url = p.url;
        ex.endpoint = p.request.endpoint;
        ex.attempt = p.attempt;
        ex.httpStatus = response.httpStatus;
        ex.requestHeaders = redactedHeaders(reply->request());
        for (const auto &h : response.headers)
            ex.responseHeaders.append({ h.first, redactHeaderValue(h.first, h.second) });
        ex.error = response.error;
        ex.durationMs = p.attemptTimer.elapsed();
        ex.retryInMs = decision.retry ? decision.delayMs : -1;
        m_observer(ex);
    }
    qCDebug(lcLangfuseHttp) << "GET" << redactSecrets(p.url.toString()) << "->" << response.httpStatus
                            << langfuseErrorKindName(response.error.kind) << "in" << p.attemptTimer.elapsed()
                            << "ms" << (decision.retry ? "retry in" : "")
                            << (decision.retry ? decision.delayMs : 0);

    if (decision.retry) {
        p.notBeforeMs = m_limiter.now() + decision.delayMs;
        p.waitReported = false;
        enqueue(p, true);
        return;
    }
    deliver(id, std::move(response));
    schedulePump();
}

void LangfuseTransport::deliver(quint64 id, LangfuseResponse response)
{
    const auto found = m_pending.find(id);
    if (found == m_pending.end())
        return;
    std::unique_ptr<Pending> p = std::move(found->second);
    m_pending.erase(found);
    QObject::disconnect(p->contextConnection);
    response.elapsedMs = p->elapsed.elapsed();
    response.waitedMs = p->waitedMs;
    if (p->hasContext && !p->context)
        return;
    if (p->done)
        p->done(response);
}

} // namespace tg
