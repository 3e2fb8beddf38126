#include "itemmodels/spantree.h"
#include "spantreetestutil.h"

#include <QElapsedTimer>
#include <QTest>

#include <numeric>
#include <random>

using namespace tgtest;
using tg::SpanTree;

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

class TestSpanTree : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void emptyInput();
    void childrenOrderedByStart();
    void missingParent();
    void selfParent();
    void twoCycle();
    void longerCycle();
    void duplicateIds();
    void outOfOrderRows_data();
    void outOfOrderRows();
    void traceRangeAndDurations();
    void aggregates();
    void navigation();
    void mostExpensiveAndSlowest();
    void largeTree();
    void deepChain();
    void deepCycle();

    void liveInsertUnderParent();
    void liveNewSubtreeIsOneInsert();
    void liveOrphanAdoptedWhenParentArrives();
    void liveOrphansMoveAsOneBlock();
    void liveUpdateInPlace();
    void liveStartChangeRepositions();
    void liveParentChangeMoves();
    void liveCycleCreatedAndOpened();
    void liveSwapParentAndChild();
    void liveDuplicateInOneBatch();
    void liveLevelFlipUpdatesAncestors();
    void liveTraceRange();
    void liveDeepChainInBatches();
    void liveMatchesFullBuild_data();
    void liveMatchesFullBuild();
};

void TestSpanTree::emptyInput()
{
    const SpanTree tree = SpanTree::build({});
    QCOMPARE(tree.size(), 0);
    QVERIFY(tree.isEmpty());
    QCOMPARE(tree.childCount(-1), 0);
    QCOMPARE(tree.maxDepth(), -1);
    QCOMPARE(tree.traceStartNs(), tg::kUnknownTime);
    QCOMPARE(tree.traceDurationNs(), tg::kUnknownTime);
    QCOMPARE(tree.next(-1), -1);
    QCOMPARE(tree.previous(-1), -1);
    QCOMPARE(tree.firstErrorAfter(-1), -1);
    QCOMPARE(tree.lastErrorBefore(-1), -1);
    QCOMPARE(tree.mostExpensiveGeneration(), -1);
    QCOMPARE(tree.indexOfId(QStringLiteral("x")), -1);
    QCOMPARE(tree.child(-1, 0), -1);
    QCOMPARE(tree.child(5, 0), -1); // out of range parent gives no children, no crash
    QVERIFY(tree.ancestors(3).empty());

    SpanTree grown;
    QVERIFY(grown.applyUpdate({}).isEmpty());
    grown.applyUpdate(parseRows(QStringLiteral("a @0 +5")));
    QCOMPARE(printTree(grown), QStringList { QStringLiteral("a") });
}

