#include "langfusepage.h"

#include <QCoreApplication>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>

#include <algorithm>

namespace tg {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("tg::LangfusePage", text);
}

void widen(LangfusePage &page, const std::optional<qint64> &ns)
{
    if (!ns)
        return;
    if (page.oldestNs < 0 || *ns < page.oldestNs)
        page.oldestNs = *ns;
    if (*ns > page.newestNs)
        page.newestNs = *ns;
}

void noteTimes(LangfusePage &page)
{
    for (const ObservationRecord &o : page.batch.observations)
        widen(page, o.startNs);
    for (const TraceRecord &t : page.batch.traces)
        widen(page, t.timestampNs);
    for (const ScoreRecord &s : page.batch.scores)
        widen(page, s.timestampNs);
}

/// Sessions of a page of root observations: one per sessionId, first seen = earliest trace.
std::vector<LangfuseSessionInfo> sessionsFromTraces(const std::vector<TraceRecord> &traces)
{
    std::vector<LangfuseSessionInfo> out;
    QHash<QString, size_t> index;
    for (const TraceRecord &t : traces) {
        if (t.sessionId.isEmpty())
            continue;
        auto it = index.constFind(t.sessionId);
        if (it == index.constEnd()) {
            LangfuseSessionInfo info;
            info.id = t.sessionId;
            info.createdAtNs = t.timestampNs;
            info.environment = t.environment;
            index.insert(t.sessionId, out.size());
            out.push_back(std::move(info));
            continue;
        }
        LangfuseSessionInfo &info = out[*it];
        if (t.timestampNs && (!info.createdAtNs || *t.timestampNs < *info.createdAtNs))
            info.createdAtNs = t.timestampNs;
    }
    return out;
}

} // namespace

QString TimeWindow::iso(const QDateTime &time)
{
    return time.toUTC().toString(Qt::ISODateWithMs);
}

LangfusePage parseLangfusePage(
    LangfuseEndpoint endpoint, LangfusePageKind kind, const QByteArray &body, int requestedLimit, int page)
{
    LangfusePage out;
    out.endpoint = endpoint;
    LangfuseApiResult result;
    switch (endpoint) {
    case LangfuseEndpoint::ObservationsV2:
        result = LangfuseApiMapper::mapObservationsV2Page(body);
        break;
    case LangfuseEndpoint::ObservationsV1:
        result = LangfuseApiMapper::mapObservationsPage(body);
        break;
    case LangfuseEndpoint::Traces:
        result = LangfuseApiMapper::mapTracesPage(body);
        break;
    case LangfuseEndpoint::Trace:
        result = LangfuseApiMapper::mapTrace(body);
        break;
    case LangfuseEndpoint::Sessions:
        result = LangfuseApiMapper::mapSessionsPage(body);
        break;
    case LangfuseEndpoint::Session:
        result = LangfuseApiMapper::mapSession(body);
        break;
    case LangfuseEndpoint::ScoresV3:
    case LangfuseEndpoint::ScoresV2:
        result = LangfuseApiMapper::mapScoresPage(body);
        break;
    default:
        out.error = LangfuseError::make(LangfuseError::Kind::InvalidResponse,
            tr("%1 is not a listing.").arg(langfuseEndpointName(endpoint)));
        return out;
    }
    if (!result.ok) {
        out.error = LangfuseError::make(LangfuseError::Kind::InvalidResponse,
            tr("The answer to %1 was not usable; nothing was stored.").arg(langfuseEndpointName(endpoint)),
            result.error);
        return out;
    }
    out.legacy = endpoint != LangfuseEndpoint::ObservationsV2 && endpoint != LangfuseEndpoint::ScoresV3;
    out.itemCount = result.itemCount;
    out.skippedCount = result.skippedCount;
    out.deprecation = std::move(result.deprecation);
    out.batch = std::move(result.batch);
    out.sessions = std::move(result.sessions);

    // Root observations describe their trace, but one root is not the trace's observations: a
    // trace holding only its root would look cached when the user opens it.
    const bool rootsOnly = endpoint == LangfuseEndpoint::ObservationsV2
        && (kind == LangfusePageKind::TraceList || kind == LangfusePageKind::SessionTraces
            || kind == LangfusePageKind::Sessions);
    if (rootsOnly)
        out.batch.observations.clear();
    if (kind == LangfusePageKind::Sessions && endpoint == LangfuseEndpoint::ObservationsV2)
        out.sessions = sessionsFromTraces(out.batch.traces);
    noteTimes(out);

    // Paging.
    const LangfusePageMeta &meta = result.meta;
    if (!meta.cursor.isEmpty()) {
        out.hasMore = true;
        out.next.cursor = meta.cursor;
        out.next.legacy = out.legacy;
    } else if (endpoint == LangfuseEndpoint::Traces || endpoint == LangfuseEndpoint::ObservationsV1
        || endpoint == LangfuseEndpoint::Sessions || endpoint == LangfuseEndpoint::ScoresV2) {
        const int current = meta.page > 0 ? meta.page : std::max(1, page);
        if (meta.totalPages > 0)
            out.hasMore = current < meta.totalPages;
        else
            out.hasMore = requestedLimit > 0 && out.itemCount >= requestedLimit;
        // A server that echoes a page we did not ask for would loop forever otherwise.
        if (meta.page > 0 && meta.page != std::max(1, page))
            out.hasMore = false;
        out.next.page = current + 1;
        out.next.legacy = true;
    }
    return out;
}

