// The trace view: keyboard navigation through the main window's keys, the tree and timeline in
// step (selection both ways, scrolling, zoom and the minimap), search over names and contents
// with next/previous, expand/collapse, errors, the most expensive and slowest generations, and a
// big trace opening without a cap.
#include "demo/demoloader.h"
#include "itemmodels/modelroles.h"
#include "itemmodels/spantreemodel.h"
#include "itemmodels/tracelistmodel.h"
#include "mainwindow.h"
#include "observationdetailview.h"
#include "spantreeview.h"
#include "store/storereader.h"
#include "timelineminimap.h"
#include "timelineview.h"
#include "tracespage.h"
#include "traceview.h"
#include "uitestutil.h"

#include <QApplication>
#include <QLabel>
#include <QLineEdit>
#include <QRegularExpression>
#include <QScrollBar>
#include <QSettings>
#include <QSignalSpy>
#include <QSplitter>
#include <QTableView>
#include <QTemporaryDir>

using namespace tg;

class TestTraceView : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<TraceStore> m_store;
    std::unique_ptr<MainWindow> m_window;
    qint64 m_traceRk = 0; ///< a trace with errors and many observations

    TraceView *view() const { return m_window->traceView(); }
    SpanTreeModel *model() const { return view()->model(); }
    SpanTreeView *tree() const { return view()->tree(); }

    bool open(qint64 rk)
    {
        QSignalSpy loaded(view(), &TraceView::traceLoaded);
        view()->openTrace(rk);
        return loaded.wait(20000);
    }

    void press(int key, Qt::KeyboardModifiers modifiers = Qt::NoModifier)
    {
        QWidget *target = QApplication::focusWidget() ? QApplication::focusWidget() : m_window.get();
        QTest::keyClick(target, static_cast<Qt::Key>(key), modifiers);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        DemoOptions demo;
        demo.traceCount = 60;
        demo.sessions = 10;
        demo.hugeTraceCount = 1;
        demo.hugeTraceObservations = 20'000;
        QString error;
        QVERIFY2(uitest::openDemoStore(m_store, m_dir.filePath(QStringLiteral("trace.db")), demo, &error) > 0,
            qPrintable(error));
        QTRY_COMPARE_WITH_TIMEOUT(m_store->fullTextBacklog(), qint64(0), 60000);
        // The demo trace with the most errors among the ordinary ones.
        auto reader = m_store->reader();
        TraceQuery query;
        query.filter.minLevel = Level::Error;
        int best = 0;
        for (const TraceRow &row : reader->traces(query, 0, 100)) {
            if (row.observationCount < 1000 && row.errorCount * 100 + row.observationCount > best) {
                best = row.errorCount * 100 + row.observationCount;
                m_traceRk = row.rk;
            }
        }
        QVERIFY(m_traceRk > 0);
        m_window = std::make_unique<MainWindow>(m_store.get());
        m_window->resize(1440, 900);
        m_window->show();
        QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
        // The newest trace opens by itself once the list is there; let that settle first.
        QTRY_VERIFY_WITH_TIMEOUT(view()->traceRk() != 0 && model()->rowCount() > 0, 20000);
    }

    void keyboardNavigation()
    {
        QVERIFY(open(m_traceRk));
        tree()->setFocus();
        QTRY_VERIFY(tree()->hasFocus());
        tree()->setCurrentIndex(model()->index(0, 0));
        const QModelIndex root = model()->index(0, 0);
        QVERIFY(tree()->isExpanded(root));
        // j: next row (the first child), k: back.
        press(Qt::Key_J);
        QCOMPARE(tree()->currentIndex(), model()->index(0, 0, root));
        press(Qt::Key_K);
        QCOMPARE(tree()->currentIndex(), root);
        // h collapses, l expands, l again goes to the first child, h goes back to the parent.
        press(Qt::Key_H);
        QVERIFY(!tree()->isExpanded(root));
        press(Qt::Key_L);
        QVERIFY(tree()->isExpanded(root));
        press(Qt::Key_L);
        QCOMPARE(tree()->currentIndex().parent(), root);
        press(Qt::Key_H); // an expanded child folds first, then h goes up
        if (tree()->currentIndex() != root)
            press(Qt::Key_H);
        QCOMPARE(tree()->currentIndex(), root);
        // G / g: last and first row.
        press(Qt::Key_G, Qt::ShiftModifier);
        QVERIFY(tree()->indexBelow(tree()->currentIndex()) == QModelIndex());
        press(Qt::Key_G);
        QCOMPARE(tree()->currentIndex(), root);
        // e walks the errors in display order and wraps.
        const QModelIndex firstError = model()->firstErrorAfter(QModelIndex());
        QVERIFY(firstError.isValid());
        press(Qt::Key_E);
        QCOMPARE(tree()->currentIndex(), firstError);
        QCOMPARE(tree()->currentIndex().data(LevelRole).toInt(), int(Level::Error));
        press(Qt::Key_E, Qt::ShiftModifier);
        QVERIFY(tree()->currentIndex().data(LevelRole).toInt() == int(Level::Error));
        // Esc leaves the tree for the list; Enter in the list comes back to the tree.
        press(Qt::Key_Escape);
        QTRY_VERIFY(m_window->tracesPage()->view()->hasFocus());
        QVERIFY(m_window->tracesPage()->model()->rowCount() > 2);
        m_window->tracesPage()->view()->setCurrentIndex(m_window->tracesPage()->model()->index(0, 1));
        QSignalSpy loaded(view(), &TraceView::traceLoaded);
        // ] and [ walk the traces list from anywhere; the view follows.
        press(Qt::Key_BracketRight);
        QCOMPARE(m_window->tracesPage()->view()->currentIndex().row(), 1);
        QVERIFY(loaded.wait(10000));
        QCOMPARE(
            view()->traceRk(), m_window->tracesPage()->model()->index(1, 0).data(RowKeyRole).toLongLong());
        press(Qt::Key_BracketLeft);
        QCOMPARE(m_window->tracesPage()->view()->currentIndex().row(), 0);
        press(Qt::Key_Return);
        QTRY_VERIFY(tree()->hasFocus());
        // j in the list moves the list.
        m_window->tracesPage()->view()->setFocus();
        press(Qt::Key_J);
        QCOMPARE(m_window->tracesPage()->view()->currentIndex().row(), 1);
    }

    void treeAndTimelineStayInStep()
    {
        QVERIFY(open(m_traceRk));
        tree()->expandAll();
        TimelineView *timeline = view()->timeline();
        QTRY_VERIFY(timeline->isVisible());
        QCOMPARE(timeline->rulerHeight(), tree()->viewport()->mapTo(tree(), QPoint(0, 0)).y());
        // Tree -> timeline: the selected row's bar is drawn on the same row.
        const QModelIndex target = model()->slowestGeneration();
        tree()->reveal(target);
        const QRect bar = timeline->barRect(target);
        QVERIFY(!bar.isEmpty());
        const QRect row = tree()->visualRect(target);
        QVERIFY(bar.center().y() >= row.top() + timeline->rulerHeight());
        QVERIFY(bar.center().y() <= row.bottom() + timeline->rulerHeight());
        QCOMPARE(timeline->indexAt(bar.center()), target.siblingAtColumn(0));
        // Timeline -> tree: a click on another row selects it in the tree.
        const QModelIndex other = tree()->indexBelow(model()->index(0, 0));
        const QRect otherBar = timeline->barRect(other);
        QVERIFY(!otherBar.isEmpty());
        QTest::mouseClick(timeline, Qt::LeftButton, {}, QPoint(timeline->width() / 2, otherBar.center().y()));
        QCOMPARE(tree()->currentIndex().siblingAtColumn(0), other);
        // Scrolling the tree scrolls the timeline rows with it (a short view, so there is scrolling).
        auto *content = m_window->findChild<QSplitter *>(QStringLiteral("contentSplitter"));
        const QList<int> contentSizes = content->sizes();
        content->setSizes({ 700, 200 });
        QTest::qWait(20);
        QVERIFY(tree()->verticalScrollBar()->maximum() > 0);
        tree()->scrollToBottom();
        const QModelIndex last = tree()->indexAt(QPoint(0, tree()->viewport()->height() - 2));
        QVERIFY(last.isValid());
        QCOMPARE(timeline->indexAt(QPoint(10, tree()->viewport()->height() - 2 + timeline->rulerHeight())),
            last.siblingAtColumn(0));
        // Wheel over the timeline scrolls the tree.
        const int before = tree()->verticalScrollBar()->value();
        QWheelEvent up(QPointF(50, 100), timeline->mapToGlobal(QPointF(50, 100)), QPoint(), QPoint(0, 360),
            Qt::NoButton, Qt::NoModifier, Qt::NoScrollPhase, false);
        QApplication::sendEvent(timeline, &up);
        QVERIFY(tree()->verticalScrollBar()->value() < before);
        content->setSizes(contentSizes);

        // Zoom: Ctrl+wheel / + narrows the window; a selection outside it pans it into view.
        timeline->zoomToFit();
        QVERIFY(timeline->isFitted());
        tree()->scrollToTop();
        tree()->reveal(model()->index(0, 0));
        timeline->setFocus();
        press(Qt::Key_Plus);
        press(Qt::Key_Plus);
        press(Qt::Key_Plus);
        const double span = timeline->windowEnd() - timeline->windowStart();
        QVERIFY(span < timeline->traceDuration() / 7.0);
        QVERIFY(!timeline->isFitted());
        timeline->setWindow(0, span);
        // The last-starting observation lies outside the window.
        const SpanTree &spans = model()->tree();
        int late = 0;
        for (int n = 0; n < spans.size(); ++n) {
            if (spans.startOffsetNs(n) > spans.startOffsetNs(late))
                late = n;
        }
        QVERIFY(spans.startOffsetNs(late) > span);
        tree()->reveal(model()->indexForNode(late));
        QVERIFY(timeline->windowStart() <= spans.startOffsetNs(late));
        QVERIFY(timeline->windowEnd() >= spans.startOffsetNs(late));
        QVERIFY(!timeline->barRect(model()->indexForNode(late)).isEmpty());
        press(Qt::Key_0);
        QVERIFY(timeline->isFitted());
        // Ctrl+wheel zooms around the cursor.
        QWheelEvent zoom(QPointF(timeline->width() / 2.0, 80),
            timeline->mapToGlobal(QPointF(timeline->width() / 2.0, 80)), QPoint(), QPoint(0, 240),
            Qt::NoButton, Qt::ControlModifier, Qt::NoScrollPhase, false);
        QApplication::sendEvent(timeline, &zoom);
        QVERIFY(!timeline->isFitted());
        timeline->zoomToFit();
        // The minimap follows the window; dragging on it picks a new one.
        TimelineMinimap *minimap = view()->minimap();
        QVERIFY(minimap->isVisible());
        const double total = static_cast<double>(timeline->traceDuration());
        QTest::mousePress(minimap, Qt::LeftButton, {}, QPoint(minimap->width() * 6 / 10, 10));
        QTest::mouseMove(minimap, QPoint(minimap->width() * 9 / 10, 10));
        QTest::mouseRelease(minimap, Qt::LeftButton, {}, QPoint(minimap->width() * 9 / 10, 10));
        QVERIFY(std::abs(timeline->windowStart() - total * 0.6) < total * 0.02);
        QVERIFY(std::abs(timeline->windowEnd() - total * 0.9) < total * 0.02);
        timeline->zoomToFit();
        QTest::qWait(100);
        QVERIFY(uitest::saveScreenshot(*m_window, QStringLiteral("trace-view.png")));
    }

    void searchInsideTheTrace()
    {
        QVERIFY(open(m_traceRk));
        // A word from the output of a generation that is in no observation name.
        auto reader = m_store->reader();
        const SpanTree &spans = model()->tree();
        const int generation = model()->nodeForIndex(model()->mostExpensiveGeneration());
        QVERIFY(generation >= 0);
        const auto detail = reader->observationDetail(spans.node(generation).rk);
        QVERIFY(detail);
        QString word;
        static const QRegularExpression nonLetters(QStringLiteral("[^A-Za-z]+"));
        for (const QString &w : QString::fromUtf8(detail->output).split(nonLetters, Qt::SkipEmptyParts)) {
            if (w.size() < 8)
                continue;
            bool inNames = false;
            for (int n = 0; n < spans.size() && !inNames; ++n)
                inNames = spans.name(n).contains(w, Qt::CaseInsensitive)
                    || spans.model(n).contains(w, Qt::CaseInsensitive);
            if (!inNames) {
                word = w;
                break;
            }
        }
        QVERIFY(!word.isEmpty());
        // / focuses the search field from the tree.
        tree()->setFocus();
        QTRY_VERIFY(tree()->hasFocus());
        press(Qt::Key_Slash);
        QTRY_VERIFY(view()->searchEdit()->hasFocus());
        QSignalSpy finished(view(), &TraceView::searchFinished);
        QTest::keyClicks(view()->searchEdit(), word);
        QVERIFY(finished.wait(10000));
        const int matches = view()->searchMatchCount();
        QVERIFY2(matches > 0, qPrintable(word));
        // Every match carries the word in its name, input or output.
        for (QModelIndex m = model()->nextSearchMatch({});;) {
            const auto d = reader->observationDetail(m.data(RowKeyRole).toLongLong());
            QVERIFY(d);
            const QString all = d->row.name + QString::fromUtf8(d->input) + QString::fromUtf8(d->output);
            QVERIFY(all.contains(word, Qt::CaseInsensitive));
            m = model()->nextSearchMatch(m);
            if (m == model()->nextSearchMatch({}))
                break;
        }
        // The tree went to a match; n / N walk them and wrap around.
        QVERIFY(tree()->currentIndex().data(SearchMatchRole).toBool());
        const QModelIndex first = tree()->currentIndex();
        tree()->setFocus();
        for (int i = 0; i < matches; ++i) {
            press(Qt::Key_N);
            QVERIFY(tree()->currentIndex().data(SearchMatchRole).toBool());
        }
        QCOMPARE(tree()->currentIndex(), first);
        press(Qt::Key_N, Qt::ShiftModifier);
        QVERIFY(tree()->currentIndex().data(SearchMatchRole).toBool());
        auto *label = view()->findChild<QLabel *>(QStringLiteral("traceMatchLabel"));
        QVERIFY(label->text().contains(QStringLiteral("of %1").arg(matches)));
        // The detail highlights the word.
        QTRY_VERIFY_WITH_TIMEOUT(view()->detail()->chatView() != nullptr, 1000);

        // Names match at once, without the index.
        view()->search(QStringLiteral("chat-comp"));
        QVERIFY(view()->searchMatchCount() > 0);
        QVERIFY(tree()->currentIndex().data().toString().contains(QStringLiteral("chat-comp")));
        QVERIFY(uitest::saveScreenshot(*m_window, QStringLiteral("trace-search.png")));
        // Clearing the field clears the matches.
        view()->searchEdit()->clear();
        QCOMPARE(view()->searchMatchCount(), 0);
    }

    void expandCollapseErrorsAndJumps()
    {
        QVERIFY(open(m_traceRk));
        view()->collapseAll();
        QVERIFY(!tree()->isExpanded(model()->index(0, 0)));
        QCOMPARE(tree()->currentIndex(), model()->index(0, 0));
        view()->expandToErrors();
        for (QModelIndex e = model()->firstErrorAfter({}); e.isValid(); e = model()->firstErrorAfter(e)) {
            for (const QModelIndex &a : model()->ancestors(e))
                QVERIFY(tree()->isExpanded(a));
        }
        view()->expandAll();
        int visible = 0;
        for (QModelIndex i = model()->index(0, 0); i.isValid(); i = tree()->indexBelow(i))
            ++visible;
        QCOMPARE(visible, model()->tree().size());
        view()->collapseAll();
        view()->actions().mostExpensive->trigger();
        QCOMPARE(tree()->currentIndex(), model()->mostExpensiveGeneration());
        view()->actions().slowest->trigger();
        QCOMPARE(tree()->currentIndex(), model()->slowestGeneration());
        for (const QModelIndex &a : model()->ancestors(tree()->currentIndex()))
            QVERIFY(tree()->isExpanded(a));
        // The timeline can be hidden and shown again.
        view()->actions().toggleTimeline->trigger();
        QVERIFY(!view()->timeline()->isVisible());
        view()->actions().toggleTimeline->trigger();
        QVERIFY(view()->timeline()->isVisible());
    }

    void bigTraceOpensWhole()
    {
        auto reader = m_store->reader();
        TraceQuery query;
        query.sortKey = TraceSortKey::Latency;
        qint64 rk = 0;
        for (const TraceRow &row : reader->traces(query, 0, 100)) {
            if (row.observationCount >= 20'000)
                rk = row.rk;
        }
        QVERIFY(rk > 0);
        QSignalSpy loaded(view(), &TraceView::traceLoaded);
        view()->openTrace(rk);
        QVERIFY(loaded.wait(30000));
        QCOMPARE(loaded.takeFirst().at(1).toInt(), 20'000);
        QCOMPARE(model()->tree().size(), 20'000);
        // Expand everything, walk to the end, search by name: nothing is cut.
        view()->expandAll();
        tree()->scrollToBottom();
        QTest::qWait(20);
        QVERIFY(view()->timeline()->indexAt(QPoint(10, view()->timeline()->rulerHeight() + 5)).isValid());
        view()->actions().nextError->trigger();
        QVERIFY(tree()->currentIndex().isValid());
        view()->setTimelineVisible(true);
        QVERIFY(uitest::saveScreenshot(*m_window, QStringLiteral("trace-view-20k.png")));
    }

    void cleanupTestCase()
    {
        m_window.reset();
        QSettings().clear();
        m_store.reset();
    }
};

QTEST_MAIN(TestTraceView)
#include "tst_traceview.moc"
