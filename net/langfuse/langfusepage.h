#pragma once

#include "domain/records.h"
#include "langfuseendpoint.h"
#include "langfuseerror.h"
#include "mapping/langfuseapimapper.h"

#include <QByteArray>
#include <QDate>
#include <QDateTime>
#include <QList>
#include <QString>

#include <vector>

namespace tg {

/// [from, to) in UTC. Every broad listing carries one: Langfuse answers unbounded queries slowly
/// (524) or not at all.
struct TimeWindow
{
    QDateTime from;
    QDateTime to;

    bool isValid() const { return from.isValid() && to.isValid() && from < to; }
    /// "2026-11-24T12:00:00.000Z"
    static QString iso(const QDateTime &time);
};

/// Where the next page of a listing starts: a cursor (v2/v3) or a page number (v1, from 1).
struct PageToken
{
    QString cursor;
    int page = 0; ///< 0 = the first page
    bool legacy = false; ///< continues a v1 listing (the server lacked the newer endpoint)

    bool isFirst() const { return cursor.isEmpty() && page <= 1 && !legacy; }
};

/// What a listing is for; decides which records of an answer are kept.
enum class LangfusePageKind : quint8 {
    Observations, ///< every observation in a window (v2: traces rebuilt from roots; v1 /observations)
    TraceList, ///< traces only (v2 root observations; v1 /traces)
    Trace, ///< one trace with all its observations (v2 by traceId; v1 /traces/{id})
    SessionTraces, ///< the traces of one session (v2 roots by sessionId; v1 /sessions/{id})
    Sessions, ///< sessions in a window (v2: from roots; v1 /sessions)
    Scores, ///< v3 or v2 scores
};

/// One parsed page of a listing.
struct LangfusePage
{
    LangfuseError error;
    WriteBatch batch; ///< sourceId 0; the caller sets it
    std::vector<LangfuseSessionInfo> sessions;
    LangfuseDeprecation deprecation;
    bool hasMore = false;
    PageToken next;
    bool legacy = false; ///< a v1 endpoint answered
    LangfuseEndpoint endpoint = LangfuseEndpoint::ObservationsV2;
    int itemCount = 0;
    int skippedCount = 0;
    qint64 oldestNs = -1; ///< earliest time among the records (progress through a window)
    qint64 newestNs = -1;
    int attempts = 0;
    qint64 waitedMs = 0;

    bool ok() const { return error.ok(); }
};

/// Turns a listing's answer into records: the client's whole path from response bytes to a
/// page, run off the GUI thread. `requestedLimit` lets v1 pages without meta guess a next page.
LangfusePage parseLangfusePage(LangfuseEndpoint endpoint, LangfusePageKind kind, const QByteArray &body,
    int requestedLimit, int page = 1);

/// GET /health
struct LangfuseHealth
{
    LangfuseError error;
    QString status; ///< "OK"
    QString version; ///< server version, e.g. "3.95.0"
    bool ok() const { return error.ok(); }
};

/// GET /projects: the key's project and organisation.
struct LangfuseProjectInfo
{
    LangfuseError error;
    QString id;
    QString name;
    QString organizationId;
    QString organizationName;
    int retentionDays = 0;
    bool ok() const { return error.ok(); }
};

/// What Test Connection found.
struct LangfuseConnectionTest
{
    LangfuseHealth health;
    LangfuseProjectInfo project;
    LangfuseError error; ///< the failure to show; empty on success
    QString summary; ///< one line for the UI, success or failure
    bool ok() const { return error.ok(); }
};

/// Usage of one model on one day.
struct LangfuseModelUsage
{
    QString model;
    qint64 inputTokens = 0;
    qint64 outputTokens = 0;
    qint64 totalTokens = 0;
    qint64 observations = 0;
    double totalCost = 0;
};

struct LangfuseDailyMetric
{
    QDate date;
    qint64 traces = -1; ///< -1: not known (the v2 observations view does not count traces)
    qint64 observations = 0;
    double totalCost = 0;
    QList<LangfuseModelUsage> usage;
};

/// Daily cost and usage in a window (GET /v2/metrics, else /metrics/daily).
struct LangfuseDailyMetrics
{
    LangfuseError error;
    QList<LangfuseDailyMetric> days; ///< ascending by date
    bool legacy = false;
    bool ok() const { return error.ok(); }
};

/// Parsers for the small answers (QJsonDocument: they are a few hundred bytes).
LangfuseHealth parseLangfuseHealth(const QByteArray &body);
LangfuseProjectInfo parseLangfuseProjects(const QByteArray &body);
/// GET /v2/metrics rows of the daily query LangfuseClient sends.
LangfuseDailyMetrics parseLangfuseMetricsV2(const QByteArray &body);
/// One page of GET /metrics/daily; `hasMore` is set when meta says another page follows.
LangfuseDailyMetrics parseLangfuseMetricsDaily(const QByteArray &body, bool *hasMore);

} // namespace tg
