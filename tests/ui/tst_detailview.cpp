// The observation detail: each message format rendered as chat (roles, tool calls and results,
// media placeholders, thinking), the facts in the header (tokens with cached and reasoning, cost,
// time to first token, prompt, level and status), the details tab, the raw JSON views with search
// and copy, "Open in Langfuse" for remote sources, and multi-MB payloads.
#include "chatview.h"
#include "itemmodels/jsontreemodel.h"
#include "itemmodels/spantreemodel.h"
#include "jsonview.h"
#include "mainwindow.h"
#include "observationdetailview.h"
#include "spantreeview.h"
#include "store/storereader.h"
#include "traceview.h"
#include "uitestutil.h"

#include <QApplication>
#include <QClipboard>
#include <QElapsedTimer>
#include <QLineEdit>
#include <QSettings>
#include <QSignalSpy>
#include <QSplitter>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTextBrowser>
#include <QTreeView>

using namespace tg;

class TestDetailView : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<TraceStore> m_store;
    qint64 m_sourceId = 0;
    qint64 m_traceRk = 0;

    ObservationDetail detailOf(const QString &observationId)
    {
        auto reader = m_store->reader();
        for (const ObservationRow &row : reader->observations(m_traceRk)) {
            if (row.id == observationId)
                return *reader->observationDetail(row.rk);
        }
        qFatal("no observation %s", qPrintable(observationId));
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
        m_store = uitest::openStore(m_dir.filePath(QStringLiteral("detail.db")));
        m_sourceId = m_store->ensureSource(SourceKind::Langfuse, QStringLiteral("langfuse:eu/proj-1"),
            QStringLiteral("Production"),
            QStringLiteral("{\"host\":\"https://cloud.langfuse.com\",\"projectId\":\"proj-1\"}"));
        uitest::addFormatsTrace(*m_store, m_sourceId, 1'790'000'000'000'000'000LL);
        m_traceRk = m_store->reader()->traceById(m_sourceId, QStringLiteral("formats-trace"))->rk;
    }

    void eachFormatRendersAsChat_data()
    {
        QTest::addColumn<QString>("format");
        QTest::addColumn<QString>("formatName");
        QTest::addColumn<QStringList>("expected");
        QTest::newRow("openai-chat") << "openai-chat"
                                     << "OpenAI chat"
                                     << QStringList { "System", "You are a support agent", "lookup_order",
                                            "call_abc123", "Result for call_abc123",
                                            "Image · image/png · 70 B", "24 August" };
        QTest::newRow("openai-responses")
            << "openai-responses"
            << "OpenAI Responses"
            << QStringList { "Answer with citations.", "search_docs", "Result for call_r1",
                   "https://example.org/changelog.png", "Thinking", "Release 4.2 adds" };
        QTest::newRow("anthropic") << "anthropic"
                                   << "Anthropic"
                                   << QStringList { "You are a coding assistant.", "Thinking",
                                          "I should run the tests first.", "run_tests",
                                          "Failed result for toolu_01", "2 failed: test_parse",
                                          "(redacted by the provider)", "image/jpeg", "read_file",
                                          "finish: tool_use" };
        QTest::newRow("gemini") << "gemini"
                                << "Gemini"
                                << QStringList { "You plan trips.", "image/webp · 44 B", "get_weather",
                                       "Result of get_weather", "sunny", "Weighing the sunny forecast",
                                       "Belém", "finish: STOP" };
        QTest::newRow("otel") << "otel"
                              << "OTel gen_ai"
                              << QStringList { "research assistant", "Image · image/png · 70 B",
                                     "figure1.jpg", "fetch_pdf", "Result for call_p1", "12 pages",
                                     "The abstract states", "2x speed-up" };
        QTest::newRow("langchain") << "langchain"
                                   << "LangChain"
                                   << QStringList { "You are a SQL expert.", "How many users", "run_sql",
                                          "Result of run_sql", "1284", "1,284 users signed up" };
    }

    void eachFormatRendersAsChat()
    {
        QFETCH(QString, format);
        QFETCH(QString, formatName);
        QFETCH(QStringList, expected);
        ObservationDetailView view;
        view.resize(700, 800);
        view.showObservation(detailOf(QStringLiteral("gen-") + format));
        QCOMPARE(view.tabs()->tabText(ObservationDetailView::ChatTab), QStringLiteral("Chat"));
        QCOMPARE(view.content().input.format() == ChatFormat::None, false);
        const QString chat = view.chatView()->toPlainText();
        QVERIFY2(chat.contains(formatName), qPrintable(chat.left(300)));
        for (const QString &text : expected)
            QVERIFY2(chat.contains(text), qPrintable(QStringLiteral("missing “%1” in:\n%2").arg(text, chat)));
        // The header: tokens with cached and reasoning counts, cost, time to first token, prompt.
        const QString all = view.plainText();
        for (const char *fact :
            { "first token 400 ms", "512 cached", "40 reasoning", "cost $0.0033", "formats-prompt v3" })
            QVERIFY2(all.contains(QLatin1String(fact)), qPrintable(all.left(600)));
        // The raw JSON tabs hold the payloads.
        QVERIFY(view.jsonView(ObservationDetailView::InputTab)->model()->rowCount() > 0);
        QVERIFY(view.jsonView(ObservationDetailView::OutputTab)->model()->rowCount() > 0);
        QCOMPARE(view.jsonView(ObservationDetailView::MetadataTab)->model()->rowCount(), 2);
    }

    void detailsTabHasEveryField()
    {
        ObservationDetailView view;
        DetailContent content = DetailContent::load(*m_store->reader(), m_traceRk,
            m_store->reader()->observations(m_traceRk).at(1).rk); // gen-openai-chat
        view.showContent(std::move(content));
        const QString details = view.detailsView()->toPlainText();
        for (const char *field : { "Id", "gen-openai-chat", "Trace id", "formats-trace", "Parent id", "Start",
                 "Time to first token", "Output speed", "gpt-4o", "temperature", "0.2", "input_cached_tokens",
                 "512", "output_reasoning_tokens", "cached input (sum)", "Cost (USD)", "$0.0033", "DEFAULT",
                 "formats-prompt", "helpfulness", "clear and short", "Production", "Open in Langfuse" })
            QVERIFY2(details.contains(QLatin1String(field)),
                qPrintable(QStringLiteral("%1 missing in\n%2").arg(QLatin1String(field), details)));
        // Remote sources link to the Langfuse page of the trace and observation.
        QCOMPARE(view.langfuseUrl().toString(),
            QStringLiteral("https://cloud.langfuse.com/project/proj-1/traces/"
                           "formats-trace?observation=gen-openai-chat"));
        QVERIFY(view.findChild<QWidget *>(QStringLiteral("openInLangfuseButton"))->isVisibleTo(&view));
        // Copy ids.
        view.copyId();
        QCOMPARE(QApplication::clipboard()->text(), QStringLiteral("gen-openai-chat"));
        view.copyTraceId();
        QCOMPARE(QApplication::clipboard()->text(), QStringLiteral("formats-trace"));
    }

    void levelAndStatusMessage()
    {
        ObservationDetailView view;
        view.showObservation(detailOf(QStringLiteral("gen-anthropic")));
        QVERIFY(
            view.plainText().contains(QStringLiteral("WARNING: tool run_tests failed; the model retried")));
    }

    void jsonViewSearchAndCopy()
    {
        ObservationDetailView view;
        view.show();
        view.showObservation(detailOf(QStringLiteral("gen-gemini")));
        view.tabs()->setCurrentIndex(ObservationDetailView::InputTab);
        JsonView *json = view.jsonView(ObservationDetailView::InputTab);
        QCOMPARE(json->search(QStringLiteral("lisbon")), 2);
        QCOMPARE(json->currentMatch(), 0);
        QCOMPARE(json->currentPath(), QStringLiteral("$.contents[0].parts[0].text"));
        json->nextMatch();
        QCOMPARE(json->currentPath(), QStringLiteral("$.contents[1].parts[0].functionCall.args.city"));
        json->copyPath();
        QCOMPARE(QApplication::clipboard()->text(),
            QStringLiteral("$.contents[1].parts[0].functionCall.args.city"));
        json->copyValue();
        QCOMPARE(QApplication::clipboard()->text(), QStringLiteral("Lisbon"));
        json->previousMatch();
        QCOMPARE(json->currentMatch(), 0);
        json->previousMatch();
        QCOMPARE(json->currentMatch(), 1); // wrapped
        // The detail's search highlight reaches the JSON tab when it is shown.
        view.setHighlight(QStringLiteral("weather"));
        QVERIFY(json->matchCount() > 0);
        QVERIFY(view.chatView()->highlightCount() > 0);
        // Non-JSON payloads are shown as text.
        ObservationDetail plain = detailOf(QStringLiteral("gen-gemini"));
        plain.input = "not { json";
        view.showObservation(plain);
        QCOMPARE(json->model()->rowCount(), 0);
        QCOMPARE(view.content().input.format(), ChatFormat::Text);
    }

    void multiMegabytePayloadsStayResponsive()
    {
        // A 5 MB input: one huge user message and 2,000 small ones.
        QByteArray input
            = "[{\"role\":\"system\",\"content\":\"You summarise.\"},{\"role\":\"user\",\"content\":\"";
        input += QByteArray("All work and no play makes a dull model. ").repeated(60'000);
        input += "\"}";
        for (int i = 0; input.size() < 5 * 1024 * 1024; ++i)
            input += ",{\"role\":\"" + QByteArray(i % 2 ? "assistant" : "user")
                + "\",\"content\":\"message number " + QByteArray::number(i) + " "
                + QByteArray("lorem ipsum ").repeated(20) + "\"}";
        input += "]";
        ObservationDetail detail = detailOf(QStringLiteral("gen-openai-chat"));
        detail.input = input;
        ObservationDetailView view;
        view.resize(800, 900);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QElapsedTimer timer;
        timer.start();
        DetailContent content = DetailContent::fromObservation(detail); // the worker's part
        const qint64 prepared = timer.restart();
        view.showContent(std::move(content));
        view.repaint();
        const qint64 shown = timer.elapsed();
        qInfo("5 MB input: prepare %lld ms, show + paint %lld ms", prepared, shown);
        QVERIFY2(prepared + shown < 3000, "far slower than the benchmark's budget");
        ChatView *chat = view.chatView();
        const QString text = chat->toPlainText();
        QVERIFY(text.size() < 200'000); // cut, not laid out whole
        QVERIFY(text.contains(QStringLiteral("show all")));
        QVERIFY(text.contains(QStringLiteral("earlier message")));
        // "show all" expands one part.
        const qsizetype before = chat->toPlainText().size();
        QSignalSpy anchor(chat, &QTextBrowser::anchorClicked);
        emit chat->anchorClicked(QUrl(QStringLiteral("tg-expand:part:1:1:0")));
        QVERIFY(chat->toPlainText().size() > before + 100'000);
        // The JSON view opens and searches the whole document.
        JsonView *json = view.jsonView(ObservationDetailView::InputTab);
        QCOMPARE(json->model()->rowCount(), json->model()->document()->root().size());
        QVERIFY(json->search(QStringLiteral("message number 1999")) >= 1);
    }

    void screenshotsOfEachFormat()
    {
        MainWindow window(m_store.get());
        window.resize(1440, 900);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        TraceView *trace = window.traceView();
        QSignalSpy loaded(trace, &TraceView::traceLoaded);
        trace->openTrace(m_traceRk);
        QVERIFY(loaded.wait(10000));
        window.setTraceMaximized(true);
        trace->splitter()->setSizes({ 620, 820 });
        for (const QString &format : uitest::chatFormats()) {
            const QModelIndex index = trace->model()->indexForId(QStringLiteral("gen-") + format);
            QVERIFY(index.isValid());
            trace->tree()->setCurrentIndex(index);
            QTRY_VERIFY_WITH_TIMEOUT(trace->detail()->content().observation
                    && trace->detail()->content().observation->row.id == QStringLiteral("gen-") + format,
                5000);
            QTest::qWait(50);
            QVERIFY(uitest::saveScreenshot(window, QStringLiteral("detail-%1.png").arg(format)));
        }
        trace->tree()->setCurrentIndex(trace->model()->indexForId(QStringLiteral("gen-openai-chat")));
        QTRY_VERIFY_WITH_TIMEOUT(trace->detail()->content().observation
                && trace->detail()->content().observation->row.id == QStringLiteral("gen-openai-chat"),
            5000);
        trace->detail()->tabs()->setCurrentIndex(ObservationDetailView::DetailsTab);
        QTest::qWait(50);
        QVERIFY(uitest::saveScreenshot(window, QStringLiteral("detail-fields.png")));
        trace->detail()->tabs()->setCurrentIndex(ObservationDetailView::InputTab);
        trace->detail()->jsonView(ObservationDetailView::InputTab)->search(QStringLiteral("order"));
        QTest::qWait(50);
        QVERIFY(uitest::saveScreenshot(window, QStringLiteral("detail-json.png")));
        trace->detail()->tabs()->setCurrentIndex(ObservationDetailView::ChatTab);
        window.setTraceMaximized(false);
    }

    void cleanupTestCase()
    {
        QSettings().clear();
        m_store.reset();
    }
};

QTEST_MAIN(TestDetailView)
#include "tst_detailview.moc"
