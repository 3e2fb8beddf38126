#pragma once
// A fake Langfuse project behind FakeLangfuseServer: generated traces with observations and
// scores, served through the endpoints the client uses, with their paging, filters and auth:
// v2 observations (cursor, fields, traceId/sessionId/isRootObservation, time window), v3 scores,
// v2 metrics, and the v1 endpoints (/traces, /traces/{id}, /observations, /sessions/{id},
// /v2/scores, /metrics/daily). `legacyOnly` makes the v2/v3 ones answer 404 like a self-hosted
// v3 server. Cursors contain '+' and '/', so a client that does not encode them is caught.

#include "fakelangfuseserver.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QStringList>

#include <algorithm>
#include <limits>
#include <vector>

namespace tg {
namespace test {

struct FakeObservation
{
    QString id;
    QString traceId;
    QString parentId;
    QString type = QStringLiteral("SPAN");
    QString name;
    qint64 startMs = 0;
    qint64 endMs = 0;
    QByteArray input; ///< JSON text
    QByteArray output;
    QString model;
    int inputTokens = 0;
    int outputTokens = 0;
    double cost = 0;
    QString level = QStringLiteral("DEFAULT");
    QJsonObject metadata;
};

struct FakeScore
{
    QString id;
    QString traceId;
    QString name;
    double value = 0;
    qint64 timestampMs = 0;
};

struct FakeTrace
{
    QString id;
    QString name;
    QString userId;
    QString sessionId;
    QStringList tags;
    qint64 startMs = 0;
    std::vector<FakeObservation> observations; ///< the first is the root
    std::vector<FakeScore> scores;
};

inline QString isoMs(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs);
}

class FakeLangfuseProject
{
public:
    QString projectId = QStringLiteral("proj-1");
    QString projectName = QStringLiteral("Demo project");
    QString organizationId = QStringLiteral("org-1");
    QString organizationName = QStringLiteral("Acme");
    QString version = QStringLiteral("3.95.0");
    QString publicKey = QStringLiteral("pk-lf-test");
    QString secretKey = QStringLiteral("sk-lf-test");
    bool legacyOnly = false; ///< v2 observations, v3 scores and v2 metrics answer 404
    bool v4Only = false; ///< the v1 read endpoints answer 404 (Cloud after 2026-11-16)
    int maxV2Limit = 1000;
    std::vector<FakeTrace> traces; ///< newest first

    /// `count` traces, `newestMs` down in steps of `spacingMs`; each with `observationsPerTrace`
    /// observations (a root span, generations under it) of about `payloadBytes` input+output.
    static FakeLangfuseProject generate(int count, int observationsPerTrace, qint64 newestMs,
        qint64 spacingMs, int payloadBytes, quint32 seed = 7)
    {
        FakeLangfuseProject p;
        QRandomGenerator rng(seed);
        static const char *words[] = { "agent", "tool", "weather", "search", "refund", "invoice", "latency",
            "token", "prompt", "summary", "answer", "question", "context", "memory", "planner" };
        auto text = [&](int bytes) {
            QByteArray out;
            while (out.size() < bytes) {
                out += words[rng.bounded(int(std::size(words)))];
                out += ' ';
            }
            return out;
        };
        p.traces.reserve(size_t(count));
        for (int t = 0; t < count; ++t) {
            FakeTrace trace;
            trace.id = QStringLiteral("trace-%1").arg(t, 6, 10, QLatin1Char('0'));
            trace.name = QStringLiteral("agent-run-%1").arg(t % 7);
            trace.userId = QStringLiteral("user-%1").arg(t % 13);
            trace.sessionId = QStringLiteral("session-%1").arg(t / 3);
            trace.tags = { QStringLiteral("fake"), QStringLiteral("batch-%1").arg(t % 3) };
            trace.startMs = newestMs - qint64(t) * spacingMs;
            for (int o = 0; o < observationsPerTrace; ++o) {
                FakeObservation obs;
                obs.id = QStringLiteral("%1-obs-%2").arg(trace.id).arg(o);
                obs.traceId = trace.id;
                obs.parentId = o == 0 ? QString() : QStringLiteral("%1-obs-0").arg(trace.id);
                obs.type = o == 0 ? QStringLiteral("AGENT") : QStringLiteral("GENERATION");
                obs.name = o == 0 ? trace.name : QStringLiteral("llm-call-%1").arg(o);
                obs.startMs = trace.startMs + o;
                obs.endMs = obs.startMs + 200 + o;
                obs.metadata = QJsonObject { { QStringLiteral("step"), o } };
                const int half = std::max(8, payloadBytes / 2 - 40);
                obs.input = QByteArray("[{\"role\":\"user\",\"content\":\"") + text(half) + "\"}]";
                obs.output = QByteArray("{\"role\":\"assistant\",\"content\":\"") + text(half) + "\"}";
                if (o > 0) {
                    obs.model = QStringLiteral("gpt-4o-mini");
                    obs.inputTokens = 100 + o;
                    obs.outputTokens = 20 + o;
                    obs.cost = 0.0001 * o;
                }
                trace.observations.push_back(std::move(obs));
            }
            FakeScore score;
            score.id = trace.id + QStringLiteral("-score");
            score.traceId = trace.id;
            score.name = QStringLiteral("quality");
            score.value = double(t % 5) / 4.0;
            score.timestampMs = trace.startMs + 500;
            trace.scores.push_back(score);
            p.traces.push_back(std::move(trace));
        }
        p.reindex();
        return p;
    }

