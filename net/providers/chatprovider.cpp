#include "chatprovider.h"

#include "anthropicprovider.h"
#include "openaicompatibleprovider.h"
#include "redaction.h"
#include "responseassembler.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QUrl>

namespace tg {

Q_LOGGING_CATEGORY(lcProviders, "traceglass.providers", QtWarningMsg)

namespace {

constexpr qsizetype kMaxBody = 64 * 1024 * 1024;
constexpr int kModelsTimeoutMs = 30'000;

QString hostOf(const QNetworkRequest &request)
{
    return request.url().host();
}

QList<std::pair<QByteArray, QByteArray>> headersOf(const QNetworkRequest &request)
{
    QList<std::pair<QByteArray, QByteArray>> out;
    for (const QByteArray &name : request.rawHeaderList())
        out.append({ name, request.rawHeader(name) });
    return out;
}

QString networkErrorMessage(QNetworkReply::NetworkError error, const QString &host, const QString &detail)
{
    switch (error) {
    case QNetworkReply::ConnectionRefusedError:
        return ChatProvider::tr("%1 refused the connection: is the server running?").arg(host);
    case QNetworkReply::HostNotFoundError:
        return ChatProvider::tr("The host %1 was not found: check the base URL.").arg(host);
    case QNetworkReply::RemoteHostClosedError:
        return ChatProvider::tr("%1 closed the connection before answering.").arg(host);
    case QNetworkReply::SslHandshakeFailedError:
        return ChatProvider::tr("The TLS handshake with %1 failed: %2").arg(host, detail);
    default:
        return ChatProvider::tr("The request to %1 failed: %2").arg(host, detail);
    }
}

} // namespace

// ---- ChatRun -----------------------------------------------------------------------------------

ChatRun::ChatRun(QObject *parent, std::unique_ptr<ResponseAssembler> assembler, QByteArray body,
    std::vector<FidelityNote> notes, QString providerName, ProviderRunOptions options)
    : QObject(parent)
    , m_assembler(std::move(assembler))
    , m_body(std::move(body))
    , m_notes(std::move(notes))
    , m_providerName(std::move(providerName))
    , m_options(options)
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &ChatRun::onTimeout);
}

ChatRun::~ChatRun()
{
    if (QNetworkReply *reply = m_reply.data()) {
        reply->disconnect(this);
        reply->abort();
        reply->deleteLater();
    }
}

const ReplayResult &ChatRun::result() const
{
    return m_assembler->result();
}

void ChatRun::start(QNetworkAccessManager *nam, const QNetworkRequest &request)
{
    qCInfo(lcProviders).noquote() << "POST" << redactSecrets(request.url().toString()) << "\n"
                                  << headersForLog(headersOf(request));
    m_assembler->result().startedMs = QDateTime::currentMSecsSinceEpoch();
    m_clock.start();
    m_reply = nam->post(request, m_body);
    connect(m_reply, &QNetworkReply::readyRead, this, &ChatRun::onReadyRead);
    connect(m_reply, &QNetworkReply::finished, this, &ChatRun::onFinished);
    m_timer.start(m_options.firstByteTimeoutMs);
}

void ChatRun::cancel()
{
    if (m_finished || m_cancelled)
        return;
    m_cancelled = true;
    if (QNetworkReply *reply = m_reply.data())
        reply->abort();
    else
        finish(tr("Cancelled."));
}

void ChatRun::markFirstToken()
{
    ReplayResult &r = m_assembler->result();
    if (r.ttftMs < 0)
        r.ttftMs = m_clock.elapsed();
}

