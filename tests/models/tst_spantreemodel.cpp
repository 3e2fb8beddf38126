#include "itemmodels/spantreemodel.h"
#include "spantreetestutil.h"

#include <QAbstractItemModelTester>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>

#include <memory>
#include <numeric>
#include <random>

using namespace tgtest;
using tg::SpanTree;
using tg::SpanTreeModel;

namespace {

std::unique_ptr<QAbstractItemModelTester> attachTester(SpanTreeModel &model)
{
    return std::make_unique<QAbstractItemModelTester>(
        &model, QAbstractItemModelTester::FailureReportingMode::Fatal);
}

QStringList printed(const SpanTreeModel &model)
{
    return printModel(model, tg::IdRole, tg::TreeFlagsRole);
}

// Persistent indexes on every node, in two columns, remembering the node they showed.
struct PersistentSet
{
    explicit PersistentSet(const SpanTreeModel &model)
    {
        for (int n = 0; n < model.tree().size(); ++n) {
            indexes.emplace_back(model.indexForNode(n, 0), n);
            indexes.emplace_back(model.indexForNode(n, SpanTreeModel::CostColumn), n);
        }
    }
    QString check(const SpanTreeModel &model) const
    {
        for (const auto &[index, node] : indexes) {
            if (!index.isValid())
                return QStringLiteral("persistent index of %1 became invalid").arg(model.tree().id(node));
            if (model.nodeForIndex(index) != node)
                return QStringLiteral("persistent index of %1 shows another node").arg(model.tree().id(node));
            if (QModelIndex(index) != model.indexForNode(node, index.column()))
                return QStringLiteral("persistent index of %1 has a stale row or parent")
                    .arg(model.tree().id(node));
        }
        return {};
    }
    std::vector<std::pair<QPersistentModelIndex, int>> indexes;
};

} // namespace

class TestSpanTreeModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void emptyModel();
    void setTreeIsOneReset();
    void displayAndSortRoles();
    void customRoles();
    void lookups();
    void navigationHelpers();
    void searchMatches();
    void liveInsertKeepsPersistentIndexes();
    void liveOrphanReparented();
    void liveUpdateEmitsDataChangedForThatRowOnly();
    void liveErrorRefreshesAncestors();
    void liveTraceStartChange();
    void liveRandomStream_data();
    void liveRandomStream();
    void largeTree();
    void deepChain();
};

void TestSpanTreeModel::emptyModel()
{
    SpanTreeModel model;
    const auto tester = attachTester(model);
    QCOMPARE(model.rowCount(), 0);
    QCOMPARE(model.columnCount(), int(SpanTreeModel::ColumnCount));
    QVERIFY(!model.index(0, 0).isValid());
    QVERIFY(!model.firstErrorAfter({}).isValid());
    QVERIFY(!model.mostExpensiveGeneration().isValid());
    QVERIFY(!model.nextSearchMatch({}).isValid());
    QVERIFY(!model.indexForRowKey(1).isValid());
    QVERIFY(model.ancestors({}).isEmpty());
    QCOMPARE(model.nodeForIndex({}), -1);
    const QStringList titles { QStringLiteral("Name"), QStringLiteral("Type"), QStringLiteral("Start"),
        QStringLiteral("Duration"), QStringLiteral("Model"), QStringLiteral("Tokens in"),
        QStringLiteral("Tokens out"), QStringLiteral("Cost"), QStringLiteral("Level") };
    for (int c = 0; c < model.columnCount(); ++c)
        QCOMPARE(model.headerData(c, Qt::Horizontal).toString(), titles[c]);
    QVERIFY(!model.headerData(SpanTreeModel::ColumnCount, Qt::Horizontal).isValid());
    QVERIFY(!model.headerData(0, Qt::Vertical).isValid());
    // An empty live batch on an empty model is harmless.
    QVERIFY(model.applyUpdate({}).isEmpty());
}

