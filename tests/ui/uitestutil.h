#pragma once
// Shared helpers for the GUI tests: stores with demo data or hand-made traces, and screenshots.

#include "demo/demoloader.h"
#include "domain/records.h"
#include "store/tracestore.h"

#include <QDir>
#include <QFile>
#include <QPainter>
#include <QSettings>
#include <QStandardPaths>
#include <QTest>
#include <QWidget>

#include <thread>

namespace tg::uitest {

inline QString outputDir()
{
    const QString dir
        = qEnvironmentVariable("TRACEGLASS_TEST_OUTPUT_DIR", QStringLiteral(TRACEGLASS_TEST_OUTPUT_DIR));
    QDir().mkpath(dir);
    return dir;
}

/// Saves what `widget` shows (and any popups over it, drawn where they are) as a PNG.
inline bool saveScreenshot(QWidget &widget, const QString &name, const QList<QWidget *> &popups = {})
{
    QPixmap image = widget.grab();
    if (!popups.isEmpty()) {
        QPainter painter(&image);
        for (QWidget *popup : popups) {
            if (!popup || !popup->isVisible())
                continue;
            const QPoint at = widget.mapFromGlobal(popup->mapToGlobal(QPoint(0, 0)));
            painter.drawPixmap(at, popup->grab());
        }
    }
    const QString path = outputDir() + u'/' + name;
    return image.save(path, "PNG", 0); // quality 0: the strongest compression (they are committed)
}

/// saveScreenshot() as a check of the test: a grab that cannot be saved fails it, naming the file.
inline void checkScreenshot(QWidget &widget, const QString &name)
{
    const QString path = outputDir() + u'/' + name;
    QVERIFY2(widget.grab().save(path), qPrintable(path));
}

inline std::unique_ptr<TraceStore> openStore(const QString &path)
{
    StoreOptions options;
    options.path = path;
    QString error;
    auto store = TraceStore::open(options, &error);
    if (!store)
        qFatal("cannot open the store: %s", qPrintable(error));
    return store;
}

/// Where the GUI tests' demo data starts, so that what they show does not move with the clock.
inline constexpr qint64 kDemoStartNs = 1'790'000'000'000'000'000LL;

/// Fresh test settings (QStandardPaths test mode, cleared) and a store at `path` filled with
/// `demo` from kDemoStartNs on. Returns the demo source id, or 0 with `error` set.
inline qint64 openDemoStore(
    std::unique_ptr<TraceStore> &store, const QString &path, DemoOptions demo, QString *error = nullptr)
{
    QStandardPaths::setTestModeEnabled(true);
    QSettings().clear();
    store = openStore(path);
    demo.startNs = kDemoStartNs;
    return loadDemoData(*store, demo, {}, error);
}

inline void submit(TraceStore &store, WriteBatch batch)
{
    for (;;) {
        const SubmitStatus status = store.submit(batch);
        if (status == SubmitStatus::Queued)
            break;
        if (status != SubmitStatus::Overloaded)
            qFatal("the store refused a batch");
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    store.flush();
}

inline QByteArray chatFixture(const QString &name)
{
    QFile file(QStringLiteral(TRACEGLASS_TEST_DATA_DIR "/chat/") + name);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("missing fixture %s", qPrintable(name));
    return file.readAll();
}

/// The message formats with fixtures under tests/data/chat (<format>-input.json, -output.json).
inline QStringList chatFormats()
{
    return { QStringLiteral("openai-chat"), QStringLiteral("openai-responses"), QStringLiteral("anthropic"),
        QStringLiteral("gemini"), QStringLiteral("otel"), QStringLiteral("langchain") };
}

/// One trace "message-formats" with a root span and one generation per chat fixture (named after
/// the format), with usage incl. cached and reasoning tokens, cost, time to first token and a prompt.
inline QString addFormatsTrace(TraceStore &store, qint64 sourceId, qint64 startNs)
{
    WriteBatch batch;
    batch.sourceId = sourceId;
    TraceRecord trace;
    trace.id = QStringLiteral("formats-trace");
    trace.name = QStringLiteral("message-formats");
    trace.timestampNs = startNs;
    trace.userId = QStringLiteral("u_formats");
    trace.tags = { QStringLiteral("fixtures"), QStringLiteral("agent:FormatTester") };
    trace.input = "\"Render every message format\"";
    trace.output = "\"done\"";
    batch.traces.push_back(trace);
    ObservationRecord root;
    root.id = QStringLiteral("formats-root");
    root.traceId = trace.id;
    root.type = ObservationType::Agent;
    root.name = QStringLiteral("FormatTester");
    root.startNs = startNs;
    root.endNs = startNs + 12'000'000'000LL;
    batch.observations.push_back(root);
    qint64 t = startNs + 100'000'000;
    int i = 0;
    for (const QString &format : chatFormats()) {
        ObservationRecord g;
        g.id = QStringLiteral("gen-") + format;
        g.traceId = trace.id;
        g.parentId = root.id;
        g.type = ObservationType::Generation;
        g.name = format;
        g.startNs = t;
        g.completionStartNs = t + 400'000'000;
        g.endNs = t + 1'500'000'000;
        g.model = i % 2 ? QStringLiteral("claude-sonnet-4") : QStringLiteral("gpt-4o");
        g.modelParameters = R"({"temperature":0.2,"max_tokens":1024})";
        g.usage.set(QStringLiteral("input"), 900 + i);
        g.usage.set(QStringLiteral("input_cached_tokens"), 512);
        g.usage.set(QStringLiteral("output"), 120);
        g.usage.set(QStringLiteral("output_reasoning_tokens"), 40);
        g.usage.set(QStringLiteral("total"), 1572 + i);
        g.cost.set(QStringLiteral("input"), 0.0021);
        g.cost.set(QStringLiteral("output"), 0.0012);
        g.cost.set(QStringLiteral("total"), 0.0033);
        g.promptName = QStringLiteral("formats-prompt");
        g.promptVersion = 3;
        g.input = chatFixture(format + QStringLiteral("-input.json"));
        g.output = chatFixture(format + QStringLiteral("-output.json"));
        g.metadata = R"({"provider":"fixture","format":")" + format.toUtf8() + R"("})";
        if (format == u"anthropic") {
            g.level = Level::Warning;
            g.statusMessage = QStringLiteral("tool run_tests failed; the model retried");
        }
        batch.observations.push_back(g);
        t += 1'800'000'000;
        ++i;
    }
    ScoreRecord score;
    score.id = QStringLiteral("score-formats");
    score.traceId = trace.id;
    score.observationId = QStringLiteral("gen-openai-chat");
    score.name = QStringLiteral("helpfulness");
    score.value = 0.9;
    score.source = QStringLiteral("EVAL");
    score.comment = QStringLiteral("clear and short");
    batch.scores.push_back(score);
    submit(store, std::move(batch));
    return trace.id;
}

} // namespace tg::uitest