void ChatRun::onReadyRead()
{
    QNetworkReply *reply = m_reply.data();
    if (!reply || m_finished)
        return;
    if (!m_headersSeen) {
        m_headersSeen = true;
        m_status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QString type = reply->header(QNetworkRequest::ContentTypeHeader).toString();
        m_streaming
            = m_status < 300 && type.contains(QLatin1String("text/event-stream"), Qt::CaseInsensitive);
    }
    m_timer.start(m_options.idleTimeoutMs);
    const QByteArray chunk = reply->readAll();
    if (m_streaming) {
        handleEvents(m_sse.feed(chunk));
        return;
    }
    m_buffer += chunk;
    if (m_buffer.size() > kMaxBody) {
        m_streamError = tr("The answer is larger than %1 MiB; stopped reading.").arg(kMaxBody / 1024 / 1024);
        reply->abort();
    }
}

void ChatRun::handleEvents(const std::vector<SseParser::Event> &events)
{
    for (const SseParser::Event &event : events) {
        const ResponseAssembler::Delta delta = m_assembler->onEvent(event);
        if (!delta.error.isEmpty()) {
            m_streamError = tr("%1 reported an error in the stream: %2")
                                .arg(m_providerName, redactSecrets(delta.error));
            if (QNetworkReply *reply = m_reply.data())
                reply->abort();
            return;
        }
        if (!delta.text.isEmpty() || !delta.thinking.isEmpty() || delta.toolCalls)
            markFirstToken();
        if (!delta.thinking.isEmpty())
            Q_EMIT thinkingDelta(delta.thinking);
        if (!delta.text.isEmpty())
            Q_EMIT textDelta(delta.text);
        if (delta.toolCalls)
            Q_EMIT toolCallsChanged();
        if (m_finished)
            return;
    }
}

void ChatRun::onTimeout()
{
    if (m_finished || !m_reply)
        return;
    const int seconds = (m_headersSeen ? m_options.idleTimeoutMs : m_options.firstByteTimeoutMs) / 1000;
    m_timeoutError = m_headersSeen
        ? tr("The stream stalled: nothing arrived for %n s; what came so far is kept.", nullptr, seconds)
        : tr("No answer from %1 within %n s.", nullptr, seconds).arg(m_providerName);
    if (QNetworkReply *reply = m_reply.data())
        reply->abort();
}

void ChatRun::onFinished()
{
    m_timer.stop();
    QNetworkReply *reply = m_reply.data();
    if (m_finished || !reply)
        return;
    if (reply->bytesAvailable() > 0 && !m_cancelled && m_timeoutError.isEmpty() && m_streamError.isEmpty())
        onReadyRead();
    if (!m_headersSeen)
        m_status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    ReplayResult &r = m_assembler->result();
    r.httpStatus = m_status;
    const QNetworkReply::NetworkError error = reply->error();
    const QString host = reply->url().host();
    if (m_cancelled)
        return finish(tr("Cancelled."));
    if (!m_timeoutError.isEmpty())
        return finish(m_timeoutError);
    if (!m_streamError.isEmpty())
        return finish(m_streamError);
    if (m_status >= 400) {
        r.retryAfterSeconds = ChatProvider::parseRetryAfter(reply->rawHeader("Retry-After"));
        qCInfo(lcProviders).noquote()
            << "HTTP" << m_status << redactSecrets(QString::fromUtf8(m_buffer.left(2000)));
        return finish(
            ChatProvider::httpErrorMessage(m_status, m_buffer, r.retryAfterSeconds, m_providerName));
    }
    if (m_streaming) {
        handleEvents(m_sse.finish());
        if (m_finished)
            return;
        if (!m_streamError.isEmpty())
            return finish(m_streamError);
        if (!m_assembler->isComplete()) {
            const QString why = error == QNetworkReply::NoError
                ? QString()
                : QStringLiteral(" (%1)").arg(redactSecrets(reply->errorString()));
            return finish(
                tr("The connection to %1 closed before the answer was complete%2; the partial answer "
                   "is kept.")
                    .arg(host, why));
        }
        return finish();
    }
    if (error != QNetworkReply::NoError && m_status == 0)
        return finish(networkErrorMessage(error, host, redactSecrets(reply->errorString())));
    if (error != QNetworkReply::NoError && m_buffer.isEmpty())
        return finish(
            tr("The answer from %1 was cut off: %2").arg(host, redactSecrets(reply->errorString())));
    // A server may stream although its Content-Type says otherwise.
    if (m_buffer.trimmed().startsWith("data:") || m_buffer.trimmed().startsWith("event:")) {
        m_streaming = true;
        handleEvents(m_sse.feed(m_buffer));
        handleEvents(m_sse.finish());
        if (m_finished)
            return;
        return finish(
            m_assembler->isComplete() ? QString() : tr("The answer from %1 was incomplete.").arg(host));
    }
    QString parseError;
    if (!m_assembler->onBody(m_buffer, &parseError))
        return finish(
            tr("%1 answered with something unexpected: %2").arg(m_providerName, redactSecrets(parseError)));
    finish();
}

