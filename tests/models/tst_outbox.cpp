// The forwarder's outbox in the store: queueing, partial resends after sent commits, retries and
// failures, forward rules with catch-up after a restart, and the migration that adds the tables.
#include "domain/timeformat.h"
#include "store/outbox.h"
#include "store/schema.h"
#include "storetestutil.h"

#include <QTemporaryDir>
#include <QTest>

#include <future>

using namespace tg;

namespace {

bool wait(SubmitStatus status, std::future<bool> &&done)
{
    return status == SubmitStatus::Queued && done.get();
}

struct Done
{
    std::shared_ptr<std::promise<bool>> promise = std::make_shared<std::promise<bool>>();
    std::future<bool> future = promise->get_future();
    CommitCallback callback()
    {
        return [p = promise](const CommitResult &r) { p->set_value(r.ok); };
    }
};

#define RUN(call)                                                                                                  \
    do {                                                                                                           \
        Done done;                                                                                                 \
        QVERIFY(wait(call, std::move(done.future)));                                                               \
    } while (false)

} // namespace

class TestOutbox : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    int m_counter = 0;

    std::unique_ptr<TraceStore> freshStore()
    {
        return test::openTempStore(m_dir, QStringLiteral("outbox-%1.db").arg(++m_counter));
    }

    static qint64 addTrace(TraceStore &store, qint64 source, const QString &id, int observations)
    {
        WriteBatch batch;
        batch.sourceId = source;
        batch.traces.push_back(test::makeTrace(id, QStringLiteral("t"), 1));
        for (int i = 0; i < observations; ++i)
            batch.observations.push_back(test::makeObservation(id + QString::number(i), id, i, 10));
        if (!test::commit(store, std::move(batch)))
            return 0;
        auto reader = store.reader();
        const auto row = reader->traceById(source, id);
        return row ? row->rk : 0;
    }

