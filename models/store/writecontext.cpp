#include "writecontext.h"

#include "store/writecontextutil.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <sqlite3.h>

namespace tg {

using namespace writecontext;

namespace {

void mergeObjects(QJsonObject &base, const QJsonObject &update, int depth)
{
    for (auto it = update.constBegin(); it != update.constEnd(); ++it) {
        const auto existing = base.constFind(it.key());
        if (depth < 32 && existing != base.constEnd() && existing->isObject() && it->isObject()) {
            QJsonObject nested = existing->toObject();
            mergeObjects(nested, it->toObject(), depth + 1);
            base.insert(it.key(), nested);
        } else {
            base.insert(it.key(), *it);
        }
    }
}

} // namespace

QByteArray mergeJsonObjects(const QByteArray &base, const QByteArray &update)
{
    if (update.isEmpty())
        return base;
    if (base.isEmpty())
        return update;
    const QJsonDocument baseDoc = QJsonDocument::fromJson(base);
    const QJsonDocument updateDoc = QJsonDocument::fromJson(update);
    if (!baseDoc.isObject() || !updateDoc.isObject())
        return update;
    QJsonObject merged = baseDoc.object();
    mergeObjects(merged, updateDoc.object(), 0);
    return QJsonDocument(merged).toJson(QJsonDocument::Compact);
}

QString agentNameFrom(const QStringList &tags, const QByteArray &metadata)
{
    for (const QString &tag : tags) {
        if (tag.startsWith(QLatin1String("agent:"), Qt::CaseInsensitive) && tag.size() > 6)
            return tag.mid(6).trimmed();
    }
    // Parsing is for metadata that names one of the keys (written plainly, as every writer does).
    if (metadata.contains("\"agent_name\"") || metadata.contains("\"agentName\"")) {
        const QJsonObject object = QJsonDocument::fromJson(metadata).object();
        for (const char *key : { "agent_name", "agentName" }) {
            const QJsonValue value = object.value(QLatin1String(key));
            if (value.isString() && !value.toString().isEmpty())
                return value.toString();
        }
    }
    return {};
}

std::vector<ObservationPrep> prepareObservations(const std::vector<ObservationRecord> &observations)
{
    std::vector<ObservationPrep> preps;
    preps.reserve(observations.size());
    for (const ObservationRecord &record : observations) {
        ObservationPrep prep;
        prep.id = CompactId(record.id);
        prep.parent = CompactId(record.parentId.isEmpty() ? QString() : record.parentId);
        prep.usageJson = record.usage.toJsonText();
        prep.costJson = record.cost.toJsonText();
        prep.inputTokens = record.usage.inputTokens();
        prep.outputTokens = record.usage.outputTokens();
        prep.totalTokens = record.usage.totalTokens();
        prep.cost = record.cost.total();
        preps.push_back(std::move(prep));
    }
    return preps;
}

WriteContext::WriteContext(sql::Database &db)
    : m_db(db)
{
}

bool WriteContext::prepare(QString *error)
{
    struct Entry
    {
        sql::Statement *statement;
        const char *sql;
    };
    const Entry entries[] = {
        { &m_selectTraceRk, "SELECT rk FROM traces WHERE source_id = ?1 AND id = ?2" },
        { &m_selectTraceForMerge,
            "SELECT name, ts_given, user_id, session_id, release, version, environment, public, tags, agent, "
            "payload_rk FROM traces WHERE rk = ?1" },
        { &m_insertTrace,
            "INSERT INTO traces(rk, source_id, id, name, ts_given, user_id, session_id, release, version, "
            "environment, public, tags, agent, payload_rk, obs_count, input_tokens, output_tokens, "
            "total_tokens, cost, error_count, warning_count, start_ns, end_ns, latency_ns, ts, level, "
            "models, "
            "seq) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, "
            "?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28)" },
        { &m_updateTraceFields,
            "UPDATE traces SET name = ?1, ts_given = ?2, user_id = ?3, session_id = ?4, release = ?5, "
            "version = ?6, "
            "environment = ?7, public = ?8, tags = ?9, agent = ?10, payload_rk = ?11, seq = ?12 WHERE rk = "
            "?13" },
        { &m_selectTraceTotals,
            "SELECT obs_count, input_tokens, output_tokens, total_tokens, cost, error_count, warning_count, "
            "start_ns, end_ns, ts_given, models, source_id, session_id FROM traces WHERE rk = ?1" },
        { &m_updateTraceTotals,
            "UPDATE traces SET obs_count = ?1, input_tokens = ?2, output_tokens = ?3, total_tokens = ?4, "
            "cost = ?5, "
            "error_count = ?6, warning_count = ?7, start_ns = ?8, end_ns = ?9, latency_ns = ?10, ts = ?11, "
            "level = ?12, models = ?13, seq = ?14 WHERE rk = ?15" },
        { &m_insertTag, "INSERT OR IGNORE INTO trace_tags(tag, trace_rk) VALUES(?1, ?2)" },
        { &m_incrementName,
            "INSERT INTO trace_names(source_id, name, count) VALUES(?1, ?2, 1) "
            "ON CONFLICT(source_id, name) DO UPDATE SET count = count + 1" },
        { &m_decrementName, "UPDATE trace_names SET count = count - 1 WHERE source_id = ?1 AND name = ?2" },
        { &m_selectObservation,
            "SELECT rk, parent_id, type, name, start_ns, end_ns, completion_start_ns, model, "
            "model_parameters, "
            "level, status_message, usage_details, cost_details, prompt_name, prompt_version, version, "
            "environment, "
            "payload_rk FROM observations WHERE trace_rk = ?1 AND id = ?2" },
        { &m_insertObservation,
            "INSERT INTO observations(rk, trace_rk, id, parent_id, type, name, start_ns, end_ns, "
            "completion_start_ns, "
            "model, model_parameters, level, status_message, input_tokens, output_tokens, total_tokens, "
            "cost, "
            "usage_details, cost_details, prompt_name, prompt_version, version, environment, payload_rk, "
            "seq) "
            "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, "
            "?20, ?21, "
            "?22, ?23, ?24, ?25)" },
        { &m_updateObservation,
            "UPDATE observations SET parent_id = ?1, type = ?2, name = ?3, start_ns = ?4, end_ns = ?5, "
            "completion_start_ns = ?6, model = ?7, model_parameters = ?8, level = ?9, status_message = ?10, "
            "input_tokens = ?11, output_tokens = ?12, total_tokens = ?13, cost = ?14, usage_details = ?15, "
            "cost_details = ?16, prompt_name = ?17, prompt_version = ?18, version = ?19, environment = ?20, "
            "payload_rk = ?21, seq = ?22 WHERE rk = ?23" },
        { &m_insertPayload,
            "INSERT INTO payloads(rk, trace_rk, obs_rk, name, input, output, metadata) "
            "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)" },
        { &m_selectPayload, "SELECT input, output, metadata FROM payloads WHERE rk = ?1" },
        { &m_deletePayload, "DELETE FROM payloads WHERE rk = ?1" },
        { &m_selectScore,
            "SELECT rk, trace_id, observation_id, session_id, name, value, string_value, data_type, "
            "score_source, "
            "comment, ts, environment, metadata FROM scores WHERE source_id = ?1 AND id = ?2" },
        { &m_insertScore,
            "INSERT INTO scores(source_id, id, trace_id, observation_id, session_id, name, value, "
            "string_value, "
            "data_type, score_source, comment, ts, environment, metadata, seq) "
            "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)" },
        { &m_updateScore,
            "UPDATE scores SET trace_id = ?1, observation_id = ?2, session_id = ?3, name = ?4, value = ?5, "
            "string_value = ?6, data_type = ?7, score_source = ?8, comment = ?9, ts = ?10, environment = "
            "?11, "
            "metadata = ?12, seq = ?13 WHERE rk = ?14" },
        { &m_selectSessionTotals,
            "SELECT min(ts), max(coalesce(end_ns, ts)), count(*), max(user_id), sum(total_tokens), "
            "sum(cost), "
            "sum(error_count) FROM traces WHERE session_id = ?1 AND source_id = ?2" },
        { &m_upsertSession,
            "INSERT OR REPLACE INTO sessions(source_id, id, first_ns, last_ns, trace_count, user_id, "
            "total_tokens, "
            "cost, error_count) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)" },
        { &m_addToSession,
            "INSERT INTO sessions(source_id, id, first_ns, last_ns, trace_count, user_id, total_tokens, "
            "cost, "
            "error_count) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT(source_id, id) DO UPDATE "
            "SET "
            "first_ns = CASE WHEN first_ns IS NULL THEN excluded.first_ns WHEN excluded.first_ns IS NULL "
            "THEN first_ns ELSE min(first_ns, excluded.first_ns) END, "
            "last_ns = CASE WHEN last_ns IS NULL THEN excluded.last_ns WHEN excluded.last_ns IS NULL "
            "THEN last_ns ELSE max(last_ns, excluded.last_ns) END, "
            "trace_count = trace_count + excluded.trace_count, "
            "user_id = CASE WHEN user_id IS NULL THEN excluded.user_id WHEN excluded.user_id IS NULL "
            "THEN user_id ELSE max(user_id, excluded.user_id) END, "
            "total_tokens = total_tokens + excluded.total_tokens, cost = cost + excluded.cost, "
            "error_count = error_count + excluded.error_count" },
        { &m_deleteSession, "DELETE FROM sessions WHERE source_id = ?1 AND id = ?2" },
        { &m_insertFacet, "INSERT OR IGNORE INTO facets(kind, value) VALUES(?1, ?2)" },
    };
    for (const Entry &entry : entries) {
        if (!entry.statement->prepare(m_db, entry.sql)) {
            if (error)
                *error = entry.statement->error();
            return false;
        }
    }
    reloadRowKeys();
    return true;
}

void WriteContext::reloadRowKeys()
{
    m_nextTraceRk = m_db.queryInt("SELECT coalesce(max(rk), 0) + 1 FROM traces").value_or(1);
    m_nextObservationRk = m_db.queryInt("SELECT coalesce(max(rk), 0) + 1 FROM observations").value_or(1);
    // Payload row keys are never reused, even after deletes: the full-text index refers to them
    // and walks them in order.
    const qint64 afterMax = m_db.queryInt("SELECT coalesce(max(rk), 0) + 1 FROM payloads").value_or(1);
    const qint64 highWater = m_db.queryInt("SELECT value FROM meta WHERE key = 'payload_next'").value_or(1);
    m_nextPayloadRk = std::max(afterMax, highWater);
}

bool WriteContext::saveCounters(QString *error)
{
    sql::Statement save(
        m_db, "INSERT OR REPLACE INTO meta(key, value) VALUES('seq', ?1), ('payload_next', ?2)");
    save.bind(1, m_seq);
    save.bind(2, m_nextPayloadRk);
    if (!save.run()) {
        *error = QStringLiteral("cannot record the commit: %1").arg(m_db.lastSqliteError());
        return false;
    }
    return true;
}

void WriteContext::noteFacet(int kind, const QString &value)
{
    if (value.isEmpty())
        return;
    const QPair<int, QString> key(kind, value);
    if (m_knownFacets.contains(key))
        return;
    m_insertFacet.bind(1, kind);
    m_insertFacet.bind(2, value);
    if (m_insertFacet.run() && m_knownFacets.size() < 100'000)
        m_knownFacets.insert(key);
}

void WriteContext::beginTransaction(qint64 seq)
{
    m_seq = seq;
    m_change = StoreChange {};
    m_change.seq = seq;
    m_insertedTraces.clear();
    m_updatedTraces.clear();
    m_sources.clear();
    m_deltas.clear();
    m_newTraces.clear();
    m_freshTraces.clear();
}

void WriteContext::invalidateCaches()
{
    m_traceRks.clear();
    m_lastTraceRk = {};
    m_observationTraces.clear();
    m_knownFacets.clear();
    m_newTraces.clear();
    m_freshTraces.clear();
    reloadRowKeys();
}

void WriteContext::beginTask()
{
    m_deltas.clear();
    m_taskStart = Snapshot { m_insertedTraces, m_updatedTraces, m_sources, m_change };
}

void WriteContext::discardTask()
{
    m_deltas.clear();
    m_staleSessions.clear();
    m_insertedTraces = m_taskStart.inserted;
    m_updatedTraces = m_taskStart.updated;
    m_sources = m_taskStart.sources;
    m_change = m_taskStart.change;
    invalidateCaches();
}

void WriteContext::noteSessionChanged(qint64 sourceId, const QString &sessionId)
{
    m_staleSessions.insert({ sourceId, sessionId });
}

void WriteContext::touchTrace(qint64 traceRk)
{
    delta(traceRk);
}

WriteContext::TraceDelta &WriteContext::delta(qint64 traceRk)
{
    return m_deltas[traceRk];
}

qint64 WriteContext::traceRowKey(qint64 sourceId, const QString &traceId, bool *created)
{
    if (created)
        *created = false;
    if (sourceId == m_lastTraceRk.sourceId && traceId == m_lastTraceRk.traceId)
        return m_lastTraceRk.rk;
    const QPair<qint64, QString> key(sourceId, traceId);
    const auto cached = m_traceRks.constFind(key);
    if (cached != m_traceRks.cend()) {
        m_lastTraceRk = { sourceId, traceId, cached.value() };
        return cached.value();
    }
    const CompactId id(traceId);
    id.bindTo(m_selectTraceRk, 2);
    m_selectTraceRk.bind(1, sourceId);
    qint64 rk = 0;
    if (m_selectTraceRk.step())
        rk = m_selectTraceRk.columnInt(0);
    m_selectTraceRk.reset();
    if (rk == 0) {
        rk = m_nextTraceRk++;
        NewTrace &fresh = m_newTraces[rk];
        fresh.sourceId = sourceId;
        fresh.traceId = traceId;
        fresh.id = id;
        m_insertedTraces.insert(rk);
        m_freshTraces.insert(rk, {});
        if (created)
            *created = true;
    }
    if (m_traceRks.size() > kMaxCachedIds) {
        m_traceRks.clear();
        // The traces of this task have no row yet: only this cache finds them.
        for (auto it = m_newTraces.cbegin(); it != m_newTraces.cend(); ++it)
            m_traceRks.insert({ it->sourceId, it->traceId }, it.key());
    }
    m_traceRks.insert(key, rk);
    m_lastTraceRk = { sourceId, traceId, rk };
    return rk;
}

bool WriteContext::applyBatch(
    const WriteBatch &batch, const std::vector<ObservationPrep> &preps, QString *error)
{
    const std::vector<ObservationPrep> ownPreps = preps.size() == batch.observations.size()
        ? std::vector<ObservationPrep> {}
        : prepareObservations(batch.observations);
    const std::vector<ObservationPrep> &usePreps = ownPreps.empty() ? preps : ownPreps;
    m_sources.insert(batch.sourceId);
    for (const TraceRecord &trace : batch.traces) {
        if (!upsertTrace(batch.sourceId, trace, error))
            return false;
    }
    for (size_t i = 0; i < batch.observations.size(); ++i) {
        if (!upsertObservation(batch.sourceId, batch.observations[i], usePreps[i], error))
            return false;
    }
    for (const ScoreRecord &score : batch.scores) {
        if (!upsertScore(batch.sourceId, score, error))
            return false;
    }
    m_change.tracesWritten += static_cast<int>(batch.traces.size());
    m_change.observationsWritten += static_cast<int>(batch.observations.size());
    m_change.scoresWritten += static_cast<int>(batch.scores.size());
    return true;
}

bool WriteContext::readPayload(qint64 payloadRk, QByteArray *input, QByteArray *output, QByteArray *metadata)
{
    m_selectPayload.bind(1, payloadRk);
    const bool found = m_selectPayload.step();
    if (found) {
        *input = m_selectPayload.columnBytes(0);
        *output = m_selectPayload.columnBytes(1);
        *metadata = m_selectPayload.columnBytes(2);
    }
    m_selectPayload.reset();
    return found;
}

qint64 WriteContext::writePayload(qint64 traceRk, qint64 obsRk, const QString &name, const QByteArray &input,
    const QByteArray &output, const QByteArray &metadata, qint64 oldPayloadRk, bool *ok)
{
    *ok = true;
    if (oldPayloadRk > 0) {
        m_deletePayload.bind(1, oldPayloadRk);
        *ok = m_deletePayload.run();
    }
    const qint64 rk = m_nextPayloadRk++;
    m_insertPayload.bind(1, rk);
    m_insertPayload.bind(2, traceRk);
    if (obsRk > 0)
        m_insertPayload.bind(3, obsRk);
    else
        m_insertPayload.bindNull(3);
    bindOptionalText(m_insertPayload, 4, name);
    m_insertPayload.bindText(5, input);
    m_insertPayload.bindText(6, output);
    m_insertPayload.bindText(7, metadata);
    *ok = m_insertPayload.run() && *ok;
    return rk;
}

qint64 WriteContext::rewritePayload(qint64 traceRk, qint64 obsRk, const QString &name, qint64 oldPayloadRk,
    const QByteArray &input, const QByteArray &output, const QByteArray &metadataUpdate, QByteArray *metadata,
    bool *ok)
{
    QByteArray storedInput, storedOutput, storedMetadata;
    if (oldPayloadRk > 0)
        readPayload(oldPayloadRk, &storedInput, &storedOutput, &storedMetadata);
    const QByteArray merged = mergeJsonObjects(storedMetadata, metadataUpdate);
    if (metadata)
        *metadata = merged;
    return writePayload(traceRk, obsRk, name, input.isNull() ? storedInput : input,
        output.isNull() ? storedOutput : output, merged, oldPayloadRk, ok);
}

void WriteContext::adjustNameCount(qint64 sourceId, const QString &oldName, const QString &newName)
{
    if (oldName == newName)
        return;
    if (!oldName.isNull()) {
        m_decrementName.bind(1, sourceId);
        m_decrementName.bind(2, oldName);
        m_decrementName.run();
    }
    if (!newName.isNull()) {
        m_incrementName.bind(1, sourceId);
        m_incrementName.bind(2, newName);
        m_incrementName.run();
    }
}

} // namespace tg
