// WriteContext's totals: the observation deltas of a task folded into trace rows (a new trace's
// row written once, with its totals) and into the sessions of the traces they touched.
#include "store/writecontextutil.h"
#include "writecontext.h"

namespace tg {

using namespace writecontext;

bool WriteContext::recomputeSession(qint64 sourceId, const QString &sessionId)
{
    m_selectSessionTotals.bind(1, sessionId);
    m_selectSessionTotals.bind(2, sourceId);
    if (!m_selectSessionTotals.step()) {
        m_selectSessionTotals.reset();
        return !m_selectSessionTotals.hadError();
    }
    const std::optional<qint64> first = optionalColumn(m_selectSessionTotals, 0);
    const std::optional<qint64> last = optionalColumn(m_selectSessionTotals, 1);
    const qint64 count = m_selectSessionTotals.columnInt(2);
    const QString user = m_selectSessionTotals.columnText(3);
    const qint64 tokens = m_selectSessionTotals.columnInt(4);
    const double cost = m_selectSessionTotals.columnDouble(5);
    const qint64 errors = m_selectSessionTotals.columnInt(6);
    m_selectSessionTotals.reset();
    m_change.sessionsChanged = true;
    if (count == 0) {
        m_deleteSession.bind(1, sourceId);
        m_deleteSession.bind(2, sessionId);
        return m_deleteSession.run();
    }
    m_upsertSession.bind(1, sourceId);
    m_upsertSession.bind(2, sessionId);
    m_upsertSession.bindOptional(3, first);
    m_upsertSession.bindOptional(4, last);
    m_upsertSession.bind(5, count);
    bindOptionalText(m_upsertSession, 6, user);
    m_upsertSession.bind(7, tokens);
    m_upsertSession.bind(8, cost);
    m_upsertSession.bind(9, errors);
    return m_upsertSession.run();
}

bool WriteContext::insertNewTrace(qint64 rk, const NewTrace &trace, const TraceDelta &d, QString *error)
{
    const std::optional<qint64> latency = (d.minStart && d.maxEnd && *d.maxEnd >= *d.minStart)
        ? std::optional<qint64>(*d.maxEnd - *d.minStart)
        : std::nullopt;
    const Level level = d.errors > 0 ? Level::Error : (d.warnings > 0 ? Level::Warning : Level::Default);
    sql::Statement &st = m_insertTrace;
    st.bind(1, rk);
    st.bind(2, trace.sourceId);
    trace.id.bindTo(st, 3);
    bindOptionalText(st, 4, trace.name);
    st.bindOptional(5, trace.tsGiven);
    bindOptionalText(st, 6, trace.userId);
    bindOptionalText(st, 7, trace.sessionId);
    bindOptionalText(st, 8, trace.release);
    bindOptionalText(st, 9, trace.version);
    bindOptionalText(st, 10, trace.environment);
    st.bindOptional(11, trace.isPublic);
    bindOptionalText(st, 12, trace.tags);
    bindOptionalText(st, 13, trace.agent);
    if (trace.payloadRk > 0)
        st.bind(14, trace.payloadRk);
    else
        st.bindNull(14);
    st.bind(15, d.observations);
    st.bind(16, d.inputTokens);
    st.bind(17, d.outputTokens);
    st.bind(18, d.totalTokens);
    st.bind(19, d.cost < 0 && d.cost > -1e-12 ? 0.0 : d.cost);
    st.bind(20, d.errors);
    st.bind(21, d.warnings);
    st.bindOptional(22, d.minStart);
    st.bindOptional(23, d.maxEnd);
    st.bindOptional(24, latency);
    st.bindOptional(25, trace.tsGiven ? trace.tsGiven : d.minStart);
    st.bind(26, static_cast<int>(level));
    bindOptionalText(st, 27, d.models.isEmpty() ? QString() : d.models.join(u'\n'));
    st.bind(28, m_seq);
    if (!st.run()) {
        *error = QStringLiteral("cannot insert trace %1: %2").arg(trace.traceId, m_db.lastSqliteError());
        return false;
    }
    return true;
}

void WriteContext::foldIntoSession(SessionAddition &addition, const NewTrace &trace, const TraceDelta &d)
{
    // The same values insertNewTrace() stores, aggregated as recomputeSession() does.
    const std::optional<qint64> ts = trace.tsGiven ? trace.tsGiven : d.minStart;
    const std::optional<qint64> last = d.maxEnd ? d.maxEnd : ts;
    if (ts && (!addition.first || *ts < *addition.first))
        addition.first = ts;
    if (last && (!addition.last || *last > *addition.last))
        addition.last = last;
    addition.traces += 1;
    // SQLite's max() compares text as UTF-8 bytes.
    if (!trace.userId.isNull() && (addition.user.isNull() || trace.userId.toUtf8() > addition.user.toUtf8()))
        addition.user = trace.userId;
    addition.tokens += d.totalTokens;
    addition.cost += d.cost < 0 && d.cost > -1e-12 ? 0.0 : d.cost;
    addition.errors += d.errors;
}

bool WriteContext::addToSession(qint64 sourceId, const QString &sessionId, const SessionAddition &addition)
{
    m_change.sessionsChanged = true;
    m_addToSession.bind(1, sourceId);
    m_addToSession.bind(2, sessionId);
    m_addToSession.bindOptional(3, addition.first);
    m_addToSession.bindOptional(4, addition.last);
    m_addToSession.bind(5, addition.traces);
    bindOptionalText(m_addToSession, 6, addition.user);
    m_addToSession.bind(7, addition.tokens);
    m_addToSession.bind(8, addition.cost);
    m_addToSession.bind(9, addition.errors);
    return m_addToSession.run();
}

bool WriteContext::finishTask(QString *error)
{
    // Sessions of changed traces are recomputed from their traces; what new traces add to a
    // session is simply added (sums, counts, minima and maxima all fold in).
    QSet<QPair<qint64, QString>> sessions = std::exchange(m_staleSessions, {});
    QHash<QPair<qint64, QString>, SessionAddition> additions;
    for (auto it = m_newTraces.cbegin(); it != m_newTraces.cend(); ++it)
        delta(it.key());
    for (auto it = m_deltas.cbegin(); it != m_deltas.cend(); ++it) {
        const qint64 rk = it.key();
        const TraceDelta &d = it.value();
        const auto created = m_newTraces.constFind(rk);
        if (created != m_newTraces.cend()) {
            if (!insertNewTrace(rk, *created, d, error))
                return false;
            if (!created->sessionId.isEmpty())
                foldIntoSession(additions[{ created->sourceId, created->sessionId }], *created, d);
            m_sources.insert(created->sourceId);
            continue;
        }
        m_selectTraceTotals.bind(1, rk);
        if (!m_selectTraceTotals.step()) {
            m_selectTraceTotals.reset();
            continue; // deleted by the same task
        }
        qint64 observations = m_selectTraceTotals.columnInt(0) + d.observations;
        const qint64 inputTokens = m_selectTraceTotals.columnInt(1) + d.inputTokens;
        const qint64 outputTokens = m_selectTraceTotals.columnInt(2) + d.outputTokens;
        const qint64 totalTokens = m_selectTraceTotals.columnInt(3) + d.totalTokens;
        const double cost = m_selectTraceTotals.columnDouble(4) + d.cost;
        const qint64 errors = m_selectTraceTotals.columnInt(5) + d.errors;
        const qint64 warnings = m_selectTraceTotals.columnInt(6) + d.warnings;
        std::optional<qint64> start = optionalColumn(m_selectTraceTotals, 7);
        std::optional<qint64> end = optionalColumn(m_selectTraceTotals, 8);
        const std::optional<qint64> tsGiven = optionalColumn(m_selectTraceTotals, 9);
        QString models = m_selectTraceTotals.columnText(10);
        const qint64 sourceId = m_selectTraceTotals.columnInt(11);
        const QString sessionId = m_selectTraceTotals.columnText(12);
        m_selectTraceTotals.reset();

        if (d.minStart && (!start || *d.minStart < *start))
            start = d.minStart;
        if (d.maxEnd && (!end || *d.maxEnd > *end))
            end = d.maxEnd;
        for (const QString &model : d.models) {
            if (!models.split(u'\n', Qt::SkipEmptyParts).contains(model))
                models = models.isEmpty() ? model : models + u'\n' + model;
        }
        const std::optional<qint64> latency
            = (start && end && *end >= *start) ? std::optional<qint64>(*end - *start) : std::nullopt;
        const std::optional<qint64> ts = tsGiven ? tsGiven : start;
        const Level level = errors > 0 ? Level::Error : (warnings > 0 ? Level::Warning : Level::Default);

        m_updateTraceTotals.bind(1, observations);
        m_updateTraceTotals.bind(2, inputTokens);
        m_updateTraceTotals.bind(3, outputTokens);
        m_updateTraceTotals.bind(4, totalTokens);
        m_updateTraceTotals.bind(5, cost < 0 && cost > -1e-12 ? 0.0 : cost);
        m_updateTraceTotals.bind(6, errors);
        m_updateTraceTotals.bind(7, warnings);
        m_updateTraceTotals.bindOptional(8, start);
        m_updateTraceTotals.bindOptional(9, end);
        m_updateTraceTotals.bindOptional(10, latency);
        m_updateTraceTotals.bindOptional(11, ts);
        m_updateTraceTotals.bind(12, static_cast<int>(level));
        bindOptionalText(m_updateTraceTotals, 13, models.isEmpty() ? QString() : models);
        m_updateTraceTotals.bind(14, m_seq);
        m_updateTraceTotals.bind(15, rk);
        if (!m_updateTraceTotals.run()) {
            *error = QStringLiteral("cannot update trace totals: %1").arg(m_db.lastSqliteError());
            return false;
        }
        if (!m_insertedTraces.contains(rk))
            m_updatedTraces.insert(rk);
        if (!sessionId.isEmpty())
            sessions.insert({ sourceId, sessionId });
        m_sources.insert(sourceId);
    }
    for (const auto &session : std::as_const(sessions)) {
        if (!recomputeSession(session.first, session.second)) {
            *error
                = QStringLiteral("cannot update session %1: %2").arg(session.second, m_db.lastSqliteError());
            return false;
        }
    }
    for (auto it = additions.cbegin(); it != additions.cend(); ++it) {
        if (sessions.contains(it.key()))
            continue; // recomputed, new traces included
        if (!addToSession(it.key().first, it.key().second, it.value())) {
            *error
                = QStringLiteral("cannot update session %1: %2").arg(it.key().second, m_db.lastSqliteError());
            return false;
        }
    }
    m_deltas.clear();
    m_newTraces.clear();

    m_change.insertedTraceRks = QList<qint64>(m_insertedTraces.cbegin(), m_insertedTraces.cend());
    QList<qint64> updated;
    updated.reserve(m_updatedTraces.size());
    for (const qint64 rk : std::as_const(m_updatedTraces)) {
        if (!m_insertedTraces.contains(rk))
            updated.append(rk);
    }
    m_change.updatedTraceRks = updated;
    m_sources.remove(0);
    m_change.sourceIds = QList<qint64>(m_sources.cbegin(), m_sources.cend());
    return true;
}

} // namespace tg
