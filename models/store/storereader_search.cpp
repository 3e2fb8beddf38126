// StoreReader: full-text search over payloads, and the distinct values behind completion lists.
#include "storereader.h"

#include <QRegularExpression>

namespace tg {

namespace {

/// Upper bound for a prefix range scan: every string starting with `prefix` sorts below it.
QString prefixEnd(const QString &prefix)
{
    return prefix + QChar(0xFFFF);
}

} // namespace

QString StoreReader::fullTextQuery(const QString &text)
{
    static const QRegularExpression separators(QStringLiteral("[\\s\"]+"));
    const QStringList words = text.split(separators, Qt::SkipEmptyParts);
    QStringList phrases;
    for (int i = 0; i < words.size(); ++i) {
        QString phrase = u'"' + words[i] + u'"';
        if (i == words.size() - 1)
            phrase += u'*';
        phrases.append(phrase);
    }
    return phrases.join(u' ');
}

FullTextResult StoreReader::search(const QString &text, int limit, std::optional<qint64> traceRk)
{
    FullTextResult result;
    const qint64 indexed = fullTextIndexedRk();
    result.backlog = std::max<qint64>(0, payloadHead() - indexed);
    const QString query = fullTextQuery(text);
    if (query.isEmpty())
        return result;

    QSet<qint64> seen;
    auto addHit = [&](qint64 payloadRk, qint64 trace, qint64 observation) {
        if (seen.contains(payloadRk))
            return;
        seen.insert(payloadRk);
        result.hits.push_back(FullTextHit { trace, observation });
    };

    if (m_hasFullText) {
        // Stale index entries (payloads replaced since) fall out in the join with payloads.
        QString sql = QStringLiteral(
            "SELECT p.rk, p.trace_rk, coalesce(p.obs_rk, 0) FROM "
            "(SELECT rowid AS hit FROM fts.payload_fts WHERE payload_fts MATCH ?1 %1 "
            "ORDER BY rowid DESC LIMIT ?2) JOIN payloads p ON p.rk = hit %2 ORDER BY p.rk DESC");
        QString rangeClause, traceClause;
        qint64 minRk = 0, maxRk = 0;
        if (traceRk) {
            sql::Statement range(m_db,
                "SELECT min(p), max(p) FROM (SELECT payload_rk AS p FROM observations WHERE "
                "trace_rk = ?1 UNION ALL SELECT payload_rk FROM traces WHERE rk = ?1)");
            range.bind(1, *traceRk);
            if (range.step()) {
                minRk = range.columnInt(0);
                maxRk = range.columnInt(1);
            }
            rangeClause = QStringLiteral("AND rowid BETWEEN ?3 AND ?4");
            traceClause = QStringLiteral("WHERE p.trace_rk = ?5");
        }
        sql::Statement st;
        if (!st.prepare(m_db, sql.arg(rangeClause, traceClause))) {
            result.error = st.error();
            return result;
        }
        st.bind(1, query);
        // Ask for more than needed: some hits may be stale or (per trace) belong elsewhere.
        const int fetch = traceRk ? 1'000'000 : limit + 1 + limit / 4;
        st.bind(2, fetch);
        if (traceRk) {
            st.bind(3, minRk);
            st.bind(4, maxRk);
            st.bind(5, *traceRk);
        }
        while (st.step()) {
            if (static_cast<int>(result.hits.size()) >= limit) {
                result.truncated = true;
                break;
            }
            addHit(st.columnInt(0), st.columnInt(1), st.columnInt(2));
        }
        if (st.hadError()) {
            result.error = QStringLiteral("search failed: %1").arg(st.error());
            return result;
        }
    }

    // Rows the index has not reached yet are scanned, but only inside one trace: a whole-store
    // scan would be slow, and the caller shows the backlog instead.
    if (traceRk && (result.backlog > 0 || !m_hasFullText)) {
        static const QRegularExpression separators(QStringLiteral("[\\s\"]+"));
        const QStringList words = text.toLower().split(separators, Qt::SkipEmptyParts);
        QString sql = QStringLiteral("SELECT rk, trace_rk, coalesce(obs_rk, 0) FROM payloads WHERE rk IN "
                                     "(SELECT payload_rk FROM observations WHERE trace_rk = ?1 UNION ALL "
                                     "SELECT payload_rk FROM traces WHERE rk = ?1) AND rk > ?2");
        for (int i = 0; i < words.size(); ++i) {
            sql += QStringLiteral(
                " AND (instr(lower(coalesce(name, '')), ?%1) OR instr(lower(coalesce(input, '')), ?%1) "
                "OR instr(lower(coalesce(output, '')), ?%1))")
                       .arg(i + 3);
        }
        sql::Statement st;
        st.prepare(m_db, sql);
        st.bind(1, *traceRk);
        st.bind(2, m_hasFullText ? indexed : 0);
        for (int i = 0; i < words.size(); ++i)
            st.bind(i + 3, words[i]);
        while (st.step() && static_cast<int>(result.hits.size()) < limit)
            addHit(st.columnInt(0), st.columnInt(1), st.columnInt(2));
    }
    return result;
}

QStringList StoreReader::distinctStrings(const char *sql, const QString &prefix, int limit, int kind)
{
    QStringList values;
    sql::Statement st(m_db, sql);
    const QString start = prefix.isNull() ? QStringLiteral("") : prefix; // a null QString would bind NULL
    st.bind(1, start);
    st.bind(2, prefixEnd(start));
    st.bind(3, limit);
    if (kind >= 0)
        st.bind(4, kind);
    while (st.step())
        values.append(st.columnText(0));
    return values;
}

QStringList StoreReader::traceNames(const QString &prefix, int limit)
{
    return distinctStrings(
        "SELECT DISTINCT name FROM trace_names WHERE name >= ?1 AND name < ?2 AND count > 0 "
        "ORDER BY name LIMIT ?3",
        prefix, limit);
}

QStringList StoreReader::userIds(const QString &prefix, int limit)
{
    return distinctStrings(
        "SELECT DISTINCT user_id FROM traces WHERE user_id >= ?1 AND user_id < ?2 ORDER BY user_id LIMIT ?3",
        prefix, limit);
}

QStringList StoreReader::sessionIds(const QString &prefix, int limit)
{
    return distinctStrings(
        "SELECT DISTINCT session_id FROM traces WHERE session_id >= ?1 AND session_id < ?2 "
        "ORDER BY session_id LIMIT ?3",
        prefix, limit);
}

QStringList StoreReader::tags(const QString &prefix, int limit)
{
    return distinctStrings(
        "SELECT DISTINCT tag FROM trace_tags WHERE tag >= ?1 AND tag < ?2 ORDER BY tag LIMIT ?3", prefix,
        limit);
}

QStringList StoreReader::facetValues(FacetKind kind, const QString &prefix, int limit)
{
    return distinctStrings(
        "SELECT value FROM facets WHERE value >= ?1 AND value < ?2 AND kind = ?4 ORDER BY value LIMIT ?3",
        prefix, limit, static_cast<int>(kind));
}

qint64 StoreReader::payloadHead()
{
    return m_db.queryInt("SELECT coalesce(max(rk), 0) FROM payloads").value_or(0);
}

qint64 StoreReader::fullTextIndexedRk()
{
    if (!m_hasFullText)
        return 0;
    return m_db.queryInt("SELECT value FROM fts.fts_state WHERE key = 'indexed_rk'").value_or(0);
}

} // namespace tg
