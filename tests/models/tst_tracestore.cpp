// Store behaviour: schema, upserts and merges, totals, sessions, list filters and sorts,
// full-text search and its backlog, and the error paths of the writer.
#include "domain/timeformat.h"
#include "store/schema.h"
#include "store/sqlite.h"
#include "store/storereader.h"
#include "store/tracestore.h"
#include "store/writecontext.h"
#include "storetestutil.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <optional>
#include <sqlite3.h>

using namespace tg;

namespace {

constexpr qint64 kSecond = 1'000'000'000;
const qint64 kBase = 1'780'000'000LL * kSecond;

ObservationRecord observation(
    const QString &id, const QString &traceId, const QString &parent, qint64 startS, qint64 endS)
{
    ObservationRecord o;
    o.id = id;
    o.traceId = traceId;
    o.parentId = parent;
    o.type = ObservationType::Span;
    o.name = QStringLiteral("span-") + id;
    o.startNs = kBase + startS * kSecond;
    o.endNs = kBase + endS * kSecond;
    return o;
}

TraceRecord trace(const QString &id, const QString &name)
{
    TraceRecord t;
    t.id = id;
    t.name = name;
    return t;
}

QJsonObject jsonObject(const QByteArray &text)
{
    return QJsonDocument::fromJson(text).object();
}

} // namespace

