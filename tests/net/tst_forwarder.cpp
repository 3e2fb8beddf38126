// The forwarder against a fake Langfuse OTLP endpoint. The fake is hand-written on our own
// HttpServer (not a recorded mock or the OpenAPI mock) because these tests need it to go down,
// come back, answer 503/429 with Retry-After, refuse keys and reject single traces on cue.
// What it checks: nothing queued is lost across outages and restarts, nothing is sent twice except
// as an idempotent upsert of the same span, and the wire format Langfuse expects.
#include "domain/timeformat.h"
#include "formats/otlpexportbuilder.h"
#include "forwarder/forwardtarget.h"
#include "forwarder/otlpforwarder.h"
#include "http/contentdecoding.h"
#include "http/httpserver.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"
#include "store/outbox.h"
#include "store/storereader.h"
#include "store/tracestore.h"

#include <QElapsedTimer>
#include <QHostAddress>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <future>
#include <mutex>

using namespace tg;

namespace {

constexpr qint64 kSecond = 1'000'000'000;
const qint64 kBase = 1'786'000'000LL * kSecond;

class FakeLangfuse
{
public:
    enum class Mode { Up, Unavailable, RateLimited, ServerError };

    std::atomic<Mode> mode { Mode::Up };
    std::atomic<int> retryAfterSeconds { 0 };
    std::atomic<int> maxSpans { 0 }; ///< > 0: larger requests get 413
    QByteArray secret = "sk-lf-secret";
    QByteArray poison; ///< a span name that makes the request a 400

    mutable std::mutex mutex;
    QHash<QString, int> spanCounts; ///< span id (hex) -> times accepted
    QHash<QString, std::string> spanBytes; ///< the span as last accepted
    QHash<QString, int> rootSpans; ///< span ids without a parent
    int accepted = 0;
    int unavailable = 0;
    int rateLimited = 0;
    int serverErrors = 0;
    int badRequests = 0;
    int unauthorized = 0;
    int tooLarge = 0;
    QStringList headerProblems;
    std::vector<qint64> requestTimesMs;

    FakeLangfuse()
        : m_server({}, [this](HttpRequest &&request, HttpResponder responder) {
            responder.respond(handle(request));
        })
    {
    }

    bool listen(quint16 port = 0)
    {
        QString error;
        const bool ok = m_server.listen(QHostAddress::LocalHost, port, &error);
        if (!ok)
            qWarning("fake Langfuse cannot listen: %s", qPrintable(error));
        if (ok && port == 0)
            m_port = m_server.port();
        return ok;
    }
    /// Down: nothing listens, connections are refused.
    void goDown()
    {
        m_server.close();
        m_server.closeConnections();
    }
    quint16 port() const { return m_port; }
    QString host() const { return QStringLiteral("http://127.0.0.1:%1").arg(m_port); }

