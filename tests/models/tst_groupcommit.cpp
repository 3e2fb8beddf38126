// The store writer's group commit: tiny batches wait for company and share one commit; batches
// of groupCommitMinRows rows or more commit as soon as the writer is free (their clients wait for
// the commit, so a wait would only delay them).
#include "store/tracestore.h"
#include "storetestutil.h"

#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <future>

using namespace tg;
using namespace tg::test;

namespace {

constexpr int kLongWaitMs = 3000;

struct OpenStore
{
    std::unique_ptr<TraceStore> store;
    qint64 source = 0;
};

OpenStore openWithWait(const QTemporaryDir &dir, const QString &name)
{
    StoreOptions options;
    options.path = dir.filePath(name);
    options.fullTextIndex = false;
    QString error;
    OpenStore open;
    // The source is made first, without the long wait: ensureSource() is a task of its own.
    open.store = TraceStore::open(options, &error);
    if (!open.store)
        return open;
    open.source = open.store->ensureSource(
        SourceKind::LocalReceiver, QStringLiteral("local"), QStringLiteral("Local"));
    open.store.reset();
    options.groupCommitWaitMs = kLongWaitMs; // long enough that a wait cannot go unnoticed
    open.store = TraceStore::open(options, &error);
    return open;
}

WriteBatch batchOf(qint64 source, int observations, const QString &prefix)
{
    WriteBatch batch;
    batch.sourceId = source;
    for (int i = 0; i < observations; ++i)
        batch.observations.push_back(
            makeObservation(prefix + QString::number(i), prefix + QStringLiteral("trace"), i, 5));
    return batch;
}

} // namespace

class TestGroupCommit : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void aBigBatchCommitsWithoutWaiting()
    {
        QTemporaryDir dir;
        OpenStore open = openWithWait(dir, QStringLiteral("big.db"));
        QVERIFY(open.store && open.source > 0);
        const WriteBatch batch = batchOf(open.source, 300, QStringLiteral("big"));
        QVERIFY(batch.rowCount() >= StoreOptions().groupCommitMinRows);
        QElapsedTimer timer;
        timer.start();
        QVERIFY(commit(*open.store, batch));
        QVERIFY2(timer.elapsed() < kLongWaitMs / 2, qPrintable(QString::number(timer.elapsed())));
    }

    void tinyBatchesWaitAndShareOneCommit()
    {
        QTemporaryDir dir;
        OpenStore open = openWithWait(dir, QStringLiteral("tiny.db"));
        QVERIFY(open.store && open.source > 0);
        std::atomic<int> commits { 0 };
        connect(open.store.get(), &TraceStore::committed, this, [&commits] { ++commits; });
        std::promise<CommitResult> first;
        std::promise<CommitResult> second;
        QElapsedTimer timer;
        timer.start();
        QCOMPARE(open.store->submit(batchOf(open.source, 1, QStringLiteral("a")),
                     [&first](const CommitResult &r) { first.set_value(r); }),
            SubmitStatus::Queued);
        QTest::qWait(200); // the first is still waiting for company
        QCOMPARE(open.store->submit(batchOf(open.source, 1, QStringLiteral("b")),
                     [&second](const CommitResult &r) { second.set_value(r); }),
            SubmitStatus::Queued);
        const CommitResult a = first.get_future().get();
        const CommitResult b = second.get_future().get();
        QVERIFY(a.ok && b.ok);
        QCOMPARE(a.seq, b.seq); // one transaction
        QVERIFY2(timer.elapsed() < kLongWaitMs / 2, qPrintable(QString::number(timer.elapsed())));
        QTRY_COMPARE(commits.load(), 1);
    }
};

QTEST_GUILESS_MAIN(TestGroupCommit)
#include "tst_groupcommit.moc"
