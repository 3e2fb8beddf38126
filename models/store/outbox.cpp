#include "outbox.h"

#include "domain/timeformat.h"
#include "store/sqlite.h"
#include "store/storereader.h"

namespace tg {

namespace {

// An item becomes pending again (or new): it counts as queued from now.
constexpr const char *kUpsertTail
    = " ON CONFLICT(target, trace_rk) DO UPDATE SET due_seq = max(outbox.due_seq, excluded.due_seq), "
      "failed = 0, attempts = 0, next_try_ns = 0, last_error = NULL, "
      "created_ns = CASE WHEN outbox.due_seq > outbox.sent_seq THEN outbox.created_ns ELSE "
      "excluded.created_ns END";

bool run(sql::Statement &st, sql::Database &db, QString *error)
{
    if (st.run())
        return true;
    if (error)
        *error = QStringLiteral("outbox: %1").arg(db.lastSqliteError());
    return false;
}

OutboxItem readItem(const sql::Statement &st)
{
    OutboxItem item;
    item.target = st.columnText(0);
    item.traceRk = st.columnInt(1);
    item.dueSeq = st.columnInt(2);
    item.sentSeq = st.columnInt(3);
    item.attempts = int(st.columnInt(4));
    item.nextTryNs = st.columnInt(5);
    item.failed = st.columnInt(6) != 0;
    item.lastError = st.columnText(7);
    item.createdNs = st.columnInt(8);
    return item;
}

constexpr const char *kItemColumns
    = "target, trace_rk, due_seq, sent_seq, attempts, next_try_ns, failed, last_error, created_ns";

} // namespace

Outbox::Outbox(TraceStore *store)
    : m_store(store)
{
}

SubmitStatus Outbox::enqueue(
    const QString &target, const QList<qint64> &traceRks, bool resendAll, CommitCallback done)
{
    const qint64 now = nowNs();
    return m_store->submitTask(
        [target, traceRks, resendAll, now](sql::Database &db, QString *error) {
            QByteArray sql = "INSERT INTO outbox(target, trace_rk, due_seq, sent_seq, created_ns) "
                             "SELECT ?1, rk, seq, 0, ?3 FROM traces WHERE rk = ?2";
            sql += kUpsertTail;
            if (resendAll)
                sql += ", sent_seq = 0";
            sql::Statement st(db, sql.constData());
            for (const qint64 rk : traceRks) {
                st.bind(1, target);
                st.bind(2, rk);
                st.bind(3, now);
                if (!run(st, db, error))
                    return false;
            }
            return true;
        },
        std::move(done));
}

SubmitStatus Outbox::enqueueChanges(
    const QList<qint64> &traceRks, qint64 seq, const QString &target, CommitCallback done)
{
    const qint64 now = nowNs();
    return m_store->submitTask(
        [traceRks, seq, now, target](sql::Database &db, QString *error) {
            QByteArray sql = "INSERT INTO outbox(target, trace_rk, due_seq, sent_seq, created_ns) "
                             "SELECT r.target, t.rk, t.seq, 0, ?2 FROM traces t JOIN forward_rules r "
                             "ON r.source_id = t.source_id WHERE t.rk = ?1 AND (?3 = '' OR r.target = ?3)";
            sql += kUpsertTail;
            sql += " WHERE excluded.due_seq > outbox.due_seq";
            sql::Statement st(db, sql.constData());
            const QString filter = target.isNull() ? QStringLiteral("") : target;
            for (const qint64 rk : traceRks) {
                st.bind(1, rk);
                st.bind(2, now);
                st.bind(3, filter);
                if (!run(st, db, error))
                    return false;
            }
            sql::Statement scanned(
                db, "UPDATE forward_rules SET scanned_seq = max(scanned_seq, ?1) WHERE ?2 = '' OR target = ?2");
            scanned.bind(1, seq);
            scanned.bind(2, filter);
            return run(scanned, db, error);
        },
        std::move(done));
}

SubmitStatus Outbox::catchUp(const QString &target, CommitCallback done)
{
    const qint64 now = nowNs();
    return m_store->submitTask(
        [now, target](sql::Database &db, QString *error) {
            std::vector<ForwardRule> rules;
            {
                sql::Statement st(
                    db, "SELECT source_id, target, scanned_seq FROM forward_rules WHERE ?1 = '' OR target = ?1");
                st.bind(1, target.isNull() ? QStringLiteral("") : target);
                while (st.step())
                    rules.push_back(ForwardRule { st.columnInt(0), st.columnText(1), st.columnInt(2) });
            }
            QByteArray sql = "INSERT INTO outbox(target, trace_rk, due_seq, sent_seq, created_ns) "
                             "SELECT ?1, rk, seq, 0, ?3 FROM traces WHERE source_id = ?2 AND seq > ?4";
            sql += kUpsertTail;
            sql += " WHERE excluded.due_seq > outbox.due_seq";
            sql::Statement insert(db, sql.constData());
            // Traces of the transaction this task runs in may still change after it: leave the
            // newest sequence to be looked at again next time (a repeat is a no-op).
            sql::Statement scanned(db,
                "UPDATE forward_rules SET scanned_seq = max(scanned_seq, "
                "(SELECT coalesce(max(seq), 1) - 1 FROM traces WHERE source_id = ?1)) "
                "WHERE source_id = ?1 AND target = ?2");
            for (const ForwardRule &rule : rules) {
                insert.bind(1, rule.target);
                insert.bind(2, rule.sourceId);
                insert.bind(3, now);
                insert.bind(4, rule.scannedSeq);
                if (!run(insert, db, error))
                    return false;
                scanned.bind(1, rule.sourceId);
                scanned.bind(2, rule.target);
                if (!run(scanned, db, error))
                    return false;
            }
            return true;
        },
        std::move(done));
}

SubmitStatus Outbox::markSent(
    const QString &target, const std::vector<std::pair<qint64, qint64>> &sentSeqs, CommitCallback done)
{
    return m_store->submitTask(
        [target, sentSeqs](sql::Database &db, QString *error) {
            sql::Statement st(db,
                "UPDATE outbox SET sent_seq = max(sent_seq, ?3), attempts = 0, next_try_ns = 0, "
                "last_error = NULL WHERE target = ?1 AND trace_rk = ?2");
            for (const auto &[rk, seq] : sentSeqs) {
                st.bind(1, target);
                st.bind(2, rk);
                st.bind(3, seq);
                if (!run(st, db, error))
                    return false;
            }
            return true;
        },
        std::move(done));
}

SubmitStatus Outbox::markRetry(const QString &target, const QList<qint64> &traceRks, qint64 nextTryNs,
    const QString &error, CommitCallback done)
{
    return m_store->submitTask(
        [target, traceRks, nextTryNs, error](sql::Database &db, QString *err) {
            sql::Statement st(db,
                "UPDATE outbox SET attempts = attempts + 1, next_try_ns = ?3, last_error = ?4 "
                "WHERE target = ?1 AND trace_rk = ?2");
            for (const qint64 rk : traceRks) {
                st.bind(1, target);
                st.bind(2, rk);
                st.bind(3, nextTryNs);
                st.bind(4, error);
                if (!run(st, db, err))
                    return false;
            }
            return true;
        },
        std::move(done));
}

SubmitStatus Outbox::markFailed(
    const QString &target, const QList<qint64> &traceRks, const QString &error, CommitCallback done)
{
    return m_store->submitTask(
        [target, traceRks, error](sql::Database &db, QString *err) {
            sql::Statement st(db,
                "UPDATE outbox SET failed = 1, attempts = attempts + 1, last_error = ?3 "
                "WHERE target = ?1 AND trace_rk = ?2");
            for (const qint64 rk : traceRks) {
                st.bind(1, target);
                st.bind(2, rk);
                st.bind(3, error);
                if (!run(st, db, err))
                    return false;
            }
            return true;
        },
        std::move(done));
}

SubmitStatus Outbox::retryNow(const QString &target, CommitCallback done)
{
    return m_store->submitTask(
        [target](sql::Database &db, QString *error) {
            sql::Statement st(db,
                "UPDATE outbox SET failed = 0, attempts = 0, next_try_ns = 0 WHERE target = ?1 AND "
                "(failed = 1 OR (due_seq > sent_seq AND next_try_ns > 0))");
            st.bind(1, target);
            return run(st, db, error);
        },
        std::move(done));
}

SubmitStatus Outbox::clear(const QString &target, CommitCallback done)
{
    return m_store->submitTask(
        [target](sql::Database &db, QString *error) {
            sql::Statement st(db,
                "UPDATE outbox SET due_seq = sent_seq, failed = 0, attempts = 0, next_try_ns = 0, "
                "last_error = NULL WHERE target = ?1 AND (due_seq > sent_seq OR failed = 1)");
            st.bind(1, target);
            return run(st, db, error);
        },
        std::move(done));
}

SubmitStatus Outbox::forget(const QString &target, const QList<qint64> &traceRks, CommitCallback done)
{
    return m_store->submitTask(
        [target, traceRks](sql::Database &db, QString *error) {
            sql::Statement st(db, "DELETE FROM outbox WHERE target = ?1 AND trace_rk = ?2");
            for (const qint64 rk : traceRks) {
                st.bind(1, target);
                st.bind(2, rk);
                if (!run(st, db, error))
                    return false;
            }
            return true;
        },
        std::move(done));
}

SubmitStatus Outbox::setRule(
    qint64 sourceId, const QString &target, bool enabled, bool includeExisting, CommitCallback done)
{
    const qint64 now = nowNs();
    return m_store->submitTask(
        [sourceId, target, enabled, includeExisting, now](sql::Database &db, QString *error) {
            if (!enabled) {
                sql::Statement st(db, "DELETE FROM forward_rules WHERE source_id = ?1 AND target = ?2");
                st.bind(1, sourceId);
                st.bind(2, target);
                return run(st, db, error);
            }
            // Without the existing data, forwarding starts after the last commit.
            sql::Statement st(db,
                "INSERT INTO forward_rules(source_id, target, scanned_seq, created_ns) VALUES(?1, ?2, "
                "CASE WHEN ?3 THEN 0 ELSE (SELECT coalesce(max(value), 0) FROM meta WHERE key = 'seq') END, "
                "?4) "
                "ON CONFLICT(source_id, target) DO UPDATE SET scanned_seq = CASE WHEN ?3 THEN 0 ELSE "
                "forward_rules.scanned_seq END");
            st.bind(1, sourceId);
            st.bind(2, target);
            st.bind(3, includeExisting ? 1 : 0);
            st.bind(4, now);
            return run(st, db, error);
        },
        std::move(done));
}

std::vector<OutboxItem> Outbox::dueItems(StoreReader &reader, const QString &target, qint64 nowNs, int limit)
{
    std::vector<OutboxItem> items;
    const QString sql = QStringLiteral(
        "SELECT %1 FROM outbox WHERE target = ?1 AND due_seq > sent_seq AND failed = 0 AND next_try_ns <= ?2 "
        "ORDER BY next_try_ns, created_ns, trace_rk LIMIT ?3")
                            .arg(QLatin1String(kItemColumns));
    sql::Statement st;
    if (!st.prepare(reader.db(), sql))
        return items;
    st.bind(1, target);
    st.bind(2, nowNs);
    st.bind(3, limit);
    while (st.step())
        items.push_back(readItem(st));
    return items;
}

std::vector<OutboxItem> Outbox::items(StoreReader &reader, const QString &target, int limit)
{
    std::vector<OutboxItem> items;
    const QString sql
        = QStringLiteral("SELECT %1 FROM outbox WHERE target = ?1 AND (due_seq > sent_seq OR failed = 1) "
                         "ORDER BY failed DESC, created_ns, trace_rk LIMIT ?2")
              .arg(QLatin1String(kItemColumns));
    sql::Statement st;
    if (!st.prepare(reader.db(), sql))
        return items;
    st.bind(1, target);
    st.bind(2, limit);
    while (st.step())
        items.push_back(readItem(st));
    return items;
}

OutboxStats Outbox::stats(StoreReader &reader, const QString &target, qint64 nowNs, bool countSent)
{
    OutboxStats stats;
    // The partial indexes keep these cheap however many delivered rows there are.
    sql::Statement pending(reader.db(),
        "SELECT count(*), sum(next_try_ns > ?2), min(created_ns), min(CASE WHEN next_try_ns > ?2 THEN "
        "next_try_ns END) FROM outbox WHERE target = ?1 AND due_seq > sent_seq AND failed = 0");
    pending.bind(1, target);
    pending.bind(2, nowNs);
    if (pending.step()) {
        stats.pending = pending.columnInt(0);
        stats.waiting = pending.columnInt(1);
        stats.oldestPendingNs = pending.isNull(2) ? 0 : pending.columnInt(2);
        stats.nextTryNs = pending.isNull(3) ? 0 : pending.columnInt(3);
    }
    sql::Statement failed(
        reader.db(), "SELECT count(*), max(last_error) FROM outbox WHERE target = ?1 AND failed = 1");
    failed.bind(1, target);
    if (failed.step()) {
        stats.failed = failed.columnInt(0);
        stats.lastError = failed.columnText(1);
    }
    sql::Statement error(reader.db(),
        "SELECT last_error FROM outbox WHERE target = ?1 AND due_seq > sent_seq AND failed = 0 AND "
        "last_error IS NOT NULL ORDER BY next_try_ns DESC LIMIT 1");
    error.bind(1, target);
    if (error.step())
        stats.lastError = error.columnText(0);
    if (countSent) {
        sql::Statement total(reader.db(), "SELECT count(*) FROM outbox WHERE target = ?1");
        total.bind(1, target);
        if (total.step())
            stats.sent = std::max<qint64>(0, total.columnInt(0) - stats.pending - stats.failed);
    }
    return stats;
}

std::vector<ForwardRule> Outbox::rules(StoreReader &reader)
{
    std::vector<ForwardRule> rules;
    sql::Statement st(
        reader.db(), "SELECT source_id, target, scanned_seq FROM forward_rules ORDER BY source_id");
    while (st.step())
        rules.push_back(ForwardRule { st.columnInt(0), st.columnText(1), st.columnInt(2) });
    return rules;
}

QStringList Outbox::targets(StoreReader &reader)
{
    QStringList targets;
    sql::Statement st(
        reader.db(), "SELECT DISTINCT target FROM outbox UNION SELECT target FROM forward_rules ORDER BY 1");
    while (st.step())
        targets.append(st.columnText(0));
    return targets;
}

} // namespace tg
