// MetricsCache: per source and exact query, on disk across instances, damaged files ignored,
// pruning by age, state side files; memory-only mode.
#include "metrics/metricscache.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace tg;

class TestMetricsCache : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void storesPerSourceAndQuery()
    {
        QTemporaryDir dir;
        {
            MetricsCache cache(dir.path());
            cache.store(QStringLiteral("langfuse:a/p1"), "{\"q\":1}", "{\"data\":[]}", 42);
        }
        MetricsCache cache(dir.path()); // a new instance reads the file
        const auto hit = cache.lookup(QStringLiteral("langfuse:a/p1"), "{\"q\":1}");
        QVERIFY(hit);
        QCOMPARE(hit->body, QByteArray("{\"data\":[]}"));
        QCOMPARE(hit->fetchedNs, 42);
        QVERIFY(!cache.lookup(QStringLiteral("langfuse:a/p2"), "{\"q\":1}"));
        QVERIFY(!cache.lookup(QStringLiteral("langfuse:a/p1"), "{\"q\":2}"));
    }

    void damagedFilesAreIgnored()
    {
        QTemporaryDir dir;
        MetricsCache writer(dir.path());
        writer.store(QStringLiteral("s"), "q", "body", 1);
        const QStringList files = QDir(dir.path()).entryList({ QStringLiteral("*.json") }, QDir::Files);
        QCOMPARE(files.size(), 1);
        QFile file(dir.filePath(files.front()));
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write("{\"source\":\"s\",\"query\":\"q\"");
        file.close();
        MetricsCache reader(dir.path());
        QVERIFY(!reader.lookup(QStringLiteral("s"), "q"));
    }

    void pruneRemovesOldEntries()
    {
        QTemporaryDir dir;
        MetricsCache cache(dir.path());
        cache.store(QStringLiteral("s"), "old", "1", 10);
        cache.store(QStringLiteral("s"), "new", "2", 100);
        cache.writeState(QStringLiteral("budget"), "{}");
        QCOMPARE(cache.prune(50), 2); // one in memory, one on disk
        MetricsCache reread(dir.path());
        QVERIFY(!reread.lookup(QStringLiteral("s"), "old"));
        QVERIFY(reread.lookup(QStringLiteral("s"), "new"));
        QCOMPARE(reread.readState(QStringLiteral("budget")), QByteArray("{}"));
    }

    void memoryOnlyCache()
    {
        MetricsCache cache;
        cache.store(QStringLiteral("s"), "q", "b", 5);
        QVERIFY(cache.lookup(QStringLiteral("s"), "q"));
        QVERIFY(cache.readState(QStringLiteral("x")).isEmpty());
        cache.writeState(QStringLiteral("x"), "y"); // no-op, no crash
    }
};

QTEST_GUILESS_MAIN(TestMetricsCache)
#include "tst_metricscache.moc"