    int uniqueSpans() const
    {
        std::lock_guard lock(mutex);
        return int(spanCounts.size());
    }
    template<typename F> auto locked(F f) const
    {
        std::lock_guard lock(mutex);
        return f();
    }

private:
    HttpResponse handle(const HttpRequest &request)
    {
        std::lock_guard lock(mutex);
        requestTimesMs.push_back(QDateTime::currentMSecsSinceEpoch());
        if (request.path != "/api/public/otel/v1/traces" || request.method != "POST")
            headerProblems << QStringLiteral("unexpected %1 %2").arg(QString::fromLatin1(request.method),
                QString::fromLatin1(request.path));
        if (request.header("authorization") != QByteArray("Basic ") + QByteArray(QByteArray("pk-lf-1:") + secret).toBase64()) {
            ++unauthorized;
            return HttpResponse::json(401, R"({"message":"Invalid credentials. Confirm that you've configured the correct host."})");
        }
        switch (mode.load()) {
        case Mode::Unavailable: {
            ++unavailable;
            HttpResponse response = HttpResponse::json(503, R"({"message":"Service Unavailable"})");
            response.headers.append({ "Retry-After", QByteArray::number(retryAfterSeconds.load()) });
            return response;
        }
        case Mode::RateLimited: {
            ++rateLimited;
            HttpResponse response = HttpResponse::json(429, R"({"message":"Rate limit exceeded","code":"rate_limited"})");
            response.headers.append({ "Retry-After", QByteArray::number(retryAfterSeconds.load()) });
            return response;
        }
        case Mode::ServerError:
            ++serverErrors;
            return HttpResponse::json(500, R"({"message":"Internal Server Error"})");
        case Mode::Up:
            break;
        }
        if (request.header("x-langfuse-ingestion-version") != "4")
            headerProblems << QStringLiteral("ingestion version %1").arg(QString::fromLatin1(request.header("x-langfuse-ingestion-version")));
        if (request.header("content-type") != "application/x-protobuf")
            headerProblems << QStringLiteral("content type %1").arg(QString::fromLatin1(request.header("content-type")));
        const auto encoding = contentEncodingFromHeader(request.header("content-encoding"));
        if (!encoding || *encoding != ContentEncoding::Gzip)
            headerProblems << QStringLiteral("not gzip");
        const DecodedBody decoded = decodeContent(request.body, encoding.value_or(ContentEncoding::Identity), 64 << 20);
        opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest otlp;
        if (decoded.status != DecodedBody::Status::Ok || !otlp.ParseFromArray(decoded.data.constData(), int(decoded.data.size()))) {
            ++badRequests;
            return HttpResponse::json(400, R"({"error":"Failed to parse OTel Protobuf Trace"})");
        }
        int spans = 0;
        for (const auto &rs : otlp.resource_spans()) {
            for (const auto &ss : rs.scope_spans()) {
                bool keyed = false;
                for (const auto &kv : ss.scope().attributes())
                    keyed = keyed || (kv.key() == "public_key" && kv.value().string_value() == "pk-lf-1");
                if (ss.scope().name() != "langfuse-sdk" || !keyed)
                    headerProblems << QStringLiteral("scope without the public key");
                for (const auto &span : ss.spans()) {
                    ++spans;
                    if (!poison.isEmpty() && span.name() == poison.toStdString()) {
                        ++badRequests;
                        return HttpResponse::json(400, R"({"error":"Invalid OTLP trace export"})");
                    }
                }
            }
        }
        if (maxSpans > 0 && spans > maxSpans) {
            ++tooLarge;
            return HttpResponse::json(413, R"({"message":"too large"})");
        }
        for (const auto &rs : otlp.resource_spans()) {
            for (const auto &ss : rs.scope_spans()) {
                for (const auto &span : ss.spans()) {
                    const QString id = QString::fromLatin1(QByteArray::fromStdString(span.span_id()).toHex());
                    ++spanCounts[id];
                    spanBytes[id] = span.SerializeAsString();
                    if (span.parent_span_id().empty())
                        ++rootSpans[id];
                }
            }
        }
        ++accepted;
        return HttpResponse::json(200, "{}");
    }

    HttpServer m_server;
    quint16 m_port = 0;
};

QString hexId(int trace, int span)
{
    return QString::number(0x10000 + trace * 100 + span, 16).rightJustified(16, u'0');
}

WriteBatch traces(qint64 source, int first, int count, int spansEach)
{
    WriteBatch batch;
    batch.sourceId = source;
    for (int t = first; t < first + count; ++t) {
        TraceRecord trace;
        trace.id = QString::number(0xabc000 + t, 16).rightJustified(32, u'0');
        trace.name = QStringLiteral("trace %1").arg(t);
        trace.userId = QStringLiteral("u");
        batch.traces.push_back(trace);
        for (int s = 0; s < spansEach; ++s) {
            ObservationRecord o;
            o.id = hexId(t, s);
            o.traceId = trace.id;
            o.parentId = s == 0 ? QString() : hexId(t, 0);
            o.type = s == 0 ? ObservationType::Agent : ObservationType::Generation;
            o.name = QStringLiteral("span %1.%2").arg(t).arg(s);
            o.startNs = kBase + t * kSecond + s * 1000;
            o.endNs = *o.startNs + 500;
            o.input = "{\"q\":\"hello\"}";
            batch.observations.push_back(o);
        }
    }
    return batch;
}

bool commit(TraceStore &store, WriteBatch batch)
{
    std::promise<bool> done;
    auto future = done.get_future();
    if (store.submit(std::move(batch), [&done](const CommitResult &r) { done.set_value(r.ok); }) != SubmitStatus::Queued)
        return false;
    return future.get();
}

QSet<QString> storedObservationIds(TraceStore &store, qint64 source)
{
    QSet<QString> ids;
    auto reader = store.reader();
    TraceQuery query;
    query.filter.sourceIds = { source };
    for (const TraceRow &row : reader->traces(query, 0, 100000)) {
        for (const ObservationRow &o : reader->observations(row.rk))
            ids.insert(o.id);
    }
    return ids;
}

} // namespace

class TestForwarder : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    int m_counter = 0;

