#include "langfuseclient.h"

#include "itemmodels/backgroundtask.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMetaObject>
#include <QUrl>

#include <algorithm>

namespace tg {

namespace {

/// Runs `fn` from the event loop, on `context`'s thread, unless `context` is gone by then.
template<typename Fn> void postLater(QObject *context, Fn fn)
{
    QMetaObject::invokeMethod(context, std::move(fn), Qt::QueuedConnection);
}

RetryPolicy::Options singleAttempt()
{
    RetryPolicy::Options once;
    once.maxAttempts = 1;
    return once;
}

void addWindow(QueryItems &query, const TimeWindow &window, const char *fromKey, const char *toKey)
{
    query.addQueryItem(QLatin1String(fromKey), TimeWindow::iso(window.from));
    query.addQueryItem(QLatin1String(toKey), TimeWindow::iso(window.to));
}

void addPaging(QueryItems &query, const PageToken &token, bool cursorPaging, int limit, int *page)
{
    query.addQueryItem(QStringLiteral("limit"), QString::number(limit));
    if (cursorPaging) {
        if (!token.cursor.isEmpty() && !token.legacy)
            query.addQueryItem(QStringLiteral("cursor"), token.cursor);
        *page = 1;
    } else {
        *page = token.legacy ? std::max(1, token.page) : 1;
        query.addQueryItem(QStringLiteral("page"), QString::number(*page));
    }
}

constexpr char kTraceFields[] = "core,basic,io,trace_context";

} // namespace

LangfuseClient::LangfuseClient(LangfuseTransport *transport, QObject *parent)
    : QObject(parent)
    , m_transport(transport ? transport : new LangfuseTransport(this))
{
}

void LangfuseClient::setCredentials(const LangfuseCredentials &credentials)
{
    m_credentials = credentials;
    if (m_credentials.scope.isEmpty())
        m_credentials.scope = RateLimiter::scopeKey(credentials.host, QString(), credentials.publicKey);
}

void LangfuseClient::setOrganization(const QString &organizationId)
{
    m_credentials.scope = RateLimiter::scopeKey(m_credentials.host, organizationId, m_credentials.publicKey);
}

void LangfuseClient::setObservationPageSize(int limit)
{
    m_observationLimit = std::clamp(limit, 1, 1000);
}

void LangfuseClient::setTracePageSize(int limit)
{
    m_traceLimit = std::clamp(limit, 1, 100);
}

QString LangfuseClient::observationFieldsAll()
{
    return QStringLiteral("core,basic,time,io,metadata,model,usage,prompt,metrics,trace_context");
}

LangfusePage LangfuseClient::windowError()
{
    LangfusePage page;
    page.error = LangfuseError::make(LangfuseError::Kind::BadRequest,
        tr("A listing needs a time window (from before to); Traceglass never asks Langfuse for "
           "everything at once."));
    return page;
}

template<typename Result>
void LangfuseClient::getParsed(LangfuseEndpoint endpoint, RequestPriority priority, QObject *context,
    std::function<void(Result)> done, Result (*parse)(const QByteArray &))
{
    LangfuseRequest request;
    request.endpoint = endpoint;
    request.priority = priority;
    m_transport->get(m_credentials, request, context, [done, parse](const LangfuseResponse &r) {
        if (!r.ok()) {
            Result failed;
            failed.error = r.error;
            done(failed);
            return;
        }
        done(parse(r.body));
    });
}

void LangfuseClient::health(
    QObject *context, std::function<void(LangfuseHealth)> done, RequestPriority priority)
{
    getParsed(LangfuseEndpoint::Health, priority, context, std::move(done), parseLangfuseHealth);
}

void LangfuseClient::project(
    QObject *context, std::function<void(LangfuseProjectInfo)> done, RequestPriority priority)
{
    getParsed(LangfuseEndpoint::Projects, priority, context, std::move(done), parseLangfuseProjects);
}

void LangfuseClient::testConnection(QObject *context, std::function<void(LangfuseConnectionTest)> done)
{
    LangfuseRequest health;
    health.endpoint = LangfuseEndpoint::Health;
    health.priority = RequestPriority::Interactive;
    health.retry = singleAttempt();
    const LangfuseCredentials credentials = m_credentials;
    QPointer<LangfuseTransport> transport = m_transport;
    QPointer<QObject> ctx = context;
    const bool hasContext = context != nullptr;
    m_transport->get(credentials, health, context, [=](const LangfuseResponse &hr) {
        LangfuseConnectionTest test;
        if (hr.ok())
            test.health = parseLangfuseHealth(hr.body);
        else
            test.health.error = hr.error;
        if (!hr.ok() && hr.httpStatus == 0) {
            // Nothing answered: DNS, refused, TLS, timeout. /projects would fail the same way.
            test.error = hr.error;
            test.summary = hr.error.message;
            done(test);
            return;
        }
        if (!transport || (hasContext && !ctx))
            return;
        LangfuseRequest projects;
        projects.endpoint = LangfuseEndpoint::Projects;
        projects.priority = RequestPriority::Interactive;
        projects.retry = singleAttempt();
        transport->get(
            credentials, projects, ctx, [test, done, credentials](const LangfuseResponse &pr) mutable {
                if (pr.ok())
                    test.project = parseLangfuseProjects(pr.body);
                else
                    test.project.error = pr.error;
                if (!test.project.ok()) {
                    test.error = test.project.error;
                    if (pr.httpStatus == 404 && !test.health.ok())
                        test.error.message
                            = tr("%1 answers, but not like a Langfuse server: neither "
                                 "/api/public/health nor /api/public/projects exist there. Check the "
                                 "address (and any path prefix).")
                                  .arg(credentials.host);
                    test.summary = test.error.message;
                    done(test);
                    return;
                }
                const QString version
                    = test.health.version.isEmpty() ? tr("unknown version") : test.health.version;
                test.summary
                    = tr("Connected to project “%1” in organisation “%2” (Langfuse %3).")
                          .arg(test.project.name.isEmpty() ? test.project.id : test.project.name,
                              test.project.organizationName.isEmpty() ? test.project.organizationId
                                                                      : test.project.organizationName,
                              version);
                done(test);
            });
    });
}

void LangfuseClient::requestPage(LangfuseFeature feature, LangfusePageKind kind, const PageToken &token,
    const RouteFn &route, RequestPriority priority, QObject *context, PageCallback done)
{
    const bool legacy = token.legacy || !m_transport->supports(m_credentials.host, feature);
    sendPage(feature, kind, buildRoute(route, legacy, priority), !legacy, route, context, std::move(done));
}

LangfuseClient::Route LangfuseClient::buildRoute(
    const RouteFn &routeFn, bool legacy, RequestPriority priority)
{
    Route r = routeFn(legacy);
    r.request.endpoint = r.endpoint;
    r.request.priority = priority;
    return r;
}

bool LangfuseClient::refuseWithoutWindow(bool narrowed, QObject *context, const PageCallback &done)
{
    if (narrowed)
        return false;
    postLater(context ? context : this, [done] { done(windowError()); });
    return true;
}

void LangfuseClient::sendPage(LangfuseFeature feature, LangfusePageKind kind, Route route, bool mayFallBack,
    const RouteFn &routeFn, QObject *context, PageCallback done)
{
    const QString host = m_credentials.host;
    const RequestPriority priority = route.request.priority;
    QObject *owner = context ? context : this;
    QPointer<QObject> guard = owner;
    m_transport->get(m_credentials, route.request, context,
        [this, guard, owner, feature, kind, route, mayFallBack, routeFn, context, done, host, priority](
            const LangfuseResponse &response) {
            if (!guard)
                return;
            if (mayFallBack) {
                if (response.httpStatus == 404 && !m_transport->knownSupported(host, feature)) {
                    // A self-hosted v3 server (or a v4 preview) without the endpoint: use v1 from now on.
                    m_transport->setSupported(host, feature, false);
                    sendPage(
                        feature, kind, buildRoute(routeFn, true, priority), false, routeFn, context, done);
                    return;
                }
                if (response.ok())
                    m_transport->setSupported(host, feature, true);
            }
            if (!response.ok()) {
                LangfusePage page;
                page.endpoint = route.endpoint;
                page.legacy = !mayFallBack && route.endpoint != LangfuseEndpoint::ObservationsV2
                    && route.endpoint != LangfuseEndpoint::ScoresV3;
                page.error = response.error;
                page.attempts = response.attempts;
                page.waitedMs = response.waitedMs;
                done(std::move(page));
                return;
            }
            const int attempts = response.attempts;
            const qint64 waited = response.waitedMs;
            runInBackground(
                owner,
                [body = response.body, endpoint = route.endpoint, kind, limit = route.limit,
                    page = route.page] { return parseLangfusePage(endpoint, kind, body, limit, page); },
                [done, attempts, waited](LangfusePage page) {
                    page.attempts = attempts;
                    page.waitedMs = waited;
                    done(std::move(page));
                });
        });
}

void LangfuseClient::listObservations(const TimeWindow &window, const PageToken &token,
    RequestPriority priority, QObject *context, PageCallback done)
{
    if (refuseWithoutWindow(window.isValid(), context, done))
        return;
    const int v2Limit = m_observationLimit;
    const int v1Limit = std::min(m_traceLimit, 100);
    requestPage(
        LangfuseFeature::ObservationsV2, LangfusePageKind::Observations, token,
        [=](bool legacy) {
            Route r;
            QueryItems &q = r.request.query;
            if (!legacy) {
                r.endpoint = LangfuseEndpoint::ObservationsV2;
                q.addQueryItem(QStringLiteral("fields"), observationFieldsAll());
                addPaging(q, token, true, v2Limit, &r.page);
                addWindow(q, window, "fromStartTime", "toStartTime");
                r.limit = v2Limit;
            } else {
                r.endpoint = LangfuseEndpoint::ObservationsV1;
                addPaging(q, token, false, v1Limit, &r.page);
                addWindow(q, window, "fromStartTime", "toStartTime");
                r.limit = v1Limit;
            }
            return r;
        },
        priority, context, std::move(done));
}

void LangfuseClient::listTraces(const TimeWindow &window, const PageToken &token, RequestPriority priority,
    QObject *context, PageCallback done)
{
    if (refuseWithoutWindow(window.isValid(), context, done))
        return;
    const int limit = m_traceLimit;
    requestPage(
        LangfuseFeature::ObservationsV2, LangfusePageKind::TraceList, token,
        [=](bool legacy) {
            Route r;
            QueryItems &q = r.request.query;
            if (!legacy) {
                r.endpoint = LangfuseEndpoint::ObservationsV2;
                q.addQueryItem(QStringLiteral("fields"), QLatin1String(kTraceFields));
                q.addQueryItem(QStringLiteral("isRootObservation"), QStringLiteral("true"));
                addPaging(q, token, true, limit, &r.page);
                addWindow(q, window, "fromStartTime", "toStartTime");
            } else {
                r.endpoint = LangfuseEndpoint::Traces;
                addPaging(q, token, false, limit, &r.page);
                addWindow(q, window, "fromTimestamp", "toTimestamp");
                q.addQueryItem(QStringLiteral("orderBy"), QStringLiteral("timestamp.desc"));
                // Without observation ids, scores and metrics the legacy query stays cheap.
                q.addQueryItem(QStringLiteral("fields"), QStringLiteral("core,io"));
            }
            r.limit = limit;
            return r;
        },
        priority, context, std::move(done));
}

void LangfuseClient::fetchTrace(const QString &traceId, const PageToken &token, RequestPriority priority,
    QObject *context, PageCallback done)
{
    const int limit = m_observationLimit;
    requestPage(
        LangfuseFeature::ObservationsV2, LangfusePageKind::Trace, token,
        [=](bool legacy) {
            Route r;
            QueryItems &q = r.request.query;
            if (!legacy) {
                r.endpoint = LangfuseEndpoint::ObservationsV2;
                q.addQueryItem(QStringLiteral("fields"), observationFieldsAll());
                q.addQueryItem(QStringLiteral("traceId"), traceId);
                addPaging(q, token, true, limit, &r.page);
                r.limit = limit;
            } else {
                r.endpoint = LangfuseEndpoint::Trace;
                r.request.id = traceId;
            }
            return r;
        },
        priority, context, std::move(done));
}

void LangfuseClient::fetchSession(const QString &sessionId, const PageToken &token, RequestPriority priority,
    QObject *context, PageCallback done)
{
    const int limit = m_observationLimit;
    requestPage(
        LangfuseFeature::ObservationsV2, LangfusePageKind::SessionTraces, token,
        [=](bool legacy) {
            Route r;
            QueryItems &q = r.request.query;
            if (!legacy) {
                r.endpoint = LangfuseEndpoint::ObservationsV2;
                q.addQueryItem(QStringLiteral("fields"), QLatin1String(kTraceFields));
                q.addQueryItem(QStringLiteral("sessionId"), sessionId);
                q.addQueryItem(QStringLiteral("isRootObservation"), QStringLiteral("true"));
                addPaging(q, token, true, limit, &r.page);
                r.limit = limit;
            } else {
                r.endpoint = LangfuseEndpoint::Session;
                r.request.id = sessionId;
            }
            return r;
        },
        priority, context, std::move(done));
}

void LangfuseClient::listSessions(const TimeWindow &window, const PageToken &token, RequestPriority priority,
    QObject *context, PageCallback done)
{
    if (refuseWithoutWindow(window.isValid(), context, done))
        return;
    const int v2Limit = m_observationLimit;
    const int v1Limit = m_traceLimit;
    requestPage(
        LangfuseFeature::ObservationsV2, LangfusePageKind::Sessions, token,
        [=](bool legacy) {
            Route r;
            QueryItems &q = r.request.query;
            if (!legacy) {
                r.endpoint = LangfuseEndpoint::ObservationsV2;
                q.addQueryItem(QStringLiteral("fields"), QStringLiteral("core,basic,trace_context"));
                q.addQueryItem(QStringLiteral("isRootObservation"), QStringLiteral("true"));
                addPaging(q, token, true, v2Limit, &r.page);
                addWindow(q, window, "fromStartTime", "toStartTime");
                r.limit = v2Limit;
            } else {
                r.endpoint = LangfuseEndpoint::Sessions;
                addPaging(q, token, false, v1Limit, &r.page);
                addWindow(q, window, "fromTimestamp", "toTimestamp");
                r.limit = v1Limit;
            }
            return r;
        },
        priority, context, std::move(done));
}

void LangfuseClient::listScores(const LangfuseScoreQuery &query, const PageToken &token,
    RequestPriority priority, QObject *context, PageCallback done)
{
    const bool narrowed = !query.traceId.isEmpty() || !query.sessionId.isEmpty() || query.window.isValid();
    if (refuseWithoutWindow(narrowed, context, done))
        return;
    const int limit = std::min(m_traceLimit, 100);
    requestPage(
        LangfuseFeature::ScoresV3, LangfusePageKind::Scores, token,
        [=](bool legacy) {
            Route r;
            QueryItems &q = r.request.query;
            r.endpoint = legacy ? LangfuseEndpoint::ScoresV2 : LangfuseEndpoint::ScoresV3;
            addPaging(q, token, !legacy, limit, &r.page);
            if (!legacy)
                q.addQueryItem(QStringLiteral("fields"), QStringLiteral("details,subject"));
            if (!query.traceId.isEmpty())
                q.addQueryItem(QStringLiteral("traceId"), query.traceId);
            else if (!query.sessionId.isEmpty())
                q.addQueryItem(QStringLiteral("sessionId"), query.sessionId);
            if (query.window.isValid())
                addWindow(q, query.window, "fromTimestamp", "toTimestamp");
            r.limit = limit;
            return r;
        },
        priority, context, std::move(done));
}

void LangfuseClient::dailyMetrics(
    const TimeWindow &window, QObject *context, std::function<void(LangfuseDailyMetrics)> done)
{
    QObject *owner = context ? context : this;
    if (!window.isValid()) {
        postLater(owner, [done] {
            LangfuseDailyMetrics m;
            m.error = windowError().error;
            done(m);
        });
        return;
    }
    if (!m_transport->supports(m_credentials.host, LangfuseFeature::MetricsV2)) {
        dailyMetricsLegacy(window, 1, {}, context, std::move(done));
        return;
    }
    QJsonArray metrics;
    for (const char *measure : { "totalCost", "inputTokens", "outputTokens", "totalTokens" })
        metrics.append(QJsonObject { { QStringLiteral("measure"), QLatin1String(measure) },
            { QStringLiteral("aggregation"), QStringLiteral("sum") } });
    metrics.prepend(QJsonObject { { QStringLiteral("measure"), QStringLiteral("count") },
        { QStringLiteral("aggregation"), QStringLiteral("count") } });
    const QJsonObject queryObject {
        { QStringLiteral("view"), QStringLiteral("observations") },
        { QStringLiteral("dimensions"),
            QJsonArray { QJsonObject { { QStringLiteral("field"), QStringLiteral("providedModelName") } } } },
        { QStringLiteral("metrics"), metrics },
        { QStringLiteral("filters"), QJsonArray() },
        { QStringLiteral("timeDimension"),
            QJsonObject { { QStringLiteral("granularity"), QStringLiteral("day") } } },
        { QStringLiteral("fromTimestamp"), TimeWindow::iso(window.from) },
        { QStringLiteral("toTimestamp"), TimeWindow::iso(window.to) },
        { QStringLiteral("orderBy"), QJsonValue::Null },
    };
    LangfuseRequest request;
    request.endpoint = LangfuseEndpoint::MetricsV2;
    request.priority = RequestPriority::Interactive;
    request.query.addQueryItem(QStringLiteral("query"),
        QString::fromUtf8(QJsonDocument(queryObject).toJson(QJsonDocument::Compact)));
    const QString host = m_credentials.host;
    QPointer<QObject> guard = owner;
    m_transport->get(m_credentials, request, context, [=, this](const LangfuseResponse &r) {
        if (!guard)
            return;
        if (r.httpStatus == 404 && !m_transport->knownSupported(host, LangfuseFeature::MetricsV2)) {
            m_transport->setSupported(host, LangfuseFeature::MetricsV2, false);
            dailyMetricsLegacy(window, 1, {}, context, done);
            return;
        }
        if (!r.ok()) {
            LangfuseDailyMetrics m;
            m.error = r.error;
            done(m);
            return;
        }
        m_transport->setSupported(host, LangfuseFeature::MetricsV2, true);
        done(parseLangfuseMetricsV2(r.body));
    });
}

void LangfuseClient::dailyMetricsLegacy(const TimeWindow &window, int page, LangfuseDailyMetrics soFar,
    QObject *context, std::function<void(LangfuseDailyMetrics)> done)
{
    LangfuseRequest request;
    request.endpoint = LangfuseEndpoint::MetricsDaily;
    request.priority = RequestPriority::Interactive;
    request.query.addQueryItem(QStringLiteral("page"), QString::number(page));
    request.query.addQueryItem(QStringLiteral("limit"), QStringLiteral("100"));
    addWindow(request.query, window, "fromTimestamp", "toTimestamp");
    QPointer<QObject> guard = context ? context : this;
    m_transport->get(m_credentials, request, context, [=, this](const LangfuseResponse &r) mutable {
        if (!guard)
            return;
        if (!r.ok()) {
            soFar.error = r.error;
            soFar.legacy = true;
            done(soFar);
            return;
        }
        bool more = false;
        LangfuseDailyMetrics parsed = parseLangfuseMetricsDaily(r.body, &more);
        soFar.legacy = true;
        if (!parsed.ok()) {
            soFar.error = parsed.error;
            done(soFar);
            return;
        }
        soFar.days += parsed.days;
        if (more && page < 20 && !parsed.days.isEmpty()) {
            dailyMetricsLegacy(window, page + 1, soFar, context, done);
            return;
        }
        std::sort(soFar.days.begin(), soFar.days.end(),
            [](const LangfuseDailyMetric &a, const LangfuseDailyMetric &b) { return a.date < b.date; });
        done(soFar);
    });
}

} // namespace tg