private Q_SLOTS:
    void queueSendAndResendChanges()
    {
        auto store = freshStore();
        Outbox outbox(store.get());
        const qint64 source = store->ensureSource(SourceKind::LocalReceiver, QStringLiteral("local"), QStringLiteral("L"));
        const qint64 a = addTrace(*store, source, QStringLiteral("a"), 3);
        const qint64 b = addTrace(*store, source, QStringLiteral("b"), 2);
        QVERIFY(a > 0 && b > 0);
        const QString target = QStringLiteral("conn-1");
        RUN(outbox.enqueue(target, { a, b }, false, done.callback()));
        auto reader = store->reader();
        std::vector<OutboxItem> due = Outbox::dueItems(*reader, target, nowNs(), 10);
        QCOMPARE(due.size(), size_t(2));
        QCOMPARE(Outbox::stats(*reader, target, nowNs()).pending, 2);
        QVERIFY(due[0].dueSeq > 0 && due[0].sentSeq == 0);
        // Another target does not see them.
        QVERIFY(Outbox::dueItems(*reader, QStringLiteral("other"), nowNs(), 10).empty());

        // a is accepted; b fails for a while.
        RUN(outbox.markSent(target, { { a, due[0].traceRk == a ? due[0].dueSeq : due[1].dueSeq } }, done.callback()));
        RUN(outbox.markRetry(target, { b }, nowNs() + 60 * 1'000'000'000LL, QStringLiteral("503"), done.callback()));
        due = Outbox::dueItems(*reader, target, nowNs(), 10);
        QVERIFY(due.empty());
        OutboxStats stats = Outbox::stats(*reader, target, nowNs(), true);
        QCOMPARE(stats.pending, 1);
        QCOMPARE(stats.waiting, 1);
        QCOMPARE(stats.sent, 1);
        QCOMPARE(stats.lastError, QStringLiteral("503"));
        QVERIFY(stats.nextTryNs > nowNs());
        // Due again once its time has come.
        QCOMPARE(Outbox::dueItems(*reader, target, nowNs() + 61 * 1'000'000'000LL, 10).size(), size_t(1));

        // a gets a new observation: due again, and only the change (plus roots) is newer than sentSeq.
        WriteBatch more;
        more.sourceId = source;
        more.observations.push_back(test::makeObservation(QStringLiteral("a-late"), QStringLiteral("a"), 9, 1));
        QVERIFY(test::commit(*store, std::move(more)));
        RUN(outbox.enqueue(target, { a }, false, done.callback()));
        due = Outbox::dueItems(*reader, target, nowNs(), 10);
        QCOMPARE(due.size(), size_t(1));
        QCOMPARE(due[0].traceRk, a);
        QVERIFY(due[0].sentSeq > 0);
        QVERIFY(due[0].dueSeq > due[0].sentSeq);

        // Failing for good parks b; retryNow brings it back.
        RUN(outbox.markFailed(target, { b }, QStringLiteral("400 bad data"), done.callback()));
        stats = Outbox::stats(*reader, target, nowNs());
        QCOMPARE(stats.failed, 1);
        QCOMPARE(Outbox::items(*reader, target, 10).front().failed, true);
        RUN(outbox.retryNow(target, done.callback()));
        QCOMPARE(Outbox::stats(*reader, target, nowNs()).failed, 0);
        QCOMPARE(Outbox::dueItems(*reader, target, nowNs(), 10).size(), size_t(2));

        // clear() drops what is unsent; resendAll queues a whole trace again.
        RUN(outbox.clear(target, done.callback()));
        QCOMPARE(Outbox::stats(*reader, target, nowNs()).pending, 0);
        RUN(outbox.enqueue(target, { a }, true, done.callback()));
        due = Outbox::dueItems(*reader, target, nowNs(), 10);
        QCOMPARE(due.size(), size_t(1));
        QCOMPARE(due[0].sentSeq, 0);
        QCOMPARE(Outbox::targets(*reader), QStringList { target });
        RUN(outbox.forget(target, { a }, done.callback()));
        QVERIFY(Outbox::dueItems(*reader, target, nowNs(), 10).empty());
    }

    void rulesFollowChangesAndCatchUp()
    {
        const QString path = m_dir.filePath(QStringLiteral("rules.db"));
        const QString target = QStringLiteral("conn-2");
        qint64 source = 0, other = 0, before = 0, after = 0, missed = 0;
        {
            StoreOptions options;
            options.path = path;
            auto store = TraceStore::open(options, nullptr);
            QVERIFY(store);
            Outbox outbox(store.get());
            source = store->ensureSource(SourceKind::LocalReceiver, QStringLiteral("local"), QStringLiteral("L"));
            other = store->ensureSource(SourceKind::File, QStringLiteral("file:x"), QStringLiteral("x"));
            before = addTrace(*store, source, QStringLiteral("before"), 1);
            RUN(outbox.setRule(source, target, true, false, done.callback()));
            after = addTrace(*store, source, QStringLiteral("after"), 1);
            const qint64 elsewhere = addTrace(*store, other, QStringLiteral("elsewhere"), 1);
            // The live path: the forwarder passes each commit's traces on.
            RUN(outbox.enqueueChanges({ after, elsewhere }, store->lastCommittedSeq(), target, done.callback()));
            auto reader = store->reader();
            std::vector<OutboxItem> due = Outbox::dueItems(*reader, target, nowNs(), 10);
            QCOMPARE(due.size(), size_t(1));
            QCOMPARE(due[0].traceRk, after);
            QCOMPARE(Outbox::rules(*reader).size(), size_t(1));
            // A trace arrives while nobody passes changes on (the app quits before it does).
            missed = addTrace(*store, source, QStringLiteral("missed"), 2);
        }
        StoreOptions options;
        options.path = path;
        auto store = TraceStore::open(options, nullptr);
        QVERIFY(store);
        Outbox outbox(store.get());
        RUN(outbox.catchUp(QString(), done.callback()));
        auto reader = store->reader();
        QSet<qint64> due;
        for (const OutboxItem &item : Outbox::dueItems(*reader, target, nowNs(), 10))
            due.insert(item.traceRk);
        QCOMPARE(due, (QSet<qint64> { after, missed }));
        QVERIFY(!due.contains(before)); // the rule started after it
        // Catching up twice queues nothing new.
        RUN(outbox.catchUp(QString(), done.callback()));
        QCOMPARE(Outbox::dueItems(*reader, target, nowNs(), 10).size(), size_t(2));

        // With the existing data, and removal of the rule and the source.
        RUN(outbox.setRule(source, target, true, true, done.callback()));
        RUN(outbox.catchUp(QString(), done.callback()));
        QCOMPARE(Outbox::dueItems(*reader, target, nowNs(), 10).size(), size_t(3));
        RUN(outbox.setRule(other, target, true, false, done.callback()));
        RUN(outbox.setRule(other, target, false, false, done.callback()));
        QCOMPARE(Outbox::rules(*reader).size(), size_t(1));
        QVERIFY(store->removeSource(source));
        QCOMPARE(Outbox::rules(*reader).size(), size_t(0));
        QCOMPARE(Outbox::stats(*reader, target, nowNs()).pending, 0);
    }

    void migrationAddsTheTables()
    {
        const QString path = m_dir.filePath(QStringLiteral("old.db"));
        {
            sql::Database db;
            QVERIFY(db.open(path, sql::Database::Mode::ReadWrite));
            QString error;
            QVERIFY(schema::migrate(db, &error, 2));
            QCOMPARE(schema::currentVersion(db), 2);
        }
        StoreOptions options;
        options.path = path;
        auto store = TraceStore::open(options, nullptr);
        QVERIFY(store);
        auto reader = store->reader();
        QCOMPARE(schema::currentVersion(reader->db()), schema::latestVersion());
        QVERIFY(schema::latestVersion() >= 3);
        QCOMPARE(reader->db().queryInt("SELECT count(*) FROM outbox").value_or(-1), 0);
        QCOMPARE(reader->db().queryInt("SELECT count(*) FROM forward_rules").value_or(-1), 0);
    }
};

QTEST_GUILESS_MAIN(TestOutbox)
#include "tst_outbox.moc"
