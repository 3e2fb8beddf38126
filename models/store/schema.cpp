#include "schema.h"

#include "sqlite.h"

#include <array>

namespace tg::schema {

namespace {

// Ids are declared BLOB so SQLite applies no affinity: compact ids are blobs, other ids text.
// Payloads (input/output/metadata) live in their own table so that list and tree queries never
// touch them and the indexed rows stay small.
constexpr const char *kMigration1 = R"sql(
CREATE TABLE meta(key TEXT PRIMARY KEY, value) WITHOUT ROWID;
INSERT INTO meta(key, value) VALUES('seq', 0);

CREATE TABLE sources(
    id INTEGER PRIMARY KEY,
    kind INTEGER NOT NULL,
    key TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    detail TEXT,
    created_ns INTEGER NOT NULL
);

CREATE TABLE traces(
    rk INTEGER PRIMARY KEY,
    source_id INTEGER NOT NULL,
    id BLOB NOT NULL,
    name TEXT,
    ts_given INTEGER,
    ts INTEGER,
    user_id TEXT,
    session_id TEXT,
    release TEXT,
    version TEXT,
    environment TEXT,
    public INTEGER,
    tags TEXT,
    agent TEXT,
    start_ns INTEGER,
    end_ns INTEGER,
    latency_ns INTEGER,
    obs_count INTEGER NOT NULL DEFAULT 0,
    input_tokens INTEGER NOT NULL DEFAULT 0,
    output_tokens INTEGER NOT NULL DEFAULT 0,
    total_tokens INTEGER NOT NULL DEFAULT 0,
    cost REAL NOT NULL DEFAULT 0,
    error_count INTEGER NOT NULL DEFAULT 0,
    warning_count INTEGER NOT NULL DEFAULT 0,
    level INTEGER NOT NULL DEFAULT 1,
    models TEXT,
    payload_rk INTEGER,
    seq INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX traces_key ON traces(source_id, id);
CREATE INDEX traces_ts ON traces(ts);
CREATE INDEX traces_source_ts ON traces(source_id, ts);
CREATE INDEX traces_name ON traces(name, ts);
CREATE INDEX traces_session ON traces(session_id, source_id);
CREATE INDEX traces_user ON traces(user_id, ts);
CREATE INDEX traces_latency ON traces(latency_ns);
CREATE INDEX traces_cost ON traces(cost);
CREATE INDEX traces_tokens ON traces(total_tokens);

CREATE TABLE trace_tags(
    tag TEXT NOT NULL,
    trace_rk INTEGER NOT NULL,
    PRIMARY KEY(tag, trace_rk)
) WITHOUT ROWID;

CREATE TABLE trace_names(
    source_id INTEGER NOT NULL,
    name TEXT NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY(source_id, name)
) WITHOUT ROWID;

-- payloads.trace_rk has no index on purpose: it would cost an index write per observation;
-- a trace's payloads are found through observations.payload_rk and traces.payload_rk.

-- Distinct values for completion and filter menus (environments, models, agents). Only ever
-- grows; a stale entry costs one useless suggestion.
CREATE TABLE facets(
    kind INTEGER NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY(kind, value)
) WITHOUT ROWID;

CREATE TABLE observations(
    rk INTEGER PRIMARY KEY,
    trace_rk INTEGER NOT NULL,
    id BLOB NOT NULL,
    parent_id BLOB,
    type INTEGER NOT NULL DEFAULT 0,
    name TEXT,
    start_ns INTEGER,
    end_ns INTEGER,
    completion_start_ns INTEGER,
    model TEXT,
    model_parameters TEXT,
    level INTEGER NOT NULL DEFAULT 1,
    status_message TEXT,
    input_tokens INTEGER NOT NULL DEFAULT 0,
    output_tokens INTEGER NOT NULL DEFAULT 0,
    total_tokens INTEGER NOT NULL DEFAULT 0,
    cost REAL NOT NULL DEFAULT 0,
    usage_details TEXT,
    cost_details TEXT,
    prompt_name TEXT,
    prompt_version INTEGER,
    version TEXT,
    environment TEXT,
    payload_rk INTEGER,
    seq INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX observations_key ON observations(trace_rk, id);

CREATE TABLE payloads(
    rk INTEGER PRIMARY KEY,
    trace_rk INTEGER NOT NULL,
    obs_rk INTEGER,
    name TEXT,
    input TEXT,
    output TEXT,
    metadata TEXT
);

CREATE TABLE scores(
    rk INTEGER PRIMARY KEY,
    source_id INTEGER NOT NULL,
    id BLOB NOT NULL,
    trace_id BLOB,
    observation_id BLOB,
    session_id TEXT,
    name TEXT,
    value REAL,
    string_value TEXT,
    data_type INTEGER,
    score_source TEXT,
    comment TEXT,
    ts INTEGER,
    environment TEXT,
    metadata TEXT,
    seq INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX scores_key ON scores(source_id, id);
CREATE INDEX scores_trace ON scores(source_id, trace_id);
CREATE INDEX scores_session ON scores(source_id, session_id);

CREATE TABLE sync_state(
    source_id INTEGER NOT NULL,
    key TEXT NOT NULL,
    value TEXT,
    PRIMARY KEY(source_id, key)
) WITHOUT ROWID;
)sql";

// Sessions become a maintained table instead of a GROUP BY over traces, so the sessions page
// stays fast over millions of traces. Existing traces are folded in.
constexpr const char *kMigration2 = R"sql(
CREATE TABLE sessions(
    source_id INTEGER NOT NULL,
    id TEXT NOT NULL,
    first_ns INTEGER,
    last_ns INTEGER,
    trace_count INTEGER NOT NULL DEFAULT 0,
    user_id TEXT,
    total_tokens INTEGER NOT NULL DEFAULT 0,
    cost REAL NOT NULL DEFAULT 0,
    error_count INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY(source_id, id)
) WITHOUT ROWID;
CREATE INDEX sessions_last ON sessions(last_ns);
INSERT INTO sessions(source_id, id, first_ns, last_ns, trace_count, user_id, total_tokens, cost, error_count)
    SELECT source_id, session_id, min(ts), max(coalesce(end_ns, ts)), count(*), max(user_id),
           sum(total_tokens), sum(cost), sum(error_count)
    FROM traces WHERE session_id IS NOT NULL GROUP BY source_id, session_id;
)sql";

// The forwarder's outbox: which traces still have changes a forward target (a Langfuse
// connection) has not accepted. A row stays after the trace is sent (due_seq == sent_seq), so a
// later change sends only what changed since. Rules say which sources are forwarded as data
// arrives; scanned_seq is how far the store's commits were looked at for them, so changes that
// came in while the app was closed are caught up on the next start.
constexpr const char *kMigration3 = R"sql(
CREATE TABLE outbox(
    target TEXT NOT NULL,
    trace_rk INTEGER NOT NULL,
    due_seq INTEGER NOT NULL,
    sent_seq INTEGER NOT NULL DEFAULT 0,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_try_ns INTEGER NOT NULL DEFAULT 0,
    failed INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    created_ns INTEGER NOT NULL,
    PRIMARY KEY(target, trace_rk)
) WITHOUT ROWID;
CREATE INDEX outbox_due ON outbox(target, next_try_ns) WHERE due_seq > sent_seq AND failed = 0;
CREATE INDEX outbox_failed ON outbox(target) WHERE failed = 1;

CREATE TABLE forward_rules(
    source_id INTEGER NOT NULL,
    target TEXT NOT NULL,
    scanned_seq INTEGER NOT NULL DEFAULT 0,
    created_ns INTEGER NOT NULL,
    PRIMARY KEY(source_id, target)
) WITHOUT ROWID;
)sql";

constexpr std::array<const char *, 3> kMigrations { kMigration1, kMigration2, kMigration3 };

} // namespace

int latestVersion()
{
    return static_cast<int>(kMigrations.size());
}

int currentVersion(sql::Database &db)
{
    return static_cast<int>(db.queryInt("PRAGMA user_version").value_or(0));
}

bool migrate(sql::Database &db, QString *error, int target)
{
    if (target < 0)
        target = latestVersion();
    const int current = currentVersion(db);
    if (current > latestVersion()) {
        if (error)
            *error = QStringLiteral(
                "the store was written by a newer Traceglass (schema %1, this build knows %2)")
                         .arg(current)
                         .arg(latestVersion());
        return false;
    }
    for (int version = current + 1; version <= target; ++version) {
        sql::Transaction tx(db);
        if (!tx.isActive()) {
            if (error)
                *error = db.error();
            return false;
        }
        if (!db.exec(kMigrations.at(static_cast<size_t>(version - 1)))
            || !db.exec(QStringLiteral("PRAGMA user_version = %1").arg(version))) {
            if (error)
                *error = QStringLiteral("migration to schema %1 failed: %2").arg(version).arg(db.error());
            return false;
        }
        if (!tx.commit()) {
            if (error)
                *error = QStringLiteral("migration to schema %1 could not commit: %2")
                             .arg(version)
                             .arg(db.lastSqliteError());
            return false;
        }
    }
    return true;
}

bool createFullTextSchema(sql::Database &db, QString *error)
{
    // Contentless and without positions: we only ever ask "which rows contain these terms",
    // which keeps the index small and indexing fast. Stale rows are filtered at query time.
    const char *ddl = R"sql(
CREATE VIRTUAL TABLE IF NOT EXISTS payload_fts USING fts5(
    name, input, output, content='', detail=none, tokenize='unicode61 remove_diacritics 2');
CREATE TABLE IF NOT EXISTS fts_state(key TEXT PRIMARY KEY, value INTEGER) WITHOUT ROWID;
INSERT OR IGNORE INTO fts_state(key, value) VALUES('indexed_rk', 0);
)sql";
    if (!db.exec(ddl)) {
        if (error)
            *error = QStringLiteral("cannot create the full-text index: %1").arg(db.error());
        return false;
    }
    return true;
}

} // namespace tg::schema