    std::unique_ptr<TraceStore> openStore(const QString &name = {})
    {
        StoreOptions options;
        options.path = m_dir.filePath(name.isEmpty() ? QStringLiteral("f%1.db").arg(++m_counter) : name);
        options.fullTextIndex = false;
        return TraceStore::open(options, nullptr);
    }

    static ForwarderOptions fastOptions()
    {
        ForwarderOptions options;
        options.baseBackoffMs = 50;
        options.maxBackoffMs = 300;
        options.pollIntervalMs = 200;
        options.commitDebounceMs = 20;
        options.maxTracesPerRequest = 5;
        options.scopeVersion = QStringLiteral("test");
        return options;
    }

    static ForwardTarget targetFor(const FakeLangfuse &fake)
    {
        return ForwardTarget { QStringLiteral("c1"), QStringLiteral("test"), fake.host(), QStringLiteral("pk-lf-1"), false };
    }

private Q_SLOTS:
    void initTestCase()
    {
        QCoreApplication::setOrganizationName(QStringLiteral("TraceglassTest"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_forwarder"));
        qputenv("XDG_CONFIG_HOME", m_dir.filePath(QStringLiteral("config")).toUtf8());
    }

    void outageAndRecoveryLoseNothing()
    {
        FakeLangfuse fake;
        QVERIFY(fake.listen());
        auto store = openStore();
        QVERIFY(store);
        const qint64 local = store->ensureSource(SourceKind::LocalReceiver, QStringLiteral("local"), QStringLiteral("L"));
        OtlpForwarder forwarder(store.get(), targetFor(fake), QStringLiteral("sk-lf-secret"), fastOptions());
        QSignalSpy delivered(&forwarder, &OtlpForwarder::delivered);
        forwarder.setAutoForward(local, true);
        forwarder.start();

        // Up: new data goes out as it commits.
        QVERIFY(commit(*store, traces(local, 0, 10, 4)));
        QTRY_COMPARE_WITH_TIMEOUT(fake.uniqueSpans(), 40, 10000);
        QTRY_VERIFY(delivered.size() >= 2); // 5 traces per request

        // Down: connections refused; the data waits in the outbox.
        fake.goDown();
        QVERIFY(commit(*store, traces(local, 10, 10, 4)));
        WriteBatch late;
        late.sourceId = local;
        ObservationRecord extra;
        extra.id = hexId(3, 9);
        extra.traceId = QString::number(0xabc000 + 3, 16).rightJustified(32, u'0');
        extra.parentId = hexId(3, 0);
        extra.type = ObservationType::Event;
        extra.name = QStringLiteral("late");
        extra.startNs = kBase + 3 * kSecond + 99'000;
        late.observations.push_back(extra);
        QVERIFY(commit(*store, std::move(late)));
        QTRY_COMPARE_WITH_TIMEOUT(forwarder.state(), OtlpForwarder::State::Waiting, 10000);
        QVERIFY2(forwarder.stateText().contains(u"retry in"), qPrintable(forwarder.stateText()));
        QVERIFY2(forwarder.lastError().contains(u"cannot reach"), qPrintable(forwarder.lastError()));
        QVERIFY(forwarder.retryAtMs() > 0);
        QTRY_VERIFY_WITH_TIMEOUT(forwarder.stats().pending >= 11, 5000);
        QVERIFY(forwarder.stateText().contains(u"queued"));

        // Back, but overloaded: 503 with Retry-After, then 429 with Retry-After.
        fake.mode = FakeLangfuse::Mode::Unavailable;
        QVERIFY(fake.listen(fake.port()));
        QTRY_VERIFY_WITH_TIMEOUT(fake.locked([&] { return fake.unavailable; }) >= 2, 10000);
        fake.retryAfterSeconds = 1;
        fake.mode = FakeLangfuse::Mode::RateLimited;
        QTRY_VERIFY_WITH_TIMEOUT(fake.locked([&] { return fake.rateLimited; }) >= 1, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(forwarder.lastError().contains(u"429"), 5000);
        const qint64 limitedAt = QDateTime::currentMSecsSinceEpoch();
        fake.mode = FakeLangfuse::Mode::Up;

        // Caught up: every span arrived; only roots went twice (the trace that grew), unchanged.
        QTRY_COMPARE_WITH_TIMEOUT(fake.uniqueSpans(), 81, 15000);
        QTRY_COMPARE_WITH_TIMEOUT(forwarder.stats().pending, 0, 5000);
        QTRY_COMPARE_WITH_TIMEOUT(forwarder.state(), OtlpForwarder::State::Idle, 5000);
        const qint64 resumedAt = fake.locked([&] { return fake.requestTimesMs.back(); });
        QVERIFY2(resumedAt - limitedAt >= 800, "Retry-After was not honoured");
        QCOMPARE(fake.locked([&] { return QSet<QString>(fake.spanCounts.keyBegin(), fake.spanCounts.keyEnd()); }),
            storedObservationIds(*store, local));
        const auto counts = fake.locked([&] { return fake.spanCounts; });
        const auto roots = fake.locked([&] { return fake.rootSpans; });
        for (auto it = counts.cbegin(); it != counts.cend(); ++it) {
            if (!roots.contains(it.key()))
                QVERIFY2(it.value() == 1, qPrintable(it.key()));
            else
                QVERIFY2(it.value() <= 2, qPrintable(it.key()));
        }
        QCOMPARE(counts.value(hexId(3, 0)), 2); // the grown trace's root went again, unchanged
        QVERIFY(fake.locked([&] { return fake.headerProblems; }).isEmpty());
        QCOMPARE(forwarder.spansDelivered(), qint64(82));
    }

    void badTraceIsIsolatedAndParked()
    {
        FakeLangfuse fake;
        fake.poison = "span 2.1";
        QVERIFY(fake.listen());
        auto store = openStore();
        const qint64 source = store->ensureSource(SourceKind::File, QStringLiteral("file:x"), QStringLiteral("x"));
        QVERIFY(commit(*store, traces(source, 0, 4, 2)));
        OtlpForwarder forwarder(store.get(), targetFor(fake), QStringLiteral("sk-lf-secret"), fastOptions());
        forwarder.start();
        QList<qint64> rks;
        {
            auto reader = store->reader();
            for (const TraceRow &row : reader->traces(TraceQuery(), 0, 100))
                rks << row.rk;
        }
        forwarder.forwardTraces(rks);
        QTRY_COMPARE_WITH_TIMEOUT(fake.uniqueSpans(), 6, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(forwarder.stats().failed, 1, 5000);
        QCOMPARE(forwarder.stats().pending, 0);
        QVERIFY2(forwarder.stats().lastError.contains(u"400"), qPrintable(forwarder.stats().lastError));
        {
            auto reader = store->reader();
            const auto items = Outbox::items(*reader, QStringLiteral("c1"), 10);
            QCOMPARE(items.size(), size_t(1));
            QVERIFY(items.front().failed);
            QVERIFY(items.front().lastError.contains(u"Invalid OTLP"));
        }
        // The server learns to take it; a retry sends it.
        fake.poison.clear();
        forwarder.retryNow();
        QTRY_COMPARE_WITH_TIMEOUT(fake.uniqueSpans(), 8, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(forwarder.stats().failed, 0, 5000);
    }

    void refusedKeyStopsUntilFixed()
    {
        FakeLangfuse fake;
        QVERIFY(fake.listen());
        auto store = openStore();
        const qint64 source = store->ensureSource(SourceKind::File, QStringLiteral("file:y"), QStringLiteral("y"));
        QVERIFY(commit(*store, traces(source, 0, 2, 2)));
        OtlpForwarder forwarder(store.get(), targetFor(fake), QStringLiteral("sk-lf-wrong"), fastOptions());
        forwarder.setAutoForward(source, true, true);
        forwarder.start();
        QTRY_COMPARE_WITH_TIMEOUT(forwarder.state(), OtlpForwarder::State::AuthFailed, 10000);
        QVERIFY(forwarder.lastError().contains(u"401"));
        QVERIFY(!forwarder.lastError().contains(u"sk-lf-wrong"));
        const int refused = fake.locked([&] { return fake.unauthorized; });
        QTest::qWait(500);
        QCOMPARE(fake.locked([&] { return fake.unauthorized; }), refused); // no hammering
        QTRY_COMPARE_WITH_TIMEOUT(forwarder.stats().pending, 2, 5000);
        forwarder.setSecretKey(QStringLiteral("sk-lf-secret"));
        QTRY_COMPARE_WITH_TIMEOUT(fake.uniqueSpans(), 4, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(forwarder.stats().pending, 0, 5000);
    }

    void outboxSurvivesRestartAndCatchesUp()
    {
        FakeLangfuse fake;
        QVERIFY(fake.listen());
        const quint16 port = fake.port();
        fake.goDown();
        const QString name = QStringLiteral("restart.db");
        qint64 source = 0;
        {
            auto store = openStore(name);
            source = store->ensureSource(SourceKind::LocalReceiver, QStringLiteral("local"), QStringLiteral("L"));
            OtlpForwarder forwarder(store.get(), targetFor(fake), QStringLiteral("sk-lf-secret"), fastOptions());
            forwarder.setAutoForward(source, true);
            forwarder.start();
            QTest::qWait(100);
            QVERIFY(commit(*store, traces(source, 0, 3, 3)));
            QTRY_COMPARE_WITH_TIMEOUT(forwarder.state(), OtlpForwarder::State::Waiting, 10000);
            forwarder.stop();
            // More data arrives while no forwarder runs (the receiver alone, say).
            QVERIFY(commit(*store, traces(source, 3, 2, 3)));
        }
        auto store = openStore(name);
        QVERIFY(fake.listen(port));
        OtlpForwarder forwarder(store.get(), targetFor(fake), QStringLiteral("sk-lf-secret"), fastOptions());
        forwarder.start();
        QTRY_COMPARE_WITH_TIMEOUT(fake.uniqueSpans(), 15, 10000);
        QCOMPARE(fake.locked([&] { return QSet<QString>(fake.spanCounts.keyBegin(), fake.spanCounts.keyEnd()); }),
            storedObservationIds(*store, source));
        QVERIFY(forwarder.autoForwardSources().contains(source));
    }

    void largeTracesAreSplitAnd413Shrinks()
    {
        FakeLangfuse fake;
        fake.maxSpans = 8;
        QVERIFY(fake.listen());
        auto store = openStore();
        const qint64 source = store->ensureSource(SourceKind::File, QStringLiteral("file:z"), QStringLiteral("z"));
        QVERIFY(commit(*store, traces(source, 0, 1, 35)));
        QVERIFY(commit(*store, traces(source, 1, 3, 2)));
        ForwarderOptions options = fastOptions();
        options.maxSpansPerRequest = 20;
        OtlpForwarder forwarder(store.get(), targetFor(fake), QStringLiteral("sk-lf-secret"), options);
        forwarder.setAutoForward(source, true, true);
        forwarder.start();
        QTRY_COMPARE_WITH_TIMEOUT(fake.uniqueSpans(), 41, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(forwarder.stats().pending, 0, 5000);
        QVERIFY(fake.locked([&] { return fake.tooLarge; }) >= 1);
        const auto counts = fake.locked([&] { return fake.spanCounts; });
        for (auto it = counts.cbegin(); it != counts.cend(); ++it)
            QVERIFY2(it.value() == 1, qPrintable(it.key()));
    }

    void serverErrorsRetryThenPark()
    {
        FakeLangfuse fake;
        fake.mode = FakeLangfuse::Mode::ServerError;
        QVERIFY(fake.listen());
        auto store = openStore();
        const qint64 source = store->ensureSource(SourceKind::File, QStringLiteral("file:w"), QStringLiteral("w"));
        QVERIFY(commit(*store, traces(source, 0, 1, 2)));
        ForwarderOptions options = fastOptions();
        options.maxServerErrorAttempts = 3;
        OtlpForwarder forwarder(store.get(), targetFor(fake), QStringLiteral("sk-lf-secret"), options);
        forwarder.setAutoForward(source, true, true);
        forwarder.start();
        QTRY_COMPARE_WITH_TIMEOUT(forwarder.stats().failed, 1, 10000);
        QCOMPARE(fake.locked([&] { return fake.serverErrors; }), 3);
        QVERIFY(forwarder.lastError().contains(u"500"));
    }

    void targetsFromSettingsAndEnvironment()
    {
        QSettings().remove(QStringLiteral("langfuse"));
        ForwardTargets::save(ForwardTarget { QStringLiteral("a1"), QStringLiteral("Production"),
            QStringLiteral("https://cloud.langfuse.com"), QStringLiteral("pk-lf-prod"), false });
        QSettings settings;
        settings.setValue(QStringLiteral("langfuse/connections/b2/name"), QStringLiteral("self"));
        settings.setValue(QStringLiteral("langfuse/connections/b2/host"), QStringLiteral("langfuse.internal:3000/api/public/"));
        settings.setValue(QStringLiteral("langfuse/connections/b2/publicKey"), QStringLiteral("pk-lf-self"));
        settings.setValue(QStringLiteral("langfuse/connections/broken/name"), QStringLiteral("no host"));
        QProcessEnvironment env;
        env.insert(QStringLiteral("LANGFUSE_PUBLIC_KEY"), QStringLiteral("pk-lf-env"));
        env.insert(QStringLiteral("LANGFUSE_SECRET_KEY"), QStringLiteral("sk-lf-env"));
        env.insert(QStringLiteral("LANGFUSE_HOST"), QStringLiteral("http://localhost:3000"));
        const QList<ForwardTarget> targets = ForwardTargets::load(env);
        QCOMPARE(targets.size(), 3);
        QCOMPARE(targets[0].id, QStringLiteral("a1"));
        QCOMPARE(targets[1].host, QStringLiteral("https://langfuse.internal:3000"));
        QCOMPARE(targets[2].id, QStringLiteral("env"));
        QVERIFY(targets[2].fromEnvironment);
        QCOMPARE(targets[2].otlpTracesUrl(), QStringLiteral("http://localhost:3000/api/public/otel/v1/traces"));
        QCOMPARE(ForwardTargets::find(QStringLiteral("production"), env)->id, QStringLiteral("a1"));
        QCOMPARE(ForwardTargets::find(QStringLiteral("b2"), env)->name, QStringLiteral("self"));
        QVERIFY(!ForwardTargets::find(QStringLiteral("nope"), env));
        // An environment offer for a saved connection is not offered twice.
        env.insert(QStringLiteral("LANGFUSE_PUBLIC_KEY"), QStringLiteral("pk-lf-prod"));
        env.insert(QStringLiteral("LANGFUSE_HOST"), QStringLiteral("https://cloud.langfuse.com/"));
        QCOMPARE(ForwardTargets::load(env).size(), 2);
        // ... but "env" still names it.
        QCOMPARE(ForwardTargets::find(QStringLiteral("env"), env)->id, QStringLiteral("a1"));
    }
};

QTEST_GUILESS_MAIN(TestForwarder)
#include "tst_forwarder.moc"
