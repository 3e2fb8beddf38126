// WriteContext's upserts: how an incoming trace, observation or score record is merged into the
// row stored for its id (non-null fields win, metadata objects merge, totals move by deltas).
#include "store/facetkind.h"
#include "store/writecontextutil.h"
#include "writecontext.h"

namespace tg {

using namespace writecontext;

bool WriteContext::upsertTrace(qint64 sourceId, const TraceRecord &record, QString *error)
{
    if (record.id.isEmpty()) {
        *error = QStringLiteral("a trace without an id");
        return false;
    }
    bool created = false;
    const qint64 rk = traceRowKey(sourceId, record.id, &created);
    if (rk == 0) {
        *error = QStringLiteral("cannot create trace %1: %2").arg(record.id, m_db.lastSqliteError());
        return false;
    }
    // A trace created in this task has no row yet: its fields so far are in memory.
    TraceFields old;
    const auto fresh = m_newTraces.find(rk);
    if (fresh != m_newTraces.end()) {
        old = fresh->fields;
    } else if (!readTraceFields(rk, &old)) {
        *error = QStringLiteral("trace %1 vanished during upsert").arg(record.id);
        return false;
    }

    QStringList tags = parseTags(old.tags);
    bool tagsChanged = false;
    for (const QString &tag : record.tags) {
        if (!tag.isEmpty() && !tags.contains(tag)) {
            tags.append(tag);
            tagsChanged = true;
            m_insertTag.bind(1, tag);
            m_insertTag.bind(2, rk);
            m_insertTag.run();
        }
    }

    TraceFields next = old;
    next.name = pick(record.name, old.name);
    next.sessionId = pick(record.sessionId, old.sessionId);
    next.userId = pick(record.userId, old.userId);
    next.release = pick(record.release, old.release);
    next.version = pick(record.version, old.version);
    next.environment = pick(record.environment, old.environment);
    next.tags = tagsToJson(tags);
    if (record.isPublic)
        next.isPublic = *record.isPublic ? 1 : 0;
    // The earliest timestamp wins: OTLP exporters send children (which end first) before the
    // root, and each span's record carries its own start as the trace timestamp.
    if (record.timestampNs && (!next.tsGiven || *record.timestampNs < *next.tsGiven))
        next.tsGiven = record.timestampNs;
    if (givesPayload(record) || next.name != old.name) {
        QByteArray metadata;
        bool ok = false;
        next.payloadRk = rewritePayload(
            rk, 0, next.name, old.payloadRk, record.input, record.output, record.metadata, &metadata, &ok);
        if (!ok) {
            *error = QStringLiteral("cannot store the payload of trace %1: %2")
                         .arg(record.id, m_db.lastSqliteError());
            return false;
        }
        if (!record.metadata.isNull() || tagsChanged) {
            const QString derived = agentNameFrom(tags, metadata);
            if (!derived.isEmpty())
                next.agent = derived;
        }
    } else if (tagsChanged) {
        const QString derived = agentNameFrom(tags, {});
        if (!derived.isEmpty())
            next.agent = derived;
    }

    if (fresh != m_newTraces.end()) {
        // m_newTraces is not touched since `fresh` was found (rewritePayload does not create traces).
        fresh->fields = next;
    } else {
        bindTraceFields(m_updateTraceFields, 1, next);
        m_updateTraceFields.bind(12, m_seq);
        m_updateTraceFields.bind(13, rk);
        if (!m_updateTraceFields.run()) {
            *error = QStringLiteral("cannot update trace %1: %2").arg(record.id, m_db.lastSqliteError());
            return false;
        }
    }
    adjustNameCount(sourceId, old.name, next.name);
    noteFacet(static_cast<int>(FacetKind::Environment), record.environment);
    noteFacet(static_cast<int>(FacetKind::Agent), next.agent);
    delta(rk);
    // The session the trace left is recomputed with the others when the deltas are folded in.
    if (next.sessionId != old.sessionId && !old.sessionId.isEmpty())
        noteSessionChanged(sourceId, old.sessionId);
    if (!created)
        m_updatedTraces.insert(rk);
    return true;
}

bool WriteContext::readTraceFields(qint64 rk, TraceFields *fields)
{
    m_selectTraceForMerge.bind(1, rk);
    const bool found = m_selectTraceForMerge.step();
    if (found) {
        fields->name = m_selectTraceForMerge.columnText(0);
        fields->tsGiven = optionalColumn(m_selectTraceForMerge, 1);
        fields->userId = m_selectTraceForMerge.columnText(2);
        fields->sessionId = m_selectTraceForMerge.columnText(3);
        fields->release = m_selectTraceForMerge.columnText(4);
        fields->version = m_selectTraceForMerge.columnText(5);
        fields->environment = m_selectTraceForMerge.columnText(6);
        fields->isPublic = optionalColumn(m_selectTraceForMerge, 7);
        fields->tags = m_selectTraceForMerge.columnText(8);
        fields->agent = m_selectTraceForMerge.columnText(9);
        fields->payloadRk = m_selectTraceForMerge.columnInt(10);
    }
    m_selectTraceForMerge.reset();
    return found;
}

void WriteContext::bindTraceFields(sql::Statement &st, int first, const TraceFields &fields)
{
    bindOptionalText(st, first, fields.name);
    st.bindOptional(first + 1, fields.tsGiven);
    bindOptionalText(st, first + 2, fields.userId);
    bindOptionalText(st, first + 3, fields.sessionId);
    bindOptionalText(st, first + 4, fields.release);
    bindOptionalText(st, first + 5, fields.version);
    bindOptionalText(st, first + 6, fields.environment);
    st.bindOptional(first + 7, fields.isPublic);
    bindOptionalText(st, first + 8, fields.tags);
    bindOptionalText(st, first + 9, fields.agent);
    if (fields.payloadRk > 0)
        st.bind(first + 10, fields.payloadRk);
    else
        st.bindNull(first + 10);
}

bool WriteContext::upsertObservation(
    qint64 sourceId, const ObservationRecord &record, const ObservationPrep &prep, QString *error)
{
    if (record.id.isEmpty()) {
        *error = QStringLiteral("an observation without an id");
        return false;
    }
    qint64 traceRk = 0;
    const quint64 observationKey = qHash(record.id, static_cast<size_t>(sourceId) * 0x9E3779B97F4A7C15ULL);
    m_observationTraces.prefetch(observationKey); // remembered once the row is written
    if (!record.traceId.isEmpty()) {
        traceRk = traceRowKey(sourceId, record.traceId);
    } else {
        traceRk = m_observationTraces.find(observationKey);
        // Never lose an update whose trace we cannot find: it becomes a trace of its own.
        if (traceRk == 0)
            traceRk = traceRowKey(sourceId, record.id);
    }
    if (traceRk == 0) {
        *error = QStringLiteral("cannot create the trace of observation %1: %2")
                     .arg(record.id, m_db.lastSqliteError());
        return false;
    }

    const CompactId &id = prep.id;
    // A trace created in this transaction holds only the observations this transaction wrote,
    // so for those the probe can be answered from memory.
    bool exists = false;
    const auto fresh = m_freshTraces.find(traceRk);
    const bool known = fresh != m_freshTraces.end();
    if (!known || fresh->contains(id.bytes())) {
        m_selectObservation.bind(1, traceRk);
        id.bindTo(m_selectObservation, 2);
        exists = m_selectObservation.step();
    }
    if (known)
        fresh->insert(id.bytes());

    // Stored values (defaults for a new row), overwritten by what the record carries.
    qint64 rk = 0;
    QString parentId;
    int type = static_cast<int>(ObservationType::Span);
    QString name;
    std::optional<qint64> start, end, completionStart;
    QString model;
    QByteArray modelParameters;
    int level = static_cast<int>(Level::Default);
    QString statusMessage;
    UsageDetails usage;
    CostDetails cost;
    QString promptName;
    std::optional<qint64> promptVersion;
    QString version, environment;
    qint64 payloadRk = 0;
    if (exists) {
        rk = m_selectObservation.columnInt(0);
        parentId = CompactId::readColumn(m_selectObservation, 1);
        type = static_cast<int>(m_selectObservation.columnInt(2));
        name = m_selectObservation.columnText(3);
        start = optionalColumn(m_selectObservation, 4);
        end = optionalColumn(m_selectObservation, 5);
        completionStart = optionalColumn(m_selectObservation, 6);
        model = m_selectObservation.columnText(7);
        modelParameters = m_selectObservation.columnBytes(8);
        level = static_cast<int>(m_selectObservation.columnInt(9));
        statusMessage = m_selectObservation.columnText(10);
        usage = UsageDetails::fromJsonText(m_selectObservation.columnBytes(11));
        cost = CostDetails::fromJsonText(m_selectObservation.columnBytes(12));
        promptName = m_selectObservation.columnText(13);
        promptVersion = optionalColumn(m_selectObservation, 14);
        version = m_selectObservation.columnText(15);
        environment = m_selectObservation.columnText(16);
        payloadRk = m_selectObservation.columnInt(17);
    }
    m_selectObservation.reset();

    TraceDelta &d = delta(traceRk);
    const UsageDetails oldUsage = usage;
    const CostDetails oldCost = cost;
    const int oldLevel = level;
    const QString oldName = name;
    if (exists) {
        d.inputTokens -= oldUsage.inputTokens();
        d.outputTokens -= oldUsage.outputTokens();
        d.totalTokens -= oldUsage.totalTokens();
        d.cost -= oldCost.total();
        d.errors -= oldLevel == static_cast<int>(Level::Error) ? 1 : 0;
        d.warnings -= oldLevel == static_cast<int>(Level::Warning) ? 1 : 0;
    } else {
        rk = m_nextObservationRk++;
        d.observations += 1;
    }

    if (!record.parentId.isEmpty())
        parentId = record.parentId;
    if (record.type)
        type = static_cast<int>(*record.type);
    if (!record.name.isNull())
        name = record.name;
    if (record.startNs)
        start = record.startNs;
    if (record.endNs)
        end = record.endNs;
    if (record.completionStartNs)
        completionStart = record.completionStartNs;
    if (!record.model.isNull())
        model = record.model;
    if (!record.modelParameters.isNull())
        modelParameters = record.modelParameters;
    if (record.level)
        level = static_cast<int>(*record.level);
    if (!record.statusMessage.isNull())
        statusMessage = record.statusMessage;
    if (!record.promptName.isNull())
        promptName = record.promptName;
    if (record.promptVersion)
        promptVersion = *record.promptVersion;
    if (!record.version.isNull())
        version = record.version;
    if (!record.environment.isNull())
        environment = record.environment;

    // A new row takes what the submitting thread prepared; an update merges with what is stored.
    qint64 inputTokens = prep.inputTokens;
    qint64 outputTokens = prep.outputTokens;
    qint64 totalTokens = prep.totalTokens;
    double totalCost = prep.cost;
    QByteArray usageText = prep.usageJson;
    QByteArray costText = prep.costJson;
    if (exists) {
        usage.mergeFrom(record.usage);
        cost.mergeFrom(record.cost);
        inputTokens = usage.inputTokens();
        outputTokens = usage.outputTokens();
        totalTokens = usage.totalTokens();
        totalCost = cost.total();
        usageText = usage.toJsonText();
        costText = cost.toJsonText();
    }
    d.inputTokens += inputTokens;
    d.outputTokens += outputTokens;
    d.totalTokens += totalTokens;
    d.cost += totalCost;
    d.errors += level == static_cast<int>(Level::Error) ? 1 : 0;
    d.warnings += level == static_cast<int>(Level::Warning) ? 1 : 0;
    if (start && (!d.minStart || *start < *d.minStart))
        d.minStart = start;
    const std::optional<qint64> effectiveEnd = end ? end : start;
    if (effectiveEnd && (!d.maxEnd || *effectiveEnd > *d.maxEnd))
        d.maxEnd = effectiveEnd;
    if (!model.isEmpty() && !d.models.contains(model)) {
        d.models.append(model);
        noteFacet(static_cast<int>(FacetKind::Model), model);
    }
    if (!record.environment.isNull())
        noteFacet(static_cast<int>(FacetKind::Environment), environment);

    if (givesPayload(record) || (exists && name != oldName)) {
        bool ok = false;
        payloadRk = rewritePayload(
            traceRk, rk, name, payloadRk, record.input, record.output, record.metadata, nullptr, &ok);
        if (!ok) {
            *error = QStringLiteral("cannot store the payload of observation %1: %2")
                         .arg(record.id, m_db.lastSqliteError());
            return false;
        }
    }

    const CompactId parent = (!exists || !record.parentId.isEmpty())
        ? prep.parent
        : CompactId(parentId.isEmpty() ? QString() : parentId);
    sql::Statement &st = exists ? m_updateObservation : m_insertObservation;
    // Insert binds are shifted by three (rk, trace_rk, id come first).
    const int o = exists ? 0 : 3;
    if (!exists) {
        st.bind(1, rk);
        st.bind(2, traceRk);
        id.bindTo(st, 3);
    }
    parent.bindTo(st, o + 1);
    st.bind(o + 2, type);
    bindOptionalText(st, o + 3, name);
    st.bindOptional(o + 4, start);
    st.bindOptional(o + 5, end);
    st.bindOptional(o + 6, completionStart);
    bindOptionalText(st, o + 7, model);
    st.bindText(o + 8, modelParameters);
    st.bind(o + 9, level);
    bindOptionalText(st, o + 10, statusMessage);
    st.bind(o + 11, inputTokens);
    st.bind(o + 12, outputTokens);
    st.bind(o + 13, totalTokens);
    st.bind(o + 14, totalCost);
    st.bindText(o + 15, usageText);
    st.bindText(o + 16, costText);
    bindOptionalText(st, o + 17, promptName);
    st.bindOptional(o + 18, promptVersion);
    bindOptionalText(st, o + 19, version);
    bindOptionalText(st, o + 20, environment);
    if (payloadRk > 0)
        st.bind(o + 21, payloadRk);
    else
        st.bindNull(o + 21);
    st.bind(o + 22, m_seq);
    if (exists)
        st.bind(23, rk);
    if (!st.run()) {
        *error = QStringLiteral("cannot store observation %1: %2").arg(record.id, m_db.lastSqliteError());
        return false;
    }
    m_observationTraces.remember(observationKey, traceRk);
    return true;
}

bool WriteContext::upsertScore(qint64 sourceId, const ScoreRecord &record, QString *error)
{
    if (record.id.isEmpty()) {
        *error = QStringLiteral("a score without an id");
        return false;
    }
    const CompactId id(record.id);
    m_selectScore.bind(1, sourceId);
    id.bindTo(m_selectScore, 2);
    const bool exists = m_selectScore.step();
    qint64 rk = 0;
    QString traceId, observationId, sessionId, name, stringValue, scoreSource, comment, environment;
    std::optional<double> value;
    std::optional<qint64> dataType, ts;
    QByteArray metadata;
    if (exists) {
        rk = m_selectScore.columnInt(0);
        traceId = CompactId::readColumn(m_selectScore, 1);
        observationId = CompactId::readColumn(m_selectScore, 2);
        sessionId = m_selectScore.columnText(3);
        name = m_selectScore.columnText(4);
        if (!m_selectScore.isNull(5))
            value = m_selectScore.columnDouble(5);
        stringValue = m_selectScore.columnText(6);
        dataType = optionalColumn(m_selectScore, 7);
        scoreSource = m_selectScore.columnText(8);
        comment = m_selectScore.columnText(9);
        ts = optionalColumn(m_selectScore, 10);
        environment = m_selectScore.columnText(11);
        metadata = m_selectScore.columnBytes(12);
    }
    m_selectScore.reset();

    traceId = pick(record.traceId, traceId);
    observationId = pick(record.observationId, observationId);
    sessionId = pick(record.sessionId, sessionId);
    name = pick(record.name, name);
    if (record.value)
        value = record.value;
    stringValue = pick(record.stringValue, stringValue);
    if (record.dataType)
        dataType = static_cast<qint64>(*record.dataType);
    scoreSource = pick(record.source, scoreSource);
    comment = pick(record.comment, comment);
    if (record.timestampNs)
        ts = record.timestampNs;
    environment = pick(record.environment, environment);
    metadata = mergeJsonObjects(metadata, record.metadata);

    const CompactId trace(traceId.isEmpty() ? QString() : traceId);
    const CompactId observation(observationId.isEmpty() ? QString() : observationId);
    sql::Statement &st = exists ? m_updateScore : m_insertScore;
    const int o = exists ? 0 : 2;
    if (!exists) {
        st.bind(1, sourceId);
        id.bindTo(st, 2);
    }
    trace.bindTo(st, o + 1);
    observation.bindTo(st, o + 2);
    bindOptionalText(st, o + 3, sessionId);
    bindOptionalText(st, o + 4, name);
    if (value)
        st.bind(o + 5, *value);
    else
        st.bindNull(o + 5);
    bindOptionalText(st, o + 6, stringValue);
    st.bindOptional(o + 7, dataType);
    bindOptionalText(st, o + 8, scoreSource);
    bindOptionalText(st, o + 9, comment);
    st.bindOptional(o + 10, ts);
    bindOptionalText(st, o + 11, environment);
    st.bindText(o + 12, metadata);
    st.bind(o + 13, m_seq);
    if (exists)
        st.bind(14, rk);
    if (!st.run()) {
        *error = QStringLiteral("cannot store score %1: %2").arg(record.id, m_db.lastSqliteError());
        return false;
    }
    return true;
}

} // namespace tg
