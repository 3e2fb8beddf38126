#include "storereader.h"

#include "store/compactid.h"
#include "store/tracelistsql.h"

#include <QSet>

#include <optional>
#include <type_traits>
#include <vector>

namespace tg {

namespace {

const char *const kObservationRowColumns = "rk, id, parent_id, type, name, start_ns, end_ns, model, level, "
                                           "input_tokens, output_tokens, total_tokens, "
                                           "cost, seq";

/// Names and models repeat across a trace's rows: share one QString per distinct value.
class StringCache
{
public:
    QString text(const sql::Statement &st, int column)
    {
        const QByteArray raw = st.columnRawBytes(column);
        if (raw.isNull())
            return {};
        auto it = m_strings.constFind(raw);
        if (it != m_strings.cend())
            return it.value();
        const QString text = QString::fromUtf8(raw);
        if (m_strings.size() < 50'000)
            m_strings.insert(QByteArray(raw.constData(), raw.size()), text);
        return text;
    }

private:
    QHash<QByteArray, QString> m_strings;
};

ObservationRow readObservationRow(const sql::Statement &st, StringCache &strings)
{
    ObservationRow row;
    row.rk = st.columnInt(0);
    row.id = CompactId::readColumn(st, 1);
    row.parentId = CompactId::readColumn(st, 2);
    row.type = observationTypeFromInt(static_cast<int>(st.columnInt(3))).value_or(ObservationType::Span);
    row.name = strings.text(st, 4);
    row.startNs = st.isNull(5) ? kUnknownTime : st.columnInt(5);
    row.endNs = st.isNull(6) ? kUnknownTime : st.columnInt(6);
    row.model = strings.text(st, 7);
    row.level = levelFromInt(static_cast<int>(st.columnInt(8))).value_or(Level::Default);
    row.inputTokens = st.columnInt(9);
    row.outputTokens = st.columnInt(10);
    row.totalTokens = st.columnInt(11);
    row.cost = st.columnDouble(12);
    row.writeSeq = st.columnInt(13);
    return row;
}

const char *const kSessionColumns
    = "source_id, id, first_ns, last_ns, trace_count, user_id, total_tokens, cost, error_count";

SessionRow readSessionRow(const sql::Statement &st)
{
    SessionRow row;
    row.sourceId = st.columnInt(0);
    row.id = st.columnText(1);
    row.firstNs = st.isNull(2) ? kUnknownTime : st.columnInt(2);
    row.lastNs = st.isNull(3) ? kUnknownTime : st.columnInt(3);
    row.traceCount = static_cast<int>(st.columnInt(4));
    row.userId = st.columnText(5);
    row.totalTokens = st.columnInt(6);
    row.cost = st.columnDouble(7);
    row.errorCount = static_cast<int>(st.columnInt(8));
    return row;
}

const char *const kScoreColumns = "rk, source_id, id, trace_id, observation_id, session_id, name, value, "
                                  "string_value, data_type, score_source, "
                                  "comment, ts";

ScoreRow readScoreRow(const sql::Statement &st)
{
    ScoreRow row;
    row.rk = st.columnInt(0);
    row.sourceId = st.columnInt(1);
    row.id = CompactId::readColumn(st, 2);
    row.traceId = CompactId::readColumn(st, 3);
    row.observationId = CompactId::readColumn(st, 4);
    row.sessionId = st.columnText(5);
    row.name = st.columnText(6);
    row.hasValue = !st.isNull(7);
    row.value = st.columnDouble(7);
    row.stringValue = st.columnText(8);
    row.dataType = static_cast<ScoreDataType>(st.columnInt(9));
    row.source = st.columnText(10);
    row.comment = st.columnText(11);
    row.timestampNs = st.isNull(12) ? kUnknownTime : st.columnInt(12);
    return row;
}

QString escapeSqlString(const QString &text)
{
    return QString(text).replace(u'\'', QStringLiteral("''"));
}

template<typename Value> void bindParameter(sql::Statement &st, int index, const Value &value)
{
    st.bind(index, value);
}

void bindParameter(sql::Statement &st, int index, const CompactId &id)
{
    id.bindTo(st, index);
}

/// Prepares `sql` and binds `parameters` to ?1, ?2, ...; false (and nothing bound) if it does not prepare.
template<typename... Values>
bool prepareBound(sql::Statement &st, sql::Database &db, const QString &sql, const Values &...parameters)
{
    if (!st.prepare(db, sql))
        return false;
    int index = 0;
    (bindParameter(st, ++index, parameters), ...);
    return true;
}

/// Every row of the query, each read with `read`.
template<typename Read, typename... Values>
auto selectRows(sql::Database &db, const QString &sql, Read read, const Values &...parameters)
{
    std::vector<std::invoke_result_t<Read, const sql::Statement &>> rows;
    sql::Statement st;
    if (prepareBound(st, db, sql, parameters...)) {
        while (st.step())
            rows.push_back(read(st));
    }
    return rows;
}

/// The query's first row, read with `read`, or nullopt.
template<typename Read, typename... Values>
auto selectRow(sql::Database &db, const QString &sql, Read read, const Values &...parameters)
    -> std::optional<std::invoke_result_t<Read, const sql::Statement &>>
{
    sql::Statement st;
    if (!prepareBound(st, db, sql, parameters...) || !st.step())
        return std::nullopt;
    return read(st);
}

} // namespace

bool StoreReader::open(const QString &storePath, const QString &fullTextPath, QString *error)
{
    if (!m_db.open(storePath, sql::Database::Mode::ReadWrite)) {
        *error = m_db.error();
        return false;
    }
    // Memory-mapped reads skip a copy per page; the size only reserves address space.
    if (!m_db.exec("PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY; PRAGMA query_only=1; "
                   "PRAGMA mmap_size=4294967296;")) {
        *error = m_db.error();
        return false;
    }
    if (!fullTextPath.isEmpty()) {
        const QString attach
            = QStringLiteral("ATTACH DATABASE '%1' AS fts").arg(escapeSqlString(fullTextPath));
        m_hasFullText = m_db.exec(attach)
            && m_db.queryInt("SELECT count(*) FROM fts.sqlite_master WHERE name = 'payload_fts'").value_or(0)
                > 0;
    }
    return true;
}

std::vector<Source> StoreReader::sources(bool withCounts)
{
    std::vector<Source> result;
    sql::Statement st(m_db,
        withCounts
            ? "SELECT id, kind, key, name, detail, (SELECT count(*) FROM traces t WHERE t.source_id = s.id) "
              "FROM sources s ORDER BY id"
            : "SELECT id, kind, key, name, detail, 0 FROM sources ORDER BY id");
    while (st.step()) {
        Source s;
        s.id = st.columnInt(0);
        s.kind = static_cast<SourceKind>(st.columnInt(1));
        s.key = st.columnText(2);
        s.name = st.columnText(3);
        s.detail = st.columnText(4);
        s.traceCount = st.columnInt(5);
        result.push_back(std::move(s));
    }
    return result;
}

std::optional<Source> StoreReader::source(qint64 sourceId)
{
    for (Source &s : sources(false)) {
        if (s.id == sourceId)
            return std::move(s);
    }
    return std::nullopt;
}

std::optional<Source> StoreReader::sourceByKey(const QString &key)
{
    for (Source &s : sources(false)) {
        if (s.key == key)
            return std::move(s);
    }
    return std::nullopt;
}

namespace {

ResolvedNames resolveNames(sql::Database &db, const TraceFilter &filter)
{
    ResolvedNames resolved;
    if (filter.nameContains.isEmpty())
        return resolved;
    QString sql = QStringLiteral(
        "SELECT name, sum(count) FROM trace_names WHERE count > 0 AND instr(lower(name), lower(?1)) > 0");
    if (!filter.sourceIds.isEmpty()) {
        QStringList ids;
        for (const qint64 id : filter.sourceIds)
            ids.append(QString::number(id));
        sql += QStringLiteral(" AND source_id IN (%1)").arg(ids.join(u','));
    }
    sql += QStringLiteral(" GROUP BY name LIMIT 2000");
    sql::Statement st(db, sql.toUtf8().constData());
    st.bind(1, filter.nameContains);
    while (st.step()) {
        resolved.names.append(st.columnText(0));
        resolved.traceCount += st.columnInt(1);
    }
    return resolved;
}

} // namespace

std::vector<TraceRow> StoreReader::traces(const TraceQuery &query, int offset, int limit, QString *error)
{
    std::vector<TraceRow> rows;
    const BoundSql bound
        = traceListSql(query, resolveNames(m_db, query.filter), m_hasFullText, offset, limit);
    sql::Statement st;
    if (!st.prepare(m_db, bound.sql)) {
        if (error)
            *error = st.error();
        return rows;
    }
    bound.bindAll(st);
    rows.reserve(static_cast<size_t>(limit));
    while (st.step())
        rows.push_back(readTraceRow(st));
    if (st.hadError() && error)
        *error = st.error();
    return rows;
}

qint64 StoreReader::countTraces(const TraceFilter &filter)
{
    const BoundSql bound = traceCountSql(filter, resolveNames(m_db, filter), m_hasFullText);
    sql::Statement st;
    if (!st.prepare(m_db, bound.sql))
        return 0;
    bound.bindAll(st);
    return st.step() ? st.columnInt(0) : 0;
}

std::optional<TraceRow> StoreReader::trace(qint64 traceRk)
{
    const QString sql
        = QStringLiteral("SELECT %1 FROM traces WHERE rk = ?1").arg(QLatin1String(kTraceRowColumns));
    return selectRow(m_db, sql, readTraceRow, traceRk);
}

std::optional<TraceRow> StoreReader::traceById(qint64 sourceId, const QString &traceId)
{
    const QString sql = QStringLiteral("SELECT %1 FROM traces WHERE source_id = ?1 AND id = ?2")
                            .arg(QLatin1String(kTraceRowColumns));
    return selectRow(m_db, sql, readTraceRow, sourceId, CompactId(traceId));
}

std::vector<TraceRow> StoreReader::tracesByRowKeys(const QList<qint64> &traceRks)
{
    std::vector<TraceRow> rows;
    rows.reserve(static_cast<size_t>(traceRks.size()));
    for (const qint64 rk : traceRks) {
        if (auto row = trace(rk))
            rows.push_back(std::move(*row));
    }
    return rows;
}

std::optional<TraceDetail> StoreReader::traceDetail(qint64 traceRk)
{
    auto row = trace(traceRk);
    if (!row)
        return std::nullopt;
    TraceDetail detail;
    detail.row = std::move(*row);
    sql::Statement st(m_db,
        "SELECT t.public, p.input, p.output, p.metadata FROM traces t LEFT JOIN payloads p ON p.rk = "
        "t.payload_rk "
        "WHERE t.rk = ?1");
    st.bind(1, traceRk);
    if (st.step()) {
        detail.isPublic = st.columnInt(0) != 0;
        detail.input = st.columnBytes(1);
        detail.output = st.columnBytes(2);
        detail.metadata = st.columnBytes(3);
    }
    return detail;
}

std::vector<ObservationRow> StoreReader::observations(qint64 traceRk, qint64 afterSeq)
{
    std::vector<ObservationRow> rows;
    // The key index is ordered by id, so reading through it visits the table in random order.
    // A trace's rows usually sit close together: scan that row-key range in table order instead
    // and drop the few rows of other traces, unless the range is mostly foreign rows.
    qint64 count = 0, first = 0, last = 0;
    if (afterSeq <= 0) {
        sql::Statement range(m_db, "SELECT count(*), min(rk), max(rk) FROM observations WHERE trace_rk = ?1");
        range.bind(1, traceRk);
        if (range.step()) {
            count = range.columnInt(0);
            first = range.columnInt(1);
            last = range.columnInt(2);
        }
        if (count == 0)
            return rows;
    }
    const bool scanRange = afterSeq <= 0 && last - first + 1 <= 4 * count;
    QString sql;
    if (scanRange)
        sql = QStringLiteral(
            "SELECT %1 FROM observations NOT INDEXED WHERE rk BETWEEN ?2 AND ?3 AND trace_rk = ?1")
                  .arg(QLatin1String(kObservationRowColumns));
    else
        sql = QStringLiteral("SELECT %1 FROM observations WHERE trace_rk = ?1%2")
                  .arg(QLatin1String(kObservationRowColumns),
                      afterSeq > 0 ? QStringLiteral(" AND seq > ?2") : QString());
    sql::Statement st;
    st.prepare(m_db, sql);
    st.bind(1, traceRk);
    if (scanRange) {
        st.bind(2, first);
        st.bind(3, last);
    } else if (afterSeq > 0) {
        st.bind(2, afterSeq);
    }
    rows.reserve(static_cast<size_t>(count));
    StringCache names;
    while (st.step())
        rows.push_back(readObservationRow(st, names));
    return rows;
}

std::optional<ObservationDetail> StoreReader::observationDetail(qint64 observationRk)
{
    const QString sql = QStringLiteral(
        "SELECT o.%1, o.trace_rk, t.id, o.completion_start_ns, o.model_parameters, o.status_message, "
        "o.usage_details, o.cost_details, o.prompt_name, o.prompt_version, o.version, o.environment, "
        "p.input, p.output, p.metadata FROM observations o JOIN traces t ON t.rk = o.trace_rk "
        "LEFT JOIN payloads p ON p.rk = o.payload_rk WHERE o.rk = ?1")
                            .arg(QString::fromLatin1(kObservationRowColumns)
                                     .replace(QStringLiteral(", "), QStringLiteral(", o.")));
    sql::Statement st;
    if (!st.prepare(m_db, sql))
        return std::nullopt;
    st.bind(1, observationRk);
    if (!st.step())
        return std::nullopt;
    ObservationDetail d;
    StringCache strings;
    d.row = readObservationRow(st, strings);
    d.traceRk = st.columnInt(14);
    d.traceId = CompactId::readColumn(st, 15);
    d.completionStartNs = st.isNull(16) ? kUnknownTime : st.columnInt(16);
    d.modelParameters = st.columnBytes(17);
    d.statusMessage = st.columnText(18);
    d.usage = UsageDetails::fromJsonText(st.columnBytes(19));
    d.cost = CostDetails::fromJsonText(st.columnBytes(20));
    d.promptName = st.columnText(21);
    d.promptVersion = static_cast<int>(st.columnInt(22));
    d.version = st.columnText(23);
    d.environment = st.columnText(24);
    d.input = st.columnBytes(25);
    d.output = st.columnBytes(26);
    d.metadata = st.columnBytes(27);
    return d;
}

namespace {

QString sessionWhere(const SessionFilter &f, BoundSql &out)
{
    QStringList terms;
    auto mark = [&out](std::variant<qint64, double, QString> v) {
        out.binds.push_back(std::move(v));
        return QStringLiteral("?%1").arg(out.binds.size());
    };
    if (!f.sourceIds.isEmpty()) {
        QStringList marks;
        for (const qint64 id : f.sourceIds)
            marks.append(mark(id));
        terms.append(QStringLiteral("source_id IN (%1)").arg(marks.join(QStringLiteral(", "))));
    }
    if (f.fromNs)
        terms.append(QStringLiteral("last_ns >= ") + mark(*f.fromNs));
    if (f.toNs)
        terms.append(QStringLiteral("first_ns < ") + mark(*f.toNs));
    if (!f.idContains.isEmpty())
        terms.append(QStringLiteral("instr(lower(id), lower(%1)) > 0").arg(mark(f.idContains)));
    if (!f.userId.isEmpty())
        terms.append(QStringLiteral("user_id = ") + mark(f.userId));
    return terms.isEmpty() ? QString() : QStringLiteral(" WHERE ") + terms.join(QStringLiteral(" AND "));
}

} // namespace

std::vector<SessionRow> StoreReader::sessions(const SessionFilter &filter, int offset, int limit)
{
    std::vector<SessionRow> rows;
    BoundSql bound;
    const QString where = sessionWhere(filter, bound);
    bound.sql = QStringLiteral("SELECT %1 FROM sessions%2 ORDER BY last_ns DESC, id DESC LIMIT %3 OFFSET %4")
                    .arg(QLatin1String(kSessionColumns), where)
                    .arg(limit)
                    .arg(offset);
    sql::Statement st;
    if (!st.prepare(m_db, bound.sql))
        return rows;
    bound.bindAll(st);
    while (st.step())
        rows.push_back(readSessionRow(st));
    return rows;
}

qint64 StoreReader::countSessions(const SessionFilter &filter)
{
    BoundSql bound;
    bound.sql = QStringLiteral("SELECT count(*) FROM sessions") + sessionWhere(filter, bound);
    sql::Statement st;
    if (!st.prepare(m_db, bound.sql))
        return 0;
    bound.bindAll(st);
    return st.step() ? st.columnInt(0) : 0;
}

std::optional<SessionRow> StoreReader::session(qint64 sourceId, const QString &sessionId)
{
    const QString sql = QStringLiteral("SELECT %1 FROM sessions WHERE source_id = ?1 AND id = ?2")
                            .arg(QLatin1String(kSessionColumns));
    return selectRow(m_db, sql, readSessionRow, sourceId, sessionId);
}

std::vector<TraceRow> StoreReader::sessionTraces(qint64 sourceId, const QString &sessionId)
{
    const QString sql
        = QStringLiteral("SELECT %1 FROM traces WHERE session_id = ?1 AND source_id = ?2 ORDER BY ts, rk")
              .arg(QLatin1String(kTraceRowColumns));
    return selectRows(m_db, sql, readTraceRow, sessionId, sourceId);
}

std::vector<ScoreRow> StoreReader::scoresForTrace(qint64 sourceId, const QString &traceId)
{
    const QString sql
        = QStringLiteral("SELECT %1 FROM scores WHERE source_id = ?1 AND trace_id = ?2 ORDER BY ts, rk")
              .arg(QLatin1String(kScoreColumns));
    return selectRows(m_db, sql, readScoreRow, sourceId, CompactId(traceId));
}

std::vector<ScoreRow> StoreReader::scoresForSession(qint64 sourceId, const QString &sessionId)
{
    const QString sql
        = QStringLiteral("SELECT %1 FROM scores WHERE source_id = ?1 AND session_id = ?2 ORDER BY ts, rk")
              .arg(QLatin1String(kScoreColumns));
    return selectRows(m_db, sql, readScoreRow, sourceId, sessionId);
}

QString StoreReader::syncState(qint64 sourceId, const QString &key)
{
    sql::Statement st(m_db, "SELECT value FROM sync_state WHERE source_id = ?1 AND key = ?2");
    st.bind(1, sourceId);
    st.bind(2, key);
    return st.step() ? st.columnText(0) : QString();
}

} // namespace tg
