#include "langfusepuller.h"

#include "mapping/langfuseapimapper.h"
#include "redaction.h"
#include "store/tracestore.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QRandomGenerator>
#include <QTimer>

#include <future>

namespace tg {

namespace {

QString iso(const QDateTime &time)
{
    return time.toUTC().toString(Qt::ISODateWithMs);
}

bool retryable(int status)
{
    return status == 0 || status == 429 || status == 502 || status == 503 || status == 504 || status == 524;
}

} // namespace

LangfusePuller::LangfusePuller(
    TraceStore *store, const ForwardTarget &target, const QString &secretKey, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_target(target)
    , m_secret(secretKey)
    , m_network(new QNetworkAccessManager(this))
{
    qRegisterMetaType<tg::PullResult>();
}

QString LangfusePuller::sourceKey(const QString &connectionId, const QString &projectId)
{
    return QStringLiteral("langfuse:") + connectionId + u'/' + projectId;
}

void LangfusePuller::start(const PullOptions &options)
{
    m_options = options;
    if (!m_options.to.isValid())
        m_options.to = QDateTime::currentDateTimeUtc();
    m_result = PullResult();
    m_done = false;
    fetchProject();
}

void LangfusePuller::cancel()
{
    if (QNetworkReply *reply = m_reply.data())
        reply->abort();
    fail(QStringLiteral("cancelled"), 0);
}

void LangfusePuller::get(const QString &path, const QUrlQuery &query,
    std::function<void(int status, const QByteArray &body)> done, int attempt)
{
    if (m_done)
        return;
    QUrl url(m_target.host + path);
    url.setQuery(query);
    QNetworkRequest request(url);
    request.setRawHeader(
        "Authorization", "Basic " + (m_target.publicKey + u':' + m_secret).toUtf8().toBase64());
    request.setRawHeader("Accept", "application/json");
    request.setTransferTimeout(m_options.timeoutMs);
    ++m_result.requests;
    QNetworkReply *reply = m_network->get(request);
    m_reply = reply;
    connect(reply, &QNetworkReply::finished, this, [this, reply, path, query, done, attempt] {
        reply->deleteLater();
        if (m_done)
            return;
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QByteArray body = reply->readAll();
        // A first contact that finds no server at all is a wrong host or a host that is down:
        // say so at once instead of retrying for a minute.
        const bool firstContact = m_result.requests == 1;
        const bool noServer = reply->error() == QNetworkReply::ConnectionRefusedError
            || reply->error() == QNetworkReply::HostNotFoundError;
        if (retryable(status) && attempt < m_options.maxAttempts
            && !(status == 0 && firstContact && noServer)) {
            qint64 delay
                = std::min(m_options.maxBackoffMs, m_options.baseBackoffMs << std::min(attempt - 1, 16));
            delay = delay / 2 + QRandomGenerator::global()->bounded(delay / 2 + 1);
            bool ok = false;
            const qint64 after = reply->rawHeader("Retry-After").trimmed().toLongLong(&ok);
            if (ok && after >= 0)
                delay = std::min<qint64>(after * 1000, 10 * 60 * 1000);
            QTimer::singleShot(int(delay), this,
                [this, path, query, done, attempt] { get(path, query, done, attempt + 1); });
            return;
        }
        if (status == 0) {
            m_result.unreachable = true;
            fail(QStringLiteral("cannot reach %1: %2").arg(m_target.host, reply->errorString()), 0);
            return;
        }
        done(status, body);
    });
}

void LangfusePuller::fetchProject()
{
    get(QStringLiteral("/api/public/projects"), {}, [this](int status, const QByteArray &body) {
        if (status != 200) {
            fail(QStringLiteral("GET /api/public/projects: HTTP %1 %2")
                     .arg(status)
                     .arg(QString::fromUtf8(body.left(200))),
                status);
            return;
        }
        const QJsonArray projects
            = QJsonDocument::fromJson(body).object().value(QStringLiteral("data")).toArray();
        const QJsonObject project = projects.isEmpty() ? QJsonObject() : projects.first().toObject();
        m_result.projectId = project.value(QStringLiteral("id")).toString();
        m_result.projectName = project.value(QStringLiteral("name")).toString();
        if (m_result.projectId.isEmpty()) {
            fail(QStringLiteral("GET /api/public/projects named no project"), status);
            return;
        }
        const QString detail
            = QString::fromUtf8(QJsonDocument(QJsonObject {
                                                  { QStringLiteral("host"), m_target.host },
                                                  { QStringLiteral("connectionId"), m_target.id },
                                                  { QStringLiteral("projectId"), m_result.projectId },
                                              })
                                    .toJson(QJsonDocument::Compact));
        QString error;
        m_result.sourceId
            = m_store->ensureSource(SourceKind::Langfuse, sourceKey(m_target.id, m_result.projectId),
                m_target.name + QStringLiteral(" / ")
                    + (m_result.projectName.isEmpty() ? m_result.projectId : m_result.projectName),
                detail, &error);
        if (m_result.sourceId <= 0) {
            fail(QStringLiteral("cannot add the source: %1").arg(error), 0);
            return;
        }
        QUrlQuery v2;
        v2.addQueryItem(QStringLiteral("fromStartTime"), iso(m_options.from));
        v2.addQueryItem(QStringLiteral("toStartTime"), iso(m_options.to));
        v2.addQueryItem(QStringLiteral("limit"), QStringLiteral("1000"));
        v2.addQueryItem(QStringLiteral("fields"),
            QStringLiteral("core,basic,time,io,metadata,model,usage,prompt,metrics,trace_context"));
        auto scores = [this] {
            if (!m_options.scores) {
                finish();
                return;
            }
            QUrlQuery v3;
            v3.addQueryItem(QStringLiteral("fromTimestamp"), iso(m_options.from));
            v3.addQueryItem(QStringLiteral("toTimestamp"), iso(m_options.to));
            v3.addQueryItem(QStringLiteral("limit"), QStringLiteral("100"));
            v3.addQueryItem(QStringLiteral("fields"), QStringLiteral("details,subject"));
            pageLoop(
                QStringLiteral("/api/public/v3/scores"), v3, true, [this] { finish(); },
                [this] {
                    QUrlQuery v2scores;
                    v2scores.addQueryItem(QStringLiteral("fromTimestamp"), iso(m_options.from));
                    v2scores.addQueryItem(QStringLiteral("toTimestamp"), iso(m_options.to));
                    v2scores.addQueryItem(QStringLiteral("limit"), QStringLiteral("100"));
                    pageLoop(
                        QStringLiteral("/api/public/v2/scores"), v2scores, false, [this] { finish(); },
                        [this] { finish(); });
                });
        };
        pageLoop(QStringLiteral("/api/public/v2/observations"), v2, true, scores, [this, scores] {
            // Self-hosted v3 has no /v2/observations: the v1 lists, traces then observations.
            m_result.legacyApi = true;
            QUrlQuery traces;
            traces.addQueryItem(QStringLiteral("fromTimestamp"), iso(m_options.from));
            traces.addQueryItem(QStringLiteral("toTimestamp"), iso(m_options.to));
            traces.addQueryItem(QStringLiteral("limit"), QStringLiteral("100"));
            traces.addQueryItem(QStringLiteral("fields"), QStringLiteral("core,io"));
            pageLoop(
                QStringLiteral("/api/public/traces"), traces, false,
                [this, scores] {
                    QUrlQuery observations;
                    observations.addQueryItem(QStringLiteral("fromStartTime"), iso(m_options.from));
                    observations.addQueryItem(QStringLiteral("toStartTime"), iso(m_options.to));
                    observations.addQueryItem(QStringLiteral("limit"), QStringLiteral("100"));
                    pageLoop(QStringLiteral("/api/public/observations"), observations, false, scores, [this] {
                        fail(QStringLiteral("the host has neither /v2/observations nor /observations"), 404);
                    });
                },
                [this] { fail(QStringLiteral("the host has neither /v2/observations nor /traces"), 404); });
        });
    });
}

void LangfusePuller::pageLoop(const QString &path, QUrlQuery query, bool cursorPaging,
    std::function<void()> next, std::function<void()> notFound)
{
    if (!cursorPaging && !query.hasQueryItem(QStringLiteral("page")))
        query.addQueryItem(QStringLiteral("page"), QStringLiteral("1"));
    get(path, query, [=, this](int status, const QByteArray &body) {
        if (status == 404) {
            notFound();
            return;
        }
        if (status != 200) {
            fail(QStringLiteral("GET %1: HTTP %2 %3")
                     .arg(path)
                     .arg(status)
                     .arg(QString::fromUtf8(body.left(200))),
                status);
            return;
        }
        LangfuseApiResult result;
        if (path.endsWith(u"/v2/observations"))
            result = LangfuseApiMapper::mapObservationsV2Page(body);
        else if (path.endsWith(u"/traces"))
            result = LangfuseApiMapper::mapTracesPage(body);
        else if (path.endsWith(u"/observations"))
            result = LangfuseApiMapper::mapObservationsPage(body);
        else
            result = LangfuseApiMapper::mapScoresPage(body);
        if (!result.ok) {
            fail(QStringLiteral("GET %1: %2").arg(path, result.error), status);
            return;
        }
        const LangfusePageMeta meta = result.meta;
        const bool empty = result.batch.isEmpty() && result.itemCount == 0;
        if (!store(std::move(result)))
            return;
        QUrlQuery following = query;
        if (cursorPaging) {
            if (meta.cursor.isEmpty() || empty) {
                next();
                return;
            }
            following.removeAllQueryItems(QStringLiteral("cursor"));
            following.addQueryItem(QStringLiteral("cursor"), meta.cursor);
        } else {
            if (!meta.hasNextPage() || empty) {
                next();
                return;
            }
            following.removeAllQueryItems(QStringLiteral("page"));
            following.addQueryItem(QStringLiteral("page"), QString::number(meta.page + 1));
        }
        pageLoop(path, following, cursorPaging, next, notFound);
    });
}

bool LangfusePuller::store(LangfuseApiResult &&result)
{
    WriteBatch batch = std::move(result.batch);
    if (batch.isEmpty())
        return true;
    batch.sourceId = m_result.sourceId;
    m_result.traces += qint64(batch.traces.size());
    m_result.observations += qint64(batch.observations.size());
    m_result.scores += qint64(batch.scores.size());
    // One page at a time: wait for its commit so a long pull never piles up in memory.
    auto promise = std::make_shared<std::promise<CommitResult>>();
    std::future<CommitResult> future = promise->get_future();
    const SubmitStatus status
        = m_store->submit(std::move(batch), [promise](const CommitResult &r) { promise->set_value(r); });
    if (status != SubmitStatus::Queued) {
        fail(QStringLiteral("the store refused the data"), 0);
        return false;
    }
    const CommitResult committed = future.get();
    if (!committed.ok) {
        fail(QStringLiteral("the store could not write: %1").arg(committed.error), 0);
        return false;
    }
    emit progress(m_result.traces, m_result.observations);
    return true;
}

void LangfusePuller::fail(const QString &error, int status)
{
    if (m_done)
        return;
    m_done = true;
    m_result.ok = false;
    m_result.authFailed = status == 401 || status == 403;
    m_result.error = redactSecrets(error);
    emit finished(m_result);
}

void LangfusePuller::finish()
{
    if (m_done)
        return;
    m_done = true;
    m_result.ok = true;
    emit finished(m_result);
}

} // namespace tg
