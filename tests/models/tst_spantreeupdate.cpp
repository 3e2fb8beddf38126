#include "itemmodels/spantree.h"
#include "spantreetestutil.h"

#include <QTest>

#include <numeric>
#include <random>

using namespace tgtest;
using tg::SpanTree;

// Live growth of a SpanTree (spantreeupdate.cpp). Every update runs under a ShadowObserver that
// replays the announced inserts and moves on its own copy of the child lists and checks them.

namespace {

SpanTree buildFrom(const QString &dsl)
{
    return SpanTree::build(parseRows(dsl));
}

struct Applied
{
    tg::SpanTreeChange change;
    int inserts = 0;
    int moves = 0;
    QString error;
};

// Applies `dsl` as one live batch and checks that the announced steps describe it exactly.
Applied applyChecked(SpanTree &tree, const QString &dsl, qint64 firstRk)
{
    ShadowObserver observer(tree);
    Applied result;
    result.change = tree.applyUpdate(parseRows(dsl, firstRk), &observer);
    observer.verifyAll();
    result.inserts = observer.inserts;
    result.moves = observer.moves;
    result.error = observer.error.isEmpty() ? checkInvariants(tree) : observer.error;
    return result;
}

#define APPLY(result, tree, dsl, rk)                                                                         \
    const Applied result = applyChecked(tree, QStringLiteral(dsl), rk);                                      \
    QVERIFY2(result.error.isEmpty(), qPrintable(result.error))

QStringList sorted(QStringList list)
{
    list.sort();
    return list;
}

} // namespace

class TestSpanTreeUpdate : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void insertUnderParent();
    void newSubtreeIsOneInsert();
    void orphanAdoptedWhenParentArrives();
    void orphansMoveAsOneBlock();
    void updateInPlace();
    void startChangeRepositions();
    void parentChangeMoves();
    void cycleCreatedAndOpened();
    void swapParentAndChild();
    void duplicateInOneBatch();
    void levelFlipUpdatesAncestors();
    void traceRange();
    void deepChainInBatches();
    void matchesFullBuild_data();
    void matchesFullBuild();
};