void ChatRun::finish(QString error)
{
    if (m_finished)
        return;
    m_finished = true;
    m_timer.stop();
    ReplayResult &r = m_assembler->result();
    r.latencyMs = m_clock.isValid() ? m_clock.elapsed() : 0;
    r.streamed = m_streaming;
    r.cancelled = m_cancelled;
    r.ok = error.isEmpty() && !m_cancelled;
    r.error = redactSecrets(error);
    if (QNetworkReply *reply = m_reply.data()) {
        reply->disconnect(this);
        reply->deleteLater();
        m_reply = nullptr;
    }
    qCInfo(lcProviders).noquote() << "finished" << m_providerName << "ok" << r.ok << r.error;
    Q_EMIT finished(r);
}

// ---- ChatProvider ------------------------------------------------------------------------------

ChatProvider::ChatProvider(ProviderConfig config, QString apiKey, QNetworkAccessManager *nam, QObject *parent)
    : QObject(parent)
    , m_config(std::move(config))
    , m_apiKey(std::move(apiKey))
    , m_nam(nam ? nam : new QNetworkAccessManager(this))
{
}

ChatProvider::~ChatProvider() = default;

std::unique_ptr<ChatProvider> ChatProvider::create(
    const ProviderConfig &config, const QString &apiKey, QNetworkAccessManager *nam, QObject *parent)
{
    if (config.kind == ProviderKind::Anthropic)
        return std::make_unique<AnthropicProvider>(config, apiKey, nam, parent);
    return std::make_unique<OpenAiCompatibleProvider>(config, apiKey, nam, parent);
}

ProviderRunOptions ChatProvider::defaultOptions() const
{
    ProviderRunOptions options;
    options.stream = m_config.streaming;
    options.firstByteTimeoutMs = std::max(1, m_config.timeoutSeconds) * 1000;
    options.idleTimeoutMs = options.firstByteTimeoutMs;
    return options;
}

QNetworkRequest ChatProvider::baseRequest(const QString &url, bool stream) const
{
    QNetworkRequest request { QUrl(url) };
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setRawHeader("Accept", stream ? "text/event-stream" : "application/json");
    request.setAttribute(QNetworkRequest::CacheLoadControlAttribute, QNetworkRequest::AlwaysNetwork);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::NoLessSafeRedirectPolicy);
    return request;
}

ChatRun *ChatProvider::start(const ReplayRequest &request, const ProviderRunOptions &options, QObject *parent)
{
    ProviderBody b = body(request, options.stream);
    auto *run = new ChatRun(
        parent ? parent : this, assembler(), std::move(b.json), std::move(b.notes), m_config.name, options);
    run->start(m_nam, chatRequest(options.stream));
    return run;
}

