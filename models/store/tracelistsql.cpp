#include "tracelistsql.h"

#include "domain/rows.h"
#include "store/compactid.h"
#include "store/sqlite.h"
#include "store/storereader.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace tg {

const char *const kTraceRowColumns
    = "rk, source_id, id, name, ts, user_id, session_id, tags, environment, release, version, latency_ns, "
      "input_tokens, output_tokens, total_tokens, cost, obs_count, error_count, warning_count, level, agent, "
      "seq";

namespace {

// Above this many traces under the matched names, scanning the time index beats the name index.
constexpr qint64 kNameIndexThreshold = 5000;

QString placeholder(BoundSql &out, std::variant<qint64, double, QString> value)
{
    out.binds.push_back(std::move(value));
    return QStringLiteral("?%1").arg(out.binds.size());
}

QString inList(BoundSql &out, const QStringList &values)
{
    QStringList marks;
    marks.reserve(values.size());
    for (const QString &value : values)
        marks.append(placeholder(out, value));
    return marks.join(QStringLiteral(", "));
}

} // namespace

void BoundSql::bindAll(sql::Statement &statement) const
{
    for (size_t i = 0; i < binds.size(); ++i) {
        const int index = static_cast<int>(i + 1);
        std::visit([&](const auto &value) { statement.bind(index, value); }, binds[i]);
    }
}

TraceRow readTraceRow(const sql::Statement &st)
{
    TraceRow row;
    row.rk = st.columnInt(0);
    row.sourceId = st.columnInt(1);
    row.id = CompactId::readColumn(st, 2);
    row.name = st.columnText(3);
    row.timestampNs = st.isNull(4) ? kUnknownTime : st.columnInt(4);
    row.userId = st.columnText(5);
    row.sessionId = st.columnText(6);
    const QByteArray tags = st.columnBytes(7);
    if (!tags.isEmpty()) {
        const QJsonArray array = QJsonDocument::fromJson(tags).array();
        for (const QJsonValue &v : array)
            row.tags.append(v.toString());
    }
    row.environment = st.columnText(8);
    row.release = st.columnText(9);
    row.version = st.columnText(10);
    row.latencyNs = st.isNull(11) ? kUnknownTime : st.columnInt(11);
    row.inputTokens = st.columnInt(12);
    row.outputTokens = st.columnInt(13);
    row.totalTokens = st.columnInt(14);
    row.cost = st.columnDouble(15);
    row.observationCount = static_cast<int>(st.columnInt(16));
    row.errorCount = static_cast<int>(st.columnInt(17));
    row.warningCount = static_cast<int>(st.columnInt(18));
    row.level = levelFromInt(static_cast<int>(st.columnInt(19))).value_or(Level::Default);
    row.agent = st.columnText(20);
    row.writeSeq = st.columnInt(21);
    return row;
}