void TestSpanTreeModel::setTreeIsOneReset()
{
    SpanTreeModel model;
    const auto tester = attachTester(model);
    QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
    QSignalSpy range(&model, &SpanTreeModel::traceRangeChanged);
    const QString dsl = QStringLiteral(R"(
        r @0 +100
        a ^r @10
        a1 ^a @11
        o ^missing @50
        b ^r @20
    )");
    model.setTree(SpanTree::build(parseRows(dsl)));
    QCOMPARE(resets.count(), 1);
    QCOMPARE(range.count(), 1);
    QCOMPARE(printed(model), expectedLines(QStringLiteral(R"(
        r
          a
            a1
          b
        o [orphan]
    )")));
    QCOMPARE(printed(model), printTree(model.tree()));
    model.clear();
    QCOMPARE(model.rowCount(), 0);
    QCOMPARE(resets.count(), 2);
}

void TestSpanTreeModel::displayAndSortRoles()
{
    SpanTreeModel model;
    const auto tester = attachTester(model);
    model.setTree(SpanTree::build(parseRows(QStringLiteral(R"(
        r @0 +2500 AGENT name=support-agent
        g ^r @12 +850 GENERATION model=gpt-4o cost=0.0123 in=1200 out=345 !
        t ^r @1000 TOOL name=lookup_order ?
        cheap ^r @1001 +1 GENERATION cost=0.00001
        pricey ^r @1002 +1 GENERATION cost=123.456
    )"))));
    const QModelIndex r = model.index(0, 0);
    const QModelIndex g = model.index(0, 0, r);
    const QModelIndex t = model.index(1, 0, r);
    const auto display = [&model](const QModelIndex &row, int column) {
        return model.index(row.row(), column, row.parent()).data().toString();
    };
    const auto sortValue = [&model](const QModelIndex &row, int column) {
        return model.index(row.row(), column, row.parent()).data(tg::SortRole);
    };
    QCOMPARE(display(r, SpanTreeModel::NameColumn), QStringLiteral("support-agent"));
    QCOMPARE(display(r, SpanTreeModel::TypeColumn), QStringLiteral("AGENT"));
    QCOMPARE(display(r, SpanTreeModel::StartColumn), QStringLiteral("0 µs"));
    QCOMPARE(display(r, SpanTreeModel::DurationColumn), QStringLiteral("2.50 s"));
    QCOMPARE(display(r, SpanTreeModel::CostColumn), QString());
    QCOMPARE(display(r, SpanTreeModel::LevelColumn), QString());
    QCOMPARE(display(g, SpanTreeModel::TypeColumn), QStringLiteral("GENERATION"));
    QCOMPARE(display(g, SpanTreeModel::StartColumn), QStringLiteral("12.0 ms"));
    QCOMPARE(display(g, SpanTreeModel::DurationColumn), QStringLiteral("850 ms"));
    QCOMPARE(display(g, SpanTreeModel::ModelColumn), QStringLiteral("gpt-4o"));
    QCOMPARE(display(g, SpanTreeModel::InputTokensColumn), QStringLiteral("1200"));
    QCOMPARE(display(g, SpanTreeModel::OutputTokensColumn), QStringLiteral("345"));
    QCOMPARE(display(g, SpanTreeModel::CostColumn), QStringLiteral("$0.0123"));
    QCOMPARE(display(g, SpanTreeModel::LevelColumn), QStringLiteral("ERROR"));
    QCOMPARE(display(t, SpanTreeModel::DurationColumn), QString()); // no end
    QCOMPARE(display(t, SpanTreeModel::LevelColumn), QStringLiteral("WARNING"));
    QCOMPARE(display(t, SpanTreeModel::InputTokensColumn), QString());
    QCOMPARE(display(model.index(2, 0, r), SpanTreeModel::CostColumn), QStringLiteral("<$0.0001"));
    QCOMPARE(display(model.index(3, 0, r), SpanTreeModel::CostColumn), QStringLiteral("$123.46"));

    QCOMPARE(sortValue(g, SpanTreeModel::NameColumn).toString(), QStringLiteral("g"));
    QCOMPARE(sortValue(g, SpanTreeModel::TypeColumn).toInt(), int(tg::ObservationType::Generation));
    QCOMPARE(sortValue(g, SpanTreeModel::StartColumn).toLongLong(), 12 * kMs);
    QCOMPARE(sortValue(g, SpanTreeModel::DurationColumn).toLongLong(), 850 * kMs);
    QCOMPARE(sortValue(t, SpanTreeModel::DurationColumn).toLongLong(), tg::kUnknownTime);
    QCOMPARE(sortValue(g, SpanTreeModel::InputTokensColumn).toLongLong(), 1200);
    QCOMPARE(sortValue(g, SpanTreeModel::OutputTokensColumn).toLongLong(), 345);
    QCOMPARE(sortValue(g, SpanTreeModel::CostColumn).toDouble(), 0.0123);
    QCOMPARE(sortValue(g, SpanTreeModel::LevelColumn).toInt(), int(tg::Level::Error));
    QCOMPARE(sortValue(g, SpanTreeModel::ModelColumn).toString(), QStringLiteral("gpt-4o"));

    QCOMPARE(model.index(0, SpanTreeModel::CostColumn, r).data(Qt::TextAlignmentRole).value<Qt::Alignment>(),
        Qt::Alignment(Qt::AlignRight | Qt::AlignVCenter));
    QVERIFY(!model.index(0, SpanTreeModel::NameColumn, r).data(Qt::TextAlignmentRole).isValid());
}

void TestSpanTreeModel::customRoles()
{
    SpanTreeModel model;
    const auto tester = attachTester(model);
    model.setTree(SpanTree::build(parseRows(QStringLiteral(R"(
        r @100 +900 rk=40
        g ^r @150 +50 GENERATION model=claude-sonnet-4 cost=0.5 in=10 out=20 ! rk=41
        o ^nowhere @200 rk=42
        d @300 rk=43
        d @310 rk=44
    )"))));
    const QModelIndex g = model.indexForId(QStringLiteral("g"), SpanTreeModel::DurationColumn);
    QVERIFY(g.isValid());
    QCOMPARE(g.data(tg::RowKeyRole).toLongLong(), 41);
    QCOMPARE(g.data(tg::IdRole).toString(), QStringLiteral("g"));
    QCOMPARE(g.data(tg::ObservationTypeRole).toInt(), int(tg::ObservationType::Generation));
    QCOMPARE(g.data(tg::LevelRole).toInt(), int(tg::Level::Error));
    QCOMPARE(g.data(tg::StartOffsetRole).toLongLong(), 50 * kMs);
    QCOMPARE(g.data(tg::DurationRole).toLongLong(), 50 * kMs);
    QCOMPARE(g.data(tg::TraceStartRole).toLongLong(), kBaseNs + 100 * kMs);
    QCOMPARE(g.data(tg::TraceDurationRole).toLongLong(), 900 * kMs);
    QCOMPARE(g.data(tg::DepthRole).toInt(), 1);
    QCOMPARE(g.data(tg::TreeFlagsRole).toInt(), 0);
    QCOMPARE(g.data(tg::ErrorCountRole).toInt(), 1);
    QCOMPARE(g.data(tg::ModelNameRole).toString(), QStringLiteral("claude-sonnet-4"));
    QCOMPARE(g.data(tg::CostRole).toDouble(), 0.5);
    QCOMPARE(g.data(tg::TokensRole).toLongLong(), 30);
    QCOMPARE(g.data(tg::SearchMatchRole).toBool(), false);
    QCOMPARE(g.data(SpanTreeModel::ParentIdRole).toString(), QStringLiteral("r"));
    const QModelIndex r = model.indexForId(QStringLiteral("r"));
    QCOMPARE(r.data(tg::ErrorCountRole).toInt(), 1);
    QCOMPARE(r.data(SpanTreeModel::DescendantCountRole).toInt(), 1);
    QVERIFY(!r.data(Qt::ToolTipRole).isValid());

    const QModelIndex o = model.indexForId(QStringLiteral("o"));
    QCOMPARE(o.data(tg::TreeFlagsRole).toInt(), int(SpanTree::Orphan));
    QVERIFY(o.data(Qt::ToolTipRole).toString().contains(QStringLiteral("nowhere")));
    const QModelIndex d = model.indexForId(QStringLiteral("d"));
    QCOMPARE(d.data(tg::TreeFlagsRole).toInt(), int(SpanTree::Duplicate));
    QCOMPARE(d.data(tg::RowKeyRole).toLongLong(), 44);
    QVERIFY(!d.data(Qt::ToolTipRole).toString().isEmpty());
    QVERIFY(model.roleNames().contains(tg::ErrorCountRole));
    QVERIFY(!model.index(0, 0).data(tg::SessionIdRole).isValid()); // not a span tree role
}

void TestSpanTreeModel::lookups()
{
    SpanTreeModel model;
    const auto tester = attachTester(model);
    model.setTree(SpanTree::build(parseRows(QStringLiteral("r @0\na ^r @1\nb ^a @2 rk=77"))));
    const QModelIndex b = model.indexForRowKey(77, SpanTreeModel::CostColumn);
    QVERIFY(b.isValid());
    QCOMPARE(b.column(), int(SpanTreeModel::CostColumn));
    QCOMPARE(b.data(tg::IdRole).toString(), QStringLiteral("b"));
    QCOMPARE(model.indexForId(QStringLiteral("b")), model.index(0, 0, model.index(0, 0, model.index(0, 0))));
    QVERIFY(!model.indexForRowKey(78).isValid());
    QVERIFY(!model.indexForId(QStringLiteral("zz")).isValid());
    QVERIFY(!model.indexForNode(99).isValid());
    QVERIFY(!model.indexForNode(0, SpanTreeModel::ColumnCount).isValid());
    QCOMPARE(model.nodeForIndex(b), model.tree().indexOfId(QStringLiteral("b")));
    const QModelIndexList path = model.ancestors(b);
    QCOMPARE(path.size(), 2);
    QCOMPARE(path[0], model.indexForId(QStringLiteral("r")));
    QCOMPARE(path[1], model.indexForId(QStringLiteral("a")));
    // Indexes of another model are not ours.
    SpanTreeModel other;
    other.setTree(SpanTree::build(parseRows(QStringLiteral("x @0"))));
    QCOMPARE(model.nodeForIndex(other.index(0, 0)), -1);
}

void TestSpanTreeModel::navigationHelpers()
{
    SpanTreeModel model;
    const auto tester = attachTester(model);
    model.setTree(SpanTree::build(parseRows(QStringLiteral(R"(
        r @0 +3000 AGENT
        g1 ^r @10 +500 GENERATION cost=0.01
        t ^r @600 +100 TOOL !
        g2 ^r @800 +2000 GENERATION cost=0.002
        g3 ^t @650 +10 GENERATION cost=0.3 !
    )"))));
    const auto id = [](const QModelIndex &index) { return index.data(tg::IdRole).toString(); };
    QCOMPARE(id(model.mostExpensiveGeneration()), QStringLiteral("g3"));
    QCOMPARE(id(model.slowestGeneration()), QStringLiteral("g2"));
    QCOMPARE(id(model.firstErrorAfter({})), QStringLiteral("t"));
    QCOMPARE(id(model.firstErrorAfter(model.indexForId(QStringLiteral("t")))), QStringLiteral("g3"));
    QVERIFY(!model.firstErrorAfter(model.indexForId(QStringLiteral("g3"))).isValid());
    QCOMPARE(id(model.lastErrorBefore({})), QStringLiteral("g3"));
    QCOMPARE(id(model.lastErrorBefore(model.indexForId(QStringLiteral("g2")))), QStringLiteral("g3"));
    QVERIFY(!model.lastErrorBefore(model.indexForId(QStringLiteral("t"))).isValid());
}

void TestSpanTreeModel::searchMatches()
{
    SpanTreeModel model;
    const auto tester = attachTester(model);
    model.setTree(SpanTree::build(parseRows(QStringLiteral("r @0\na ^r @1\nb ^r @2\nc ^b @3\nd @9"))));
    const auto id = [](const QModelIndex &index) { return index.data(tg::IdRole).toString(); };
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);

    model.setSearchMatches({ 2, 4 }); // a, c
    QCOMPARE(model.searchMatchCount(), 2);
    QCOMPARE(changed.count(), 2); // a and c are not siblings: two ranges
    for (const QList<QVariant> &args : std::as_const(changed)) {
        const QModelIndex topLeft = args[0].toModelIndex();
        QCOMPARE(topLeft, args[1].toModelIndex().siblingAtColumn(0));
        QVERIFY(topLeft.data(tg::SearchMatchRole).toBool());
        QCOMPARE(args[2].value<QList<int>>(), QList<int> { tg::SearchMatchRole });
    }
    QCOMPARE(id(model.nextSearchMatch({})), QStringLiteral("a"));
    QCOMPARE(id(model.nextSearchMatch(model.indexForId(QStringLiteral("a")))), QStringLiteral("c"));
    QCOMPARE(id(model.nextSearchMatch(model.indexForId(QStringLiteral("c")))), QStringLiteral("a")); // wraps
    QCOMPARE(id(model.nextSearchMatch({}, true)), QStringLiteral("c"));
    QCOMPARE(id(model.nextSearchMatch(model.indexForId(QStringLiteral("a")), true)), QStringLiteral("c"));
    QCOMPARE(id(model.nextSearchMatch(model.indexForId(QStringLiteral("d")), true)), QStringLiteral("c"));

    changed.clear();
    model.setSearchMatches({ 4, 999 }); // c stays, a goes; an unknown key is ignored
    QCOMPARE(model.searchMatchCount(), 1);
    QCOMPARE(changed.count(), 1);
    QCOMPARE(id(changed[0][0].toModelIndex()), QStringLiteral("a"));
    QCOMPARE(
        id(model.nextSearchMatch(model.indexForId(QStringLiteral("c")))), QStringLiteral("c")); // only one

    // Rows arriving later match the same set.
    changed.clear();
    model.applyUpdate(parseRows(QStringLiteral("e ^b @4 rk=999")));
    QCOMPARE(model.searchMatchCount(), 2);
    QVERIFY(model.indexForId(QStringLiteral("e")).data(tg::SearchMatchRole).toBool());

    model.setSearchMatches({});
    QCOMPARE(model.searchMatchCount(), 0);
    QVERIFY(!model.nextSearchMatch({}).isValid());
}

void TestSpanTreeModel::liveInsertKeepsPersistentIndexes()
{
    SpanTreeModel model;
    const auto tester = attachTester(model);
    model.setTree(SpanTree::build(parseRows(QStringLiteral("r @0\na ^r @10\nb ^r @30\nb1 ^b @31"))));
    const PersistentSet persistent(model);
    const QPersistentModelIndex b(model.indexForId(QStringLiteral("b")));
    QCOMPARE(b.row(), 1);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);

    model.applyUpdate(parseRows(QStringLiteral("c ^r @20\nc1 ^c @21\nb0 ^b @30"), 10));
    QCOMPARE(resets.count(), 0);
    QCOMPARE(inserted.count(), 2);
    QCOMPARE(inserted[0][0].toModelIndex(), model.indexForId(QStringLiteral("r"))); // c (with c1)
    QCOMPARE(inserted[0][1].toInt(), 1);
    QCOMPARE(inserted[0][2].toInt(), 1);
    QCOMPARE(inserted[1][0].toModelIndex(), model.indexForId(QStringLiteral("b"))); // b0 before b1
    QCOMPARE(inserted[1][1].toInt(), 0);
    QCOMPARE(inserted[1][2].toInt(), 0);
    QCOMPARE(b.row(), 2); // shifted by the insert before it
    const QString problem = persistent.check(model);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QCOMPARE(printed(model), printTree(model.tree()));
    // Only the parents' subtree counts changed, in the name column.
    for (const QList<QVariant> &args : std::as_const(changed)) {
        QCOMPARE(args[0].toModelIndex().column(), 0);
        QCOMPARE(args[1].toModelIndex().column(), 0);
        QVERIFY(args[2].value<QList<int>>().contains(tg::ErrorCountRole));
    }
}

void TestSpanTreeModel::liveOrphanReparented()
{
    SpanTreeModel model;
    const auto tester = attachTester(model);
    model.setTree(SpanTree::build(parseRows(QStringLiteral("x ^p @10\nx1 ^x @11\ny ^other @20"))));
    QCOMPARE(model.rowCount(), 2);
    const PersistentSet persistent(model);
    const QPersistentModelIndex x(model.indexForId(QStringLiteral("x")));
    const QPersistentModelIndex x1(model.indexForId(QStringLiteral("x1")));
    QSignalSpy moved(&model, &QAbstractItemModel::rowsMoved);
    model.applyUpdate(parseRows(QStringLiteral("p @0"), 10));
    QCOMPARE(moved.count(), 1);
    QCOMPARE(printed(model), expectedLines(QStringLiteral("p\n  x\n    x1\ny [orphan]")));
    QCOMPARE(x.parent(), model.indexForId(QStringLiteral("p")));
    QCOMPARE(x1.parent(), QModelIndex(x));
    QCOMPARE(x.data(tg::TreeFlagsRole).toInt(), 0);
    QCOMPARE(x.data(tg::DepthRole).toInt(), 1);
    QCOMPARE(x1.data(tg::DepthRole).toInt(), 2);
    const QString problem = persistent.check(model);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
}

void TestSpanTreeModel::liveUpdateEmitsDataChangedForThatRowOnly()
{
    SpanTreeModel model;
    const auto tester = attachTester(model);
    model.setTree(
        SpanTree::build(parseRows(QStringLiteral("r @0 +100\na ^r @10 +5\nb ^r @20 +5\nc ^r @30 +5"))));
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy moved(&model, &QAbstractItemModel::rowsMoved);
    QSignalSpy range(&model, &SpanTreeModel::traceRangeChanged);
    model.applyUpdate(parseRows(QStringLiteral("b ^r @20 +6 GENERATION model=gpt-4o-mini cost=0.2"), 3));
    QCOMPARE(changed.count(), 1);
    QCOMPARE(inserted.count(), 0);
    QCOMPARE(moved.count(), 0);
    QCOMPARE(range.count(), 0);
    const QModelIndex b = model.indexForId(QStringLiteral("b"));
    QCOMPARE(changed[0][0].toModelIndex(), b);
    QCOMPARE(changed[0][1].toModelIndex(), b.siblingAtColumn(SpanTreeModel::ColumnCount - 1));
    QCOMPARE(b.siblingAtColumn(SpanTreeModel::ModelColumn).data().toString(), QStringLiteral("gpt-4o-mini"));
    QCOMPARE(b.siblingAtColumn(SpanTreeModel::DurationColumn).data().toString(), QStringLiteral("6.00 ms"));
}

void TestSpanTreeModel::liveErrorRefreshesAncestors()
{
    SpanTreeModel model;
    const auto tester = attachTester(model);
    model.setTree(SpanTree::build(parseRows(QStringLiteral("r @0\na ^r @1\na1 ^a @2\nb ^r @3"))));
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    model.applyUpdate(parseRows(QStringLiteral("a1 ^a @2 !"), 3));
    QStringList refreshed;
    for (const QList<QVariant> &args : std::as_const(changed))
        refreshed << args[0].toModelIndex().data(tg::IdRole).toString();
    refreshed.sort();
    QCOMPARE(refreshed, (QStringList { QStringLiteral("a"), QStringLiteral("a1"), QStringLiteral("r") }));
    QCOMPARE(model.indexForId(QStringLiteral("r")).data(tg::ErrorCountRole).toInt(), 1);
    QCOMPARE(model.indexForId(QStringLiteral("b")).data(tg::ErrorCountRole).toInt(), 0);
}

void TestSpanTreeModel::liveTraceStartChange()
{
    SpanTreeModel model;
    const auto tester = attachTester(model);
    model.setTree(SpanTree::build(parseRows(QStringLiteral("r @10 +100\na ^r @20\nb ^r @30\nc @50"))));
    const QModelIndex a = model.indexForId(QStringLiteral("a"), SpanTreeModel::StartColumn);
    QCOMPARE(a.data(tg::StartOffsetRole).toLongLong(), 10 * kMs);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    QSignalSpy range(&model, &SpanTreeModel::traceRangeChanged);
    model.applyUpdate(parseRows(QStringLiteral("root @0 +200"), 10));
    QCOMPARE(range.count(), 1);
    QCOMPARE(a.data(tg::StartOffsetRole).toLongLong(), 20 * kMs);
    QCOMPARE(a.data().toString(), QStringLiteral("20.0 ms"));
    // One range per non-empty child list, over the start column only.
    QCOMPARE(changed.count(), 2);
    for (const QList<QVariant> &args : std::as_const(changed)) {
        QCOMPARE(args[0].toModelIndex().column(), int(SpanTreeModel::StartColumn));
        QCOMPARE(args[1].toModelIndex().column(), int(SpanTreeModel::StartColumn));
        QCOMPARE(args[0].toModelIndex().row(), 0);
        QVERIFY(args[2].value<QList<int>>().contains(tg::StartOffsetRole));
    }
    // Only the end moves: the signal, no row refresh.
    changed.clear();
    model.applyUpdate(parseRows(QStringLiteral("late ^r @60 +500"), 20));
    QCOMPARE(range.count(), 2);
    for (const QList<QVariant> &args : std::as_const(changed))
        QVERIFY(!args[2].value<QList<int>>().contains(tg::StartOffsetRole));
}

void TestSpanTreeModel::liveRandomStream_data()
{
    QTest::addColumn<quint32>("seed");
    for (quint32 seed = 1; seed <= 4; ++seed)
        QTest::addRow("seed %u", seed) << seed;
}

void TestSpanTreeModel::liveRandomStream()
{
    // Children often arrive before parents, rows come back with new parents and starts. The
    // tester walks the whole model on every signal, so the trees stay small here.
    QFETCH(quint32, seed);
    std::mt19937 rng(seed);
    std::vector<tg::ObservationRow> rows = randomRows(150, seed);
    std::shuffle(rows.begin(), rows.end(), rng);
    SpanTreeModel model;
    const auto tester = attachTester(model);
    size_t next = 0;
    while (next < rows.size()) {
        std::vector<tg::ObservationRow> batch;
        const size_t count = 1 + rng() % 12;
        QSet<QString> ids;
        for (size_t i = 0; i < count && next < rows.size(); ++i, ++next) {
            batch.push_back(rows[next]);
            ids.insert(rows[next].id);
        }
        if (next > 20 && rng() % 2 == 0) {
            tg::ObservationRow again = rows[rng() % next];
            if (!ids.contains(again.id)) {
                again.parentId = QStringLiteral("n%1").arg(rng() % 150);
                again.startNs = kBaseNs + static_cast<qint64>(rng() % 5000) * kMs;
                batch.push_back(again);
            }
        }
        const PersistentSet persistent(model);
        model.applyUpdate(batch);
        const QString problem = persistent.check(model);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        QCOMPARE(printed(model), printTree(model.tree()));
    }
    QCOMPARE(model.tree().size(), 150);
    QVERIFY(checkInvariants(model.tree()).isEmpty());
}

void TestSpanTreeModel::largeTree()
{
    // No tester here: its full walks would dominate; the shape is covered above.
    SpanTreeModel model;
    std::vector<tg::ObservationRow> rows = randomRows(101'000, 11, 12);
    const std::vector<tg::ObservationRow> later(rows.begin() + 100'000, rows.end());
    rows.resize(100'000);
    QElapsedTimer timer;
    timer.start();
    SpanTree tree = SpanTree::build(rows);
    const qint64 buildMs = timer.restart();
    model.setTree(std::move(tree));
    const qint64 setMs = timer.restart();
    for (size_t i = 0; i < later.size(); i += 100) {
        const std::vector<tg::ObservationRow> batch(later.begin() + static_cast<std::ptrdiff_t>(i),
            later.begin() + static_cast<std::ptrdiff_t>(i + 100));
        model.applyUpdate(batch);
    }
    const qint64 liveMs = timer.elapsed();
    qInfo("100,000 rows: build %lld ms, setTree %lld ms; 10 live batches of 100: %lld ms", buildMs, setMs,
        liveMs);
    QCOMPARE(model.tree().size(), 101'000);
    QCOMPARE(
        model.indexForId(QStringLiteral("n100999")).data(tg::IdRole).toString(), QStringLiteral("n100999"));
    QVERIFY(checkInvariants(model.tree()).isEmpty());
}

void TestSpanTreeModel::deepChain()
{
    SpanTreeModel model;
    const auto tester = attachTester(model);
    std::vector<tg::ObservationRow> rows(10'000);
    for (int i = 0; i < 10'000; ++i) {
        rows[static_cast<size_t>(i)].id = QString::number(i);
        rows[static_cast<size_t>(i)].parentId = i > 0 ? QString::number(i - 1) : QString();
        rows[static_cast<size_t>(i)].startNs = kBaseNs + i;
        rows[static_cast<size_t>(i)].rk = i + 1;
    }
    rows.back().level = tg::Level::Error;
    model.setTree(SpanTree::build(rows));
    const QModelIndex leaf = model.indexForId(QStringLiteral("9999"));
    QCOMPARE(leaf.data(tg::DepthRole).toInt(), 9999);
    QCOMPARE(model.ancestors(leaf).size(), 9999);
    QCOMPARE(model.firstErrorAfter({}), leaf);
    QCOMPARE(model.index(0, 0).data(tg::ErrorCountRole).toInt(), 1);
    // Growing at the bottom of the chain.
    const QPersistentModelIndex persistentLeaf(leaf);
    model.applyUpdate(parseRows(QStringLiteral("deeper ^9999 @99999"), 20'000));
    QCOMPARE(model.rowCount(leaf), 1);
    QCOMPARE(QModelIndex(persistentLeaf), leaf);
    QCOMPARE(model.index(0, 0).data(SpanTreeModel::DescendantCountRole).toInt(), 10'000);
}

QTEST_GUILESS_MAIN(TestSpanTreeModel)
#include "tst_spantreemodel.moc"