void TestSpanTreeUpdate::insertUnderParent()
{
    SpanTree tree = buildFrom(QStringLiteral("r @0\na ^r @10\nb ^r @30"));
    APPLY(r, tree, "c ^r @20\nd ^r @40\ne ^c @25", 10);
    QCOMPARE(printTree(tree, true), expectedLines(QStringLiteral(R"(
        r s=6
          a s=1
          c s=2
            e s=1
          b s=1
          d s=1
    )")));
    QCOMPARE(r.inserts, 2); // c (with e) between a and b, d at the end
    QCOMPARE(r.moves, 0);
    QCOMPARE(r.change.inserted.size(), size_t(3));
    QVERIFY(r.change.updated.empty());
    QCOMPARE(r.change.aggregatesChanged, std::vector<int> { tree.indexOfId(QStringLiteral("r")) });
    QVERIFY(r.change.traceEndChanged);
    QVERIFY(!r.change.traceStartChanged);
}

void TestSpanTreeUpdate::newSubtreeIsOneInsert()
{
    SpanTree tree = buildFrom(QStringLiteral("r @0\na ^r @10"));
    // Children listed before their parent, all new: one insert of x with its subtree.
    APPLY(r, tree, "x2 ^x1 @23\nx1 ^x @22\ny ^x @21\nx ^r @20", 10);
    QCOMPARE(r.inserts, 1);
    QCOMPARE(printTree(tree), expectedLines(QStringLiteral(R"(
        r
          a
          x
            y
            x1
              x2
    )")));
    QCOMPARE(tree.maxDepth(), 3);
    QVERIFY(r.change.maxDepthChanged);
}

void TestSpanTreeUpdate::orphanAdoptedWhenParentArrives()
{
    SpanTree tree = buildFrom(QStringLiteral("x ^p @10\nz ^q @15\ny ^p @20"));
    QCOMPARE(printTree(tree), expectedLines(QStringLiteral("x [orphan]\nz [orphan]\ny [orphan]")));
    APPLY(r, tree, "p @0", 10);
    QCOMPARE(printTree(tree, true), expectedLines(QStringLiteral(R"(
        p s=3
          x s=1
          y s=1
        z [orphan] s=1
    )")));
    QCOMPARE(r.inserts, 1);
    QCOMPARE(r.moves, 2); // x and y are not adjacent (z sits between them)
    QCOMPARE(r.change.moved.size(), size_t(2));
    QCOMPARE(sorted({ tree.id(r.change.moved[0]), tree.id(r.change.moved[1]) }),
        (QStringList { QStringLiteral("x"), QStringLiteral("y") }));
    // Losing the orphan flag is a value change of the moved rows.
    QCOMPARE(r.change.updated.size(), size_t(2));
    QCOMPARE(tree.countFlag(SpanTree::Orphan), 1);
}

void TestSpanTreeUpdate::orphansMoveAsOneBlock()
{
    QString dsl;
    for (int i = 0; i < 200; ++i)
        dsl += QStringLiteral("c%1 ^root @%2\n").arg(i).arg(10 + i);
    dsl += QStringLiteral("other ^elsewhere @5000\n");
    SpanTree tree = buildFrom(dsl);
    QCOMPARE(tree.countFlag(SpanTree::Orphan), 201);
    APPLY(r, tree, "root @0\nlate ^root @100000", 1000);
    QCOMPARE(r.moves, 1); // the 200 adjacent orphans in one step
    QCOMPARE(r.inserts, 1); // root; `late` arrives inside it
    QCOMPARE(tree.childCount(tree.indexOfId(QStringLiteral("root"))), 201);
    QCOMPARE(tree.countFlag(SpanTree::Orphan), 1);
}

void TestSpanTreeUpdate::updateInPlace()
{
    SpanTree tree = buildFrom(QStringLiteral("r @0 +100\na ^r @10 +5 name=old\nb ^r @20"));
    APPLY(r, tree, "a ^r @10 +7 name=new model=gpt-4o cost=0.5 rk=2", 2);
    QCOMPARE(r.inserts + r.moves, 0);
    const int a = tree.indexOfId(QStringLiteral("a"));
    QCOMPARE(a, 1); // updated in place: same node index
    QCOMPARE(r.change.updated, std::vector<int> { a });
    QVERIFY(r.change.inserted.empty() && r.change.moved.empty() && r.change.aggregatesChanged.empty());
    QCOMPARE(tree.name(a), QStringLiteral("new"));
    QCOMPARE(tree.model(a), QStringLiteral("gpt-4o"));
    QCOMPARE(tree.durationNs(a), 7 * kMs);

    // The same row again changes nothing.
    APPLY(again, tree, "a ^r @10 +7 name=new model=gpt-4o cost=0.5 rk=2", 2);
    QVERIFY(again.change.isEmpty());
}

void TestSpanTreeUpdate::startChangeRepositions()
{
    SpanTree tree = buildFrom(QStringLiteral("r @0\na ^r @10\nb ^r @20\nc ^r @30"));
    APPLY(r1, tree, "a ^r @25", 2);
    QCOMPARE(r1.moves, 1);
    QCOMPARE(printTree(tree), expectedLines(QStringLiteral("r\n  b\n  a\n  c")));
    APPLY(r2, tree, "c ^r @5", 4);
    QCOMPARE(printTree(tree), expectedLines(QStringLiteral("r\n  c\n  b\n  a")));
    APPLY(r3, tree, "c ^r", 4); // the start becomes unknown: last
    QCOMPARE(printTree(tree), expectedLines(QStringLiteral("r\n  b\n  a\n  c")));
    // Two siblings trade places in one batch.
    APPLY(r4, tree, "b ^r @26\na ^r @21", 3);
    QCOMPARE(printTree(tree), expectedLines(QStringLiteral("r\n  a\n  b\n  c")));
    // A start change that keeps the row where it is moves nothing.
    APPLY(r5, tree, "a ^r @22", 2);
    QCOMPARE(r5.moves, 0);
    QCOMPARE(r5.change.updated.size(), size_t(1));
}

void TestSpanTreeUpdate::parentChangeMoves()
{
    SpanTree tree = buildFrom(QStringLiteral("r @0\na ^r @10 !\nb ^r @20\nb1 ^b @21"));
    APPLY(r, tree, "a ^b1 @10 !", 2);
    QCOMPARE(r.moves, 1);
    QCOMPARE(printTree(tree, true), expectedLines(QStringLiteral(R"(
        r s=4 e=1
          b s=3 e=1
            b1 s=2 e=1
              a s=1 e=1
    )")));
    QCOMPARE(r.change.moved, std::vector<int> { tree.indexOfId(QStringLiteral("a")) });
    QVERIFY(r.change.maxDepthChanged);
    // Moving to a parent id that does not exist makes it an orphan at the top level.
    APPLY(r2, tree, "a ^gone @10 !", 2);
    QCOMPARE(printTree(tree), expectedLines(QStringLiteral("r\n  b\n    b1\na [orphan]")));
}

void TestSpanTreeUpdate::cycleCreatedAndOpened()
{
    SpanTree tree = buildFrom(QStringLiteral("r @0\na ^r @10\nb ^a @20"));
    APPLY(r1, tree, "a ^b @10", 2);
    QCOMPARE(printTree(tree), expectedLines(QStringLiteral("r\na [cycle]\n  b")));
    APPLY(r2, tree, "b ^r @20", 3);
    QCOMPARE(printTree(tree), expectedLines(QStringLiteral("r\n  b\n    a")));
    QCOMPARE(tree.countFlag(SpanTree::CycleCut), 0);
    // A new node closing a loop through existing ones.
    APPLY(r3, tree, "r ^n @0\nn ^a @30", 1);
    QCOMPARE(printTree(tree), expectedLines(QStringLiteral("r [cycle]\n  b\n    a\n      n")));
}

void TestSpanTreeUpdate::swapParentAndChild()
{
    SpanTree tree = buildFrom(QStringLiteral("r @0\na ^r @10\nb ^a @20\nc ^b @30\nd ^c @40"));
    // Each wanted parent sits inside the moving node's subtree until another move is done.
    APPLY(r, tree, "a ^c @10\nc ^d @30\nd ^r @40", 2);
    QCOMPARE(printTree(tree), expectedLines(QStringLiteral(R"(
        r
          d
            c
              a
                b
    )")));
    QCOMPARE(printTree(tree),
        printTree(buildFrom(QStringLiteral("r @0\na ^c @10\nb ^a @20\nc ^d @30\nd ^r @40"))));
}

void TestSpanTreeUpdate::duplicateInOneBatch()
{
    SpanTree tree = buildFrom(QStringLiteral("r @0\nx ^r @5"));
    APPLY(r, tree, "n ^r @7 name=one\nn ^r @6 name=two\nx ^r @5 name=a\nx ^r @5 name=b", 10);
    QCOMPARE(printTree(tree), expectedLines(QStringLiteral("r\n  x [dup]\n  n [dup]")));
    QCOMPARE(tree.name(tree.indexOfId(QStringLiteral("n"))), QStringLiteral("two"));
    QCOMPARE(tree.name(tree.indexOfId(QStringLiteral("x"))), QStringLiteral("b"));
}

void TestSpanTreeUpdate::levelFlipUpdatesAncestors()
{
    SpanTree tree = buildFrom(QStringLiteral("r @0\na ^r @1\na1 ^a @2\nb ^r @3"));
    APPLY(r1, tree, "a1 ^a @2 !", 3);
    QCOMPARE(printTree(tree, true),
        expectedLines(QStringLiteral("r s=4 e=1\n  a s=2 e=1\n    a1 s=1 e=1\n  b s=1")));
    QCOMPARE(r1.change.updated, std::vector<int> { tree.indexOfId(QStringLiteral("a1")) });
    QCOMPARE(r1.change.aggregatesChanged.size(), size_t(3));
    QCOMPARE(sorted({ tree.id(r1.change.aggregatesChanged[0]), tree.id(r1.change.aggregatesChanged[1]),
                 tree.id(r1.change.aggregatesChanged[2]) }),
        (QStringList { QStringLiteral("a"), QStringLiteral("a1"), QStringLiteral("r") }));
    APPLY(r2, tree, "a1 ^a @2", 3);
    QCOMPARE(tree.errorCount(), 0);
}

void TestSpanTreeUpdate::traceRange()
{
    SpanTree tree = buildFrom(QStringLiteral("a @10 +5"));
    APPLY(r1, tree, "b @12 +1", 5);
    QVERIFY(!r1.change.traceStartChanged && !r1.change.traceEndChanged);
    APPLY(r2, tree, "c @5 +100", 6);
    QVERIFY(r2.change.traceStartChanged && r2.change.traceEndChanged);
    QCOMPARE(tree.traceStartNs(), kBaseNs + 5 * kMs);
    QCOMPARE(tree.traceDurationNs(), 100 * kMs);
    // The earliest node starting later moves the start forward again.
    APPLY(r3, tree, "c @11 +94", 6);
    QVERIFY(r3.change.traceStartChanged && !r3.change.traceEndChanged);
    QCOMPARE(tree.traceStartNs(), kBaseNs + 10 * kMs);
}

void TestSpanTreeUpdate::deepChainInBatches()
{
    // Parents arrive after their children, batch by batch, on a 10,000-deep chain.
    const int depth = 10'000;
    std::vector<tg::ObservationRow> rows(static_cast<size_t>(depth));
    for (int i = 0; i < depth; ++i) {
        rows[static_cast<size_t>(i)].rk = i + 1;
        rows[static_cast<size_t>(i)].id = QString::number(i);
        rows[static_cast<size_t>(i)].parentId = i > 0 ? QString::number(i - 1) : QString();
        rows[static_cast<size_t>(i)].startNs = kBaseNs + i;
        rows[static_cast<size_t>(i)].level = i % 1000 == 999 ? tg::Level::Error : tg::Level::Default;
    }
    SpanTree tree;
    for (int end = depth; end > 0; end -= 500) {
        const std::vector<tg::ObservationRow> batch(
            rows.begin() + std::max(0, end - 500), rows.begin() + end);
        ShadowObserver obs(tree);
        tree.applyUpdate(batch, &obs);
        obs.verifyAll();
        QVERIFY2(obs.error.isEmpty(), qPrintable(obs.error));
    }
    QVERIFY2(checkInvariants(tree).isEmpty(), qPrintable(checkInvariants(tree)));
    QCOMPARE(tree.maxDepth(), depth - 1);
    QCOMPARE(tree.errorCount(), 10);
    QCOMPARE(tree.countFlag(SpanTree::Orphan), 0);
    // And the other way round, parents first, in small batches.
    SpanTree forward;
    for (int begin = 0; begin < depth; begin += 50) {
        const std::vector<tg::ObservationRow> batch(
            rows.begin() + begin, rows.begin() + std::min(depth, begin + 50));
        forward.applyUpdate(batch);
    }
    QVERIFY2(checkInvariants(forward).isEmpty(), qPrintable(checkInvariants(forward)));
    QCOMPARE(printTree(forward, true), printTree(tree, true));
}

void TestSpanTreeUpdate::matchesFullBuild_data()
{
    QTest::addColumn<quint32>("seed");
    QTest::addColumn<int>("count");
    QTest::addColumn<int>("maxBatch");
    for (quint32 seed = 1; seed <= 12; ++seed)
        QTest::addRow("seed %u small batches", seed) << seed << 300 << 8;
    for (quint32 seed = 20; seed <= 24; ++seed)
        QTest::addRow("seed %u large batches", seed) << seed << 600 << 400;
}

void TestSpanTreeUpdate::matchesFullBuild()
{
    QFETCH(quint32, seed);
    QFETCH(int, count);
    QFETCH(int, maxBatch);
    std::mt19937 rng(seed);
    const std::vector<tg::ObservationRow> base = randomRows(count, seed);

    // A stream of first versions in random order, followed now and then by later versions of
    // rows already sent: new start, level, name or parent (which may close a loop).
    std::vector<tg::ObservationRow> stream;
    std::vector<int> order(base.size());
    std::iota(order.begin(), order.end(), 0);
    std::shuffle(order.begin(), order.end(), rng);
    for (size_t i = 0; i < order.size(); ++i) {
        stream.push_back(base[static_cast<size_t>(order[i])]);
        if (rng() % 4 == 0) {
            tg::ObservationRow again = stream[rng() % stream.size()];
            switch (rng() % 4) {
            case 0:
                again.startNs
                    = rng() % 8 == 0 ? tg::kUnknownTime : kBaseNs + static_cast<qint64>(rng() % 5000) * kMs;
                break;
            case 1:
                again.level = again.level == tg::Level::Error ? tg::Level::Default : tg::Level::Error;
                break;
            case 2:
                again.name = QStringLiteral("renamed-%1").arg(rng() % 5);
                break;
            default:
                again.parentId = rng() % 6 == 0
                    ? QStringLiteral("missing")
                    : QStringLiteral("n%1").arg(rng() % static_cast<quint32>(count));
                break;
            }
            stream.push_back(again);
        }
    }

    // Batches never hold one id twice (that would rightly be flagged as a duplicate).
    std::vector<std::vector<tg::ObservationRow>> batches;
    QSet<QString> inBatch;
    size_t limit = 0;
    for (const tg::ObservationRow &row : stream) {
        if (batches.empty() || batches.back().size() >= limit || inBatch.contains(row.id)) {
            batches.emplace_back();
            inBatch.clear();
            limit = 1 + rng() % static_cast<quint32>(maxBatch);
        }
        batches.back().push_back(row);
        inBatch.insert(row.id);
    }

    SpanTree tree = SpanTree::build(batches.front());
    for (size_t b = 1; b < batches.size(); ++b) {
        ShadowObserver obs(tree);
        tree.applyUpdate(batches[b], &obs);
        obs.verifyAll();
        QVERIFY2(obs.error.isEmpty(), qPrintable(QStringLiteral("batch %1: %2").arg(b).arg(obs.error)));
        const QString problem = checkInvariants(tree);
        QVERIFY2(problem.isEmpty(), qPrintable(QStringLiteral("batch %1: %2").arg(b).arg(problem)));
    }

    // The same final rows built at once, in order of first arrival, give the same tree.
    std::vector<tg::ObservationRow> finalRows;
    QHash<QString, size_t> position;
    for (const tg::ObservationRow &row : stream) {
        const auto it = position.constFind(row.id);
        if (it == position.cend()) {
            position.insert(row.id, finalRows.size());
            finalRows.push_back(row);
        } else {
            finalRows[it.value()] = row;
        }
    }
    const SpanTree expected = SpanTree::build(finalRows);
    QCOMPARE(printTree(tree, true), printTree(expected, true));
    QCOMPARE(tree.traceStartNs(), expected.traceStartNs());
    QCOMPARE(tree.traceEndNs(), expected.traceEndNs());
    QCOMPARE(tree.maxDepth(), expected.maxDepth());
    for (int n = 0; n < tree.size(); ++n) {
        const int e = expected.indexOfId(tree.id(n));
        QCOMPARE(tree.node(n).startNs, expected.node(e).startNs);
        QCOMPARE(tree.name(n), expected.name(e));
        QCOMPARE(tree.node(n).level, expected.node(e).level);
    }
}

QTEST_GUILESS_MAIN(TestSpanTreeUpdate)
#include "tst_spantreeupdate.moc"