void TestSpanTree::childrenOrderedByStart()
{
    const SpanTree tree = buildFrom(QStringLiteral(R"(
        root @0 +100
        c ^root @30 +10
        a ^root @10 +10
        u ^root
        b ^root @10 +5
        late
        first @0
    )"));
    // Unknown starts go last, ties keep their input order.
    QCOMPARE(printTree(tree), expectedLines(QStringLiteral(R"(
        root
          a
          b
          c
          u
        first
        late
    )")));
    QVERIFY2(checkInvariants(tree).isEmpty(), qPrintable(checkInvariants(tree)));
}

void TestSpanTree::missingParent()
{
    const SpanTree tree = buildFrom(QStringLiteral(R"(
        root @0
        x ^missing @5
        y ^x @6
    )"));
    QCOMPARE(printTree(tree), expectedLines(QStringLiteral(R"(
        root
        x [orphan]
          y
    )")));
    const int x = tree.indexOfId(QStringLiteral("x"));
    QCOMPARE(tree.parent(x), -1);
    QCOMPARE(tree.parentId(x), QStringLiteral("missing"));
    QCOMPARE(tree.countFlag(SpanTree::Orphan), 1);
}

void TestSpanTree::selfParent()
{
    const SpanTree tree = buildFrom(QStringLiteral("a ^a @0\nb ^a @1"));
    QCOMPARE(printTree(tree), expectedLines(QStringLiteral("a [cycle]\n  b")));
    QVERIFY(checkInvariants(tree).isEmpty());
}

void TestSpanTree::twoCycle()
{
    const SpanTree tree = buildFrom(QStringLiteral(R"(
        a ^b @10
        b ^a @5
        c ^a @20
    )"));
    // The loop is cut at its earliest node.
    QCOMPARE(printTree(tree), expectedLines(QStringLiteral(R"(
        b [cycle]
          a
            c
    )")));
    QCOMPARE(tree.countFlag(SpanTree::CycleCut), 1);
}

void TestSpanTree::longerCycle()
{
    const SpanTree tree = buildFrom(QStringLiteral(R"(
        r @0
        a ^d @40
        b ^a @10
        c ^b @20
        d ^c @30
        t ^c @25
        e ^a @50
    )"));
    QCOMPARE(printTree(tree), expectedLines(QStringLiteral(R"(
        r
        b [cycle]
          c
            t
            d
              a
                e
    )")));
    QCOMPARE(tree.maxDepth(), 4);
    QVERIFY(checkInvariants(tree).isEmpty());
}

void TestSpanTree::duplicateIds()
{
    const SpanTree tree = buildFrom(QStringLiteral(R"(
        a @0
        b ^a @10 name=first
        c ^a @20
        b ^c @30 name=second rk=99
    )"));
    QCOMPARE(tree.size(), 3);
    QCOMPARE(printTree(tree), expectedLines(QStringLiteral(R"(
        a
          c
            b [dup]
    )")));
    const int b = tree.indexOfId(QStringLiteral("b"));
    QCOMPARE(tree.name(b), QStringLiteral("second"));
    QCOMPARE(tree.node(b).rk, 99);
    QCOMPARE(tree.indexOfRowKey(99), b);
    QCOMPARE(tree.indexOfRowKey(2), -1); // the replaced row's key no longer names a node
}

void TestSpanTree::outOfOrderRows_data()
{
    QTest::addColumn<quint32>("seed");
    for (quint32 seed = 1; seed <= 6; ++seed)
        QTest::addRow("seed %u", seed) << seed;
}

void TestSpanTree::outOfOrderRows()
{
    QFETCH(quint32, seed);
    // Distinct starts, so the order of siblings does not depend on the input order.
    std::vector<tg::ObservationRow> rows = randomRows(500, seed);
    std::vector<int> perm(rows.size());
    std::iota(perm.begin(), perm.end(), 0);
    std::mt19937 rng(seed);
    std::shuffle(perm.begin(), perm.end(), rng);
    for (size_t i = 0; i < rows.size(); ++i)
        rows[i].startNs = kBaseNs + perm[i] * kMs;
    const SpanTree ordered = SpanTree::build(rows);
    std::shuffle(rows.begin(), rows.end(), rng);
    const SpanTree shuffled = SpanTree::build(rows);
    QCOMPARE(printTree(shuffled, true), printTree(ordered, true));
    QVERIFY2(checkInvariants(shuffled).isEmpty(), qPrintable(checkInvariants(shuffled)));
    std::reverse(rows.begin(), rows.end());
    QCOMPARE(printTree(SpanTree::build(rows), true), printTree(ordered, true));
}

void TestSpanTree::traceRangeAndDurations()
{
    const SpanTree tree = buildFrom(QStringLiteral(R"(
        a @10 +5
        b @0
        c @20 +100
        d
    )"));
    QCOMPARE(tree.traceStartNs(), kBaseNs);
    QCOMPARE(tree.traceEndNs(), kBaseNs + 120 * kMs);
    QCOMPARE(tree.traceDurationNs(), 120 * kMs);
    QCOMPARE(tree.durationNs(tree.indexOfId(QStringLiteral("a"))), 5 * kMs);
    QCOMPARE(tree.durationNs(tree.indexOfId(QStringLiteral("b"))), tg::kUnknownTime);
    QCOMPARE(tree.startOffsetNs(tree.indexOfId(QStringLiteral("c"))), 20 * kMs);
    QCOMPARE(tree.startOffsetNs(tree.indexOfId(QStringLiteral("d"))), tg::kUnknownTime);

    // An end before the start is bad input: no duration rather than a negative one.
    std::vector<tg::ObservationRow> rows = parseRows(QStringLiteral("x @50"));
    rows[0].endNs = rows[0].startNs - 10;
    QCOMPARE(SpanTree::build(rows).durationNs(0), tg::kUnknownTime);

    const SpanTree noTimes = buildFrom(QStringLiteral("a\nb ^a"));
    QCOMPARE(noTimes.traceStartNs(), tg::kUnknownTime);
    QCOMPARE(noTimes.traceDurationNs(), tg::kUnknownTime);
}

void TestSpanTree::aggregates()
{
    const SpanTree tree = buildFrom(QStringLiteral(R"(
        r @0
        a ^r @1 !
        b ^r @2
        b1 ^b @3 !
        b2 ^b @4 ?
        b21 ^b2 @5 !
        s @9
    )"));
    QCOMPARE(printTree(tree, true), expectedLines(QStringLiteral(R"(
        r s=6 e=3
          a s=1 e=1
          b s=4 e=2
            b1 s=1 e=1
            b2 s=2 e=1
              b21 s=1 e=1
        s s=1
    )")));
    QCOMPARE(tree.errorCount(), 3);
    QCOMPARE(tree.maxDepth(), 3);
}

void TestSpanTree::navigation()
{
    const SpanTree tree = buildFrom(QStringLiteral(R"(
        r @0 +100
        a ^r @1 !
        b ^r @2
        b1 ^b @3 !
        c ^r @4
        c1 ^c @5
        c2 ^c @6 !
        s @200 !
    )"));
    const auto id = [&tree](int n) { return n < 0 ? QStringLiteral("-") : tree.id(n); };
    const auto at = [&tree](const char *name) { return tree.indexOfId(QString::fromLatin1(name)); };

    QStringList forward;
    for (int n = tree.next(-1); n >= 0; n = tree.next(n))
        forward << id(n);
    QCOMPARE(forward.join(u' '), QStringLiteral("r a b b1 c c1 c2 s"));
    QStringList backward;
    for (int n = tree.previous(-1); n >= 0; n = tree.previous(n))
        backward << id(n);
    QCOMPARE(backward.join(u' '), QStringLiteral("s c2 c1 c b1 b a r"));

    QStringList errors;
    for (int n = tree.firstErrorAfter(-1); n >= 0; n = tree.firstErrorAfter(n))
        errors << id(n);
    QCOMPARE(errors.join(u' '), QStringLiteral("a b1 c2 s"));
    errors.clear();
    for (int n = tree.lastErrorBefore(-1); n >= 0; n = tree.lastErrorBefore(n))
        errors << id(n);
    QCOMPARE(errors.join(u' '), QStringLiteral("s c2 b1 a"));
    QCOMPARE(id(tree.firstErrorAfter(at("r"))), QStringLiteral("a"));
    QCOMPARE(id(tree.firstErrorAfter(at("c1"))), QStringLiteral("c2"));
    QCOMPARE(id(tree.lastErrorBefore(at("c"))), QStringLiteral("b1"));
    QCOMPARE(id(tree.lastErrorBefore(at("c1"))), QStringLiteral("b1"));
    QCOMPARE(tree.firstErrorAfter(999), -1);

    QStringList path;
    for (const int n : tree.ancestors(at("b1")))
        path << id(n);
    QCOMPARE(path, (QStringList { QStringLiteral("r"), QStringLiteral("b") }));
    QVERIFY(tree.ancestors(at("r")).empty());
}

void TestSpanTree::mostExpensiveAndSlowest()
{
    const SpanTree tree = buildFrom(QStringLiteral(R"(
        r @0 +1000 AGENT cost=9
        g1 ^r @1 +50 GENERATION cost=0.02
        g2 ^r @2 +400 GENERATION cost=0.001
        g3 ^r @3 GENERATION cost=0.03
        t ^r @4 +900 TOOL
    )"));
    QCOMPARE(tree.id(tree.mostExpensiveGeneration()), QStringLiteral("g3"));
    QCOMPARE(tree.id(tree.slowestGeneration()), QStringLiteral("g2"));
    const SpanTree none = buildFrom(QStringLiteral("r @0 +5 TOOL\ng ^r @1 GENERATION"));
    QCOMPARE(none.mostExpensiveGeneration(), -1);
    QCOMPARE(none.slowestGeneration(), -1);
}

void TestSpanTree::largeTree()
{
    const std::vector<tg::ObservationRow> rows = randomRows(100'000, 7, 12);
    QElapsedTimer timer;
    timer.start();
    const SpanTree tree = SpanTree::build(rows);
    const qint64 ms = timer.elapsed();
    qInfo("build of 100,000 observations: %lld ms", ms);
    QCOMPARE(tree.size(), 100'000);
    QVERIFY2(checkInvariants(tree).isEmpty(), qPrintable(checkInvariants(tree)));
    int visited = 0;
    for (int n = tree.next(-1); n >= 0; n = tree.next(n))
        ++visited;
    QCOMPARE(visited, tree.size());
    int errors = 0;
    for (int n = tree.firstErrorAfter(-1); n >= 0; n = tree.firstErrorAfter(n))
        ++errors;
    QCOMPARE(errors, tree.errorCount());
    QCOMPARE(errors,
        static_cast<int>(std::count_if(rows.begin(), rows.end(),
            [](const tg::ObservationRow &r) { return r.level == tg::Level::Error; })));
}

void TestSpanTree::deepChain()
{
    for (const int depth : { 10'000, 100'000 }) {
        std::vector<tg::ObservationRow> rows(static_cast<size_t>(depth));
        for (int i = 0; i < depth; ++i) {
            rows[static_cast<size_t>(i)].rk = i + 1;
            rows[static_cast<size_t>(i)].id = QString::number(i);
            rows[static_cast<size_t>(i)].parentId = i > 0 ? QString::number(i - 1) : QString();
            rows[static_cast<size_t>(i)].startNs = kBaseNs + i;
        }
        rows.back().level = tg::Level::Error;
        std::reverse(rows.begin(), rows.end()); // children before parents
        const SpanTree tree = SpanTree::build(rows);
        QCOMPARE(tree.maxDepth(), depth - 1);
        const int leaf = tree.indexOfId(QString::number(depth - 1));
        QCOMPARE(tree.depth(leaf), depth - 1);
        QCOMPARE(tree.node(tree.child(-1, 0)).subtreeSize, depth);
        QCOMPARE(tree.node(tree.child(-1, 0)).subtreeErrors, 1);
        QCOMPARE(tree.firstErrorAfter(-1), leaf);
        QCOMPARE(tree.lastErrorBefore(-1), leaf);
        QCOMPARE(tree.previous(-1), leaf);
        QCOMPARE(static_cast<int>(tree.ancestors(leaf).size()), depth - 1);
        QVERIFY(checkInvariants(tree).isEmpty());
    }
}

void TestSpanTree::deepCycle()
{
    const int length = 10'000;
    std::vector<tg::ObservationRow> rows(static_cast<size_t>(length));
    for (int i = 0; i < length; ++i) {
        rows[static_cast<size_t>(i)].id = QString::number(i);
        rows[static_cast<size_t>(i)].parentId = QString::number((i + length - 1) % length);
        rows[static_cast<size_t>(i)].startNs = kBaseNs + (i + 5000) % length; // "5000" starts first
    }
    const SpanTree tree = SpanTree::build(rows);
    QCOMPARE(tree.childCount(-1), 1);
    const int root = tree.child(-1, 0);
    QCOMPARE(tree.id(root), QStringLiteral("5000"));
    QCOMPARE(tree.flags(root), int(SpanTree::CycleCut));
    QCOMPARE(tree.maxDepth(), length - 1);
    QVERIFY(checkInvariants(tree).isEmpty());
}

void TestSpanTree::liveInsertUnderParent()
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

void TestSpanTree::liveNewSubtreeIsOneInsert()
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

void TestSpanTree::liveOrphanAdoptedWhenParentArrives()
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

void TestSpanTree::liveOrphansMoveAsOneBlock()
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

void TestSpanTree::liveUpdateInPlace()
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

void TestSpanTree::liveStartChangeRepositions()
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

void TestSpanTree::liveParentChangeMoves()
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

void TestSpanTree::liveCycleCreatedAndOpened()
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

void TestSpanTree::liveSwapParentAndChild()
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

void TestSpanTree::liveDuplicateInOneBatch()
{
    SpanTree tree = buildFrom(QStringLiteral("r @0\nx ^r @5"));
    APPLY(r, tree, "n ^r @7 name=one\nn ^r @6 name=two\nx ^r @5 name=a\nx ^r @5 name=b", 10);
    QCOMPARE(printTree(tree), expectedLines(QStringLiteral("r\n  x [dup]\n  n [dup]")));
    QCOMPARE(tree.name(tree.indexOfId(QStringLiteral("n"))), QStringLiteral("two"));
    QCOMPARE(tree.name(tree.indexOfId(QStringLiteral("x"))), QStringLiteral("b"));
}

void TestSpanTree::liveLevelFlipUpdatesAncestors()
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

void TestSpanTree::liveTraceRange()
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

void TestSpanTree::liveDeepChainInBatches()
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

void TestSpanTree::liveMatchesFullBuild_data()
{
    QTest::addColumn<quint32>("seed");
    QTest::addColumn<int>("count");
    QTest::addColumn<int>("maxBatch");
    for (quint32 seed = 1; seed <= 12; ++seed)
        QTest::addRow("seed %u small batches", seed) << seed << 300 << 8;
    for (quint32 seed = 20; seed <= 24; ++seed)
        QTest::addRow("seed %u large batches", seed) << seed << 600 << 400;
}

void TestSpanTree::liveMatchesFullBuild()
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

QTEST_GUILESS_MAIN(TestSpanTree)
#include "tst_spantree.moc"
