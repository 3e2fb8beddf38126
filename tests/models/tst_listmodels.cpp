// TraceListModel, SessionListModel and SourceListModel over a real store, each watched by
// QAbstractItemModelTester from before the first load: paging, sorting, filtering, and live
// updates that keep the selected row selected.
#include "itemmodels/modelroles.h"
#include "itemmodels/sessionlistmodel.h"
#include "itemmodels/sourcelistmodel.h"
#include "itemmodels/tracelistmodel.h"
#include "storetestutil.h"

#include <QAbstractItemModelTester>
#include <QPersistentModelIndex>
#include <QSignalSpy>

using namespace tg;
using namespace tg::test;

class TestListModels : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    int m_n = 0;

    std::unique_ptr<TraceStore> populated(qint64 *sourceOut, int traces)
    {
        auto store = openTempStore(m_dir, QStringLiteral("lm-%1.db").arg(++m_n));
        const qint64 src = store->ensureSource(
            SourceKind::LocalReceiver, QStringLiteral("local"), QStringLiteral("Local"));
        WriteBatch batch;
        batch.sourceId = src;
        for (int i = 0; i < traces; ++i) {
            TraceRecord t = makeTrace(QStringLiteral("t%1").arg(i, 4, 10, QLatin1Char('0')),
                i % 3 == 0 ? QStringLiteral("alpha") : QStringLiteral("beta"), i);
            t.sessionId = QStringLiteral("s%1").arg(i % 4);
            t.userId = QStringLiteral("u%1").arg(i % 2);
            batch.traces.push_back(t);
            batch.observations.push_back(
                makeObservation(QStringLiteral("o%1").arg(i), t.id, i, 100 + i, 0.001 * (i % 10)));
        }
        if (!commit(*store, batch))
            return nullptr;
        // Deliver the notices of this set-up before any model listens.
        QCoreApplication::processEvents();
        *sourceOut = src;
        return store;
    }

    static QStringList ids(const QAbstractItemModel &model)
    {
        QStringList out;
        for (int r = 0; r < model.rowCount(); ++r)
            out.append(model.index(r, 0).data(IdRole).toString());
        return out;
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void tracesPageSortAndFilter()
    {
        qint64 src = 0;
        auto store = populated(&src, 450);
        QVERIFY(store);
        TraceListModel model(store.get());
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        QSignalSpy loaded(&model, &TraceListModel::loaded);
        model.reload();
        QVERIFY(loaded.wait(5000));
        QCOMPARE(model.rowCount(), 200);
        QCOMPARE(model.index(0, 0).data(IdRole).toString(), QStringLiteral("t0449")); // newest first
        QTRY_COMPARE(model.totalCount(), qint64(450));

        QTRY_VERIFY(model.canFetchMore({}));
        model.fetchMore({});
        QVERIFY(loaded.wait(5000));
        QCOMPARE(model.rowCount(), 400);
        QTRY_VERIFY(model.canFetchMore({}));
        model.fetchMore({});
        QVERIFY(loaded.wait(5000));
        QCOMPARE(model.rowCount(), 450);
        QVERIFY(!model.canFetchMore({}));

        model.sort(TraceListModel::LatencyColumn, Qt::AscendingOrder);
        QVERIFY(loaded.wait(5000));
        QCOMPARE(model.index(0, 0).data(IdRole).toString(), QStringLiteral("t0000"));
        QCOMPARE(model.index(0, TraceListModel::LatencyColumn).data(SortRole).toLongLong(), 100'000'000LL);
        QCOMPARE(model.index(0, TraceListModel::LatencyColumn).data().toString(), QStringLiteral("100 ms"));

        TraceFilter filter;
        filter.name = QStringLiteral("alpha");
        filter.userId = QStringLiteral("u0");
        model.setFilter(filter);
        QVERIFY(loaded.wait(5000));
        QCOMPARE(model.rowCount(), 75); // i % 6 == 0
        QTRY_COMPARE(model.totalCount(), qint64(75));
        for (int r = 0; r < model.rowCount(); ++r)
            QCOMPARE(model.index(r, TraceListModel::NameColumn).data().toString(), QStringLiteral("alpha"));

        QCOMPARE(
            model.headerData(TraceListModel::CostColumn, Qt::Horizontal).toString(), QStringLiteral("Cost"));
        QVERIFY(TraceListModel::isSortable(TraceListModel::CostColumn));
        QVERIFY(!TraceListModel::isSortable(TraceListModel::TagsColumn));
    }

    void liveInsertsKeepTheSelectedRow()
    {
        qint64 src = 0;
        auto store = populated(&src, 20);
        TraceListModel model(store.get());
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        QSignalSpy loaded(&model, &TraceListModel::loaded);
        model.reload();
        QVERIFY(loaded.wait(5000));
        QCOMPARE(model.rowCount(), 20);
        const QPersistentModelIndex selected(model.index(5, TraceListModel::NameColumn));
        const QString selectedId = selected.data(IdRole).toString();
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QSignalSpy resets(&model, &QAbstractItemModel::modelReset);

        WriteBatch batch;
        batch.sourceId = src;
        for (int i = 100; i < 103; ++i) {
            batch.traces.push_back(makeTrace(QStringLiteral("new%1").arg(i), QStringLiteral("fresh"), i));
            batch.observations.push_back(
                makeObservation(QStringLiteral("no%1").arg(i), QStringLiteral("new%1").arg(i), i, 5));
        }
        // An update to an existing trace too: its cost changes in place.
        batch.observations.push_back(
            makeObservation(QStringLiteral("extra"), QStringLiteral("t0010"), 10, 1, 5.0));
        QVERIFY(commit(*store, batch));
        QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), 23, 5000);
        QCOMPARE(resets.count(), 0);
        QVERIFY(inserted.count() >= 1);
        QCOMPARE(model.index(0, 0).data(IdRole).toString(), QStringLiteral("new102"));
        QVERIFY(selected.isValid());
        QCOMPARE(selected.row(), 8); // moved down by the three new rows on top
        QCOMPARE(selected.data(IdRole).toString(), selectedId);
        const int updatedRow = model.rowOfKey(store->reader()->traceById(src, QStringLiteral("t0010"))->rk);
        QTRY_VERIFY(model.index(updatedRow, 0).data(CostRole).toDouble() >= 5.0);
    }

    void liveReorderUnderCostSortKeepsPersistentIndexes()
    {
        qint64 src = 0;
        auto store = populated(&src, 10);
        TraceListModel model(store.get());
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        QSignalSpy loaded(&model, &TraceListModel::loaded);
        model.sort(TraceListModel::CostColumn, Qt::DescendingOrder);
        QVERIFY(loaded.wait(5000));
        const QPersistentModelIndex last(model.index(model.rowCount() - 1, 0));
        const QString lastId = last.data(IdRole).toString();
        // Make the cheapest trace the most expensive: it must move to the top.
        WriteBatch batch;
        batch.sourceId = src;
        batch.observations.push_back(makeObservation(QStringLiteral("big"), lastId, 0, 1, 100.0));
        QVERIFY(commit(*store, batch));
        QTRY_COMPARE_WITH_TIMEOUT(model.index(0, 0).data(IdRole).toString(), lastId, 5000);
        QVERIFY(last.isValid());
        QCOMPARE(last.row(), 0);
    }

    void deepListsAnnounceNewTraces()
    {
        qint64 src = 0;
        auto store = populated(&src, 30);
        TraceListModel model(store.get());
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        QSignalSpy loaded(&model, &TraceListModel::loaded);
        model.setFollowLive(false);
        model.reload();
        QVERIFY(loaded.wait(5000));
        QSignalSpy announced(&model, &TraceListModel::newTracesAvailable);
        WriteBatch batch;
        batch.sourceId = src;
        batch.traces.push_back(makeTrace(QStringLiteral("late"), QStringLiteral("x"), 1000));
        QVERIFY(commit(*store, batch));
        QVERIFY(announced.wait(5000));
        QCOMPARE(announced.first().first().toInt(), 1);
        QCOMPARE(model.rowCount(), 30); // untouched until the user asks
    }

    void sessionsListAndLive()
    {
        qint64 src = 0;
        auto store = populated(&src, 40);
        SessionListModel model(store.get());
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        QSignalSpy loaded(&model, &SessionListModel::loaded);
        model.reload();
        QVERIFY(loaded.wait(5000));
        QCOMPARE(model.rowCount(), 4);
        QCOMPARE(model.totalCount(), qint64(4));
        QCOMPARE(model.index(0, SessionListModel::TracesColumn).data().toInt(), 10);
        // s3 holds the newest trace (39).
        QCOMPARE(model.index(0, 0).data().toString(), QStringLiteral("s3"));
        const QPersistentModelIndex s0(model.index(3, 0));
        QCOMPARE(s0.data().toString(), QStringLiteral("s0"));

        WriteBatch batch;
        batch.sourceId = src;
        TraceRecord t = makeTrace(QStringLiteral("s0-late"), QStringLiteral("x"), 5000);
        t.sessionId = QStringLiteral("s0");
        batch.traces.push_back(t);
        TraceRecord n = makeTrace(QStringLiteral("s9-first"), QStringLiteral("x"), 10);
        n.sessionId = QStringLiteral("s9");
        batch.traces.push_back(n);
        QVERIFY(commit(*store, batch));
        QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), 5, 5000);
        QTRY_COMPARE_WITH_TIMEOUT(model.index(0, 0).data().toString(), QStringLiteral("s0"), 5000);
        QCOMPARE(s0.row(), 0);
        QCOMPARE(model.index(0, SessionListModel::TracesColumn).data().toInt(), 11);

        SessionFilter filter;
        filter.idContains = QStringLiteral("9");
        model.setFilter(filter);
        QVERIFY(loaded.wait(5000));
        QCOMPARE(model.rowCount(), 1);
    }

    void sourcesGroupedWithCounts()
    {
        qint64 src = 0;
        auto store = populated(&src, 12);
        const qint64 file
            = store->ensureSource(SourceKind::File, QStringLiteral("file:/a.json"), QStringLiteral("a.json"));
        SourceListModel model(store.get());
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        QSignalSpy loaded(&model, &SourceListModel::loaded);
        model.reload();
        QVERIFY(loaded.wait(5000));
        QCOMPARE(model.rowCount(), 3); // All, Local, Files
        QCOMPARE(model.index(0, 0).data().toString(), QStringLiteral("All sources"));
        QCOMPARE(model.index(0, 1).data(SortRole).toLongLong(), qint64(12));
        QVERIFY(model.sourceIdsFor(model.index(0, 0)).isEmpty());
        const QModelIndex local = model.indexForSource(src);
        QVERIFY(local.isValid());
        QCOMPARE(local.data().toString(), QStringLiteral("Local"));
        QCOMPARE(model.sourceIdsFor(local), QList<qint64> { src });
        QCOMPARE(model.sourceIdsFor(local.parent()), QList<qint64> { src });
        model.setSourceState(src, QStringLiteral("listening on 127.0.0.1:4318"));
        QCOMPARE(
            local.data(SourceListModel::StateRole).toString(), QStringLiteral("listening on 127.0.0.1:4318"));

        model.setSourceStatus(src, QStringLiteral("port in use"), SourceListModel::StateKind::Error);
        QCOMPARE(local.data(SourceListModel::StateKindRole).toInt(), int(SourceListModel::StateKind::Error));

        QVERIFY(store->removeSource(file));
        QVERIFY(loaded.wait(5000));
        QCOMPARE(model.rowCount(), 2);
    }

    void langfuseProjectsSitUnderTheirConnection()
    {
        qint64 src = 0;
        auto store = populated(&src, 3);
        const qint64 a = store->ensureSource(SourceKind::Langfuse, QStringLiteral("langfuse:eu/p1"),
            QStringLiteral("Production"),
            QStringLiteral("{\"host\":\"https://cloud.langfuse.com\",\"projectId\":\"p1\"}"));
        const qint64 b = store->ensureSource(SourceKind::Langfuse, QStringLiteral("langfuse:eu/p2"),
            QStringLiteral("Staging"), QStringLiteral("{\"host\":\"https://cloud.langfuse.com\"}"));
        const qint64 c = store->ensureSource(SourceKind::Langfuse, QStringLiteral("langfuse:self/p9"),
            QStringLiteral("Dev"), QStringLiteral("{\"connectionName\":\"Self-hosted\"}"));
        SourceListModel model(store.get());
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        QSignalSpy loaded(&model, &SourceListModel::loaded);
        model.reload();
        QVERIFY(loaded.wait(5000));
        const QModelIndex production = model.indexForSource(a);
        const QModelIndex eu = production.parent();
        QVERIFY(eu.data(SourceListModel::IsConnectionRole).toBool());
        QCOMPARE(eu.data().toString(), QStringLiteral("cloud.langfuse.com"));
        QCOMPARE(model.rowCount(eu), 2);
        QCOMPARE(model.sourceIdsFor(eu), (QList<qint64> { a, b }));
        QCOMPARE(model.indexForSource(c).parent().data().toString(), QStringLiteral("Self-hosted"));
        const QModelIndex langfuse = eu.parent();
        QCOMPARE(langfuse.data().toString(), QStringLiteral("Langfuse"));
        QCOMPARE(model.sourceIdsFor(langfuse).size(), 3);
        QCOMPARE(SourceListModel::connectionKeyOf(
                     Source { 0, SourceKind::Langfuse, QStringLiteral("langfuse:x/y"), {}, {}, 0, 0 }),
            QStringLiteral("x"));
    }
};

QTEST_GUILESS_MAIN(TestListModels)
#include "tst_listmodels.moc"
