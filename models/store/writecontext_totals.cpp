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

void WriteContext::TraceCounts::add(const TraceCounts &other)
{
    observations += other.observations;
    inputTokens += other.inputTokens;
    outputTokens += other.outputTokens;
    totalTokens += other.totalTokens;
    cost += other.cost;
    errors += other.errors;
    warnings += other.warnings;
}

WriteContext::TraceTotals WriteContext::withDelta(
    TraceTotals stored, const TraceDelta &d, std::optional<qint64> tsGiven)
{
    TraceTotals t = std::move(stored);
    t.add(d);
    if (t.cost < 0 && t.cost > -1e-12)
        t.cost = 0.0; // rounding left over from a subtracted cost
    if (d.minStart && (!t.start || *d.minStart < *t.start))
        t.start = d.minStart;
    if (d.maxEnd && (!t.end || *d.maxEnd > *t.end))
        t.end = d.maxEnd;
    for (const QString &model : d.models) {
        if (!t.models.split(u'\n', Qt::SkipEmptyParts).contains(model))
            t.models = t.models.isEmpty() ? model : t.models + u'\n' + model;
    }
    t.latency
        = (t.start && t.end && *t.end >= *t.start) ? std::optional<qint64>(*t.end - *t.start) : std::nullopt;
    t.ts = tsGiven ? tsGiven : t.start;
    t.level = t.errors > 0 ? Level::Error : (t.warnings > 0 ? Level::Warning : Level::Default);
    return t;
}

void WriteContext::bindTraceTotals(sql::Statement &st, int first, const TraceTotals &totals)
{
    st.bind(first, totals.observations);
    st.bind(first + 1, totals.inputTokens);
    st.bind(first + 2, totals.outputTokens);
    st.bind(first + 3, totals.totalTokens);
    st.bind(first + 4, totals.cost);
    st.bind(first + 5, totals.errors);
    st.bind(first + 6, totals.warnings);
    st.bindOptional(first + 7, totals.start);
    st.bindOptional(first + 8, totals.end);
    st.bindOptional(first + 9, totals.latency);
    st.bindOptional(first + 10, totals.ts);
    st.bind(first + 11, static_cast<int>(totals.level));
    bindOptionalText(st, first + 12, totals.models.isEmpty() ? QString() : totals.models);
}

bool WriteContext::insertNewTrace(qint64 rk, const NewTrace &trace, const TraceTotals &totals, QString *error)
{
    m_insertTrace.bind(1, rk);
    m_insertTrace.bind(2, trace.sourceId);
    trace.id.bindTo(m_insertTrace, 3);
    bindTraceFields(m_insertTrace, 4, trace.fields);
    bindTraceTotals(m_insertTrace, 15, totals);
    m_insertTrace.bind(28, m_seq);
    if (!m_insertTrace.run()) {
        *error = QStringLiteral("cannot insert trace %1: %2").arg(trace.traceId, m_db.lastSqliteError());
        return false;
    }
    return true;
}

void WriteContext::foldIntoSession(
    SessionAddition &addition, const TraceFields &trace, const TraceTotals &totals)
{
    // The values of the inserted row, aggregated as recomputeSession() does.
    const std::optional<qint64> last = totals.end ? totals.end : totals.ts;
    if (totals.ts && (!addition.first || *totals.ts < *addition.first))
        addition.first = totals.ts;
    if (last && (!addition.last || *last > *addition.last))
        addition.last = last;
    addition.traces += 1;
    // SQLite's max() compares text as UTF-8 bytes.
    if (!trace.userId.isNull() && (addition.user.isNull() || trace.userId.toUtf8() > addition.user.toUtf8()))
        addition.user = trace.userId;
    addition.tokens += totals.totalTokens;
    addition.cost += totals.cost;
    addition.errors += totals.errors;
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
            const TraceTotals totals = withDelta({}, d, created->fields.tsGiven);
            if (!insertNewTrace(rk, *created, totals, error))
                return false;
            if (!created->fields.sessionId.isEmpty())
                foldIntoSession(
                    additions[{ created->sourceId, created->fields.sessionId }], created->fields, totals);
            m_sources.insert(created->sourceId);
            continue;
        }
        m_selectTraceTotals.bind(1, rk);
        if (!m_selectTraceTotals.step()) {
            m_selectTraceTotals.reset();
            continue; // deleted by the same task
        }
        TraceTotals stored;
        stored.observations = m_selectTraceTotals.columnInt(0);
        stored.inputTokens = m_selectTraceTotals.columnInt(1);
        stored.outputTokens = m_selectTraceTotals.columnInt(2);
        stored.totalTokens = m_selectTraceTotals.columnInt(3);
        stored.cost = m_selectTraceTotals.columnDouble(4);
        stored.errors = m_selectTraceTotals.columnInt(5);
        stored.warnings = m_selectTraceTotals.columnInt(6);
        stored.start = optionalColumn(m_selectTraceTotals, 7);
        stored.end = optionalColumn(m_selectTraceTotals, 8);
        const std::optional<qint64> tsGiven = optionalColumn(m_selectTraceTotals, 9);
        stored.models = m_selectTraceTotals.columnText(10);
        const qint64 sourceId = m_selectTraceTotals.columnInt(11);
        const QString sessionId = m_selectTraceTotals.columnText(12);
        m_selectTraceTotals.reset();

        bindTraceTotals(m_updateTraceTotals, 1, withDelta(std::move(stored), d, tsGiven));
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
