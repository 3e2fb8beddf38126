// The replay window offscreen, against the FAKE provider of tests/net/fakeprovider.h (no real
// provider can run here): opened from a recorded generation through the Trace menu action and the
// span tree's context menu, edited, run with streamed output, a word diff against the recording,
// more variants side by side (OpenAI-compatible and Anthropic), replays stored under Replays, and
// a batch replay over a few traces with its summary. Saves replay-window.png, replay-variants.png
// and replay-batch.png (1440x900) to TRACEGLASS_TEST_OUTPUT_DIR.
#include "../net/fakeprovider.h"
#include "demo/demoloader.h"
#include "http/contentdecoding.h"
#include "itemmodels/modelroles.h"
#include "itemmodels/spantreemodel.h"
#include "itemmodels/tracelistmodel.h"
#include "langfuse/connectionregistry.h"
#include "mainwindow.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"
#include "replay/batchreplaydialog.h"
#include "replay/batchreplayrunner.h"
#include "replay/messagelisteditor.h"
#include "replay/pricesdialog.h"
#include "replay/providersdialog.h"
#include "replay/replaycontext.h"
#include "replay/replaycontroller.h"
#include "replay/replaywindow.h"
#include "replay/requesteditor.h"
#include "replay/variantcolumn.h"
#include "spantreeview.h"
#include "store/storereader.h"
#include "tracespage.h"
#include "traceview.h"
#include "uitestutil.h"

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenu>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTextBrowser>

using namespace tg;
using namespace tg::test;

namespace {

// Keys written by these tests go under a service of their own, never the app's.
const QString kKeychainService = QStringLiteral("TraceglassTest-replaywindow");

QList<QByteArray> openAiAnswer(const QByteArray &model)
{
    const QByteArray text = model.contains("mini")
        ? "Your order 4417 shipped today and arrives on 24 August. Anything else?"
        : "Your order 4417 has shipped and should arrive on **24 August**.";
    QList<QByteArray> chunks;
    chunks << sseData("{\"id\":\"c1\",\"model\":\"" + model
        + "\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\"}}]}");
    const QList<QByteArray> words = text.split(' ');
    for (qsizetype i = 0; i < words.size(); ++i)
        chunks << sseData("{\"choices\":[{\"index\":0,\"delta\":{\"content\":\""
            + QByteArray(i > 0 ? " " : "") + words[i] + "\"}}]}");
    chunks << sseData(q("{'choices':[{'index':0,'delta':{},'finish_reason':'stop'}]}"));
    chunks << sseData(
        q("{'choices':[],'usage':{'prompt_tokens':212,'completion_tokens':17,'total_tokens':229,"
          "'prompt_tokens_details':{'cached_tokens':128}}}"));
    chunks << sseData("[DONE]");
    return chunks;
}

QList<QByteArray> anthropicAnswer()
{
    QList<QByteArray> chunks;
    chunks << sseEvent("message_start",
        q("{'type':'message_start','message':{'id':'m1','model':'claude-3-5-haiku-20241022',"
          "'usage':{'input_tokens':240,'output_tokens':1}}}"));
    chunks << sseEvent("content_block_start",
        q("{'type':'content_block_start','index':0,'content_block':{'type':'text','text':''}}"));
    for (const char *piece : { "Order 4417 ", "has shipped; ", "it should arrive ", "on 24 August." })
        chunks << sseEvent("content_block_delta",
            "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\""
                + QByteArray(piece) + "\"}}");
    chunks << sseEvent("content_block_stop", q("{'type':'content_block_stop','index':0}"));
    chunks << sseEvent("message_delta",
        q("{'type':'message_delta','delta':{'stop_reason':'end_turn'},'usage':{'output_tokens':16}}"));
    chunks << sseEvent("message_stop", q("{'type':'message_stop'}"));
    return chunks;
}

bool saveProvider(
    ReplayContext *context, const QString &name, ProviderKind kind, const QString &url, const QString &model)
{
    ProviderConfig c;
    c.id = name.toLower().replace(u' ', u'-');
    c.name = name;
    c.kind = kind;
    c.baseUrl = url;
    c.defaultModel = model;
    c.timeoutSeconds = 10;
    bool done = false;
    bool ok = false;
    context->providers()->save(c, QString(), false, context, [&](bool success, const QString &) {
        ok = success;
        done = true;
    });
    return QTest::qWaitFor([&] { return done; }, 30000) && ok;
}

} // namespace

