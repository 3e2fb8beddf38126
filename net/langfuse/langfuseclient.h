#pragma once

#include "langfusepage.h"
#include "langfusetransport.h"

#include <QObject>
#include <QPointer>

#include <functional>

namespace tg {

/// Which scores to list: those of one trace, one session, or all in a window.
struct LangfuseScoreQuery
{
    QString traceId;
    QString sessionId;
    TimeWindow window; ///< required when neither id is set
};

/// The Langfuse read API of one connection, on top of the shared LangfuseTransport: v2/v3
/// endpoints first, the v1 ones when a host answers 404 to the newer (remembered per host), and
/// pages parsed into records off the GUI thread. Every callback runs later on this object's
/// thread, once, and not at all when `context` is destroyed first (that cancels the request).
class LangfuseClient : public QObject
{
    Q_OBJECT

public:
    using PageCallback = std::function<void(LangfusePage)>;

    /// `transport` is shared and must outlive the client; nullptr makes a private one.
    explicit LangfuseClient(LangfuseTransport *transport, QObject *parent = nullptr);

    void setCredentials(const LangfuseCredentials &credentials);
    const LangfuseCredentials &credentials() const { return m_credentials; }
    /// Once /projects named the organisation, connections of that organisation share its budget.
    void setOrganization(const QString &organizationId);
    LangfuseTransport *transport() const { return m_transport; }

    /// Page sizes: v2 observations up to 1000, everything else up to 100 (the servers' maximums).
    void setObservationPageSize(int limit);
    void setTracePageSize(int limit);
    int observationPageSize() const { return m_observationLimit; }

    void health(QObject *context, std::function<void(LangfuseHealth)> done,
        RequestPriority priority = RequestPriority::Interactive);
    void project(QObject *context, std::function<void(LangfuseProjectInfo)> done,
        RequestPriority priority = RequestPriority::Interactive);
    /// /health, then /projects, one attempt each: the server version, project and organisation,
    /// or a message naming the failure (401, 403, TLS, DNS, refused, timeout...).
    void testConnection(QObject *context, std::function<void(LangfuseConnectionTest)> done);

    /// Every observation started in `window`, newest first, with the traces rebuilt from root
    /// observations (v1: GET /observations, observations only).
    void listObservations(const TimeWindow &window, const PageToken &token, RequestPriority priority,
        QObject *context, PageCallback done);
    /// Traces started in `window`, newest first (v2: root observations; v1: GET /traces).
    void listTraces(const TimeWindow &window, const PageToken &token, RequestPriority priority,
        QObject *context, PageCallback done);
    /// One trace with all its observations, pages of up to 1000 (v1: GET /traces/{id}, one page
    /// that also holds the scores).
    void fetchTrace(const QString &traceId, const PageToken &token, RequestPriority priority,
        QObject *context, PageCallback done);
    /// The traces of one session (v2: its root observations; v1: GET /sessions/{id}).
    void fetchSession(const QString &sessionId, const PageToken &token, RequestPriority priority,
        QObject *context, PageCallback done);
    /// Sessions with activity in `window` (v2: from root observations; v1: GET /sessions).
    void listSessions(const TimeWindow &window, const PageToken &token, RequestPriority priority,
        QObject *context, PageCallback done);
    /// Scores (v3 with details and subject; v2 when the host lacks v3).
    void listScores(const LangfuseScoreQuery &query, const PageToken &token, RequestPriority priority,
        QObject *context, PageCallback done);
    /// Daily observations, cost and tokens per model (GET /v2/metrics; else /metrics/daily).
    void dailyMetrics(
        const TimeWindow &window, QObject *context, std::function<void(LangfuseDailyMetrics)> done);

    /// The v2/v1 query parameters the client sends (exposed for tests).
    static QString observationFieldsAll();

private:
    struct Route
    {
        LangfuseEndpoint endpoint;
        LangfuseRequest request;
        int limit = 0;
        int page = 1;
    };
    /// Fills a Route's endpoint and query (request.endpoint and priority are set by buildRoute()).
    using RouteFn = std::function<Route(bool legacy)>;

    /// GETs `endpoint` and answers `done` with parse(body), or with a Result that carries the error.
    template<typename Result>
    void getParsed(LangfuseEndpoint endpoint, RequestPriority priority, QObject *context,
        std::function<void(Result)> done, Result (*parse)(const QByteArray &));
    static Route buildRoute(const RouteFn &routeFn, bool legacy, RequestPriority priority);
    /// Answers `done` (later) with windowError() unless the listing is `narrowed` by a time window
    /// or an id; true when it did.
    bool refuseWithoutWindow(bool narrowed, QObject *context, const PageCallback &done);

    void requestPage(LangfuseFeature feature, LangfusePageKind kind, const PageToken &token,
        const RouteFn &route, RequestPriority priority, QObject *context, PageCallback done);
    void sendPage(LangfuseFeature feature, LangfusePageKind kind, Route route, bool mayFallBack,
        const RouteFn &routeFn, QObject *context, PageCallback done);
    void dailyMetricsLegacy(const TimeWindow &window, int page, LangfuseDailyMetrics soFar, QObject *context,
        std::function<void(LangfuseDailyMetrics)> done);
    static LangfusePage windowError();

    QPointer<LangfuseTransport> m_transport;
    LangfuseCredentials m_credentials;
    int m_observationLimit = 1000;
    int m_traceLimit = 100;
};

} // namespace tg