QString traceWhereClause(const TraceFilter &f, const ResolvedNames &names, bool hasFullText, BoundSql &out)
{
    QStringList terms;
    if (f.sourceIds.size() == 1) {
        terms.append(QStringLiteral("source_id = ") + placeholder(out, f.sourceIds.first()));
    } else if (!f.sourceIds.isEmpty()) {
        QStringList marks;
        for (const qint64 id : f.sourceIds)
            marks.append(placeholder(out, id));
        terms.append(QStringLiteral("source_id IN (%1)").arg(marks.join(QStringLiteral(", "))));
    }
    if (f.fromNs)
        terms.append(QStringLiteral("ts >= ") + placeholder(out, *f.fromNs));
    if (f.toNs)
        terms.append(QStringLiteral("ts < ") + placeholder(out, *f.toNs));
    if (!f.name.isEmpty())
        terms.append(QStringLiteral("name = ") + placeholder(out, f.name));
    if (!f.nameContains.isEmpty()) {
        if (names.names.isEmpty()) {
            terms.append(QStringLiteral("0"));
        } else {
            // A unary + keeps SQLite off the name index when the names are common.
            const QString column
                = names.traceCount > kNameIndexThreshold ? QStringLiteral("+name") : QStringLiteral("name");
            terms.append(QStringLiteral("%1 IN (%2)").arg(column, inList(out, names.names)));
        }
    }
    if (!f.userId.isEmpty())
        terms.append(QStringLiteral("user_id = ") + placeholder(out, f.userId));
    if (!f.sessionId.isEmpty())
        terms.append(QStringLiteral("session_id = ") + placeholder(out, f.sessionId));
    for (const QString &tag : f.tags)
        terms.append(QStringLiteral("rk IN (SELECT trace_rk FROM trace_tags WHERE tag = %1)")
                         .arg(placeholder(out, tag)));
    if (!f.environments.isEmpty())
        terms.append(QStringLiteral("environment IN (%1)").arg(inList(out, f.environments)));
    if (f.minLevel && *f.minLevel > Level::Default)
        terms.append(QStringLiteral("level >= ") + placeholder(out, static_cast<qint64>(*f.minLevel)));
    if (!f.model.isEmpty())
        terms.append(QStringLiteral("instr(char(10) || models || char(10), char(10) || %1 || char(10)) > 0")
                         .arg(placeholder(out, f.model)));
    if (!f.agent.isEmpty())
        terms.append(QStringLiteral("agent = ") + placeholder(out, f.agent));
    if (f.minLatencyNs)
        terms.append(QStringLiteral("latency_ns >= ") + placeholder(out, *f.minLatencyNs));
    if (f.maxLatencyNs)
        terms.append(QStringLiteral("latency_ns <= ") + placeholder(out, *f.maxLatencyNs));
    if (f.minCost)
        terms.append(QStringLiteral("cost >= ") + placeholder(out, *f.minCost));
    if (f.maxCost)
        terms.append(QStringLiteral("cost <= ") + placeholder(out, *f.maxCost));
    if (!f.text.trimmed().isEmpty()) {
        const QString query = StoreReader::fullTextQuery(f.text);
        if (!hasFullText || query.isEmpty()) {
            terms.append(QStringLiteral("0"));
        } else {
            terms.append(QStringLiteral(
                "rk IN (SELECT trace_rk FROM payloads WHERE rk IN (SELECT rowid FROM fts.payload_fts "
                "WHERE payload_fts MATCH %1 ORDER BY rowid DESC LIMIT %2))")
                             .arg(placeholder(out, query))
                             .arg(kMaxFullTextMatchesForFilter));
        }
    }
    return terms.join(QStringLiteral(" AND "));
}

BoundSql traceListSql(
    const TraceQuery &query, const ResolvedNames &names, bool hasFullText, int offset, int limit)
{
    BoundSql out;
    const QString where = traceWhereClause(query.filter, names, hasFullText, out);
    const QString dir = query.descending ? QStringLiteral("DESC") : QStringLiteral("ASC");
    QString order;
    switch (query.sortKey) {
    case TraceSortKey::Time:
        order = QStringLiteral("ts %1, rk %1").arg(dir);
        break;
    case TraceSortKey::Latency:
        order = QStringLiteral("latency_ns %1, rk %1").arg(dir);
        break;
    case TraceSortKey::Cost:
        order = QStringLiteral("cost %1, rk %1").arg(dir);
        break;
    case TraceSortKey::Tokens:
        order = QStringLiteral("total_tokens %1, rk %1").arg(dir);
        break;
    case TraceSortKey::Name:
        order = QStringLiteral("name %1, ts %1, rk %1").arg(dir);
        break;
    }
    out.sql = QStringLiteral("SELECT %1 FROM traces%2 ORDER BY %3 LIMIT %4 OFFSET %5")
                  .arg(QLatin1String(kTraceRowColumns),
                      where.isEmpty() ? QString() : QStringLiteral(" WHERE ") + where, order)
                  .arg(limit)
                  .arg(offset);
    return out;
}

BoundSql traceCountSql(const TraceFilter &filter, const ResolvedNames &names, bool hasFullText)
{
    BoundSql out;
    const QString where = traceWhereClause(filter, names, hasFullText, out);
    out.sql = QStringLiteral("SELECT count(*) FROM traces")
        + (where.isEmpty() ? QString() : QStringLiteral(" WHERE ") + where);
    return out;
}

} // namespace tg
