#pragma once

#include "forwarder/forwardtarget.h"

#include <QDateTime>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QUrlQuery>

#include <functional>

class QNetworkAccessManager;
class QNetworkReply;

namespace tg {

class TraceStore;
struct LangfuseApiResult;

struct PullOptions
{
    QDateTime from; ///< traces and observations that started at or after this
    QDateTime to; ///< ... and before this (default: now)
    bool scores = true;
    int maxAttempts = 5; ///< per request, for 429/502/503/504/524 and transport failures
    qint64 baseBackoffMs = 1'000;
    qint64 maxBackoffMs = 60'000;
    int timeoutMs = 120'000;
};

struct PullResult
{
    bool ok = false;
    bool authFailed = false; ///< 401/403
    bool unreachable = false; ///< no HTTP answer at all
    QString error;
    qint64 sourceId = 0;
    QString projectId;
    QString projectName;
    bool legacyApi = false; ///< the host has no /v2/observations (self-hosted v3): v1 lists used
    qint64 traces = 0;
    qint64 observations = 0;
    qint64 scores = 0;
    int requests = 0;
};

/// Downloads one time window of a Langfuse project into the store (source "langfuse:<connection
/// id>/<project id>", the key the connection registry's sync uses): GET /projects, then
/// /v2/observations pages (traces rebuilt from root observations), falling back to /traces and
/// /observations pages on hosts without v2, then /v3/scores (or /v2/scores). Retries 429/5xx with
/// Retry-After or backoff. This is the small adapter `traceglass pull` needs until LangfuseSync
/// (branch `connections`) is merged; LangfuseSync::backfill does the same job with rate budgets.
class LangfusePuller : public QObject
{
    Q_OBJECT

public:
    LangfusePuller(
        TraceStore *store, const ForwardTarget &target, const QString &secretKey, QObject *parent = nullptr);

    void start(const PullOptions &options);
    void cancel();

    static QString sourceKey(const QString &connectionId, const QString &projectId);

Q_SIGNALS:
    void progress(qint64 traces, qint64 observations);
    void finished(const tg::PullResult &result);

private:
    using PageHandler = std::function<bool(const QByteArray &body, QString *nextCursorOrPage)>;

    void get(const QString &path, const QUrlQuery &query,
        std::function<void(int status, const QByteArray &body)> done, int attempt = 1);
    void fetchProject();
    void pageLoop(const QString &path, QUrlQuery query, bool cursorPaging, std::function<void()> next,
        std::function<void()> notFound);
    bool store(LangfuseApiResult &&result);
    void fail(const QString &error, int status);
    void finish();

    TraceStore *m_store;
    ForwardTarget m_target;
    QString m_secret;
    PullOptions m_options;
    QNetworkAccessManager *m_network;
    QPointer<QNetworkReply> m_reply;
    PullResult m_result;
    bool m_done = false;
};

} // namespace tg

Q_DECLARE_METATYPE(tg::PullResult)
