// Durability: a child process writes batches in a loop and reports each commit; it is killed
// with SIGKILL at a random moment. On reopen the store must be consistent and hold every
// batch the child saw committed, and no batch may be half there.
#include "store/sqlite.h"
#include "store/storereader.h"
#include "store/tracestore.h"

#include <QCoreApplication>
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

#include <unistd.h>

using namespace tg;

namespace {

constexpr int kTracesPerBatch = 20;
constexpr int kObservationsPerTrace = 10;

WriteBatch makeBatch(qint64 sourceId, int batchNumber)
{
    WriteBatch batch;
    batch.sourceId = sourceId;
    for (int t = 0; t < kTracesPerBatch; ++t) {
        TraceRecord trace;
        trace.id = QStringLiteral("b%1-t%2").arg(batchNumber).arg(t);
        trace.name = QStringLiteral("batch-%1").arg(batchNumber);
        trace.sessionId = QStringLiteral("session-%1").arg(batchNumber % 7);
        trace.input = QByteArray("\"") + QByteArray(300, 'i') + "\"";
        batch.traces.push_back(trace);
        for (int o = 0; o < kObservationsPerTrace; ++o) {
            ObservationRecord obs;
            obs.id = QStringLiteral("%1-o%2").arg(trace.id).arg(o);
            obs.traceId = trace.id;
            obs.parentId = o == 0 ? QString() : QStringLiteral("%1-o0").arg(trace.id);
            obs.type = o % 3 == 0 ? ObservationType::Generation : ObservationType::Span;
            obs.startNs = 1'000'000'000LL * (batchNumber * 100 + o);
            obs.endNs = *obs.startNs + 500'000'000;
            obs.usage.set(QStringLiteral("input"), 10);
            obs.usage.set(QStringLiteral("output"), 5);
            obs.cost.set(QStringLiteral("total"), 0.001);
            obs.input = QByteArray("\"") + QByteArray(800, 'x') + "\"";
            obs.output = QByteArray("\"") + QByteArray(200, 'y') + "\"";
            batch.observations.push_back(obs);
        }
    }
    return batch;
}

int runChild(const QString &path)
{
    QString error;
    auto store = TraceStore::open(StoreOptions { path }, &error);
    if (!store) {
        fprintf(stderr, "child: %s\n", qPrintable(error));
        return 2;
    }
    const qint64 source
        = store->ensureSource(SourceKind::LocalReceiver, QStringLiteral("local"), QStringLiteral("Local"));
    // Continue numbering after what a previous (killed) child stored.
    int next = static_cast<int>(store->reader()->countTraces({}) / kTracesPerBatch)
        + 1000 * QCoreApplication::arguments().last().toInt();
    for (;;) {
        const int number = next++;
        const SubmitStatus status
            = store->submit(makeBatch(source, number), [number](const CommitResult &result) {
                  if (result.ok) {
                      char line[64];
                      const int n = snprintf(line, sizeof line, "committed %d\n", number);
                      (void)!write(STDOUT_FILENO, line, static_cast<size_t>(n));
                  }
              });
        if (status == SubmitStatus::Overloaded)
            usleep(2000);
    }
}

} // namespace

class TestStoreDurability : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void survivesSigkillDuringWrites()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral("durable.db"));
        QSet<int> committed;
        for (int round = 0; round < 3; ++round) {
            QProcess child;
            child.setProcessChannelMode(QProcess::ForwardedErrorChannel);
            child.start(QCoreApplication::applicationFilePath(),
                { QStringLiteral("--durability-child"), path, QString::number(round) });
            QVERIFY(child.waitForStarted());
            const int killAfter = 10 + QRandomGenerator::global()->bounded(40); // commits seen
            int seenThisRound = 0;
            QByteArray pending;
            while (seenThisRound < killAfter) {
                QVERIFY2(child.waitForReadyRead(20000), "the child stopped reporting commits");
                pending += child.readAllStandardOutput();
                qsizetype newline;
                while ((newline = pending.indexOf('\n')) >= 0) {
                    const QByteArray line = pending.left(newline);
                    pending.remove(0, newline + 1);
                    if (line.startsWith("committed ")) {
                        committed.insert(line.mid(10).toInt());
                        ++seenThisRound;
                    }
                }
            }
            QTest::qWait(QRandomGenerator::global()->bounded(30)); // land somewhere inside a commit
            child.kill(); // SIGKILL
            QVERIFY(child.waitForFinished(10000));
            pending += child.readAllStandardOutput();
            for (const QByteArray &line : pending.split('\n')) {
                if (line.startsWith("committed "))
                    committed.insert(line.mid(10).toInt());
            }
            verifyStore(path, committed);
            if (QTest::currentTestFailed())
                return;
        }
        QVERIFY(committed.size() >= 30);
    }

private:
    void verifyStore(const QString &path, const QSet<int> &committed)
    {
        {
            sql::Database db;
            QVERIFY(db.open(path, sql::Database::Mode::ReadWrite));
            sql::Statement check(db, "PRAGMA integrity_check");
            QVERIFY(check.step());
            QCOMPARE(check.columnText(0), QStringLiteral("ok"));
            // Totals agree with the rows they summarise.
            QCOMPARE(db.queryInt("SELECT count(*) FROM traces t WHERE obs_count != "
                                 "(SELECT count(*) FROM observations o WHERE o.trace_rk = t.rk)"),
                std::optional<qint64>(0));
            QCOMPARE(
                db.queryInt("SELECT count(*) FROM observations o WHERE payload_rk IS NOT NULL AND NOT EXISTS "
                            "(SELECT 1 FROM payloads p WHERE p.rk = o.payload_rk)"),
                std::optional<qint64>(0));
            QCOMPARE(db.queryInt("SELECT count(*) FROM sessions s WHERE trace_count != "
                                 "(SELECT count(*) FROM traces t WHERE t.session_id = s.id AND t.source_id = "
                                 "s.source_id)"),
                std::optional<qint64>(0));
            // Whole batches or nothing: a batch is never half there.
            sql::Statement perBatch(db, "SELECT name, count(*), sum(obs_count) FROM traces GROUP BY name");
            while (perBatch.step()) {
                QCOMPARE(perBatch.columnInt(1), qint64(kTracesPerBatch));
                QCOMPARE(perBatch.columnInt(2), qint64(kTracesPerBatch * kObservationsPerTrace));
            }
        }
        QString error;
        auto store = TraceStore::open(StoreOptions { path }, &error);
        QVERIFY2(store, qPrintable(error));
        auto reader = store->reader();
        const qint64 source = reader->sourceByKey(QStringLiteral("local"))->id;
        for (const int number : committed) {
            const auto row
                = reader->traceById(source, QStringLiteral("b%1-t%2").arg(number).arg(kTracesPerBatch - 1));
            QVERIFY2(row,
                qPrintable(QStringLiteral("batch %1 was reported committed but is missing").arg(number)));
            QCOMPARE(row->observationCount, kObservationsPerTrace);
            const auto observations = reader->observations(row->rk);
            QCOMPARE(observations.size(), size_t(kObservationsPerTrace));
            const auto detail = reader->observationDetail(observations.back().rk);
            QCOMPARE(detail->input.size(), qsizetype(802));
        }
    }
};

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    if (argc >= 3 && qstrcmp(argv[1], "--durability-child") == 0)
        return runChild(QString::fromLocal8Bit(argv[2]));
    TestStoreDurability test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_storedurability.moc"
