// The sessions page: the table's facts, the selected session read as a conversation (its traces
// in time order, each trace's new input and its output as chat turns), links into each trace, and
// "Show traces" filtering the traces page.
#include "chatview.h"
#include "demo/demoloader.h"
#include "itemmodels/modelroles.h"
#include "itemmodels/sessionlistmodel.h"
#include "itemmodels/tracelistmodel.h"
#include "mainwindow.h"
#include "sessionconversationview.h"
#include "sessionspage.h"
#include "store/storereader.h"
#include "tracespage.h"
#include "traceview.h"
#include "uitestutil.h"

#include <QAbstractButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>

using namespace tg;

class TestSessionsPage : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<TraceStore> m_store;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        DemoOptions demo;
        demo.traceCount = 120;
        demo.sessions = 12;
        QString error;
        QVERIFY2(
            uitest::openDemoStore(m_store, m_dir.filePath(QStringLiteral("sessions.db")), demo, &error) > 0,
            qPrintable(error));
    }

    void newMessagesOfATurn()
    {
        ChatMessages history = ChatMessages::parse(
            QByteArray("[{\"role\":\"system\",\"content\":\"s\"},{\"role\":\"user\",\"content\":\"q1\"},{"
                       "\"role\":\"assistant\",\"content\":\"a1\"},"
                       "{\"role\":\"user\",\"content\":\"q2\"},{\"role\":\"tool\",\"tool_call_id\":\"c\","
                       "\"content\":\"r\"}]"));
        const ChatMessages turn = SessionConversationView::newMessagesOf(history);
        QCOMPARE(turn.messages().size(), size_t(2));
        QCOMPARE(turn.messages()[0].text(), QStringLiteral("q2"));
        QCOMPARE(turn.messages()[1].role, QStringLiteral("tool"));
        // Nothing after the last answer: the last user message stands for the turn.
        const ChatMessages odd = SessionConversationView::newMessagesOf(ChatMessages::parse(QByteArray(
            "[{\"role\":\"user\",\"content\":\"q\"},{\"role\":\"assistant\",\"content\":\"a\"}]")));
        QCOMPARE(odd.messages().size(), size_t(1));
        QCOMPARE(odd.messages()[0].text(), QStringLiteral("q"));
    }

    void payloadsThatAreNotChatBecomeTurns()
    {
        ChatMessages in
            = SessionConversationView::turnMessages("{\"question\":\"Why?\",\"k\":3}", ChatMessages::Input);
        QCOMPARE(in.messages().size(), size_t(1));
        QCOMPARE(in.messages()[0].role, QStringLiteral("user"));
        QCOMPARE(in.messages()[0].text(), QStringLiteral("Why?"));
        ChatMessages out
            = SessionConversationView::turnMessages("{\"answer\":\"Because.\"}", ChatMessages::Output);
        QCOMPARE(out.messages()[0].role, QStringLiteral("assistant"));
        QCOMPARE(out.messages()[0].text(), QStringLiteral("Because."));
        // No text field: the JSON as code.
        out = SessionConversationView::turnMessages("{\"rows\":[1,2]}", ChatMessages::Output);
        QCOMPARE(out.messages()[0].parts[0].kind, ChatPart::Kind::Other);
        QVERIFY(out.messages()[0].parts[0].text.contains(QStringLiteral("rows")));
        QVERIFY(SessionConversationView::turnMessages("null", ChatMessages::Input).isEmpty());
        QCOMPARE(SessionConversationView::turnMessages("\"plain\"", ChatMessages::Input).messages()[0].text(),
            QStringLiteral("plain"));
    }

    void conversationOfASession()
    {
        MainWindow window(m_store.get());
        window.resize(1440, 900);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.pages()->setCurrentWidget(window.sessionsPage());
        SessionsPage *page = window.sessionsPage();
        SessionListModel *sessions = page->model();
        QTRY_VERIFY_WITH_TIMEOUT(sessions->rowCount() >= 10, 10000);
        // The busiest session.
        int row = 0;
        for (int r = 0; r < sessions->rowCount(); ++r) {
            if (sessions->index(r, SessionListModel::TracesColumn).data(SortRole).toInt()
                > sessions->index(row, SessionListModel::TracesColumn).data(SortRole).toInt())
                row = r;
        }
        const int traceCount = sessions->index(row, SessionListModel::TracesColumn).data(SortRole).toInt();
        QVERIFY(traceCount >= 3);
        QVERIFY(!sessions->index(row, SessionListModel::FirstColumn).data().toString().isEmpty());
        QVERIFY(!sessions->index(row, SessionListModel::DurationColumn).data().toString().isEmpty());
        SessionConversationView *conversation = page->conversation();
        QSignalSpy loaded(conversation, &SessionConversationView::loaded);
        page->view()->setCurrentIndex(sessions->index(row, 0));
        QVERIFY(loaded.wait(10000));
        QCOMPARE(loaded.takeFirst().at(0).toInt(), traceCount);
        // Turns in time order, one heading (a link into the trace) per trace.
        const std::vector<SessionTurn> &turns = conversation->turns();
        for (size_t i = 1; i < turns.size(); ++i)
            QVERIFY(turns[i - 1].trace.timestampNs <= turns[i].trace.timestampNs);
        const std::vector<ChatViewItem> &items = conversation->chatView()->items();
        int headings = 0;
        for (const ChatViewItem &item : items)
            headings += item.kind == ChatViewItem::Kind::Heading
                    && item.anchor.startsWith(QStringLiteral("trace:"))
                ? 1
                : 0;
        QCOMPARE(headings, traceCount);
        // Each turn shows its new user message, not the whole history again.
        const QString text = conversation->chatView()->toPlainText();
        auto reader = m_store->reader();
        for (const SessionTurn &turn : turns) {
            const auto detail = reader->traceDetail(turn.trace.rk);
            const ChatMessages input
                = SessionConversationView::turnMessages(detail->input, ChatMessages::Input);
            if (const ChatMessage *user = input.lastWithRole(QStringLiteral("user")))
                QVERIFY2(text.contains(user->text().left(40)), qPrintable(user->text().left(40)));
            QVERIFY(!input.isEmpty());
        }
        QTest::qWait(100);
        QVERIFY(uitest::saveScreenshot(window, QStringLiteral("sessions-page.png")));

        // A trace link opens that trace in the trace view.
        const qint64 second = turns[1].trace.rk;
        QSignalSpy traceLoaded(window.traceView(), &TraceView::traceLoaded);
        emit conversation->chatView()->anchorClicked(QUrl(QStringLiteral("trace:%1").arg(second)));
        QVERIFY(traceLoaded.wait(10000));
        QCOMPARE(window.traceView()->traceRk(), second);

        // "Show traces" lists the session's traces on the traces page.
        const QString sessionId = conversation->sessionId();
        conversation->findChild<QAbstractButton *>(QStringLiteral("showSessionTracesButton"))->click();
        QCOMPARE(window.pages()->currentWidget(), window.tracesPage());
        QCOMPARE(window.tracesPage()->appliedFilter().sessionId, sessionId);
        QTRY_COMPARE_WITH_TIMEOUT(window.tracesPage()->model()->rowCount(), traceCount, 10000);
        QVERIFY(window.tracesPage()->query().startsWith(QStringLiteral("session:")));
    }

    void emptyAndMissingSessions()
    {
        SessionConversationView view(m_store.get());
        QSignalSpy loaded(&view, &SessionConversationView::loaded);
        view.showSession(999, QStringLiteral("no-such-session"));
        QVERIFY(loaded.wait(5000));
        QCOMPARE(loaded.takeFirst().at(0).toInt(), 0);
        QVERIFY(view.chatView()->toPlainText().contains(QStringLiteral("no traces")));
        view.clear();
        QVERIFY(view.sessionId().isEmpty());
    }

    void cleanupTestCase()
    {
        QSettings().clear();
        m_store.reset();
    }
};

QTEST_MAIN(TestSessionsPage)
#include "tst_sessionspage.moc"
