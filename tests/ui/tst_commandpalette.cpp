// The command palette (Ctrl+K: every action, fuzzy filter, Enter runs) and the keymap (?).
#include "commandpalette.h"
#include "demo/demoloader.h"
#include "itemmodels/spantreemodel.h"
#include "keymapdialog.h"
#include "mainwindow.h"
#include "spantreeview.h"
#include "traceview.h"
#include "uitestutil.h"

#include <QAction>
#include <QApplication>
#include <QLineEdit>
#include <QListView>
#include <QMenuBar>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTreeWidget>

using namespace tg;

class TestCommandPalette : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<TraceStore> m_store;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        DemoOptions demo;
        demo.traceCount = 40;
        demo.sessions = 5;
        QVERIFY(uitest::openDemoStore(m_store, m_dir.filePath(QStringLiteral("palette.db")), demo) > 0);
    }

    void matchScores()
    {
        QVERIFY(CommandPalette::matchScore(QStringLiteral("exp"), QStringLiteral("Expand All")) > 0);
        QVERIFY(CommandPalette::matchScore(QStringLiteral("xyz"), QStringLiteral("Expand All")) < 0);
        // Word starts beat letters in the middle; a substring beats a subsequence.
        QVERIFY(CommandPalette::matchScore(QStringLiteral("ea"), QStringLiteral("Expand All"))
            > CommandPalette::matchScore(QStringLiteral("ea"), QStringLiteral("Clear Filter")));
        QVERIFY(CommandPalette::matchScore(QStringLiteral("next"), QStringLiteral("Next Error"))
            > CommandPalette::matchScore(QStringLiteral("next"), QStringLiteral("New Extra Text")));
        QCOMPARE(CommandPalette::matchScore(QString(), QStringLiteral("anything")), 0);
        QAction action(QStringLiteral("&Save && Quit…"));
        QCOMPARE(CommandPalette::cleanText(&action), QStringLiteral("Save & Quit"));
    }

    void paletteListsAndRunsEveryAction()
    {
        MainWindow window(m_store.get());
        window.resize(1440, 900);
        window.show();
        QVERIFY(QTest::qWaitForWindowActive(&window));
        // The newest trace opens by itself; trace commands act on it.
        QTRY_VERIFY_WITH_TIMEOUT(window.traceView()->model()->rowCount() > 0, 10000);

        // Every menu action with text is a command, with its menu as category.
        const QList<CommandEntry> commands = window.commands();
        QVERIFY(commands.size() > 50);
        int menuActions = 0;
        std::function<void(QMenu *)> count = [&](QMenu *menu) {
            for (QAction *a : menu->actions()) {
                if (a->menu())
                    count(a->menu());
                else if (!a->isSeparator() && !a->text().isEmpty())
                    ++menuActions;
            }
        };
        for (QAction *top : window.menuBar()->actions())
            if (top->menu())
                count(top->menu());
        QVERIFY(commands.size() >= menuActions - 10); // actions listed in two menus count once
        for (QAction *a : window.traceView()->actions().all()) {
            bool listed = false;
            for (const CommandEntry &e : commands)
                listed = listed || e.action == a;
            QVERIFY2(listed, qPrintable(a->text()));
        }

        // Ctrl+K opens it; typing filters; Enter runs the first match.
        QTest::keyClick(&window, Qt::Key_K, Qt::ControlModifier);
        CommandPalette *palette = window.commandPalette();
        QTRY_VERIFY(palette->isVisible());
        QTRY_VERIFY(palette->filterEdit()->hasFocus());
        QVERIFY(palette->visibleCommands().size() > 50);
        QTest::keyClicks(palette->filterEdit(), QStringLiteral("expand err"));
        QCOMPARE(palette->visibleCommands().value(0), QStringLiteral("Expand to Errors"));
        QTest::keyClicks(palette->filterEdit(), QStringLiteral("xx"));
        QVERIFY(palette->visibleCommands().isEmpty());
        palette->filterEdit()->clear();
        QTest::keyClicks(palette->filterEdit(), QStringLiteral("collapse all"));
        QTest::qWait(50);
        QVERIFY(uitest::saveScreenshot(window, QStringLiteral("command-palette.png"), { palette }));
        SpanTreeView *tree = window.traceView()->tree();
        QVERIFY(tree->isExpanded(window.traceView()->model()->index(0, 0)));
        QTest::keyClick(palette->filterEdit(), Qt::Key_Return);
        QTRY_VERIFY(!palette->isVisible());
        QTRY_VERIFY(!tree->isExpanded(window.traceView()->model()->index(0, 0)));
        // Down moves the highlight; Escape closes without running anything.
        window.showCommandPalette();
        QTRY_VERIFY(palette->isVisible());
        QTest::keyClick(palette->filterEdit(), Qt::Key_Down);
        QCOMPARE(palette->list()->currentIndex().row(), 1);
        QTest::keyClick(palette->filterEdit(), Qt::Key_Escape);
        QVERIFY(!palette->isVisible());
        // Checkable commands say their state.
        window.showCommandPalette();
        QTest::keyClicks(palette->filterEdit(), QStringLiteral("show timeline"));
        QCOMPARE(palette->visibleCommands().value(0), QStringLiteral("Show Timeline (on)"));
        QTest::keyClick(palette->filterEdit(), Qt::Key_Escape);
    }

    void keymapShowsEveryShortcut()
    {
        MainWindow window(m_store.get());
        window.resize(1440, 900);
        window.show();
        QVERIFY(QTest::qWaitForWindowActive(&window));
        QTest::keyClick(&window, Qt::Key_Question);
        KeymapDialog *keymap = nullptr;
        QTRY_VERIFY((keymap = window.findChild<KeymapDialog *>()) != nullptr);
        QTRY_VERIFY(keymap->isVisible());
        int withShortcut = 0;
        QSet<QAction *> seen;
        for (const CommandEntry &e : window.commands()) {
            if (e.action && !e.action->shortcut().isEmpty() && !seen.contains(e.action)) {
                seen.insert(e.action);
                ++withShortcut;
            }
        }
        const int all = keymap->visibleRows();
        QVERIFY(all >= withShortcut + 5); // plus keys and gestures that are not actions
        // The keys the issue asks for are all there.
        const QStringList keys { QStringLiteral("J"), QStringLiteral("K"), QStringLiteral("H"),
            QStringLiteral("L"), QStringLiteral("/"), QStringLiteral("N"), QStringLiteral("Shift+N"),
            QStringLiteral("["), QStringLiteral("]"), QStringLiteral("E"), QStringLiteral("Ctrl+K"),
            QStringLiteral("?"), QStringLiteral("Enter") };
        for (const QString &key : keys) {
            bool found = false;
            for (int g = 0; g < keymap->tree()->topLevelItemCount() && !found; ++g) {
                const QTreeWidgetItem *group = keymap->tree()->topLevelItem(g);
                for (int i = 0; i < group->childCount() && !found; ++i)
                    found = group->child(i)->text(1).split(QStringLiteral("  or  ")).contains(key)
                        || group->child(i)->text(1).startsWith(key + u' ') || group->child(i)->text(1) == key;
            }
            QVERIFY2(found, qPrintable(key));
        }
        // No key is bound twice (Qt would call it ambiguous and run neither).
        QHash<QString, QString> owners;
        for (QAction *action : seen) {
            for (const QKeySequence &key : action->shortcuts()) {
                const QString text = key.toString();
                QVERIFY2(!owners.contains(text),
                    qPrintable(text + QStringLiteral(": ") + owners.value(text) + QStringLiteral(" and ")
                        + action->text()));
                owners.insert(text, action->text());
            }
        }
        QTest::qWait(50);
        keymap->move(window.mapToGlobal(QPoint((window.width() - keymap->width()) / 2, 100)));
        QTest::qWait(50);
        QVERIFY(uitest::saveScreenshot(window, QStringLiteral("keymap.png"), { keymap }));
        QTest::keyClicks(keymap->filterEdit(), QStringLiteral("error"));
        QVERIFY(keymap->visibleRows() >= 2);
        QVERIFY(keymap->visibleRows() < all);
        keymap->close();
    }

    void cleanupTestCase()
    {
        QSettings().clear();
        m_store.reset();
    }
};

QTEST_MAIN(TestCommandPalette)
#include "tst_commandpalette.moc"
