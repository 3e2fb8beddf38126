#include "exportreader.h"

#include "store/compactid.h"
#include "store/storereader.h"
#include "store/tracelistsql.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>

namespace tg {

namespace {

std::optional<qint64> optionalInt(const sql::Statement &st, int column)
{
    if (st.isNull(column))
        return std::nullopt;
    return st.columnInt(column);
}

QStringList tagsFromJson(const QByteArray &json)
{
    QStringList tags;
    if (json.isEmpty())
        return tags;
    const QJsonArray array = QJsonDocument::fromJson(json).array();
    for (const QJsonValue &value : array) {
        if (value.isString())
            tags.append(value.toString());
    }
    return tags;
}

} // namespace

ExportReader::ExportReader(StoreReader &reader)
    : m_reader(reader)
{
    m_row.prepare(reader.db(),
        QStringLiteral("SELECT %1 FROM traces WHERE rk = ?1").arg(QLatin1String(kTraceRowColumns)));
    m_trace.prepare(reader.db(),
        "SELECT t.id, t.name, t.ts_given, t.user_id, t.session_id, t.release, t.version, t.environment, "
        "t.public, t.tags, p.input, p.output, p.metadata FROM traces t LEFT JOIN payloads p ON p.rk = "
        "t.payload_rk WHERE t.rk = ?1");
    m_observations.prepare(reader.db(),
        "SELECT o.id, o.parent_id, o.type, o.name, o.start_ns, o.end_ns, o.completion_start_ns, o.model, "
        "o.model_parameters, o.level, o.status_message, o.usage_details, o.cost_details, o.prompt_name, "
        "o.prompt_version, o.version, o.environment, p.input, p.output, p.metadata, o.seq "
        "FROM observations o LEFT JOIN payloads p ON p.rk = o.payload_rk WHERE o.trace_rk = ?1 "
        "AND (o.seq > ?2 OR (?3 AND o.parent_id IS NULL))");
    m_scores.prepare(reader.db(),
        "SELECT id, trace_id, observation_id, session_id, name, value, string_value, data_type, "
        "score_source, comment, ts, environment, metadata FROM scores WHERE source_id = ?1 AND trace_id = ?2 "
        "ORDER BY ts, rk");
}

std::vector<qint64> ExportReader::traceRowKeys(const TraceQuery &query, QString *error)
{
    TraceQuery ordered = query;
    ordered.sortKey = TraceSortKey::Time;
    ordered.descending = false; // new traces land at the end, so pages do not shift under us
    std::vector<qint64> keys;
    constexpr int kPage = 5000;
    for (int offset = 0;; offset += kPage) {
        QString pageError;
        const std::vector<TraceRow> rows = m_reader.traces(ordered, offset, kPage, &pageError);
        if (!pageError.isEmpty()) {
            if (error)
                *error = pageError;
            return {};
        }
        for (const TraceRow &row : rows)
            keys.push_back(row.rk);
        if (int(rows.size()) < kPage)
            break;
    }
    // A trace updated between pages may move; keep each once.
    std::vector<qint64> seen = keys;
    std::sort(seen.begin(), seen.end());
    if (std::adjacent_find(seen.begin(), seen.end()) != seen.end()) {
        std::vector<qint64> unique;
        unique.reserve(keys.size());
        QSet<qint64> taken;
        for (const qint64 rk : keys) {
            if (!taken.contains(rk)) {
                taken.insert(rk);
                unique.push_back(rk);
            }
        }
        keys = std::move(unique);
    }
    return keys;
}

std::vector<qint64> ExportReader::sessionTraceRowKeys(qint64 sourceId, const QString &sessionId)
{
    std::vector<qint64> keys;
    for (const TraceRow &row : m_reader.sessionTraces(sourceId, sessionId))
        keys.push_back(row.rk);
    return keys;
}

bool ExportReader::readTrace(
    qint64 traceRk, TraceBundle &out, qint64 afterSeq, bool keepRoots, bool withScores)
{
    m_row.bind(1, traceRk);
    if (!m_row.step()) {
        m_row.reset();
        return false;
    }
    out = TraceBundle();
    out.row = readTraceRow(m_row);
    m_row.reset();

    m_trace.bind(1, traceRk);
    if (!m_trace.step()) {
        m_trace.reset();
        return false;
    }
    TraceRecord &t = out.trace;
    t.id = CompactId::readColumn(m_trace, 0);
    t.name = m_trace.columnText(1);
    t.timestampNs = optionalInt(m_trace, 2);
    t.userId = m_trace.columnText(3);
    t.sessionId = m_trace.columnText(4);
    t.release = m_trace.columnText(5);
    t.version = m_trace.columnText(6);
    t.environment = m_trace.columnText(7);
    if (!m_trace.isNull(8))
        t.isPublic = m_trace.columnInt(8) != 0;
    t.tags = tagsFromJson(m_trace.columnBytes(9));
    t.input = m_trace.columnBytes(10);
    t.output = m_trace.columnBytes(11);
    t.metadata = m_trace.columnBytes(12);
    m_trace.reset();

    m_observations.bind(1, traceRk);
    m_observations.bind(2, afterSeq);
    m_observations.bind(3, keepRoots ? 1 : 0);
    std::vector<std::pair<ObservationRecord, qint64>> rows;
    while (m_observations.step()) {
        ObservationRecord o;
        o.id = CompactId::readColumn(m_observations, 0);
        o.traceId = t.id;
        o.parentId = CompactId::readColumn(m_observations, 1);
        o.type = observationTypeFromInt(int(m_observations.columnInt(2)));
        o.name = m_observations.columnText(3);
        o.startNs = optionalInt(m_observations, 4);
        o.endNs = optionalInt(m_observations, 5);
        o.completionStartNs = optionalInt(m_observations, 6);
        o.model = m_observations.columnText(7);
        o.modelParameters = m_observations.columnBytes(8);
        o.level = levelFromInt(int(m_observations.columnInt(9)));
        o.statusMessage = m_observations.columnText(10);
        o.usage = UsageDetails::fromJsonText(m_observations.columnBytes(11));
        o.cost = CostDetails::fromJsonText(m_observations.columnBytes(12));
        o.promptName = m_observations.columnText(13);
        if (!m_observations.isNull(14))
            o.promptVersion = int(m_observations.columnInt(14));
        o.version = m_observations.columnText(15);
        o.environment = m_observations.columnText(16);
        o.input = m_observations.columnBytes(17);
        o.output = m_observations.columnBytes(18);
        o.metadata = m_observations.columnBytes(19);
        rows.emplace_back(std::move(o), m_observations.columnInt(20));
    }
    m_observations.reset();
    std::sort(rows.begin(), rows.end(), [](const auto &a, const auto &b) {
        const qint64 sa = a.first.startNs.value_or(std::numeric_limits<qint64>::max());
        const qint64 sb = b.first.startNs.value_or(std::numeric_limits<qint64>::max());
        return sa != sb ? sa < sb : a.first.id < b.first.id;
    });
    out.observations.reserve(rows.size());
    out.observationSeqs.reserve(rows.size());
    for (auto &[record, seq] : rows) {
        out.observations.push_back(std::move(record));
        out.observationSeqs.push_back(seq);
    }

    if (withScores) {
        m_scores.bind(1, out.row.sourceId);
        const CompactId id(t.id);
        id.bindTo(m_scores, 2);
        while (m_scores.step()) {
            ScoreRecord s;
            s.id = CompactId::readColumn(m_scores, 0);
            s.traceId = CompactId::readColumn(m_scores, 1);
            s.observationId = CompactId::readColumn(m_scores, 2);
            s.sessionId = m_scores.columnText(3);
            s.name = m_scores.columnText(4);
            if (!m_scores.isNull(5))
                s.value = m_scores.columnDouble(5);
            s.stringValue = m_scores.columnText(6);
            if (!m_scores.isNull(7))
                s.dataType = static_cast<ScoreDataType>(m_scores.columnInt(7));
            s.source = m_scores.columnText(8);
            s.comment = m_scores.columnText(9);
            s.timestampNs = optionalInt(m_scores, 10);
            s.environment = m_scores.columnText(11);
            s.metadata = m_scores.columnBytes(12);
            out.scores.push_back(std::move(s));
        }
        m_scores.reset();
    }
    return true;
}

} // namespace tg