LangfuseHealth parseLangfuseHealth(const QByteArray &body)
{
    LangfuseHealth h;
    const QJsonDocument doc = QJsonDocument::fromJson(body);
    if (!doc.isObject()) {
        h.error = LangfuseError::make(LangfuseError::Kind::InvalidResponse,
            tr("The server's /api/public/health answer is not JSON: is this a Langfuse server?"));
        return h;
    }
    const QJsonObject o = doc.object();
    h.status = o.value(QLatin1String("status")).toString();
    h.version = o.value(QLatin1String("version")).toString();
    if (h.status.isEmpty() && h.version.isEmpty())
        h.error = LangfuseError::make(LangfuseError::Kind::InvalidResponse,
            tr("The server's health answer names no status or version: is this a Langfuse server?"));
    return h;
}

LangfuseProjectInfo parseLangfuseProjects(const QByteArray &body)
{
    LangfuseProjectInfo p;
    const QJsonDocument doc = QJsonDocument::fromJson(body);
    const QJsonArray data = doc.object().value(QLatin1String("data")).toArray();
    QJsonObject first;
    for (const QJsonValue &v : data) {
        if (v.isObject() && v.toObject().value(QLatin1String("id")).isString()) {
            first = v.toObject();
            break;
        }
    }
    if (first.isEmpty()) {
        p.error = LangfuseError::make(LangfuseError::Kind::InvalidResponse,
            doc.isObject() ? tr("The server lists no project for this key.")
                           : tr("The server's /api/public/projects answer is not JSON."));
        return p;
    }
    p.id = first.value(QLatin1String("id")).toString();
    p.name = first.value(QLatin1String("name")).toString();
    const QJsonObject org = first.value(QLatin1String("organization")).toObject();
    p.organizationId = org.value(QLatin1String("id")).toString();
    p.organizationName = org.value(QLatin1String("name")).toString();
    p.retentionDays = std::max(0, first.value(QLatin1String("retentionDays")).toInt());
    return p;
}

namespace {

double number(const QJsonValue &v)
{
    if (v.isDouble())
        return v.toDouble();
    if (v.isString()) // ClickHouse sums sometimes arrive as decimal strings
        return v.toString().toDouble();
    return 0;
}

QDate dateOf(const QJsonValue &v)
{
    const QString text = v.toString();
    QDate d = QDate::fromString(text.left(10), Qt::ISODate);
    return d;
}

} // namespace