class TestReplayWindow : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<TraceStore> m_store;
    std::unique_ptr<FakeProvider> m_server;
    qint64 m_source = 0;
    qint64 m_formatsRk = 0;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
        qRegisterMetaType<tg::ReplayResult>();
        qRegisterMetaType<tg::VariantColumn *>();
        m_store = uitest::openStore(m_dir.filePath(QStringLiteral("replay-gui.db")));
        DemoOptions demo;
        demo.traceCount = 40;
        demo.sessions = 8;
        demo.startNs = 1'790'000'000'000'000'000LL;
        QString error;
        QVERIFY(loadDemoData(*m_store, demo, {}, &error) > 0);
        m_source = m_store->ensureSource(
            SourceKind::LocalReceiver, QStringLiteral("local"), QStringLiteral("Local receiver"));
        uitest::addFormatsTrace(*m_store, m_source, 1'790'500'000'000'000'000LL);
        m_formatsRk = m_store->reader()->traceById(m_source, QStringLiteral("formats-trace"))->rk;
        // One fake server plays both protocols: /v1/chat/completions and /v1/messages.
        m_server = std::make_unique<FakeProvider>([](const ProviderRequest &request) {
            if (request.path == u"/api/public/otel/v1/traces") {
                ProviderResponse r; // an empty ExportTraceServiceResponse: everything accepted
                r.header("Content-Type", "application/x-protobuf");
                return r;
            }
            if (request.path.endsWith(u"/models"))
                return ProviderResponse::json(200, q("{'data':[{'id':'gpt-4o'},{'id':'gpt-4o-mini'}]}"));
            if (request.path == u"/v1/messages")
                return ProviderResponse::stream(anthropicAnswer(), 40);
            return ProviderResponse::stream(
                openAiAnswer(request.json().value(QStringLiteral("model")).toString().toUtf8()), 40);
        });
        QVERIFY(m_server->isListening());
    }

    void replayWindowStreamsAndDiffs()
    {
        MainWindow window(m_store.get());
        ReplayController controller(m_store.get(), nullptr, kKeychainService);
        controller.install(&window);
        QVERIFY(
            saveProvider(controller.context(), QStringLiteral("Fake OpenAI"), ProviderKind::OpenAiCompatible,
                m_server->url() + QStringLiteral("/v1"), QStringLiteral("gpt-4o")));
        QVERIFY(saveProvider(controller.context(), QStringLiteral("Fake Anthropic"), ProviderKind::Anthropic,
            m_server->url(), QStringLiteral("claude-3-5-haiku-latest")));
        window.resize(1440, 900);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));

        // The actions are in the Trace menu, so in the command palette too.
        bool inPalette = false;
        for (const CommandEntry &entry : window.commands())
            inPalette = inPalette || entry.action == controller.replayAction();
        QVERIFY(inPalette);
        QCOMPARE(controller.replayAction()->shortcut(), QKeySequence(Qt::Key_R));

        TraceView *trace = window.traceView();
        QSignalSpy traceLoaded(trace, &TraceView::traceLoaded);
        trace->openTrace(m_formatsRk);
        QVERIFY(traceLoaded.wait(10000));
        trace->tree()->setCurrentIndex(trace->model()->indexForId(QStringLiteral("formats-root")));
        QVERIFY(!controller.replayAction()->isEnabled()); // an AGENT span: nothing to replay
        const QModelIndex generation = trace->model()->indexForId(QStringLiteral("gen-openai-chat"));
        QVERIFY(generation.isValid());

        // The span tree's context menu offers it on a generation.
        QStringList menuItems;
        QTimer::singleShot(300, this, [&menuItems] {
            if (auto *menu = qobject_cast<QMenu *>(QApplication::activePopupWidget())) {
                for (QAction *a : menu->actions())
                    menuItems << a->text();
                menu->close();
            }
        });
        const QRect rect = trace->tree()->visualRect(generation);
        Q_EMIT trace->tree()->customContextMenuRequested(rect.center());
        QVERIFY2(menuItems.contains(controller.replayAction()->text()), qPrintable(menuItems.join(u',')));
        QCOMPARE(trace->tree()->currentIndex().data(IdRole).toString(), QStringLiteral("gen-openai-chat"));
        QVERIFY(controller.replayAction()->isEnabled());

        controller.replayAction()->trigger();
        auto *replay = window.findChild<ReplayWindow *>();
        QVERIFY(replay);
        QSignalSpy loaded(replay, &ReplayWindow::loaded);
        QVERIFY(loaded.wait(10000));
        QCOMPARE(loaded.at(0).at(0).toBool(), true);
        QVERIFY(QTest::qWaitForWindowExposed(replay));
        replay->resize(1440, 900);

        // Prefilled: four messages (system, user, assistant with a tool call, tool), one tool,
        // temperature, and the fidelity report naming the image it could not carry.
        RequestEditor *editor = replay->editor();
        QCOMPARE(editor->messages()->cards().size(), 4);
        QCOMPARE(editor->messages()->cards().at(3)->roleBox()->currentText(), QStringLiteral("tool"));
        QVERIFY(editor->messages()->cards().at(2)->toolCallsEdit()->toPlainText().contains(
            QStringLiteral("lookup_order")));
        QCOMPARE(editor->tabs()->tabText(1), QStringLiteral("Tools (1)"));
        bool imageNote = false;
        for (int i = 0; i < editor->fidelityList()->count(); ++i)
            imageNote
                = imageNote || editor->fidelityList()->item(i)->text().contains(QStringLiteral("image/png"));
        QVERIFY(imageNote);

        // Edit the prompt, pick the model, run: the output streams in.
        QPlainTextEdit *system = editor->messages()->cards().at(0)->contentEdit();
        system->setPlainText(system->toPlainText() + QStringLiteral(" Mention the delivery date."));
        VariantColumn *a = replay->variants().at(0);
        QCOMPARE(a->model(), QStringLiteral("gpt-4o"));
        a->setProviderId(QStringLiteral("fake-openai"));
        a->setModel(QStringLiteral("gpt-4o-mini"));
        QSignalSpy finished(replay, &ReplayWindow::replayFinished);
        QSignalSpy stored(replay, &ReplayWindow::replayStored);
        QTest::mouseClick(a->runButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(
            a->isRunning() && a->output()->toPlainText().contains(QStringLiteral("4417")), 5000);
        QVERIFY(finished.isEmpty()); // seen while it streams
        QVERIFY(finished.wait(10000));
        QVERIFY2(a->result().ok, qPrintable(a->result().error));
        QCOMPARE(a->result().text,
            QStringLiteral("Your order 4417 shipped today and arrives on 24 August. Anything else?"));
        const QJsonObject sent = m_server->last().json();
        QCOMPARE(sent.value(QStringLiteral("model")).toString(), QStringLiteral("gpt-4o-mini"));
        QVERIFY(sent.value(QStringLiteral("messages"))
                    .toArray()
                    .at(0)
                    .toObject()
                    .value(QStringLiteral("content"))
                    .toString()
                    .endsWith(QStringLiteral("Mention the delivery date.")));
        QCOMPARE(sent.value(QStringLiteral("tools")).toArray().size(), 1);
        QVERIFY(a->factsLabel()->text().contains(QStringLiteral("TTFT")));
        QVERIFY(a->factsLabel()->text().contains(QStringLiteral("price table")));
        QTRY_VERIFY_WITH_TIMEOUT(a->diffView()->toHtml().contains(QStringLiteral("line-through")), 5000);
        QCOMPARE(a->baseline(), QStringLiteral("Recorded"));
        QTRY_COMPARE_WITH_TIMEOUT(stored.count(), 1, 10000);
        {
            ReaderLease reader = m_store->reader();
            const std::optional<Source> replays = reader->sourceByKey(QStringLiteral("replays"));
            QVERIFY(replays);
            QCOMPARE(
                reader->sessionTraces(replays->id, QStringLiteral("replay:formats-trace")).size(), size_t(1));
        }
        QTest::qWait(100);
        QVERIFY(uitest::saveScreenshot(*replay, QStringLiteral("replay-window.png")));

        // Variants side by side: the recorded model and an Anthropic model; run all.
        VariantColumn *b = replay->addVariant();
        b->setModel(QStringLiteral("gpt-4o"));
        VariantColumn *c = replay->addVariant();
        c->setProviderId(QStringLiteral("fake-anthropic"));
        c->setModel(QStringLiteral("claude-3-5-haiku-latest"));
        QCOMPARE(replay->variants().size(), 3);
        finished.clear();
        replay->runAll();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 3, 15000);
        QVERIFY2(b->result().ok && c->result().ok, qPrintable(b->result().error + c->result().error));
        QCOMPARE(c->result().text, QStringLiteral("Order 4417 has shipped; it should arrive on 24 August."));
        QCOMPARE(m_server->last().path == u"/v1/messages"
                || m_server->requests().at(m_server->requestCount() - 2).path == u"/v1/messages",
            true);
        // B said what was recorded: no changes against the recording; C against A has some.
        QTRY_VERIFY_WITH_TIMEOUT(!b->diffView()->toHtml().contains(QStringLiteral("line-through")), 5000);
        c->setBaseline(QStringLiteral("A"));
        QTRY_VERIFY_WITH_TIMEOUT(c->diffView()->toHtml().contains(QStringLiteral("line-through")), 5000);
        QTRY_COMPARE_WITH_TIMEOUT(stored.count(), 4, 10000);
        QTest::qWait(100);
        QVERIFY(uitest::saveScreenshot(*replay, QStringLiteral("replay-variants.png")));

        // A broken edit is refused with a message, and nothing runs.
        const int requests = m_server->requestCount();
        editor->toolsEdit()->setPlainText(QStringLiteral("[{not json"));
        QCOMPARE(editor->tabs()->tabText(1), QStringLiteral("Tools (invalid JSON)"));
        replay->runAll();
        QVERIFY(replay->statusLabel()->text().contains(QStringLiteral("Tools")));
        QCOMPARE(m_server->requestCount(), requests);
        replay->close();
    }

    void batchReplayOverSelectedTraces()
    {
        MainWindow window(m_store.get());
        ReplayController controller(m_store.get(), nullptr, kKeychainService);
        controller.install(&window);
        QVERIFY(!controller.context()->providers()->providers().isEmpty()); // saved by the test above
        window.resize(1440, 900);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        // Pick three support-chat demo traces (they have generations).
        TracesPage *traces = window.tracesPage();
        traces->setQuery(QStringLiteral("name:support-chat"));
        QTRY_VERIFY_WITH_TIMEOUT(traces->model()->rowCount() >= 3 && !traces->model()->isLoading(), 10000);
        traces->view()->selectRow(0);
        traces->view()->selectionModel()->select(
            traces->model()->index(1, 0), QItemSelectionModel::Select | QItemSelectionModel::Rows);
        traces->view()->selectionModel()->select(
            traces->model()->index(2, 0), QItemSelectionModel::Select | QItemSelectionModel::Rows);
        QCOMPARE(traces->view()->selectionModel()->selectedRows().size(), 3);

        m_server->clear();
        BatchReplayDialog *dialog = controller.openBatch();
        QVERIFY(dialog);
        QVERIFY(QTest::qWaitForWindowExposed(dialog));
        QVERIFY(dialog->scopeBox()->itemText(0).contains(QStringLiteral("3 selected")));
        dialog->providerBox()->setCurrentIndex(
            dialog->providerBox()->findText(QStringLiteral("Fake OpenAI")));
        dialog->modelBox()->setCurrentText(QStringLiteral("gpt-4o-mini"));
        dialog->systemModeBox()->setCurrentIndex(2);
        dialog->systemPromptEdit()->setPlainText(QStringLiteral("Keep answers under 40 words."));
        dialog->concurrencyBox()->setValue(2);
        QSignalSpy done(dialog, &BatchReplayDialog::finished);
        QTest::mouseClick(dialog->startButton(), Qt::LeftButton);
        QVERIFY(done.wait(30000));
        QCOMPARE(done.at(0).at(0).toBool(), false);
        BatchReplayRunner *runner = dialog->runner();
        QVERIFY(runner);
        const int rows = runner->model()->rowCount();
        QVERIFY(rows >= 3);
        QCOMPARE(m_server->requestCount(), rows);
        QVERIFY(m_server->maxConcurrent() <= 2);
        for (const ProviderRequest &r : m_server->requests()) {
            const QJsonObject body = r.json();
            QCOMPARE(body.value(QStringLiteral("model")).toString(), QStringLiteral("gpt-4o-mini"));
            QVERIFY(body.value(QStringLiteral("messages"))
                        .toArray()
                        .at(0)
                        .toObject()
                        .value(QStringLiteral("content"))
                        .toString()
                        .endsWith(QStringLiteral("Keep answers under 40 words.")));
        }
        QCOMPARE(runner->model()->totals().done, rows);
        QCOMPARE(dialog->progressBar()->value(), rows);
        QVERIFY2(dialog->totalsLabel()->text().contains(QStringLiteral("%1 of %1 replayed").arg(rows)),
            qPrintable(dialog->totalsLabel()->text()));
        QVERIFY(dialog->totalsLabel()->text().contains(QStringLiteral("outputs changed")));
        dialog->resize(1440, 900);
        QTest::qWait(150);
        QVERIFY(uitest::saveScreenshot(*dialog, QStringLiteral("replay-batch.png")));
        dialog->close();
    }

    void providersPricesAndSendToLangfuse()
    {
        ReplayContext context(m_store.get(), nullptr, kKeychainService);
        // A provider added through the dialog: the key goes to the keychain, never to settings,
        // and is what the model list request carries.
        ProvidersDialog dialog(&context);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        dialog.startNew(0); // OpenAI preset
        QCOMPARE(dialog.urlEdit()->text(), QStringLiteral("https://api.openai.com/v1"));
        dialog.nameEdit()->setText(QStringLiteral("Dialog OpenAI"));
        dialog.urlEdit()->setText(m_server->url() + QStringLiteral("/v1"));
        const QString key = QStringLiteral("sk-dialog-test-0123456789abcdef");
        dialog.keyEdit()->setText(key);
        m_server->clear();
        QTest::mouseClick(dialog.saveButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(context.providers()->providers().size() >= 3, 30000);
        QVERIFY(dialog.keyEdit()->text().isEmpty());
        QSettings settings;
        settings.sync();
        QFile file(settings.fileName());
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY2(!file.readAll().contains(key.toUtf8()), "an API key in the settings file");
        const QList<QPushButton *> buttons = dialog.findChildren<QPushButton *>();
        QPushButton *fetch = nullptr;
        for (QPushButton *b : buttons)
            fetch = b->text() == QStringLiteral("Fetch Models") ? b : fetch;
        QVERIFY(fetch);
        QTest::mouseClick(fetch, Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(dialog.modelBox()->count(), 2, 10000);
        QCOMPARE(m_server->last().path, QStringLiteral("/v1/models"));
        QCOMPARE(m_server->last().headers.value("authorization"), "Bearer " + key.toUtf8());
        QVERIFY(uitest::saveScreenshot(dialog, QStringLiteral("replay-providers.png")));
        dialog.close();

        // Prices edited in the dialog are what the context costs with, and they persist.
        PricesDialog prices(&context);
        QTableWidget *table = prices.table();
        const int row = table->rowCount();
        table->insertRow(row);
        table->setItem(row, 0, new QTableWidgetItem(QStringLiteral("my-local-model")));
        table->setItem(row, 1, new QTableWidgetItem(QStringLiteral("0.5")));
        table->setItem(row, 3, new QTableWidgetItem(QStringLiteral("1.5")));
        QVERIFY(prices.apply());
        QVERIFY(context.prices().find(u"my-local-model"));
        ReplayContext again(m_store.get(), nullptr, kKeychainService);
        QCOMPARE(again.prices().find(u"my-local-model")->outputPerMillion, 1.5);
        table->setItem(row, 1, new QTableWidgetItem(QStringLiteral("-3")));
        QVERIFY(!prices.apply());

        // A replay sent to a Langfuse connection: trace-create + generation-create with Basic auth.
        ConnectionRegistry::Options options;
        options.settingsGroup = QStringLiteral("test-langfuse");
        options.offerEnvironment = false;
        options.credentialService = kKeychainService;
        ConnectionRegistry connections(options);
        LangfuseConnection connection;
        connection.id = QStringLiteral("c1");
        connection.name = QStringLiteral("staging");
        connection.host = m_server->url();
        connection.publicKey = QStringLiteral("pk-lf-test");
        bool saved = false;
        connections.save(connection, QStringLiteral("sk-lf-test-secret"), this,
            [&](bool ok, const QString &) { saved = ok; });
        QTRY_VERIFY_WITH_TIMEOUT(saved, 30000);
        context.setConnections(&connections);
        auto *replay = new ReplayWindow(&context, generationRk(QStringLiteral("gen-anthropic")));
        QSignalSpy loaded(replay, &ReplayWindow::loaded);
        QVERIFY(loaded.wait(10000));
        QCOMPARE(replay->sendTarget()->count(), 2);
        replay->sendTarget()->setCurrentIndex(1);
        VariantColumn *a = replay->variants().at(0);
        a->setProviderId(QStringLiteral("fake-anthropic"));
        m_server->clear();
        QSignalSpy finished(replay, &ReplayWindow::replayFinished);
        replay->runAll();
        QVERIFY(finished.wait(10000));
        QVERIFY2(a->result().ok, qPrintable(a->result().error));
        // The Anthropic recording replays with its system prompt at the top and its tool result.
        const QJsonObject body = m_server->requests().at(0).json();
        QCOMPARE(
            body.value(QStringLiteral("system")).toString(), QStringLiteral("You are a coding assistant."));
        QVERIFY(QJsonDocument(body).toJson().contains("tool_result"));
        QTRY_VERIFY_WITH_TIMEOUT(
            !m_server->requestsTo(QStringLiteral("/api/public/otel/v1/traces")).isEmpty(), 10000);
        const ProviderRequest sent
            = m_server->requestsTo(QStringLiteral("/api/public/otel/v1/traces")).first();
        QCOMPARE(sent.headers.value("authorization"),
            "Basic " + QByteArray("pk-lf-test:sk-lf-test-secret").toBase64());
        QCOMPARE(sent.headers.value("x-langfuse-ingestion-version"), QByteArray("4"));
        // One trace with its generation span, the replay's model on it.
        const DecodedBody plain = decodeContent(sent.body, ContentEncoding::Gzip, 64 << 20);
        QCOMPARE(plain.status, DecodedBody::Status::Ok);
        opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest exported;
        QVERIFY(exported.ParseFromArray(plain.data.constData(), int(plain.data.size())));
        QCOMPARE(exported.resource_spans_size(), 1);
        QVERIFY(exported.ShortDebugString().find("generation") != std::string::npos);
        QTRY_VERIFY_WITH_TIMEOUT(replay->statusLabel()->text().contains(QStringLiteral("Langfuse")), 5000);
        replay->close();

        // Leave no keys behind in the keychain.
        int removed = 0;
        for (const ProviderConfig &c : context.providers()->providers())
            context.providers()->remove(c.id, this, [&removed](bool, const QString &) { ++removed; });
        connections.remove(connection.id, this, [&removed](bool, const QString &) { ++removed; });
        QTRY_COMPARE_WITH_TIMEOUT(removed, 4, 30000);
        QVERIFY(context.providers()->providers().isEmpty());
    }

private:
    qint64 generationRk(const QString &id) const
    {
        ReaderLease reader = m_store->reader();
        for (const ObservationRow &row : reader->observations(m_formatsRk)) {
            if (row.id == id)
                return row.rk;
        }
        return 0;
    }
};

QTEST_MAIN(TestReplayWindow)
#include "tst_replaywindow.moc"
