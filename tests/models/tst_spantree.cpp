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

QTEST_GUILESS_MAIN(TestSpanTree)
#include "tst_spantree.moc"