LangfuseDailyMetrics parseLangfuseMetricsV2(const QByteArray &body)
{
    LangfuseDailyMetrics out;
    const QJsonDocument doc = QJsonDocument::fromJson(body);
    const QJsonValue data = doc.object().value(QLatin1String("data"));
    if (!data.isArray()) {
        out.error = LangfuseError::make(
            LangfuseError::Kind::InvalidResponse, tr("The metrics answer has no \"data\" list."));
        return out;
    }
    QMap<QDate, LangfuseDailyMetric> days;
    for (const QJsonValue &v : data.toArray()) {
        const QJsonObject row = v.toObject();
        const QDate date = dateOf(row.value(QLatin1String("time_dimension")));
        if (!date.isValid())
            continue;
        LangfuseDailyMetric &day = days[date];
        day.date = date;
        LangfuseModelUsage usage;
        usage.model = row.value(QLatin1String("providedModelName")).toString();
        usage.observations = qint64(number(row.value(QLatin1String("count_count"))));
        usage.totalCost = number(row.value(QLatin1String("sum_totalCost")));
        usage.inputTokens = qint64(number(row.value(QLatin1String("sum_inputTokens"))));
        usage.outputTokens = qint64(number(row.value(QLatin1String("sum_outputTokens"))));
        usage.totalTokens = qint64(number(row.value(QLatin1String("sum_totalTokens"))));
        day.observations += usage.observations;
        day.totalCost += usage.totalCost;
        day.usage.append(usage);
    }
    out.days = days.values();
    return out;
}

LangfuseDailyMetrics parseLangfuseMetricsDaily(const QByteArray &body, bool *hasMore)
{
    LangfuseDailyMetrics out;
    out.legacy = true;
    if (hasMore)
        *hasMore = false;
    const QJsonDocument doc = QJsonDocument::fromJson(body);
    const QJsonValue data = doc.object().value(QLatin1String("data"));
    if (!data.isArray()) {
        out.error = LangfuseError::make(
            LangfuseError::Kind::InvalidResponse, tr("The daily metrics answer has no \"data\" list."));
        return out;
    }
    for (const QJsonValue &v : data.toArray()) {
        const QJsonObject row = v.toObject();
        LangfuseDailyMetric day;
        day.date = dateOf(row.value(QLatin1String("date")));
        if (!day.date.isValid())
            continue;
        day.traces = qint64(number(row.value(QLatin1String("countTraces"))));
        day.observations = qint64(number(row.value(QLatin1String("countObservations"))));
        day.totalCost = number(row.value(QLatin1String("totalCost")));
        for (const QJsonValue &u : row.value(QLatin1String("usage")).toArray()) {
            const QJsonObject o = u.toObject();
            LangfuseModelUsage usage;
            usage.model = o.value(QLatin1String("model")).toString();
            usage.inputTokens = qint64(number(o.value(QLatin1String("inputUsage"))));
            usage.outputTokens = qint64(number(o.value(QLatin1String("outputUsage"))));
            usage.totalTokens = qint64(number(o.value(QLatin1String("totalUsage"))));
            usage.observations = qint64(number(o.value(QLatin1String("countObservations"))));
            usage.totalCost = number(o.value(QLatin1String("totalCost")));
            day.usage.append(usage);
        }
        out.days.append(day);
    }
    std::sort(out.days.begin(), out.days.end(),
        [](const LangfuseDailyMetric &a, const LangfuseDailyMetric &b) { return a.date < b.date; });
    const QJsonObject meta = doc.object().value(QLatin1String("meta")).toObject();
    if (hasMore)
        *hasMore
            = meta.value(QLatin1String("page")).toInt() < meta.value(QLatin1String("totalPages")).toInt();
    return out;
}

} // namespace tg