    /// Call after editing `traces`.
    void reindex()
    {
        std::sort(traces.begin(), traces.end(),
            [](const FakeTrace &a, const FakeTrace &b) { return a.startMs > b.startMs; });
        m_byId.clear();
        m_all.clear();
        m_rendered.clear();
        for (size_t t = 0; t < traces.size(); ++t) {
            m_byId.insert(traces[t].id, t);
            for (size_t o = 0; o < traces[t].observations.size(); ++o)
                m_all.push_back({ t, o });
        }
        std::stable_sort(m_all.begin(), m_all.end(),
            [this](const Ref &a, const Ref &b) { return obs(a).startMs > obs(b).startMs; });
    }

    FakeLangfuseServer::Handler handler()
    {
        return [this](const FakeRequest &r) { return handle(r); };
    }

    FakeResponse handle(const FakeRequest &r)
    {
        const QString p = r.path;
        if (p == QLatin1String("/api/public/health"))
            return ok(QJsonObject {
                { QStringLiteral("status"), QStringLiteral("OK") }, { QStringLiteral("version"), version } });
        const QByteArray expected = "Basic " + (publicKey + u':' + secretKey).toUtf8().toBase64();
        if (r.headers.value("authorization") != expected)
            return FakeResponse::json(401,
                "{\"message\":\"Invalid credentials. Confirm that you've configured the correct host.\"}");
        if (p == QLatin1String("/api/public/projects"))
            return ok(QJsonObject { { QStringLiteral("data"),
                QJsonArray { QJsonObject { { QStringLiteral("id"), projectId },
                    { QStringLiteral("name"), projectName },
                    { QStringLiteral("organization"),
                        QJsonObject { { QStringLiteral("id"), organizationId },
                            { QStringLiteral("name"), organizationName } } },
                    { QStringLiteral("metadata"), QJsonObject() } } } } });
        const bool v2 = p == QLatin1String("/api/public/v2/observations")
            || p == QLatin1String("/api/public/v3/scores") || p == QLatin1String("/api/public/v2/metrics");
        if (v2 && legacyOnly)
            return FakeResponse::json(
                404, "{\"message\":\"This endpoint is only available in a Langfuse v4 write mode\"}");
        if (!v2 && v4Only && p != QLatin1String("/api/public/v2/scores"))
            return FakeResponse::json(404,
                "{\"message\":\"This endpoint is not available on deployments running in Langfuse v4 "
                "events_only mode.\"}");
        if (p == QLatin1String("/api/public/v2/observations"))
            return observationsV2(r);
        if (p == QLatin1String("/api/public/v3/scores") || p == QLatin1String("/api/public/v2/scores"))
            return scores(r, p.contains(QLatin1String("/v3/")));
        if (p == QLatin1String("/api/public/traces"))
            return tracesV1(r);
        if (p.startsWith(QLatin1String("/api/public/traces/")))
            return traceV1(p.mid(19));
        if (p == QLatin1String("/api/public/observations"))
            return observationsV1(r);
        if (p.startsWith(QLatin1String("/api/public/sessions/")))
            return sessionV1(p.mid(21));
        if (p == QLatin1String("/api/public/v2/metrics"))
            return ok(QJsonObject { { QStringLiteral("data"),
                QJsonArray { QJsonObject {
                    { QStringLiteral("providedModelName"), QStringLiteral("gpt-4o-mini") },
                    { QStringLiteral("time_dimension"), QStringLiteral("2026-11-20T00:00:00.000Z") },
                    { QStringLiteral("count_count"), 12 }, { QStringLiteral("sum_totalCost"), 0.5 },
                    { QStringLiteral("sum_inputTokens"), 1000 }, { QStringLiteral("sum_outputTokens"), 200 },
                    { QStringLiteral("sum_totalTokens"), 1200 } } } } });
        if (p == QLatin1String("/api/public/metrics/daily"))
            return ok(QJsonObject {
                { QStringLiteral("data"),
                    QJsonArray { QJsonObject { { QStringLiteral("date"), QStringLiteral("2026-11-20") },
                        { QStringLiteral("countTraces"), 4 }, { QStringLiteral("countObservations"), 12 },
                        { QStringLiteral("totalCost"), 0.5 },
                        { QStringLiteral("usage"),
                            QJsonArray {
                                QJsonObject { { QStringLiteral("model"), QStringLiteral("gpt-4o-mini") },
                                    { QStringLiteral("inputUsage"), 1000 },
                                    { QStringLiteral("outputUsage"), 200 },
                                    { QStringLiteral("totalUsage"), 1200 },
                                    { QStringLiteral("countObservations"), 12 },
                                    { QStringLiteral("countTraces"), 4 },
                                    { QStringLiteral("totalCost"), 0.5 } } } } } } },
                { QStringLiteral("meta"),
                    QJsonObject { { QStringLiteral("page"), 1 }, { QStringLiteral("limit"), 100 },
                        { QStringLiteral("totalItems"), 1 }, { QStringLiteral("totalPages"), 1 } } } });
        return FakeResponse::json(404, "{\"message\":\"not found\"}");
    }