class TestTraceStore : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    int m_counter = 0;

    /// A store at `path` holding 30,000 payloads that no full-text index has seen yet.
    void buildFullTextBacklog(const QString &path)
    {
        StoreOptions options;
        options.path = path;
        options.fullTextIndex = false;
        auto store = openStore(options);
        const qint64 src = store->ensureSource(
            SourceKind::LocalReceiver, QStringLiteral("local"), QStringLiteral("Local"));
        const QByteArray text = R"("a long enough input to take the indexer a moment")";
        for (int b = 0; b < 10; ++b) {
            WriteBatch batch;
            batch.sourceId = src;
            for (int i = 0; i < 3000; ++i) {
                ObservationRecord o = observation(
                    QStringLiteral("o%1-%2").arg(b).arg(i), QStringLiteral("t%1").arg(b), {}, 0, 1);
                o.input = text;
                batch.observations.push_back(o);
            }
            QVERIFY(submitAndWait(*store, batch));
        }
    }

    static void waitForIndexerToSeeBacklog(const TraceStore &store)
    {
        QElapsedTimer started;
        started.start();
        while (store.fullTextBacklog() == 0 && started.elapsed() < 5000)
            std::this_thread::yield(); // the indexer thread has not looked at the store yet
    }

    std::unique_ptr<TraceStore> openStore(StoreOptions options = {})
    {
        if (options.path.isEmpty())
            options.path = m_dir.filePath(QStringLiteral("store-%1.db").arg(++m_counter));
        QString error;
        auto store = TraceStore::open(options, &error);
        if (!store)
            qWarning() << error;
        return store;
    }

    static bool submitAndWait(TraceStore &store, WriteBatch batch, CommitResult *result = nullptr)
    {
        std::promise<CommitResult> done;
        auto future = done.get_future();
        if (store.submit(std::move(batch), [&done](const CommitResult &r) { done.set_value(r); })
            != SubmitStatus::Queued)
            return false;
        const CommitResult r = future.get();
        if (result)
            *result = r;
        return r.ok;
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void createsSchemaInWalMode()
    {
        auto store = openStore();
        QVERIFY(store);
        sql::Database db;
        QVERIFY(db.open(store->path(), sql::Database::Mode::ReadOnly));
        QCOMPARE(schema::currentVersion(db), schema::latestVersion());
        sql::Statement mode(db, "PRAGMA journal_mode");
        QVERIFY(mode.step());
        QCOMPARE(mode.columnText(0), QStringLiteral("wal"));
        QVERIFY(QFile::exists(store->fullTextPath()));
    }

    void ensureSourceIsIdempotent()
    {
        auto store = openStore();
        const qint64 a = store->ensureSource(
            SourceKind::LocalReceiver, QStringLiteral("local"), QStringLiteral("Local"));
        const qint64 b = store->ensureSource(
            SourceKind::LocalReceiver, QStringLiteral("local"), QStringLiteral("Other name"));
        const qint64 c
            = store->ensureSource(SourceKind::File, QStringLiteral("file:/x.json"), QStringLiteral("x.json"));
        QVERIFY(a > 0);
        QCOMPARE(a, b);
        QVERIFY(c != a);
        auto reader = store->reader();
        const auto sources = reader->sources();
        QCOMPARE(sources.size(), size_t(2));
        QCOMPARE(sources[0].name, QStringLiteral("Local"));
        QCOMPARE(sources[1].kind, SourceKind::File);
    }

    void storesAndReadsBackATrace()
    {
        auto store = openStore();
        const qint64 src = store->ensureSource(
            SourceKind::LocalReceiver, QStringLiteral("local"), QStringLiteral("Local"));
        WriteBatch batch;
        batch.sourceId = src;
        TraceRecord t = trace(QStringLiteral("0af7651916cd43dd8448eb211c80319c"), QStringLiteral("chat"));
        t.userId = QStringLiteral("alice");
        t.sessionId = QStringLiteral("s1");
        t.tags = { QStringLiteral("prod"), QStringLiteral("agent:Planner") };
        t.input = R"({"question":"why is the sky blue"})";
        t.metadata = R"({"a":1})";
        batch.traces.push_back(t);
        ObservationRecord root = observation(QStringLiteral("b7ad6b7169203331"), t.id, {}, 0, 4);
        ObservationRecord gen = observation(QStringLiteral("00f067aa0ba902b7"), t.id, root.id, 1, 3);
        gen.type = ObservationType::Generation;
        gen.model = QStringLiteral("gpt-4o");
        gen.usage.set(QStringLiteral("input"), 100);
        gen.usage.set(QStringLiteral("input_cached_tokens"), 20);
        gen.usage.set(QStringLiteral("output"), 50);
        gen.cost.set(QStringLiteral("total"), 0.25);
        gen.level = Level::Warning;
        gen.input = R"([{"role":"user","content":"rayleigh scattering"}])";
        batch.observations = { root, gen };
        CommitResult result;
        QVERIFY(submitAndWait(*store, batch, &result));
        QVERIFY(result.seq > 0);

        auto reader = store->reader();
        const auto row = reader->traceById(src, t.id);
        QVERIFY(row);
        QCOMPARE(row->id, t.id);
        QCOMPARE(row->name, QStringLiteral("chat"));
        QCOMPARE(row->userId, QStringLiteral("alice"));
        QCOMPARE(row->observationCount, 2);
        QCOMPARE(row->inputTokens, qint64(120));
        QCOMPARE(row->outputTokens, qint64(50));
        QCOMPARE(row->totalTokens, qint64(170));
        QCOMPARE(row->cost, 0.25);
        QCOMPARE(row->latencyNs, 4 * kSecond);
        QCOMPARE(row->timestampNs, kBase);
        QCOMPARE(row->level, Level::Warning);
        QCOMPARE(row->warningCount, 1);
        QCOMPARE(row->tags, QStringList({ QStringLiteral("prod"), QStringLiteral("agent:Planner") }));

        const auto detail = reader->traceDetail(row->rk);
        QVERIFY(detail);
        QCOMPARE(jsonObject(detail->input).value(QStringLiteral("question")).toString(),
            QStringLiteral("why is the sky blue"));

        const auto observations = reader->observations(row->rk);
        QCOMPARE(observations.size(), size_t(2));
        const ObservationRow &g = observations[0].id == gen.id ? observations[0] : observations[1];
        QCOMPARE(g.parentId, root.id);
        QCOMPARE(g.type, ObservationType::Generation);
        QCOMPARE(g.model, QStringLiteral("gpt-4o"));
        const auto od = reader->observationDetail(g.rk);
        QVERIFY(od);
        QCOMPARE(od->traceId, t.id);
        QCOMPARE(od->usage.value(QStringLiteral("input_cached_tokens")), qint64(20));
        QCOMPARE(od->cost.total(), 0.25);
        QVERIFY(od->input.contains("rayleigh"));

        TraceQuery byAgent;
        byAgent.filter.agent = QStringLiteral("Planner");
        QCOMPARE(reader->traces(byAgent, 0, 10).size(), size_t(1));
    }

    void textFieldsRoundTripInAnyScript()
    {
        // Text is bound as UTF-8 (ASCII without an allocation): every script, empty strings and
        // values past the short-string buffer must come back unchanged.
        auto store = openStore();
        const qint64 src = store->ensureSource(
            SourceKind::LocalReceiver, QStringLiteral("local"), QStringLiteral("Local"));
        const QStringList names = { QStringLiteral("plain-ascii"), QString::fromUtf8("résumé-ñ"),
            QString::fromUtf8("工具调用 🚀 emoji"), QString(300, QLatin1Char('x')),
            QString(255, QLatin1Char('a')) + QString::fromUtf8("é"),
            QString::fromUtf8("ü") + QString(400, QLatin1Char('b')), QString(QLatin1String("")) };
        WriteBatch batch;
        batch.sourceId = src;
        for (int i = 0; i < names.size(); ++i) {
            const QString id = QStringLiteral("%1").arg(i + 1, 32, 10, QLatin1Char('0'));
            TraceRecord t = trace(id, names[i]);
            t.userId = names[i];
            batch.traces.push_back(t);
            ObservationRecord o
                = observation(QStringLiteral("%1").arg(i + 1, 16, 10, QLatin1Char('0')), id, {}, 0, 1);
            o.name = names[i];
            o.model = names[i];
            batch.observations.push_back(o);
        }
        QVERIFY(submitAndWait(*store, batch));
        auto reader = store->reader();
        for (int i = 0; i < names.size(); ++i) {
            const auto row
                = reader->traceById(src, QStringLiteral("%1").arg(i + 1, 32, 10, QLatin1Char('0')));
            QVERIFY(row);
            QCOMPARE(row->userId, names[i]);
            const auto observations = reader->observations(row->rk);
            QCOMPARE(observations.size(), size_t(1));
            QCOMPARE(observations[0].name, names[i]);
            QCOMPARE(observations[0].model, names[i]);
        }
    }

    void upsertMergesFieldsMetadataAndTotals()
    {
        auto store = openStore();
        const qint64 src = store->ensureSource(
            SourceKind::LocalReceiver, QStringLiteral("local"), QStringLiteral("Local"));
        const QString traceId = QStringLiteral("11111111-2222-3333-4444-555555555555");
        WriteBatch first;
        first.sourceId = src;
        TraceRecord t = trace(traceId, QStringLiteral("first-name"));
        t.userId = QStringLiteral("bob");
        t.tags = { QStringLiteral("a") };
        t.metadata = R"({"keep":"yes","nested":{"x":1}})";
        first.traces.push_back(t);
        ObservationRecord gen = observation(QStringLiteral("gen-1"), traceId, {}, 0, 1);
        gen.type = ObservationType::Generation;
        gen.usage.set(QStringLiteral("input"), 10);
        gen.cost.set(QStringLiteral("input"), 0.1);
        gen.input = R"("hello")";
        gen.metadata = R"({"m1":1})";
        first.observations.push_back(gen);
        QVERIFY(submitAndWait(*store, first));

        // A later update carries only some fields: the rest must survive.
        WriteBatch second;
        second.sourceId = src;
        TraceRecord update;
        update.id = traceId;
        update.tags = { QStringLiteral("b"), QStringLiteral("a") };
        update.metadata = R"({"added":true,"nested":{"y":2}})";
        second.traces.push_back(update);
        ObservationRecord genUpdate;
        genUpdate.id = QStringLiteral("gen-1");
        genUpdate.traceId = traceId;
        genUpdate.endNs = kBase + 5 * kSecond;
        genUpdate.usage.set(QStringLiteral("output"), 7);
        genUpdate.cost.set(QStringLiteral("output"), 0.2);
        genUpdate.output = R"("world")";
        genUpdate.metadata = R"({"m2":2})";
        genUpdate.level = Level::Error;
        genUpdate.statusMessage = QStringLiteral("rate limited");
        second.observations.push_back(genUpdate);
        QVERIFY(submitAndWait(*store, second));

        auto reader = store->reader();
        const auto row = reader->traceById(src, traceId);
        QVERIFY(row);
        QCOMPARE(row->name, QStringLiteral("first-name"));
        QCOMPARE(row->userId, QStringLiteral("bob"));
        QCOMPARE(row->tags, QStringList({ QStringLiteral("a"), QStringLiteral("b") }));
        QCOMPARE(row->observationCount, 1); // the update did not count twice
        QCOMPARE(row->inputTokens, qint64(10));
        QCOMPARE(row->outputTokens, qint64(7));
        QCOMPARE(row->totalTokens, qint64(17));
        QVERIFY(qAbs(row->cost - 0.3) < 1e-9);
        QCOMPARE(row->latencyNs, 5 * kSecond);
        QCOMPARE(row->errorCount, 1);
        QCOMPARE(row->level, Level::Error);

        const auto detail = reader->traceDetail(row->rk);
        const QJsonObject meta = jsonObject(detail->metadata);
        QCOMPARE(meta.value(QStringLiteral("keep")).toString(), QStringLiteral("yes"));
        QCOMPARE(meta.value(QStringLiteral("added")).toBool(), true);
        QCOMPARE(meta.value(QStringLiteral("nested")).toObject().value(QStringLiteral("x")).toInt(), 1);
        QCOMPARE(meta.value(QStringLiteral("nested")).toObject().value(QStringLiteral("y")).toInt(), 2);

        const auto observations = reader->observations(row->rk);
        QCOMPARE(observations.size(), size_t(1));
        const auto od = reader->observationDetail(observations[0].rk);
        QCOMPARE(od->row.name, QStringLiteral("span-gen-1"));
        QCOMPARE(od->row.type, ObservationType::Generation);
        QCOMPARE(od->row.startNs, kBase);
        QCOMPARE(od->row.endNs, kBase + 5 * kSecond);
        QCOMPARE(od->input, QByteArray(R"("hello")"));
        QCOMPARE(od->output, QByteArray(R"("world")"));
        QCOMPARE(jsonObject(od->metadata).size(), 2);
        QCOMPARE(od->statusMessage, QStringLiteral("rate limited"));
        QCOMPARE(od->usage.value(QStringLiteral("input")), qint64(10));
        QCOMPARE(od->usage.value(QStringLiteral("output")), qint64(7));

        // Only the newer write is newer than the first commit.
        QCOMPARE(reader->observations(row->rk, od->row.writeSeq).size(), size_t(0));
        QCOMPARE(reader->observations(row->rk, od->row.writeSeq - 1).size(), size_t(1));
    }

    void observationBeforeItsTraceCreatesAndLaterFillsTheTrace()
    {
        auto store = openStore();
        const qint64 src = store->ensureSource(
            SourceKind::LocalReceiver, QStringLiteral("local"), QStringLiteral("Local"));
        WriteBatch early;
        early.sourceId = src;
        early.observations.push_back(
            observation(QStringLiteral("aa"), QStringLiteral("t-late"), QStringLiteral("missing"), 2, 3));
        QVERIFY(submitAndWait(*store, early));
        {
            auto reader = store->reader();
            const auto row = reader->traceById(src, QStringLiteral("t-late"));
            QVERIFY(row);
            QVERIFY(row->name.isNull());
            QCOMPARE(row->timestampNs, kBase + 2 * kSecond);
        }
        WriteBatch late;
        late.sourceId = src;
        TraceRecord t = trace(QStringLiteral("t-late"), QStringLiteral("named later"));
        t.timestampNs = kBase;
        late.traces.push_back(t);
        QVERIFY(submitAndWait(*store, late));
        auto reader = store->reader();
        const auto row = reader->traceById(src, QStringLiteral("t-late"));
        QCOMPARE(row->name, QStringLiteral("named later"));
        QCOMPARE(row->timestampNs, kBase);
        // A later record with a later timestamp does not move the trace forward.
        WriteBatch later;
        later.sourceId = src;
        TraceRecord child;
        child.id = QStringLiteral("t-late");
        child.timestampNs = kBase + 9 * kSecond;
        later.traces.push_back(child);
        QVERIFY(submitAndWait(*store, later));
        QCOMPARE(store->reader()->traceById(src, QStringLiteral("t-late"))->timestampNs, kBase);
        QCOMPARE(row->observationCount, 1);
        QCOMPARE(
            reader->traceNames(QStringLiteral("named"), 10), QStringList { QStringLiteral("named later") });
    }

    void updateWithoutTraceIdFindsItsObservation_data()
    {
        // Between the create and the update, observations of other traces may stream in (the
        // writer's memory of observation -> trace is a fixed-size cache).
        QTest::addColumn<int>("othersBetween");
        QTest::newRow("right after") << 0;
        QTest::newRow("after 20,000 others") << 20'000;
    }

    void updateWithoutTraceIdFindsItsObservation()
    {
        QFETCH(int, othersBetween);
        auto store = openStore();
        const qint64 src = store->ensureSource(
            SourceKind::LocalReceiver, QStringLiteral("local"), QStringLiteral("Local"));
        WriteBatch create;
        create.sourceId = src;
        create.observations.push_back(
            observation(QStringLiteral("obs-x"), QStringLiteral("trace-x"), {}, 0, 1));
        QVERIFY(submitAndWait(*store, create));
        if (othersBetween > 0) {
            WriteBatch others;
            others.sourceId = src;
            for (int i = 0; i < othersBetween; ++i)
                others.observations.push_back(observation(QStringLiteral("other-%1").arg(i),
                    QStringLiteral("other-trace-%1").arg(i / 8), {}, 0, 1));
            QVERIFY(submitAndWait(*store, others));
        }
        WriteBatch update;
        update.sourceId = src;
        ObservationRecord u;
        u.id = QStringLiteral("obs-x");
        u.output = R"("done")";
        update.observations.push_back(u);
        QVERIFY(submitAndWait(*store, update));
        auto reader = store->reader();
        const auto row = reader->traceById(src, QStringLiteral("trace-x"));
        QVERIFY(row);
        const auto observations = reader->observations(row->rk);
        QCOMPARE(observations.size(), size_t(1));
        QCOMPARE(reader->observationDetail(observations[0].rk)->output, QByteArray(R"("done")"));
        // No trace of its own was made for the update.
        QVERIFY(!reader->traceById(src, QStringLiteral("obs-x")));
    }

    void sessionsAreMaintained()
    {
        auto store = openStore();
        const qint64 src = store->ensureSource(
            SourceKind::LocalReceiver, QStringLiteral("local"), QStringLiteral("Local"));
        WriteBatch batch;
        batch.sourceId = src;
        for (int i = 0; i < 3; ++i) {
            TraceRecord t = trace(QStringLiteral("st-%1").arg(i), QStringLiteral("turn"));
            t.sessionId = QStringLiteral("conversation-1");
            t.userId = QStringLiteral("carol");
            batch.traces.push_back(t);
            ObservationRecord o = observation(QStringLiteral("so-%1").arg(i), t.id, {}, i * 10, i * 10 + 2);
            o.usage.set(QStringLiteral("total"), 5);
            o.cost.set(QStringLiteral("total"), 0.5);
            batch.observations.push_back(o);
        }
        QVERIFY(submitAndWait(*store, batch));
        auto reader = store->reader();
        const auto sessions = reader->sessions({}, 0, 10);
        QCOMPARE(sessions.size(), size_t(1));
        QCOMPARE(sessions[0].id, QStringLiteral("conversation-1"));
        QCOMPARE(sessions[0].traceCount, 3);
        QCOMPARE(sessions[0].userId, QStringLiteral("carol"));
        QCOMPARE(sessions[0].firstNs, kBase);
        QCOMPARE(sessions[0].lastNs, kBase + 22 * kSecond);
        QCOMPARE(sessions[0].totalTokens, qint64(15));
        QCOMPARE(sessions[0].cost, 1.5);
        const auto traces = reader->sessionTraces(src, QStringLiteral("conversation-1"));
        QCOMPARE(traces.size(), size_t(3));
        QCOMPARE(traces[0].id, QStringLiteral("st-0"));
        QCOMPARE(traces[2].id, QStringLiteral("st-2"));

        // Moving a trace to another session updates both.
        WriteBatch move;
        move.sourceId = src;
        TraceRecord moved;
        moved.id = QStringLiteral("st-2");
        moved.sessionId = QStringLiteral("conversation-2");
        move.traces.push_back(moved);
        QVERIFY(submitAndWait(*store, move));
        QCOMPARE(reader->session(src, QStringLiteral("conversation-1"))->traceCount, 2);
        QCOMPARE(reader->session(src, QStringLiteral("conversation-2"))->traceCount, 1);
    }

    void sessionsGrowingByNewTracesMatchARecount()
    {
        // New traces are added to their session's row, changed ones recount it: either way the
        // row must equal an aggregate over the session's traces, commit after commit.
        auto store = openStore();
        const qint64 src = store->ensureSource(
            SourceKind::LocalReceiver, QStringLiteral("local"), QStringLiteral("Local"));
        const QString session = QStringLiteral("grow");
        auto recount = [&]() {
            sql::Database db;
            db.open(store->path(), sql::Database::Mode::ReadOnly);
            sql::Statement st(db,
                "SELECT min(ts), max(coalesce(end_ns, ts)), count(*), max(user_id), sum(total_tokens), "
                "sum(cost), sum(error_count) FROM traces WHERE session_id = ?1 AND source_id = ?2");
            st.bind(1, session);
            st.bind(2, src);
            SessionRow row;
            if (st.step()) {
                row = SessionRow { src, session, st.columnInt(0), st.columnInt(1), int(st.columnInt(2)),
                    st.columnText(3), st.columnInt(4), st.columnDouble(5), int(st.columnInt(6)) };
            }
            return row;
        };
        auto check = [&]() {
            const auto stored = store->reader()->session(src, session);
            QVERIFY(stored);
            const SessionRow expected = recount();
            QCOMPARE(stored->traceCount, expected.traceCount);
            QCOMPARE(stored->firstNs, expected.firstNs);
            QCOMPARE(stored->lastNs, expected.lastNs);
            QCOMPARE(stored->userId, expected.userId);
            QCOMPARE(stored->totalTokens, expected.totalTokens);
            QVERIFY(qAbs(stored->cost - expected.cost) < 1e-9);
            QCOMPARE(stored->errorCount, expected.errorCount);
        };
        auto newTrace = [&](WriteBatch &batch, const QString &id, const QString &user, qint64 startS,
                            qint64 endS, bool error) {
            TraceRecord t = trace(id, QStringLiteral("turn"));
            t.sessionId = session;
            t.userId = user;
            batch.traces.push_back(t);
            ObservationRecord o = observation(id + QStringLiteral("-o"), id, {}, startS, endS);
            o.usage.set(QStringLiteral("total"), startS + 3);
            o.cost.set(QStringLiteral("total"), 0.25 * double(endS));
            if (error)
                o.level = Level::Error;
            batch.observations.push_back(o);
        };

        WriteBatch first;
        first.sourceId = src;
        newTrace(first, QStringLiteral("g-1"), QStringLiteral("bob"), 100, 110, false);
        newTrace(first, QStringLiteral("g-2"), QStringLiteral("alice"), 120, 125, true);
        QVERIFY(submitAndWait(*store, first));
        check();
        QCOMPARE(store->reader()->session(src, session)->traceCount, 2);

        // Earlier start, later end, a user that sorts last, one without a user, and one trace
        // with neither observations nor a timestamp.
        WriteBatch second;
        second.sourceId = src;
        newTrace(second, QStringLiteral("g-3"), QStringLiteral("zoe"), 50, 500, true);
        newTrace(second, QStringLiteral("g-4"), QString(), 200, 210, false);
        TraceRecord bare = trace(QStringLiteral("g-5"), QStringLiteral("bare"));
        bare.sessionId = session;
        second.traces.push_back(bare);
        QVERIFY(submitAndWait(*store, second));
        check();
        QCOMPARE(store->reader()->session(src, session)->traceCount, 5);
        QCOMPARE(store->reader()->session(src, session)->userId, QStringLiteral("zoe"));
        QCOMPARE(store->reader()->session(src, session)->firstNs, kBase + 50 * kSecond);

        // A new trace and a change to an old one in the same transaction: recounted.
        WriteBatch third;
        third.sourceId = src;
        newTrace(third, QStringLiteral("g-6"), QStringLiteral("carl"), 600, 700, false);
        third.observations.push_back(
            observation(QStringLiteral("g-1-late"), QStringLiteral("g-1"), {}, 10, 900));
        QVERIFY(submitAndWait(*store, third));
        check();
        QCOMPARE(store->reader()->session(src, session)->traceCount, 6);
        QCOMPARE(store->reader()->session(src, session)->lastNs, kBase + 900 * kSecond);
    }

    void agentNameComesFromTagsOrNamedMetadataKeys()
    {
        QCOMPARE(agentNameFrom({ QStringLiteral("x"), QStringLiteral("agent:Planner ") }, {}),
            QStringLiteral("Planner"));
        QCOMPARE(agentNameFrom({}, R"({"agent_name":"Scout"})"), QStringLiteral("Scout"));
        QCOMPARE(agentNameFrom({}, R"({"a":1,"agentName":"Writer"})"), QStringLiteral("Writer"));
        QCOMPARE(agentNameFrom({}, R"({"user_agent":"curl","agent":"x"})"), QString());
        QCOMPARE(agentNameFrom({}, R"({"agent_name":""})"), QString());
        QCOMPARE(agentNameFrom({}, "not json \"agent_name\""), QString());
    }

    void listFiltersAndSorts()
    {
        auto store = openStore();
        const qint64 a = store->ensureSource(
            SourceKind::LocalReceiver, QStringLiteral("local"), QStringLiteral("Local"));
        const qint64 b = store->ensureSource(SourceKind::File, QStringLiteral("file:x"), QStringLiteral("x"));
        WriteBatch batch;
        batch.sourceId = a;
        for (int i = 0; i < 20; ++i) {
            TraceRecord t = trace(QStringLiteral("lt-%1").arg(i, 2, 10, QLatin1Char('0')),
                i % 2 ? QStringLiteral("summarize") : QStringLiteral("answer-question"));
            t.timestampNs = kBase + i * kSecond;
            t.userId = i < 5 ? QStringLiteral("u1") : QStringLiteral("u2");
            t.environment = i < 10 ? QStringLiteral("production") : QStringLiteral("staging");
            if (i % 5 == 0)
                t.tags = { QStringLiteral("vip") };
            batch.traces.push_back(t);
            ObservationRecord o = observation(QStringLiteral("lo-%1").arg(i), t.id, {}, i, i + (i % 7) + 1);
            o.type = ObservationType::Generation;
            o.model = i % 3 ? QStringLiteral("gpt-4o-mini") : QStringLiteral("claude-sonnet-4");
            o.usage.set(QStringLiteral("total"), 100 - i);
            o.cost.set(QStringLiteral("total"), i * 0.01);
            o.level = i == 13 ? Level::Error : (i == 4 ? Level::Warning : Level::Default);
            o.input = i == 7 ? QByteArray(R"("the quick brown fox")") : QByteArray(R"("lorem ipsum")");
            batch.observations.push_back(o);
        }
        QVERIFY(submitAndWait(*store, batch));
        WriteBatch other;
        other.sourceId = b;
        other.traces.push_back(trace(QStringLiteral("other"), QStringLiteral("summarize")));
        QVERIFY(submitAndWait(*store, other));

        auto reader = store->reader();
        auto ids = [&](const TraceQuery &q) {
            QStringList out;
            for (const TraceRow &r : reader->traces(q, 0, 100))
                out.append(r.id);
            return out;
        };
        TraceQuery q;
        q.filter.sourceIds = { a };
        QCOMPARE(ids(q).size(), 20);
        QCOMPARE(ids(q).first(), QStringLiteral("lt-19")); // newest first
        q.descending = false;
        QCOMPARE(ids(q).first(), QStringLiteral("lt-00"));
        QCOMPARE(reader->traces(q, 5, 3).front().id, QStringLiteral("lt-05")); // paging

        TraceQuery byName;
        byName.filter.name = QStringLiteral("summarize");
        QCOMPARE(ids(byName).size(), 11);
        byName.filter.sourceIds = { a };
        QCOMPARE(ids(byName).size(), 10);
        TraceQuery contains;
        contains.filter.nameContains = QStringLiteral("QUEST");
        QCOMPARE(ids(contains).size(), 10);
        TraceQuery none;
        none.filter.nameContains = QStringLiteral("no-such-name");
        QCOMPARE(ids(none).size(), 0);

        TraceQuery window;
        window.filter.fromNs = kBase + 5 * kSecond;
        window.filter.toNs = kBase + 8 * kSecond;
        QCOMPARE(ids(window),
            QStringList({ QStringLiteral("lt-07"), QStringLiteral("lt-06"), QStringLiteral("lt-05") }));

        TraceQuery user;
        user.filter.userId = QStringLiteral("u1");
        QCOMPARE(ids(user).size(), 5);
        TraceQuery tag;
        tag.filter.tags = { QStringLiteral("vip") };
        QCOMPARE(ids(tag).size(), 4);
        TraceQuery env;
        env.filter.environments = { QStringLiteral("staging") };
        QCOMPARE(ids(env).size(), 10);
        TraceQuery level;
        level.filter.minLevel = Level::Warning;
        QCOMPARE(ids(level), QStringList({ QStringLiteral("lt-13"), QStringLiteral("lt-04") }));
        level.filter.minLevel = Level::Error;
        QCOMPARE(ids(level), QStringList({ QStringLiteral("lt-13") }));
        TraceQuery model;
        model.filter.model = QStringLiteral("claude-sonnet-4");
        QCOMPARE(ids(model).size(), 7);
        model.filter.model = QStringLiteral("claude"); // exact, not a substring
        QCOMPARE(ids(model).size(), 0);
        TraceQuery cost;
        cost.filter.minCost = 0.15;
        cost.filter.maxCost = 0.17;
        QCOMPARE(ids(cost).size(), 3);
        TraceQuery latency;
        latency.filter.minLatencyNs = 7 * kSecond;
        QCOMPARE(ids(latency).size(), 2); // i % 7 == 6: 6 and 13

        TraceQuery byCost;
        byCost.sortKey = TraceSortKey::Cost;
        QCOMPARE(ids(byCost).first(), QStringLiteral("lt-19"));
        TraceQuery byTokens;
        byTokens.sortKey = TraceSortKey::Tokens;
        QCOMPARE(ids(byTokens).first(), QStringLiteral("lt-00"));
        TraceQuery byLatency;
        byLatency.sortKey = TraceSortKey::Latency;
        QVERIFY(QStringList({ QStringLiteral("lt-13"), QStringLiteral("lt-06") })
                    .contains(ids(byLatency).first()));
        TraceQuery byName2;
        byName2.sortKey = TraceSortKey::Name;
        byName2.descending = false;
        QCOMPARE(reader->traces(byName2, 0, 1).front().name, QStringLiteral("answer-question"));

        QCOMPARE(reader->countTraces({}), qint64(21));
        QCOMPARE(reader->countTraces(tag.filter), qint64(4));
        QCOMPARE(reader->facetValues(FacetKind::Model, QString(), 10),
            QStringList({ QStringLiteral("claude-sonnet-4"), QStringLiteral("gpt-4o-mini") }));
        QCOMPARE(reader->facetValues(FacetKind::Environment, QStringLiteral("st"), 10),
            QStringList { QStringLiteral("staging") });
        QCOMPARE(reader->userIds(QStringLiteral("u"), 10),
            QStringList({ QStringLiteral("u1"), QStringLiteral("u2") }));
        QCOMPARE(reader->tags(QString(), 10), QStringList { QStringLiteral("vip") });

        // Full text, once the index has caught up.
        QTRY_COMPARE_WITH_TIMEOUT(store->fullTextBacklog(), qint64(0), 10000);
        QTRY_VERIFY_WITH_TIMEOUT(reader->fullTextIndexedRk() >= reader->payloadHead(), 10000);
        TraceQuery text;
        text.filter.text = QStringLiteral("quick bro");
        QCOMPARE(ids(text), QStringList { QStringLiteral("lt-07") });
        const FullTextResult hits = reader->search(QStringLiteral("FOX"), 10);
        QCOMPARE(hits.hits.size(), size_t(1));
        QCOMPARE(hits.backlog, qint64(0));
        QVERIFY(hits.hits[0].observationRk > 0);
        QCOMPARE(reader->search(QStringLiteral("lorem"), 5).hits.size(), size_t(5));
        QVERIFY(reader->search(QStringLiteral("lorem"), 5).truncated);
        QVERIFY(
            reader->search(QStringLiteral("\" * ( ) NEAR AND"), 5).error.isEmpty()); // syntax is neutralised
    }

    void fullTextIndexingNeverTakesTheStoreWriteLock()
    {
        const QString path = m_dir.filePath(QStringLiteral("fts-lock.db"));
        buildFullTextBacklog(path);
        if (QTest::currentTestFailed())
            return;
        StoreOptions options;
        options.path = path;
        auto store = openStore(options);
        // While the index catches up, another connection can always begin a write at once: the
        // indexer only reads the store (it used to hold the store's write lock for every chunk,
        // which kept the writer waiting in its busy handler).
        sqlite3 *probe = nullptr;
        QCOMPARE(
            sqlite3_open_v2(path.toUtf8().constData(), &probe, SQLITE_OPEN_READWRITE, nullptr), SQLITE_OK);
        sqlite3_busy_timeout(probe, 0);
        waitForIndexerToSeeBacklog(*store);
        int probes = 0;
        int busy = 0;
        while (store->fullTextBacklog() > 0) {
            if (sqlite3_exec(probe, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) == SQLITE_OK)
                sqlite3_exec(probe, "ROLLBACK", nullptr, nullptr, nullptr);
            else
                ++busy;
            ++probes;
            std::this_thread::sleep_for(std::chrono::microseconds(100)); // leave the indexer a core
        }
        sqlite3_close(probe);
        QVERIFY(probes > 0);
        QCOMPARE(busy, 0);
    }

    void fullTextIndexingLetsCheckpointsCopyTheWal()
    {
        // The indexer reads each chunk in a short read transaction of its own. It used to hold
        // its snapshot of the store while it tokenised the chunk, and no checkpoint could copy
        // the frames written meanwhile: under ingest the WAL grew, and the writer copied it back
        // itself while its clients waited.
        const QString path = m_dir.filePath(QStringLiteral("fts-pin.db"));
        buildFullTextBacklog(path);
        if (QTest::currentTestFailed())
            return;
        sqlite3 *probe = nullptr;
        QCOMPARE(
            sqlite3_open_v2(path.toUtf8().constData(), &probe, SQLITE_OPEN_READWRITE, nullptr), SQLITE_OK);
        sqlite3_busy_timeout(probe, 1000);
        QCOMPARE(sqlite3_exec(probe, "CREATE TABLE probe(x)", nullptr, nullptr, nullptr), SQLITE_OK);
        StoreOptions options;
        options.path = path;
        auto store = openStore(options);
        waitForIndexerToSeeBacklog(*store);
        int checkpoints = 0;
        int pinned = 0;
        while (store->fullTextBacklog() > 0) {
            // A frame written now, then a checkpoint: only a reader's older snapshot keeps it
            // from being copied.
            QCOMPARE(
                sqlite3_exec(probe, "INSERT INTO probe VALUES(1)", nullptr, nullptr, nullptr), SQLITE_OK);
            int log = 0;
            int copied = 0;
            QCOMPARE(sqlite3_wal_checkpoint_v2(probe, nullptr, SQLITE_CHECKPOINT_PASSIVE, &log, &copied),
                SQLITE_OK);
            ++checkpoints;
            pinned += copied < log ? 1 : 0;
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
        }
        sqlite3_close(probe);
        qInfo("%d of %d checkpoints held back by the indexer", pinned, checkpoints);
        QVERIFY(checkpoints > 3);
        QVERIFY2(
            pinned * 2 < checkpoints, qPrintable(QStringLiteral("%1 of %2").arg(pinned).arg(checkpoints)));
    }

    void fullTextBacklogIsReportedAndCaughtUp()
    {
        const QString path = m_dir.filePath(QStringLiteral("fts-backlog.db"));
        qint64 src = 0;
        qint64 traceRk = 0;
        {
            StoreOptions options;
            options.path = path;
            options.fullTextIndex = false; // nothing indexes: the backlog must show
            auto store = openStore(options);
            src = store->ensureSource(
                SourceKind::LocalReceiver, QStringLiteral("local"), QStringLiteral("Local"));
            WriteBatch batch;
            batch.sourceId = src;
            ObservationRecord o = observation(QStringLiteral("f1"), QStringLiteral("ft"), {}, 0, 1);
            o.input = R"("needle in a haystack")";
            batch.observations.push_back(o);
            QVERIFY(submitAndWait(*store, batch));
            auto reader = store->reader();
            traceRk = reader->traceById(src, QStringLiteral("ft"))->rk;
            const FullTextResult global = reader->search(QStringLiteral("needle"), 10);
            QVERIFY(global.backlog > 0);
            QVERIFY(global.hits.empty());
            // Inside one trace the unindexed rows are scanned, so nothing is missed.
            const FullTextResult local = reader->search(QStringLiteral("needle"), 10, traceRk);
            QCOMPARE(local.hits.size(), size_t(1));
        }
        StoreOptions options;
        options.path = path;
        auto store = openStore(options);
        QSignalSpy caughtUp(store.get(), &TraceStore::fullTextCaughtUp);
        QTRY_COMPARE_WITH_TIMEOUT(store->fullTextBacklog(), qint64(0), 10000);
        auto reader = store->reader();
        QTRY_VERIFY_WITH_TIMEOUT(reader->search(QStringLiteral("needle"), 10).hits.size() == 1, 10000);
        QCOMPARE(reader->search(QStringLiteral("needle"), 10).backlog, qint64(0));
        QCOMPARE(reader->search(QStringLiteral("haystack"), 10, traceRk).hits.size(), size_t(1));
        QVERIFY(caughtUp.count() > 0 || caughtUp.wait(5000));
    }

    void replacedPayloadsDoNotMatchAnyMore()
    {
        auto store = openStore();
        const qint64 src = store->ensureSource(
            SourceKind::LocalReceiver, QStringLiteral("local"), QStringLiteral("Local"));
        WriteBatch a;
        a.sourceId = src;
        ObservationRecord o = observation(QStringLiteral("r1"), QStringLiteral("rt"), {}, 0, 1);
        o.input = R"("obsolete words")";
        a.observations.push_back(o);
        QVERIFY(submitAndWait(*store, a));
        QTRY_COMPARE_WITH_TIMEOUT(store->fullTextBacklog(), qint64(0), 10000);
        WriteBatch b;
        b.sourceId = src;
        ObservationRecord u;
        u.id = o.id;
        u.traceId = o.traceId;
        u.input = R"("fresh words")";
        b.observations.push_back(u);
        QVERIFY(submitAndWait(*store, b));
        QTRY_COMPARE_WITH_TIMEOUT(store->fullTextBacklog(), qint64(0), 10000);
        auto reader = store->reader();
        QTRY_COMPARE_WITH_TIMEOUT(reader->search(QStringLiteral("fresh"), 10).hits.size(), size_t(1), 10000);
        QCOMPARE(reader->search(QStringLiteral("obsolete"), 10).hits.size(), size_t(0));
    }

    void failedTaskIsRolledBackAloneWithAClearError()
    {
        auto store = openStore();
        const qint64 src = store->ensureSource(
            SourceKind::LocalReceiver, QStringLiteral("local"), QStringLiteral("Local"));
        WriteBatch early;
        early.sourceId = src;
        ObservationRecord earlyObservation
            = observation(QStringLiteral("early"), QStringLiteral("early-trace"), {}, 0, 1);
        earlyObservation.cost.set(QStringLiteral("total"), 0.5);
        early.observations.push_back(earlyObservation);
        WriteBatch bad;
        bad.sourceId = src;
        bad.observations.push_back(
            observation(QStringLiteral("fine"), QStringLiteral("bad-trace"), {}, 0, 1));
        bad.observations.push_back(observation(QString(), QStringLiteral("bad-trace"), {}, 0, 1)); // no id
        WriteBatch good;
        good.sourceId = src;
        good.observations.push_back(
            observation(QStringLiteral("ok"), QStringLiteral("good-trace"), {}, 0, 1));
        // All three in one transaction: the one before the bad task and the one after it commit.
        test::WriterHold hold(*store); // what follows lands in one transaction
        std::promise<CommitResult> earlyDone, badDone, goodDone;
        QCOMPARE(store->submit(early, [&](const CommitResult &r) { earlyDone.set_value(r); }),
            SubmitStatus::Queued);
        QCOMPARE(
            store->submit(bad, [&](const CommitResult &r) { badDone.set_value(r); }), SubmitStatus::Queued);
        QCOMPARE(
            store->submit(good, [&](const CommitResult &r) { goodDone.set_value(r); }), SubmitStatus::Queued);
        hold.release();
        const CommitResult earlyResult = earlyDone.get_future().get();
        const CommitResult badResult = badDone.get_future().get();
        const CommitResult goodResult = goodDone.get_future().get();
        QVERIFY(!badResult.ok);
        QVERIFY2(badResult.error.contains(QStringLiteral("without an id")), qPrintable(badResult.error));
        QVERIFY(earlyResult.ok);
        QVERIFY(goodResult.ok);
        QCOMPARE(earlyResult.seq, goodResult.seq); // one transaction
        auto reader = store->reader();
        QVERIFY(!reader->traceById(src, QStringLiteral("bad-trace"))); // nothing of the failed task
        QVERIFY(reader->traceById(src, QStringLiteral("good-trace")));
        // Written once, although the transaction ran twice (the second time task by task).
        const auto earlyTrace = reader->traceById(src, QStringLiteral("early-trace"));
        QVERIFY(earlyTrace);
        QCOMPARE(earlyTrace->observationCount, 1);
        QCOMPARE(earlyTrace->cost, 0.5);
        // The writer is still healthy afterwards.
        WriteBatch later;
        later.sourceId = src;
        later.observations.push_back(
            observation(QStringLiteral("later"), QStringLiteral("bad-trace"), {}, 0, 1));
        QVERIFY(submitAndWait(*store, later));
        QCOMPARE(reader->traceById(src, QStringLiteral("bad-trace"))->observationCount, 1);
    }

    void aLoneFailingBatchReportsItsErrorAndTheStoreStaysUsable()
    {
        auto store = openStore();
        const qint64 src = store->ensureSource(
            SourceKind::LocalReceiver, QStringLiteral("local"), QStringLiteral("Local"));
        QSignalSpy failures(store.get(), &TraceStore::writeFailed);
        WriteBatch bad;
        bad.sourceId = src;
        bad.observations.push_back(observation(QStringLiteral("a"), QStringLiteral("t"), {}, 0, 1));
        bad.observations.push_back(observation(QString(), QStringLiteral("t"), {}, 0, 1));
        CommitResult result;
        QVERIFY(!submitAndWait(*store, bad, &result));
        QVERIFY2(result.error.contains(QStringLiteral("without an id")), qPrintable(result.error));
        QVERIFY(!store->reader()->traceById(src, QStringLiteral("t")));
        QCoreApplication::processEvents();
        QCOMPARE(failures.size(), 0); // a bad batch is not a failing store
        WriteBatch fine;
        fine.sourceId = src;
        fine.observations.push_back(observation(QStringLiteral("a"), QStringLiteral("t"), {}, 0, 1));
        QVERIFY(submitAndWait(*store, fine));
        QCOMPARE(store->reader()->traceById(src, QStringLiteral("t"))->observationCount, 1);
    }

    void batchesOfOneTraceInOneTransactionAddUp()
    {
        auto store = openStore();
        const qint64 src = store->ensureSource(
            SourceKind::LocalReceiver, QStringLiteral("local"), QStringLiteral("Local"));
        test::WriterHold hold(*store); // what follows lands in one transaction
        auto withSession = [src](const QString &session) {
            WriteBatch batch;
            batch.sourceId = src;
            TraceRecord t = trace(QStringLiteral("moving"), QStringLiteral("moving"));
            t.sessionId = session;
            batch.traces.push_back(t);
            return batch;
        };
        WriteBatch first = withSession(QStringLiteral("A"));
        ObservationRecord one = observation(QStringLiteral("one"), QStringLiteral("moving"), {}, 0, 2);
        one.cost.set(QStringLiteral("total"), 1.0);
        first.observations.push_back(one);
        WriteBatch second = withSession(QStringLiteral("B"));
        ObservationRecord two = observation(QStringLiteral("two"), QStringLiteral("moving"), {}, 1, 5);
        two.cost.set(QStringLiteral("total"), 2.0);
        two.level = Level::Error;
        second.observations.push_back(two);
        ObservationRecord oneAgain;
        oneAgain.id = QStringLiteral("one");
        oneAgain.traceId = QStringLiteral("moving");
        oneAgain.cost.set(QStringLiteral("total"), 3.0);
        second.observations.push_back(oneAgain);
        WriteBatch third = withSession(QStringLiteral("C"));
        std::promise<CommitResult> lastDone;
        QCOMPARE(store->submit(first), SubmitStatus::Queued);
        QCOMPARE(store->submit(second), SubmitStatus::Queued);
        QCOMPARE(store->submit(third, [&](const CommitResult &r) { lastDone.set_value(r); }),
            SubmitStatus::Queued);
        hold.release();
        QVERIFY(lastDone.get_future().get().ok);
        auto reader = store->reader();
        const auto moved = reader->traceById(src, QStringLiteral("moving"));
        QVERIFY(moved);
        QCOMPARE(moved->observationCount, 2);
        QCOMPARE(moved->cost, 5.0);
        QCOMPARE(moved->errorCount, 1);
        QCOMPARE(moved->latencyNs, 5 * kSecond);
        // Every session the trace passed through is recomputed, not only the last one left.
        QVERIFY(!reader->session(src, QStringLiteral("A")));
        QVERIFY(!reader->session(src, QStringLiteral("B")));
        const auto session = reader->session(src, QStringLiteral("C"));
        QVERIFY(session);
        QCOMPARE(session->traceCount, 1);
        QCOMPARE(session->cost, 5.0);
    }

    void backgroundCheckpointsCopyTheWalIntoTheDatabase()
    {
        StoreOptions options;
        // The writer would checkpoint itself only at 8 x 40 frames (20 MiB), more than written here.
        options.checkpointFrames = 40;
        auto store = openStore(options);
        const qint64 src = store->ensureSource(
            SourceKind::LocalReceiver, QStringLiteral("local"), QStringLiteral("Local"));
        QVERIFY(store->flush(10000));
        const qint64 before = QFileInfo(store->path()).size();
        const QByteArray text = '"' + QByteArray(10'000, 'x') + '"';
        WriteBatch batch; // one commit of about 50 frames
        batch.sourceId = src;
        for (int i = 0; i < 300; ++i) {
            ObservationRecord o = observation(QStringLiteral("o%1").arg(i), QStringLiteral("t"), {}, 0, 1);
            o.input = text;
            batch.observations.push_back(o);
        }
        QVERIFY(submitAndWait(*store, batch));
        // Only a checkpoint writes to the database file itself in WAL mode.
        QTRY_VERIFY_WITH_TIMEOUT(QFileInfo(store->path()).size() >= before + 2 * 1024 * 1024, 10000);
    }

    void theWalStaysBoundedUnderBackToBackCommits()
    {
        // A WAL file only starts over when a transaction begins with every frame copied back.
        // Under back-to-back commits the background checkpointer never gets there, so the writer
        // copies the last few frames itself once it is close (and everything once the WAL is
        // large); otherwise the WAL grows for as long as the load lasts.
        StoreOptions options;
        options.checkpointFrames = 40; // 2.5 MiB
        options.maxRowsPerTransaction = 100; // one commit (about 16 frames) per batch
        options.fullTextIndex = false; // no reader to pin the WAL
        auto store = openStore(options);
        const qint64 src = store->ensureSource(
            SourceKind::LocalReceiver, QStringLiteral("local"), QStringLiteral("Local"));
        const QByteArray text = '"' + QByteArray(10'000, 'x') + '"';
        std::atomic<int> committed { 0 };
        const int batches = 80; // about 80 MiB in all
        for (int b = 0; b < batches; ++b) {
            WriteBatch batch;
            batch.sourceId = src;
            for (int i = 0; i < 100; ++i) {
                ObservationRecord o
                    = observation(QStringLiteral("w%1-%2").arg(b).arg(i), QStringLiteral("t"), {}, 0, 1);
                o.input = text;
                batch.observations.push_back(o);
            }
            QCOMPARE(
                store->submit(std::move(batch), [&](const CommitResult &r) { committed += r.ok ? 1 : 0; }),
                SubmitStatus::Queued);
        }
        QTRY_COMPARE_WITH_TIMEOUT(committed.load(), batches, 60000);
        const qint64 walBytes = QFileInfo(store->path() + QStringLiteral("-wal")).size();
        qInfo("WAL high-water mark after %d MiB of back-to-back commits: %lld MiB", batches,
            walBytes / (1024 * 1024));
        // It reached 155 MiB when the writer left all copying to the background checkpointer.
        QVERIFY2(walBytes < 48 * 1024 * 1024, qPrintable(QString::number(walBytes)));
    }

    void backgroundThreadsRunBehindIngest()
    {
        // Copying the WAL back, freeing committed batches and full-text indexing may lag; the
        // writer, which every client waits for, must not wait for a core they hold.
        auto store = openStore();
        const auto niceOf = [](const QByteArray &name) -> std::optional<int> {
            const QDir tasks(QStringLiteral("/proc/self/task"));
            for (const QString &tid : tasks.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
                QFile comm(tasks.filePath(tid + QStringLiteral("/comm")));
                QFile stat(tasks.filePath(tid + QStringLiteral("/stat")));
                if (!comm.open(QIODevice::ReadOnly) || comm.readAll().trimmed() != name
                    || !stat.open(QIODevice::ReadOnly))
                    continue;
                // Fields after the parenthesised name: state is field 3, nice field 19.
                const QByteArray text = stat.readAll();
                const QList<QByteArray> fields = text.mid(text.lastIndexOf(')') + 2).split(' ');
                return fields.value(16).toInt();
            }
            return std::nullopt;
        };
        QTRY_VERIFY(niceOf("tg-fts-indexer").has_value());
        const std::optional<int> writer = niceOf("tg-store-writer");
        QVERIFY(writer.has_value());
        for (const QByteArray name : { "tg-checkpoint", "tg-store-reaper", "tg-fts-indexer" }) {
            const std::optional<int> nice = niceOf(name);
            QVERIFY2(nice.has_value(), name.constData());
            QVERIFY2(*nice > *writer,
                qPrintable(QStringLiteral("%1: nice %2, the writer's %3")
                               .arg(QString::fromLatin1(name))
                               .arg(*nice)
                               .arg(*writer)));
        }
    }

    void refusesUnknownSourceAndOverload()
    {
        StoreOptions options;
        options.maxPendingRows = 10;
        auto store = openStore(options);
        WriteBatch noSource;
        noSource.observations.push_back(observation(QStringLiteral("x"), QStringLiteral("y"), {}, 0, 1));
        QCOMPARE(store->submit(noSource), SubmitStatus::Invalid);

        const qint64 src = store->ensureSource(
            SourceKind::LocalReceiver, QStringLiteral("local"), QStringLiteral("Local"));
        // Keep the writer busy with a transaction so the queue fills up.
        std::atomic<bool> release { false };
        std::promise<void> blocked;
        WriteBatch first;
        first.sourceId = src;
        first.observations.push_back(observation(QStringLiteral("a0"), QStringLiteral("t0"), {}, 0, 1));
        QCOMPARE(store->submit(first,
                     [&](const CommitResult &) {
                         blocked.set_value();
                         while (!release.load())
                             std::this_thread::sleep_for(std::chrono::milliseconds(1));
                     }),
            SubmitStatus::Queued);
        blocked.get_future().wait();
        int queued = 0, overloaded = 0;
        for (int i = 0; i < 30; ++i) {
            WriteBatch b;
            b.sourceId = src;
            b.observations.push_back(
                observation(QStringLiteral("o%1").arg(i), QStringLiteral("t1"), {}, 0, 1));
            const SubmitStatus status = store->submit(b);
            queued += status == SubmitStatus::Queued;
            overloaded += status == SubmitStatus::Overloaded;
        }
        release = true;
        // The batch in flight still counts: 1 + 9 queued rows reach the limit of 10.
        QCOMPARE(queued, 9);
        QCOMPARE(overloaded, 21);
        QVERIFY(store->flush(10000));
        QCOMPARE(store->reader()->traceById(src, QStringLiteral("t1"))->observationCount, 9);
    }

    void committedSignalCarriesTheChange()
    {
        auto store = openStore();
        const qint64 src = store->ensureSource(
            SourceKind::LocalReceiver, QStringLiteral("local"), QStringLiteral("Local"));
        QCoreApplication::processEvents(); // deliver the source's own notice first
        QSignalSpy spy(store.get(), &TraceStore::committed);
        auto lastWithObservations = [&spy] {
            for (qsizetype i = spy.size() - 1; i >= 0; --i) {
                const auto change = spy.at(i).first().value<StoreChange>();
                if (change.observationsWritten > 0)
                    return change;
            }
            return StoreChange {};
        };
        WriteBatch batch;
        batch.sourceId = src;
        batch.observations.push_back(observation(QStringLiteral("c1"), QStringLiteral("ct"), {}, 0, 1));
        QVERIFY(submitAndWait(*store, batch));
        QTRY_VERIFY_WITH_TIMEOUT(lastWithObservations().observationsWritten > 0, 5000);
        const auto change = lastWithObservations();
        QCOMPARE(change.insertedTraceRks.size(), 1);
        QCOMPARE(change.observationsWritten, 1);
        QCOMPARE(change.sourceIds, QList<qint64> { src });
        spy.clear();
        WriteBatch update;
        update.sourceId = src;
        update.observations.push_back(
            observation(QStringLiteral("c2"), QStringLiteral("ct"), QStringLiteral("c1"), 0, 2));
        QVERIFY(submitAndWait(*store, update));
        QTRY_VERIFY_WITH_TIMEOUT(lastWithObservations().observationsWritten > 0, 5000);
        const auto second = lastWithObservations();
        QCOMPARE(second.insertedTraceRks.size(), 0);
        QCOMPARE(second.updatedTraceRks, change.insertedTraceRks);
    }

    void removeSourceAndDeleteTraces()
    {
        auto store = openStore();
        const qint64 a = store->ensureSource(SourceKind::File, QStringLiteral("file:a"), QStringLiteral("a"));
        const qint64 b = store->ensureSource(SourceKind::File, QStringLiteral("file:b"), QStringLiteral("b"));
        for (const qint64 src : { a, b }) {
            WriteBatch batch;
            batch.sourceId = src;
            for (int i = 0; i < 3; ++i) {
                TraceRecord t = trace(QStringLiteral("d%1").arg(i), QStringLiteral("n"));
                t.sessionId = QStringLiteral("sess");
                batch.traces.push_back(t);
                batch.observations.push_back(observation(QStringLiteral("do%1").arg(i), t.id, {}, 0, 1));
            }
            ScoreRecord score;
            score.id = QStringLiteral("score-1");
            score.traceId = QStringLiteral("d0");
            score.name = QStringLiteral("accuracy");
            score.value = 0.9;
            batch.scores.push_back(score);
            QVERIFY(submitAndWait(*store, batch));
        }
        auto reader = store->reader();
        QCOMPARE(reader->scoresForTrace(a, QStringLiteral("d0")).size(), size_t(1));
        QCOMPARE(reader->scoresForTrace(a, QStringLiteral("d0"))[0].value, 0.9);
        QString error;
        QVERIFY(store->removeSource(a, &error));
        QCOMPARE(reader->countTraces({}), qint64(3));
        QCOMPARE(reader->sources().size(), size_t(1));
        QVERIFY(reader->scoresForTrace(a, QStringLiteral("d0")).empty());
        QCOMPARE(reader->sessions({}, 0, 10).size(), size_t(1));

        const qint64 rk = reader->traceById(b, QStringLiteral("d1"))->rk;
        QVERIFY(store->deleteTraces({ rk }, &error));
        QCOMPARE(reader->countTraces({}), qint64(2));
        QVERIFY(reader->observations(rk).empty());
        QCOMPARE(reader->session(b, QStringLiteral("sess"))->traceCount, 2);
        // A new write after deletes still works (caches were dropped).
        WriteBatch again;
        again.sourceId = b;
        again.observations.push_back(observation(QStringLiteral("new"), QStringLiteral("d1"), {}, 0, 1));
        QVERIFY(submitAndWait(*store, again));
        QCOMPARE(reader->traceById(b, QStringLiteral("d1"))->observationCount, 1);
    }

    void upgradesAnOlderSchema()
    {
        const QString path = m_dir.filePath(QStringLiteral("old-schema.db"));
        {
            sql::Database db;
            QVERIFY(db.open(path, sql::Database::Mode::ReadWrite));
            QString error;
            QVERIFY2(schema::migrate(db, &error, 1), qPrintable(error));
            QCOMPARE(schema::currentVersion(db), 1);
            // Rows as a version-1 build wrote them.
            QVERIFY(db.exec(
                "INSERT INTO sources(id, kind, key, name, created_ns) VALUES(1, 0, 'local', 'Local', 0);"
                "INSERT INTO traces(source_id, id, name, ts, session_id, user_id, total_tokens, cost, "
                "end_ns) "
                "VALUES(1, 'a', 'one', 100, 'S', 'u', 10, 1.0, 150), (1, 'b', 'two', 200, 'S', 'u', 5, 0.5, "
                "260), "
                "(1, 'c', 'three', 300, NULL, NULL, 0, 0, NULL);"));
            QVERIFY(!db.exec("SELECT * FROM sessions")); // not there yet
        }
        auto store = openStore(StoreOptions { path });
        QVERIFY(store);
        auto reader = store->reader();
        QCOMPARE(schema::currentVersion(reader->db()), schema::latestVersion());
        QCOMPARE(reader->countTraces({}), qint64(3));
        const auto session = reader->session(1, QStringLiteral("S"));
        QVERIFY(session);
        QCOMPARE(session->traceCount, 2);
        QCOMPARE(session->firstNs, qint64(100));
        QCOMPARE(session->lastNs, qint64(260));
        QCOMPARE(session->totalTokens, qint64(15));
        QCOMPARE(session->cost, 1.5);
    }

    void refusesANewerSchemaAndGarbageFiles()
    {
        const QString newer = m_dir.filePath(QStringLiteral("newer.db"));
        {
            sql::Database db;
            QVERIFY(db.open(newer, sql::Database::Mode::ReadWrite));
            QVERIFY(db.exec("PRAGMA user_version = 999"));
        }
        QString error;
        QVERIFY(!TraceStore::open(StoreOptions { newer }, &error));
        QVERIFY2(error.contains(QStringLiteral("newer")), qPrintable(error));

        const QString garbage = m_dir.filePath(QStringLiteral("garbage.db"));
        QFile f(garbage);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray(8192, 'x'));
        f.close();
        error.clear();
        QVERIFY(!TraceStore::open(StoreOptions { garbage }, &error));
        QVERIFY(!error.isEmpty());
        QCOMPARE(QFileInfo(garbage).size(), qint64(8192)); // untouched
    }
};

QTEST_GUILESS_MAIN(TestTraceStore)
#include "tst_tracestore.moc"