void ChatProvider::fetchModels(QObject *context, ModelsCallback done)
{
    const QNetworkRequest request = modelsRequest();
    qCInfo(lcProviders).noquote() << "GET" << redactSecrets(request.url().toString()) << "\n"
                                  << headersForLog(headersOf(request));
    QNetworkReply *reply = m_nam->get(request);
    auto *timer = new QTimer(reply);
    timer->setSingleShot(true);
    connect(timer, &QTimer::timeout, reply, &QNetworkReply::abort);
    timer->start(kModelsTimeoutMs);
    const QString host = hostOf(request);
    connect(reply, &QNetworkReply::finished, reply, &QObject::deleteLater);
    if (context)
        connect(context, &QObject::destroyed, reply, &QNetworkReply::abort);
    connect(reply, &QNetworkReply::finished, context ? context : this, [this, reply, timer, host, done] {
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QByteArray body = reply->readAll();
        QStringList models;
        QString error;
        if (status >= 400)
            error = httpErrorMessage(
                status, body, parseRetryAfter(reply->rawHeader("Retry-After")), m_config.name);
        else if (!timer->isActive() && reply->error() == QNetworkReply::OperationCanceledError)
            error = tr("%1 did not list its models within %n s.", nullptr, kModelsTimeoutMs / 1000).arg(host);
        else if (reply->error() != QNetworkReply::NoError)
            error = networkErrorMessage(reply->error(), host, redactSecrets(reply->errorString()));
        else if (parseModels(body, &models, &error))
            models.sort(Qt::CaseInsensitive);
        done(models, redactSecrets(error));
    });
}

bool ChatProvider::parseModels(const QByteArray &body, QStringList *models, QString *error) const
{
    const QJsonDocument doc = QJsonDocument::fromJson(body);
    const QJsonValue data = doc.object().value(QStringLiteral("data"));
    if (!data.isArray()) {
        *error = tr("The model list is not in the expected format: %1").arg(providerErrorDetail(body));
        return false;
    }
    for (const QJsonValue &m : data.toArray()) {
        const QString id = m.toObject().value(QStringLiteral("id")).toString();
        if (!id.isEmpty())
            *models << id;
    }
    return true;
}

int ChatProvider::parseRetryAfter(const QByteArray &value)
{
    const QByteArray v = value.trimmed();
    if (v.isEmpty())
        return -1;
    bool ok = false;
    const double seconds = v.toDouble(&ok);
    if (ok)
        return seconds < 0 ? -1 : int(std::ceil(seconds));
    const QDateTime at = QDateTime::fromString(QString::fromLatin1(v), Qt::RFC2822Date);
    if (!at.isValid())
        return -1;
    return int(std::max<qint64>(0, QDateTime::currentDateTimeUtc().secsTo(at)));
}

QString ChatProvider::httpErrorMessage(
    int status, const QByteArray &body, int retryAfterSeconds, const QString &provider)
{
    const QString detail = providerErrorDetail(body);
    const QString suffix = detail.isEmpty() ? QString() : QStringLiteral(": ") + detail;
    QString message;
    if (status == 400 || status == 422)
        message = tr("%1 rejected the request (%2)%3").arg(provider).arg(status).arg(suffix);
    else if (status == 401)
        message = tr("%1 refused the API key (401)%2. Check the key under Manage Providers.")
                      .arg(provider, suffix);
    else if (status == 403)
        message = tr("%1 denied access (403)%2").arg(provider, suffix);
    else if (status == 404)
        message = tr("%1 answered 404%2. Check the base URL and the model name.").arg(provider, suffix);
    else if (status == 429)
        message = tr("%1 is rate limiting (429)%2.").arg(provider, suffix);
    else if (status == 529 || status == 503)
        message = tr("%1 is overloaded (%2)%3.").arg(provider).arg(status).arg(suffix);
    else if (status >= 500)
        message = tr("%1 failed (%2)%3").arg(provider).arg(status).arg(suffix);
    else
        message = tr("%1 answered HTTP %2%3").arg(provider).arg(status).arg(suffix);
    if (retryAfterSeconds >= 0)
        message += u' ' + tr("Retry after %n s.", nullptr, retryAfterSeconds);
    return redactSecrets(message);
}

} // namespace tg