    static QString encodeCursor(qint64 offset)
    {
        // "~~>?" makes the base64 text start with "fn4+Pz": a '+' that must survive the query.
        const QByteArray raw = QByteArray("~~>?") + QByteArray::number(offset);
        return QString::fromLatin1(raw.toBase64());
    }
    static qint64 decodeCursor(const QString &cursor, bool *valid)
    {
        const QByteArray raw
            = QByteArray::fromBase64(cursor.toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
        *valid = raw.startsWith("~~>?");
        return *valid ? raw.mid(4).toLongLong(valid) : 0;
    }

private:
    struct Ref
    {
        size_t trace;
        size_t observation;
    };
    const FakeObservation &obs(const Ref &r) const { return traces[r.trace].observations[r.observation]; }

    static FakeResponse ok(const QJsonObject &o)
    {
        return FakeResponse::json(200, QJsonDocument(o).toJson(QJsonDocument::Compact));
    }
    static FakeResponse badRequest(const QString &message)
    {
        return FakeResponse::json(400,
            QJsonDocument(QJsonObject { { QStringLiteral("message"), message } })
                .toJson(QJsonDocument::Compact));
    }

    static bool window(const FakeRequest &r, const char *fromKey, const char *toKey, qint64 *from, qint64 *to)
    {
        const QString f = r.param(QLatin1String(fromKey));
        const QString t = r.param(QLatin1String(toKey));
        *from = std::numeric_limits<qint64>::min();
        *to = std::numeric_limits<qint64>::max();
        if (!f.isEmpty()) {
            const QDateTime d = QDateTime::fromString(f, Qt::ISODateWithMs);
            if (!d.isValid())
                return false;
            *from = d.toMSecsSinceEpoch();
        }
        if (!t.isEmpty()) {
            const QDateTime d = QDateTime::fromString(t, Qt::ISODateWithMs);
            if (!d.isValid())
                return false;
            *to = d.toMSecsSinceEpoch();
        }
        return true;
    }

    /// Rendering costs more than the client's parsing: keep each observation's text once made.
    QByteArray renderedV2(const Ref &ref, bool io, bool full) const
    {
        const int variant = (io ? 1 : 0) | (full ? 2 : 0);
        const quint64 key = (quint64(ref.trace) << 24 | quint64(ref.observation)) << 2 | quint64(variant);
        auto it = m_rendered.constFind(key);
        if (it == m_rendered.constEnd())
            it = m_rendered.insert(key, observationV2Json(traces[ref.trace], obs(ref), io, full));
        return *it;
    }

    QByteArray observationV2Json(const FakeTrace &t, const FakeObservation &o, bool io, bool full) const
    {
        QJsonObject j {
            { QStringLiteral("id"), o.id },
            { QStringLiteral("traceId"), o.traceId },
            { QStringLiteral("startTime"), isoMs(o.startMs) },
            { QStringLiteral("endTime"), isoMs(o.endMs) },
            { QStringLiteral("projectId"), projectId },
            { QStringLiteral("parentObservationId"),
                o.parentId.isEmpty() ? QJsonValue() : QJsonValue(o.parentId) },
            { QStringLiteral("type"), o.type },
            { QStringLiteral("name"), o.name },
            { QStringLiteral("level"), o.level },
            { QStringLiteral("environment"), QStringLiteral("default") },
            { QStringLiteral("userId"), t.userId },
            { QStringLiteral("sessionId"), t.sessionId },
            { QStringLiteral("isRootObservation"), o.parentId.isEmpty() },
            { QStringLiteral("traceName"), t.name },
            { QStringLiteral("tags"), QJsonArray::fromStringList(t.tags) },
            { QStringLiteral("modelId"), QJsonValue() },
            { QStringLiteral("totalPrice"), QJsonValue() },
        };
        if (io) {
            j.insert(QStringLiteral("input"), QString::fromUtf8(o.input));
            j.insert(QStringLiteral("output"), QString::fromUtf8(o.output));
        }
        if (full) {
            j.insert(QStringLiteral("metadata"), o.metadata);
            if (!o.model.isEmpty()) {
                j.insert(QStringLiteral("providedModelName"), o.model);
                j.insert(QStringLiteral("usageDetails"),
                    QJsonObject { { QStringLiteral("input"), o.inputTokens },
                        { QStringLiteral("output"), o.outputTokens },
                        { QStringLiteral("total"), o.inputTokens + o.outputTokens } });
                j.insert(QStringLiteral("costDetails"), QJsonObject { { QStringLiteral("total"), o.cost } });
            }
        }
        return QJsonDocument(j).toJson(QJsonDocument::Compact);
    }

    static QJsonValue jsonValue(const QByteArray &text)
    {
        const QJsonDocument doc = QJsonDocument::fromJson(text);
        if (doc.isArray())
            return doc.array();
        if (doc.isObject())
            return doc.object();
        return QString::fromUtf8(text);
    }

    QJsonObject observationV1(const FakeObservation &o) const
    {
        QJsonObject j {
            { QStringLiteral("id"), o.id },
            { QStringLiteral("traceId"), o.traceId },
            { QStringLiteral("type"), o.type },
            { QStringLiteral("name"), o.name },
            { QStringLiteral("startTime"), isoMs(o.startMs) },
            { QStringLiteral("endTime"), isoMs(o.endMs) },
            { QStringLiteral("parentObservationId"),
                o.parentId.isEmpty() ? QJsonValue() : QJsonValue(o.parentId) },
            { QStringLiteral("level"), o.level },
            { QStringLiteral("input"), jsonValue(o.input) },
            { QStringLiteral("output"), jsonValue(o.output) },
            { QStringLiteral("metadata"), o.metadata },
            { QStringLiteral("environment"), QStringLiteral("default") },
        };
        if (!o.model.isEmpty()) {
            j.insert(QStringLiteral("model"), o.model);
            j.insert(QStringLiteral("usageDetails"),
                QJsonObject { { QStringLiteral("input"), o.inputTokens },
                    { QStringLiteral("output"), o.outputTokens } });
            j.insert(QStringLiteral("costDetails"), QJsonObject { { QStringLiteral("total"), o.cost } });
        }
        return j;
    }

    QJsonObject traceV1Json(const FakeTrace &t) const
    {
        return QJsonObject {
            { QStringLiteral("id"), t.id },
            { QStringLiteral("timestamp"), isoMs(t.startMs) },
            { QStringLiteral("name"), t.name },
            { QStringLiteral("userId"), t.userId },
            { QStringLiteral("sessionId"), t.sessionId },
            { QStringLiteral("tags"), QJsonArray::fromStringList(t.tags) },
            { QStringLiteral("public"), false },
            { QStringLiteral("environment"), QStringLiteral("default") },
            { QStringLiteral("htmlPath"), QStringLiteral("/project/%1/traces/%2").arg(projectId, t.id) },
        };
    }

    static QJsonObject scoreJson(const FakeScore &s, bool v3)
    {
        QJsonObject j {
            { QStringLiteral("id"), s.id },
            { QStringLiteral("name"), s.name },
            { QStringLiteral("value"), s.value },
            { QStringLiteral("dataType"), QStringLiteral("NUMERIC") },
            { QStringLiteral("source"), QStringLiteral("API") },
            { QStringLiteral("timestamp"), isoMs(s.timestampMs) },
            { QStringLiteral("environment"), QStringLiteral("default") },
        };
        if (v3)
            j.insert(QStringLiteral("subject"),
                QJsonObject { { QStringLiteral("kind"), QStringLiteral("trace") },
                    { QStringLiteral("id"), s.traceId }, { QStringLiteral("traceId"), s.traceId } });
        else
            j.insert(QStringLiteral("traceId"), s.traceId);
        return j;
    }

    FakeResponse observationsV2(const FakeRequest &r) const
    {
        bool valid = true;
        const int limit = r.param(QStringLiteral("limit")).isEmpty()
            ? 50
            : r.param(QStringLiteral("limit")).toInt(&valid);
        if (!valid || limit < 0 || limit > maxV2Limit)
            return badRequest(QStringLiteral("Invalid request data: limit"));
        qint64 offset = 0;
        if (!r.param(QStringLiteral("cursor")).isEmpty()) {
            offset = decodeCursor(r.param(QStringLiteral("cursor")), &valid);
            if (!valid)
                return badRequest(QStringLiteral("Invalid cursor"));
        }
        qint64 from = 0;
        qint64 to = 0;
        if (!window(r, "fromStartTime", "toStartTime", &from, &to))
            return badRequest(QStringLiteral("Invalid date"));
        const QStringList fields = r.param(QStringLiteral("fields")).split(u',');
        const bool io = fields.contains(QLatin1String("io"));
        const bool full = fields.contains(QLatin1String("usage"));
        const QString traceId = r.param(QStringLiteral("traceId"));
        const QString sessionId = r.param(QStringLiteral("sessionId"));
        const bool rootsOnly = r.param(QStringLiteral("isRootObservation")) == QLatin1String("true");
        std::vector<Ref> matches;
        auto consider = [&](const Ref &ref) {
            const FakeObservation &o = obs(ref);
            if (o.startMs < from || o.startMs >= to)
                return;
            if (rootsOnly && !o.parentId.isEmpty())
                return;
            if (!sessionId.isEmpty() && traces[ref.trace].sessionId != sessionId)
                return;
            matches.push_back(ref);
        };
        if (!traceId.isEmpty()) {
            const auto it = m_byId.constFind(traceId);
            if (it != m_byId.constEnd()) {
                for (size_t o = traces[*it].observations.size(); o-- > 0;)
                    consider({ *it, o });
            }
        } else {
            for (const Ref &ref : m_all)
                consider(ref);
        }
        QByteArray body = "{\"data\":[";
        const qint64 end = std::min<qint64>(qint64(matches.size()), offset + limit);
        for (qint64 i = offset; i < end; ++i) {
            if (i > offset)
                body += ',';
            body += renderedV2(matches[size_t(i)], io, full);
        }
        body += "],\"meta\":{";
        if (end < qint64(matches.size()))
            body += "\"cursor\":\"" + encodeCursor(end).toLatin1() + '"';
        body += "}}";
        return FakeResponse::json(200, body);
    }

    FakeResponse scores(const FakeRequest &r, bool v3) const
    {
        bool valid = true;
        const int limit = r.param(QStringLiteral("limit")).isEmpty()
            ? 50
            : r.param(QStringLiteral("limit")).toInt(&valid);
        if (!valid || limit > 100)
            return badRequest(QStringLiteral("limit must be <= 100"));
        qint64 from = 0;
        qint64 to = 0;
        if (!window(r, "fromTimestamp", "toTimestamp", &from, &to))
            return badRequest(QStringLiteral("Invalid date"));
        const QString traceId = r.param(QStringLiteral("traceId"));
        std::vector<const FakeScore *> matches;
        for (const FakeTrace &t : traces) {
            if (!traceId.isEmpty() && t.id != traceId)
                continue;
            for (const FakeScore &s : t.scores) {
                if (s.timestampMs >= from && s.timestampMs < to)
                    matches.push_back(&s);
            }
        }
        qint64 offset = 0;
        if (v3 && !r.param(QStringLiteral("cursor")).isEmpty())
            offset = decodeCursor(r.param(QStringLiteral("cursor")), &valid);
        if (!v3)
            offset = qint64(std::max(1, r.param(QStringLiteral("page")).toInt()) - 1) * limit;
        if (!valid)
            return badRequest(QStringLiteral("Invalid cursor"));
        QJsonArray data;
        const qint64 end = std::min<qint64>(qint64(matches.size()), offset + limit);
        for (qint64 i = offset; i < end; ++i)
            data.append(scoreJson(*matches[size_t(i)], v3));
        QJsonObject meta;
        if (v3) {
            meta.insert(QStringLiteral("limit"), limit);
            if (end < qint64(matches.size()))
                meta.insert(QStringLiteral("cursor"), encodeCursor(end));
        } else {
            meta = pageMeta(r, limit, qint64(matches.size()));
        }
        return ok(QJsonObject { { QStringLiteral("data"), data }, { QStringLiteral("meta"), meta } });
    }

    static QJsonObject pageMeta(const FakeRequest &r, int limit, qint64 total)
    {
        const int page = std::max(1, r.param(QStringLiteral("page")).toInt());
        return QJsonObject { { QStringLiteral("page"), page }, { QStringLiteral("limit"), limit },
            { QStringLiteral("totalItems"), total },
            { QStringLiteral("totalPages"), int((total + limit - 1) / std::max(1, limit)) } };
    }

    FakeResponse tracesV1(const FakeRequest &r) const
    {
        const int limit
            = r.param(QStringLiteral("limit")).isEmpty() ? 50 : r.param(QStringLiteral("limit")).toInt();
        if (limit > 100)
            return badRequest(QStringLiteral("limit must be <= 100"));
        qint64 from = 0;
        qint64 to = 0;
        if (!window(r, "fromTimestamp", "toTimestamp", &from, &to))
            return badRequest(QStringLiteral("Invalid date"));
        std::vector<const FakeTrace *> matches;
        for (const FakeTrace &t : traces) {
            if (t.startMs >= from && t.startMs < to)
                matches.push_back(&t);
        }
        const int page = std::max(1, r.param(QStringLiteral("page")).toInt());
        QJsonArray data;
        for (qint64 i = qint64(page - 1) * limit;
             i < std::min<qint64>(qint64(matches.size()), qint64(page) * limit); ++i)
            data.append(traceV1Json(*matches[size_t(i)]));
        return ok(QJsonObject { { QStringLiteral("data"), data },
            { QStringLiteral("meta"), pageMeta(r, limit, qint64(matches.size())) } });
    }

    FakeResponse traceV1(const QString &encodedId) const
    {
        const QString id = QUrl::fromPercentEncoding(encodedId.toUtf8());
        const auto it = m_byId.constFind(id);
        if (it == m_byId.constEnd())
            return FakeResponse::json(404,
                QJsonDocument(
                    QJsonObject {
                        { QStringLiteral("message"),
                            QStringLiteral("Trace %1 not found within authorized project").arg(id) },
                        { QStringLiteral("error"), QStringLiteral("LangfuseNotFoundError") } })
                    .toJson(QJsonDocument::Compact));
        const FakeTrace &t = traces[*it];
        QJsonObject j = traceV1Json(t);
        QJsonArray observations;
        for (const FakeObservation &o : t.observations)
            observations.append(observationV1(o));
        QJsonArray scoreList;
        for (const FakeScore &s : t.scores) {
            QJsonObject sj = scoreJson(s, false);
            scoreList.append(sj);
        }
        j.insert(QStringLiteral("observations"), observations);
        j.insert(QStringLiteral("scores"), scoreList);
        return ok(j);
    }

    FakeResponse observationsV1(const FakeRequest &r) const
    {
        const int limit
            = r.param(QStringLiteral("limit")).isEmpty() ? 50 : r.param(QStringLiteral("limit")).toInt();
        if (limit > 100)
            return badRequest(QStringLiteral("limit must be <= 100"));
        qint64 from = 0;
        qint64 to = 0;
        if (!window(r, "fromStartTime", "toStartTime", &from, &to))
            return badRequest(QStringLiteral("Invalid date"));
        std::vector<Ref> matches;
        for (const Ref &ref : m_all) {
            if (obs(ref).startMs >= from && obs(ref).startMs < to)
                matches.push_back(ref);
        }
        const int page = std::max(1, r.param(QStringLiteral("page")).toInt());
        QJsonArray data;
        for (qint64 i = qint64(page - 1) * limit;
             i < std::min<qint64>(qint64(matches.size()), qint64(page) * limit); ++i)
            data.append(observationV1(obs(matches[size_t(i)])));
        return ok(QJsonObject { { QStringLiteral("data"), data },
            { QStringLiteral("meta"), pageMeta(r, limit, qint64(matches.size())) } });
    }

    FakeResponse sessionV1(const QString &encodedId) const
    {
        const QString id = QUrl::fromPercentEncoding(encodedId.toUtf8());
        QJsonArray list;
        for (const FakeTrace &t : traces) {
            if (t.sessionId == id)
                list.append(traceV1Json(t));
        }
        if (list.isEmpty())
            return FakeResponse::json(404, "{\"message\":\"Session not found\"}");
        return ok(QJsonObject { { QStringLiteral("id"), id },
            { QStringLiteral("createdAt"), isoMs(traces.back().startMs) },
            { QStringLiteral("projectId"), projectId },
            { QStringLiteral("environment"), QStringLiteral("default") },
            { QStringLiteral("traces"), list } });
    }

    QHash<QString, size_t> m_byId;
    mutable QHash<quint64, QByteArray> m_rendered; ///< used from the server's thread only
    std::vector<Ref> m_all; ///< every observation, newest start first
};

} // namespace test
} // namespace tg
