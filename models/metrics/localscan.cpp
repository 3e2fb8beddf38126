#include "localscan.h"

#include "domain/observationtype.h"
#include "domain/usage.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <sqlite3.h>

namespace tg::metricsscan {

namespace {

constexpr int kCancelCheckRows = 1 << 16;
constexpr qint64 kMaxTraceRkSpan = 200'000'000; ///< beyond this the per-trace table would not fit

class Stmt
{
public:
    Stmt(sqlite3 *db, const QByteArray &sql)
    {
        if (sqlite3_prepare_v2(db, sql.constData(), static_cast<int>(sql.size()), &m_stmt, nullptr)
            != SQLITE_OK) {
            m_error = QString::fromUtf8(sqlite3_errmsg(db));
            sqlite3_finalize(m_stmt);
            m_stmt = nullptr;
        }
    }
    ~Stmt() { sqlite3_finalize(m_stmt); }
    Stmt(const Stmt &) = delete;
    Stmt &operator=(const Stmt &) = delete;

    sqlite3_stmt *get() const { return m_stmt; }
    bool isValid() const { return m_stmt != nullptr; }
    QString error() const { return m_error; }
    void bindAll(const QList<QByteArray> &texts, int firstIndex)
    {
        for (qsizetype i = 0; i < texts.size(); ++i)
            sqlite3_bind_text(m_stmt, firstIndex + static_cast<int>(i), texts[i].constData(),
                static_cast<int>(texts[i].size()), SQLITE_TRANSIENT);
    }

private:
    sqlite3_stmt *m_stmt = nullptr;
    QString m_error;
};

std::string_view textAt(sqlite3_stmt *st, int column)
{
    const auto *p = reinterpret_cast<const char *>(sqlite3_column_text(st, column));
    return p ? std::string_view(p, static_cast<size_t>(sqlite3_column_bytes(st, column)))
             : std::string_view();
}

// Calls f(view) for each string of a JSON array of strings (the traces.tags column). Plain
// arrays are walked in place; anything with escapes goes through QJsonDocument.
template<typename F> void forEachJsonString(std::string_view json, F &&f)
{
    if (json.empty())
        return;
    if (json.find('\\') == std::string_view::npos) {
        size_t i = 0;
        while (i < json.size()) {
            const size_t open = json.find('"', i);
            if (open == std::string_view::npos)
                return;
            const size_t close = json.find('"', open + 1);
            if (close == std::string_view::npos)
                return;
            f(json.substr(open + 1, close - open - 1));
            i = close + 1;
        }
        return;
    }
    const QJsonArray array
        = QJsonDocument::fromJson(QByteArray(json.data(), static_cast<qsizetype>(json.size()))).array();
    for (const QJsonValue &v : array) {
        if (v.isString()) {
            const QByteArray utf8 = v.toString().toUtf8();
            f(std::string_view(utf8.constData(), static_cast<size_t>(utf8.size())));
        }
    }
}

// Newline-separated model names (the traces.models column).
template<typename F> void forEachLine(std::string_view text, F &&f)
{
    size_t i = 0;
    while (i < text.size()) {
        size_t end = text.find('\n', i);
        if (end == std::string_view::npos)
            end = text.size();
        if (end > i)
            f(text.substr(i, end - i));
        i = end + 1;
    }
}

// Cached-input and reasoning-output tokens from a usage_details object, as UsageDetails counts
// them (input* keys mentioning "cache", output* keys mentioning "reasoning"). The writer emits
// {"key":integer,...}; anything else takes the slow path.
void usageParts(std::string_view json, qint64 &cached, qint64 &reasoning)
{
    cached = 0;
    reasoning = 0;
    if (json.empty())
        return;
    auto slow = [&] {
        const UsageDetails usage
            = UsageDetails::fromJsonText(QByteArray(json.data(), static_cast<qsizetype>(json.size())));
        cached = usage.cachedTokens();
        reasoning = usage.reasoningTokens();
    };
    if (json.find('\\') != std::string_view::npos)
        return slow();
    size_t i = 0;
    while (true) {
        const size_t open = json.find('"', i);
        if (open == std::string_view::npos)
            return;
        const size_t close = json.find('"', open + 1);
        if (close == std::string_view::npos || close + 1 >= json.size() || json[close + 1] != ':')
            return slow();
        const std::string_view key = json.substr(open + 1, close - open - 1);
        size_t p = close + 2;
        bool negative = false;
        if (p < json.size() && json[p] == '-') {
            negative = true;
            ++p;
        }
        qint64 value = 0;
        const size_t digits = p;
        while (p < json.size() && json[p] >= '0' && json[p] <= '9')
            value = value * 10 + (json[p++] - '0');
        if (p == digits)
            return slow();
        if (p < json.size() && (json[p] == '.' || json[p] == 'e' || json[p] == 'E'))
            return slow();
        if (negative)
            value = -value;
        if (key.substr(0, 5) == "input" && key.find("cache") != std::string_view::npos)
            cached += value;
        else if (key.substr(0, 6) == "output" && key.find("reasoning") != std::string_view::npos)
            reasoning += value;
        i = p;
    }
}

// SQL terms for the trace-level filters (sources, names, users, environments) with binds
// numbered from `firstBind`. Tags and models are checked in C++.
QByteArray traceFilterTerms(const MetricsQuery &q, int firstBind, QList<QByteArray> &binds)
{
    QByteArray sql;
    if (!q.sourceIds.isEmpty()) {
        QByteArrayList ids;
        for (const qint64 id : q.sourceIds)
            ids << QByteArray::number(id);
        sql += " AND source_id IN (" + ids.join(',') + ')';
    }
    auto inList = [&](const char *column, const QStringList &values) {
        if (values.isEmpty())
            return;
        QByteArrayList marks;
        for (const QString &v : values) {
            marks << '?' + QByteArray::number(firstBind + static_cast<int>(binds.size()));
            binds << v.toUtf8();
        }
        sql += QByteArray(" AND ") + column + " IN (" + marks.join(',') + ')';
    };
    inList("name", q.filter.traceNames);
    inList("user_id", q.filter.userIds);
    inList("environment", q.filter.environments);
    return sql;
}

bool matchesAny(std::string_view value, const StringSet &set)
{
    return set.find(value) != set.end();
}

void appendLines(std::string_view text, std::vector<qint32> &out, KeyInterner &keys)
{
    const size_t before = out.size();
    forEachLine(text, [&](std::string_view m) { out.push_back(keys.intern(m)); });
    if (out.size() == before)
        out.push_back(keys.intern({}));
}

void appendTags(std::string_view json, std::vector<qint32> &out, KeyInterner &keys)
{
    const size_t before = out.size();
    forEachJsonString(json, [&](std::string_view t) { out.push_back(keys.intern(t)); });
    if (out.size() == before)
        out.push_back(keys.intern({}));
}

bool tagsMatch(std::string_view json, const StringSet &filter)
{
    bool hit = false;
    forEachJsonString(json, [&](std::string_view t) { hit = hit || matchesAny(t, filter); });
    return hit;
}

bool modelsMatch(std::string_view text, const StringSet &filter)
{
    bool hit = false;
    forEachLine(text, [&](std::string_view m) { hit = hit || matchesAny(m, filter); });
    return hit;
}

/// Where the optional trace columns a grouping or filter needs stand in a row (-1: not read).
struct TraceColumns
{
    int source = -1, text = -1, tags = -1, models = -1;
};

/// Appends those columns to `sql`, numbering them from `column`; `models` only when `withModels`.
TraceColumns addTraceColumns(QByteArray &sql, int column, const Context &ctx, bool withModels)
{
    const MetricsQuery &q = ctx.query;
    TraceColumns c;
    auto add = [&](const char *name) {
        sql += QByteArray(", ") + name;
        return column++;
    };
    if (q.groupBy == Dimension::Source)
        c.source = add("source_id");
    if (const char *textColumn = ctx.traceTextColumn())
        c.text = add(textColumn);
    if (q.groupBy == Dimension::Tag || !q.filter.tags.isEmpty())
        c.tags = add("tags");
    if (withModels && (q.groupBy == Dimension::Model || !q.filter.models.isEmpty()))
        c.models = add("models");
    return c;
}

/// False when the row's tags miss the tag filter.
bool traceTagsPass(sqlite3_stmt *st, const TraceColumns &c, const Context &ctx)
{
    return c.tags < 0 || ctx.tagFilter.empty() || tagsMatch(textAt(st, c.tags), ctx.tagFilter);
}

/// Appends a trace row's groups for the dimensions the traces table holds itself (source, name,
/// user, environment, tag); None and Model add nothing here.
void appendTraceGroups(sqlite3_stmt *st, const TraceColumns &c, Context &ctx, std::vector<qint32> &groups)
{
    switch (ctx.query.groupBy) {
    case Dimension::Source:
        groups.push_back(ctx.groups.intern(std::to_string(sqlite3_column_int64(st, c.source))));
        break;
    case Dimension::TraceName:
    case Dimension::User:
    case Dimension::Environment:
        groups.push_back(ctx.groups.intern(textAt(st, c.text)));
        break;
    case Dimension::Tag:
        appendTags(textAt(st, c.tags), groups, ctx.groups);
        break;
    case Dimension::None:
    case Dimension::Model:
        break;
    }
}

} // namespace

bool scanTraces(
    sqlite3 *db, Context &ctx, MetricsAccumulator &acc, const std::atomic<bool> *cancel, QString *error)
{
    const MetricsQuery &q = ctx.query;
    QByteArray sql = "SELECT ts, latency_ns, error_count";
    const TraceColumns columns = addTraceColumns(sql, 3, ctx, true);
    sql += " FROM traces WHERE ts >= ?1 AND ts < ?2";
    if (q.measure == Measure::Latency)
        sql += " AND latency_ns IS NOT NULL";
    QList<QByteArray> binds;
    sql += traceFilterTerms(q, 3, binds);

    Stmt st(db, sql);
    if (!st.isValid()) {
        *error = st.error();
        return false;
    }
    sqlite3_bind_int64(st.get(), 1, q.fromNs);
    sqlite3_bind_int64(st.get(), 2, q.toNs);
    st.bindAll(binds, 3);

    const TimeBuckets &buckets = *ctx.buckets;
    std::vector<qint32> groups;
    int rows = 0;
    int rc;
    while ((rc = sqlite3_step(st.get())) == SQLITE_ROW) {
        if ((rows++ & (kCancelCheckRows - 1)) == 0 && cancel && cancel->load(std::memory_order_relaxed)) {
            *error = QStringLiteral("cancelled");
            return false;
        }
        const int bucket = buckets.indexOf(sqlite3_column_int64(st.get(), 0));
        if (bucket < 0)
            continue;
        if (!traceTagsPass(st.get(), columns, ctx))
            continue;
        if (columns.models >= 0 && !ctx.modelFilter.empty()
            && !modelsMatch(textAt(st.get(), columns.models), ctx.modelFilter))
            continue;
        groups.clear();
        if (q.groupBy == Dimension::None)
            groups.push_back(0);
        else if (q.groupBy == Dimension::Model)
            appendLines(textAt(st.get(), columns.models), groups, ctx.groups);
        else
            appendTraceGroups(st.get(), columns, ctx, groups);
        const bool failed = sqlite3_column_int64(st.get(), 2) > 0;
        const qint64 latency = sqlite3_column_int64(st.get(), 1);
        for (const qint32 g : groups) {
            if (q.measure == Measure::Latency)
                acc.addSample(g, bucket, latency);
            else if (q.measure == Measure::TraceCount)
                acc.add(g, bucket, 1.0);
            else
                acc.add(g, bucket, failed ? 1.0 : 0.0);
        }
    }
    if (rc != SQLITE_DONE) {
        *error = QString::fromUtf8(sqlite3_errmsg(db));
        return false;
    }
    return true;
}

// Reads the trace fields an observation scan needs into the per-trace table.
bool readTraceTable(sqlite3 *db, Context &ctx, QString *error)
{
    const MetricsQuery &q = ctx.query;
    QList<QByteArray> binds;
    const QByteArray where = traceFilterTerms(q, 1, binds);
    // The whole table's row-key range (answered from the B-tree ends), not the filtered one.
    Stmt range(db, "SELECT (SELECT min(rk) FROM traces), (SELECT max(rk) FROM traces)");
    if (!range.isValid()) {
        *error = range.error();
        return false;
    }
    ctx.haveTraceTable = true;
    if (sqlite3_step(range.get()) != SQLITE_ROW || sqlite3_column_type(range.get(), 0) == SQLITE_NULL)
        return true; // no traces: every observation is excluded
    ctx.minRk = sqlite3_column_int64(range.get(), 0);
    const qint64 span = sqlite3_column_int64(range.get(), 1) - ctx.minRk + 1;
    if (span > kMaxTraceRkSpan) {
        *error = QStringLiteral("too many traces for a local aggregation");
        return false;
    }
    ctx.traceGroupFirst.assign(static_cast<size_t>(span), -1);
    ctx.traceGroupCount.assign(static_cast<size_t>(span), 0);

    QByteArray sql = "SELECT rk";
    const TraceColumns columns = addTraceColumns(sql, 1, ctx, false);
    Stmt st(db, sql + " FROM traces WHERE 1" + where);
    if (!st.isValid()) {
        *error = st.error();
        return false;
    }
    st.bindAll(binds, 1);
    int rc;
    std::vector<qint32> groups;
    while ((rc = sqlite3_step(st.get())) == SQLITE_ROW) {
        const qint64 rk = sqlite3_column_int64(st.get(), 0);
        if (!traceTagsPass(st.get(), columns, ctx))
            continue;
        groups.clear();
        appendTraceGroups(st.get(), columns, ctx, groups); // None and Model: included, no trace group
        const auto index = static_cast<size_t>(rk - ctx.minRk);
        ctx.traceGroupFirst[index] = static_cast<qint32>(ctx.traceGroupList.size());
        ctx.traceGroupCount[index] = static_cast<quint16>(std::min<size_t>(groups.size(), 0xffff));
        ctx.traceGroupList.insert(
            ctx.traceGroupList.end(), groups.begin(), groups.begin() + ctx.traceGroupCount[index]);
    }
    if (rc != SQLITE_DONE) {
        *error = QString::fromUtf8(sqlite3_errmsg(db));
        return false;
    }
    return true;
}

namespace {

struct ObservationSql
{
    QByteArray sql;
    QList<QByteArray> binds; ///< from ?5 on
    int cTrace = -1, cEnd = -1, cCost = -1, cInput = -1, cOutput = -1, cTotal = -1, cUsage = -1, cModel = -1;
};

ObservationSql observationSql(const Context &ctx)
{
    const MetricsQuery &q = ctx.query;
    ObservationSql s;
    s.sql = "SELECT start_ns";
    int column = 1;
    auto add = [&](const char *name) {
        s.sql += QByteArray(", ") + name;
        return column++;
    };
    if (ctx.haveTraceTable)
        s.cTrace = add("trace_rk");
    const TokenKind kind = q.effectiveTokenKind();
    switch (q.measure) {
    case Measure::Cost:
        s.cCost = add("cost");
        break;
    case Measure::Tokens:
        s.cInput = add("input_tokens");
        s.cOutput = add("output_tokens");
        s.cTotal = add("total_tokens");
        if (kind == TokenKind::All || kind == TokenKind::Cached || kind == TokenKind::Reasoning)
            s.cUsage = add("usage_details");
        break;
    default:
        s.cEnd = add("end_ns");
        break;
    }
    if (q.groupBy == Dimension::Model)
        s.cModel = add("model");
    s.sql += " FROM observations WHERE rk >= ?3 AND rk <= ?4 AND start_ns >= ?1 AND start_ns < ?2";
    switch (q.measure) {
    case Measure::Cost:
        s.sql += " AND cost <> 0";
        break;
    case Measure::Tokens:
        s.sql += " AND (input_tokens <> 0 OR output_tokens <> 0 OR total_tokens <> 0)";
        break;
    default:
        s.sql += " AND end_ns >= start_ns";
        if (q.latencyScope == LatencyScope::Generations)
            s.sql += " AND type = " + QByteArray::number(static_cast<int>(ObservationType::Generation));
        break;
    }
    if (!q.filter.models.isEmpty()) {
        QByteArrayList marks;
        for (const QString &m : q.filter.models) {
            marks << "?" + QByteArray::number(5 + s.binds.size());
            s.binds << m.toUtf8();
        }
        s.sql += " AND model IN (" + marks.join(',') + ')';
    }
    return s;
}

} // namespace

// Observation measures over observation rows [rkFrom, rkTo]. `models` interns model names for
// this worker (merged afterwards); every other group id comes from the shared trace table.
bool scanObservations(sqlite3 *db, const Context &ctx, qint64 rkFrom, qint64 rkTo, MetricsAccumulator &acc,
    KeyInterner &models, const std::atomic<bool> *cancel, QString *error)
{
    const MetricsQuery &q = ctx.query;
    const ObservationSql s = observationSql(ctx);
    Stmt st(db, s.sql);
    if (!st.isValid()) {
        *error = st.error();
        return false;
    }
    sqlite3_stmt *stmt = st.get();
    sqlite3_bind_int64(stmt, 1, q.fromNs);
    sqlite3_bind_int64(stmt, 2, q.toNs);
    sqlite3_bind_int64(stmt, 3, rkFrom);
    sqlite3_bind_int64(stmt, 4, rkTo);
    st.bindAll(s.binds, 5);

    const TimeBuckets &buckets = *ctx.buckets;
    const TokenKind kind = q.effectiveTokenKind();
    const bool allKinds = q.measure == Measure::Tokens && kind == TokenKind::All;
    const bool latency = q.measure == Measure::Latency;
    if (latency)
        acc.reserveSamples(static_cast<size_t>(std::min<qint64>(rkTo - rkFrom + 1, 4'000'000)));
    const auto traceSpan = static_cast<qint64>(ctx.traceGroupFirst.size());
    int rows = 0;
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        if ((rows++ & (kCancelCheckRows - 1)) == 0 && cancel && cancel->load(std::memory_order_relaxed)) {
            *error = QStringLiteral("cancelled");
            return false;
        }
        const qint64 start = sqlite3_column_int64(stmt, 0);
        const int bucket = buckets.indexOf(start);
        if (bucket < 0)
            continue;
        const qint32 *traceGroups = nullptr;
        int traceGroupCount = 0;
        if (s.cTrace >= 0) {
            const qint64 index = sqlite3_column_int64(stmt, s.cTrace) - ctx.minRk;
            if (index < 0 || index >= traceSpan)
                continue;
            const qint32 first = ctx.traceGroupFirst[static_cast<size_t>(index)];
            if (first < 0)
                continue;
            traceGroups = ctx.traceGroupList.data() + first;
            traceGroupCount = ctx.traceGroupCount[static_cast<size_t>(index)];
        }
        double value = 0.0;
        qint64 sample = 0;
        qint64 cached = 0;
        qint64 reasoning = 0;
        if (latency) {
            sample = sqlite3_column_int64(stmt, s.cEnd) - start;
        } else if (s.cCost >= 0) {
            value = sqlite3_column_double(stmt, s.cCost);
        } else {
            if (s.cUsage >= 0)
                usageParts(textAt(stmt, s.cUsage), cached, reasoning);
            switch (kind) {
            case TokenKind::Input:
                value = static_cast<double>(sqlite3_column_int64(stmt, s.cInput));
                break;
            case TokenKind::Output:
                value = static_cast<double>(sqlite3_column_int64(stmt, s.cOutput));
                break;
            case TokenKind::Cached:
                value = static_cast<double>(cached);
                break;
            case TokenKind::Reasoning:
                value = static_cast<double>(reasoning);
                break;
            case TokenKind::Total:
            case TokenKind::All:
                value = static_cast<double>(sqlite3_column_int64(stmt, s.cTotal));
                break;
            }
        }
        auto record = [&](int group) {
            if (latency)
                acc.addSample(group, bucket, sample);
            else
                acc.add(group, bucket, value);
        };
        if (allKinds) {
            acc.add(0, bucket, static_cast<double>(sqlite3_column_int64(stmt, s.cInput)));
            acc.add(1, bucket, static_cast<double>(sqlite3_column_int64(stmt, s.cOutput)));
            acc.add(2, bucket, static_cast<double>(cached));
            acc.add(3, bucket, static_cast<double>(reasoning));
        } else if (s.cModel >= 0) {
            record(models.intern(textAt(stmt, s.cModel)));
        } else if (traceGroups && ctx.traceDimension()) {
            for (int i = 0; i < traceGroupCount; ++i)
                record(traceGroups[i]);
        } else {
            record(0);
        }
    }
    if (rc != SQLITE_DONE) {
        *error = QString::fromUtf8(sqlite3_errmsg(db));
        return false;
    }
    if (acc.overflowed()) {
        *error = QStringLiteral(
            "too many groups for this many buckets: choose a coarser granularity or a filter");
        return false;
    }
    return true;
}

std::pair<qint64, qint64> observationRkRange(sqlite3 *db)
{
    // Two subqueries: SQLite only answers a lone min() or max() from the B-tree ends.
    Stmt range(db, "SELECT (SELECT min(rk) FROM observations), (SELECT max(rk) FROM observations)");
    if (range.isValid() && sqlite3_step(range.get()) == SQLITE_ROW
        && sqlite3_column_type(range.get(), 0) != SQLITE_NULL)
        return { sqlite3_column_int64(range.get(), 0), sqlite3_column_int64(range.get(), 1) };
    return { 0, -1 };
}

} // namespace tg::metricsscan
