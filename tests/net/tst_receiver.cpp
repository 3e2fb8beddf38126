// The receiver end to end over loopback: every status code the OTLP rules prescribe, the
// Langfuse endpoints, gRPC, and "accepted means stored" (a 200 is only sent after the commit).
#include "google/rpc/status.pb.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.grpc.pb.h"
#include "rawhttp.h"
#include "receiver/tracereceiver.h"
#include "store/storereader.h"
#include "store/tracestore.h"

#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <grpcpp/grpcpp.h>
#include <zlib.h>

using namespace tg;
using namespace tg::test;
namespace otlp = opentelemetry::proto::collector::trace::v1;

namespace {

const QByteArray kProto = "application/x-protobuf";

otlp::ExportTraceServiceRequest makeRequest(
    int spans, const QByteArray &traceHex = "5b8efff798038103d269b633813fc60c")
{
    otlp::ExportTraceServiceRequest request;
    auto *resource = request.add_resource_spans();
    auto *attr = resource->mutable_resource()->add_attributes();
    attr->set_key("service.name");
    attr->mutable_value()->set_string_value("receiver-test");
    auto *scope = resource->add_scope_spans();
    const QByteArray traceId = QByteArray::fromHex(traceHex);
    for (int i = 0; i < spans; ++i) {
        auto *span = scope->add_spans();
        span->set_trace_id(traceId.constData(), traceId.size());
        QByteArray spanId(8, 0);
        spanId[7] = static_cast<char>(i + 1);
        spanId[0] = 0x11;
        span->set_span_id(spanId.constData(), spanId.size());
        if (i > 0) {
            QByteArray parent(8, 0);
            parent[7] = 1;
            parent[0] = 0x11;
            span->set_parent_span_id(parent.constData(), parent.size());
        }
        span->set_name(i == 0 ? "agent-run" : "llm-call");
        span->set_start_time_unix_nano(1'780'000'000'000'000'000ULL + i * 1'000'000ULL);
        span->set_end_time_unix_nano(1'780'000'000'500'000'000ULL + i * 1'000'000ULL);
        if (i > 0) {
            auto *model = span->add_attributes();
            model->set_key("gen_ai.request.model");
            model->mutable_value()->set_string_value("gpt-4o");
            auto *tokens = span->add_attributes();
            tokens->set_key("gen_ai.usage.input_tokens");
            tokens->mutable_value()->set_int_value(100);
        }
    }
    return request;
}

QByteArray serialise(const google::protobuf::MessageLite &message)
{
    std::string bytes;
    message.SerializeToString(&bytes);
    return QByteArray(bytes.data(), static_cast<qsizetype>(bytes.size()));
}

QByteArray compress(const QByteArray &data, int windowBits, int level = Z_BEST_SPEED)
{
    z_stream stream {};
    deflateInit2(&stream, level, Z_DEFLATED, windowBits, 8, Z_DEFAULT_STRATEGY);
    QByteArray out(static_cast<qsizetype>(deflateBound(&stream, static_cast<uLong>(data.size()))) + 64, 0);
    stream.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(data.constData()));
    stream.avail_in = static_cast<uInt>(data.size());
    stream.next_out = reinterpret_cast<Bytef *>(out.data());
    stream.avail_out = static_cast<uInt>(out.size());
    deflate(&stream, Z_FINISH);
    out.resize(static_cast<qsizetype>(stream.total_out));
    deflateEnd(&stream);
    return out;
}

} // namespace

class TestReceiver : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<TraceStore> m_store;
    std::unique_ptr<TraceReceiver> m_receiver;
    quint16 m_port = 0;

    qint64 storedSpans(const QByteArray &traceHex = "5b8efff798038103d269b633813fc60c")
    {
        auto reader = m_store->reader();
        const auto row = reader->traceById(m_receiver->sourceId(), QString::fromLatin1(traceHex));
        return row ? row->observationCount : 0;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QString error;
        m_store = TraceStore::open(StoreOptions { m_dir.filePath(QStringLiteral("r.db")) }, &error);
        QVERIFY2(m_store, qPrintable(error));
        m_receiver = std::make_unique<TraceReceiver>(m_store.get());
        ReceiverOptions options;
        options.httpPort = 0;
        options.grpcPort = 0;
        options.maxBodyBytes = 1024 * 1024;
        QVERIFY2(m_receiver->start(options, &error), qPrintable(error));
        m_port = m_receiver->httpPort();
        QVERIFY(m_port > 0);
    }

    void protobufExportIsStoredBeforeTheAnswer()
    {
        const QByteArray body = serialise(makeRequest(5));
        const RawResponse r = request(m_port, "POST", "/v1/traces", body, { { "Content-Type", kProto } });
        QCOMPARE(r.status, 200);
        QCOMPARE(r.header("content-type"), kProto);
        otlp::ExportTraceServiceResponse response;
        QVERIFY(response.ParseFromArray(r.body.constData(), static_cast<int>(r.body.size())));
        QVERIFY(!response.has_partial_success());
        // No waiting: the 200 means committed.
        QCOMPARE(storedSpans(), qint64(5));
        auto reader = m_store->reader();
        const auto trace
            = reader->traceById(m_receiver->sourceId(), QStringLiteral("5b8efff798038103d269b633813fc60c"));
        QCOMPARE(trace->name, QStringLiteral("agent-run"));
        QCOMPARE(trace->inputTokens, qint64(400));
    }

    void jsonExportAndCompressedBodies()
    {
        const QByteArray json
            = R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA1",)"
              R"("spanId":"00000000000000a1","name":"json-span","startTimeUnixNano":"1780000000000000000",)"
              R"("endTimeUnixNano":1780000000100000000,"kind":2,"unknownField":{"x":1}}]}]}]})";
        RawResponse r = request(
            m_port, "POST", "/v1/traces", json, { { "Content-Type", "application/json; charset=utf-8" } });
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body, QByteArray("{}"));
        QCOMPARE(storedSpans("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1"), qint64(1));

        const QByteArray proto = serialise(makeRequest(3, "00000000000000000000000000000bb1"));
        r = request(m_port, "POST", "/v1/traces", compress(proto, 15 + 16),
            { { "Content-Type", kProto }, { "Content-Encoding", "gzip" } });
        QCOMPARE(r.status, 200);
        QCOMPARE(storedSpans("00000000000000000000000000000bb1"), qint64(3));
        const QByteArray other = serialise(makeRequest(2, "00000000000000000000000000000bb2"));
        r = request(m_port, "POST", "/v1/traces", compress(other, 15),
            { { "Content-Type", kProto }, { "Content-Encoding", "deflate" } });
        QCOMPARE(r.status, 200);
        QCOMPARE(storedSpans("00000000000000000000000000000bb2"), qint64(2));
    }

    void partialSuccessForInvalidSpans()
    {
        otlp::ExportTraceServiceRequest req = makeRequest(4, "00000000000000000000000000000cc1");
        auto *bad = req.mutable_resource_spans(0)->mutable_scope_spans(0)->add_spans();
        bad->set_trace_id("short");
        bad->set_span_id("12345678");
        bad->set_name("broken");
        RawResponse r = request(m_port, "POST", "/v1/traces", serialise(req), { { "Content-Type", kProto } });
        QCOMPARE(r.status, 200);
        otlp::ExportTraceServiceResponse response;
        QVERIFY(response.ParseFromArray(r.body.constData(), static_cast<int>(r.body.size())));
        QCOMPARE(response.partial_success().rejected_spans(), 1);
        QVERIFY(!response.partial_success().error_message().empty());
        QCOMPARE(storedSpans("00000000000000000000000000000cc1"), qint64(4));

        // The same in JSON, with a non-hex id.
        const QByteArray json
            = R"({"resourceSpans":[{"scopeSpans":[{"spans":[)"
              R"({"traceId":"00000000000000000000000000000cc2","spanId":"00000000000000c2","name":"ok"},)"
              R"({"traceId":"zz000000000000000000000000000cc2","spanId":"00000000000000c3","name":"bad"}]}]}]})";
        r = request(m_port, "POST", "/v1/traces", json, { { "Content-Type", "application/json" } });
        QCOMPARE(r.status, 200);
        QVERIFY2(r.body.contains(R"("rejectedSpans":"1")"), r.body.constData());
        QCOMPARE(storedSpans("00000000000000000000000000000cc2"), qint64(1));
    }

    void badBodiesGet400WithAStatus()
    {
        const QByteArray proto = serialise(makeRequest(3));
        RawResponse r = request(
            m_port, "POST", "/v1/traces", proto.left(proto.size() / 2), { { "Content-Type", kProto } });
        QCOMPARE(r.status, 400);
        google::rpc::Status status;
        QVERIFY(status.ParseFromArray(r.body.constData(), static_cast<int>(r.body.size())));
        QCOMPARE(status.code(), 3);
        QVERIFY(!status.message().empty());

        r = request(m_port, "POST", "/v1/traces", "{not json", { { "Content-Type", "application/json" } });
        QCOMPARE(r.status, 400);
        QVERIFY(r.body.contains(R"("code":3)"));
        QByteArray deep = QByteArray(10000, '[') + QByteArray(10000, ']');
        r = request(m_port, "POST", "/v1/traces", R"({"resourceSpans":)" + deep + "}",
            { { "Content-Type", "application/json" } });
        QCOMPARE(r.status, 400);
        r = request(m_port, "POST", "/v1/traces", "\xff\xfe{}", { { "Content-Type", "application/json" } });
        QCOMPARE(r.status, 400);
        r = request(m_port, "POST", "/v1/traces", "not gzip",
            { { "Content-Type", kProto }, { "Content-Encoding", "gzip" } });
        QCOMPARE(r.status, 400);
    }

    void sizeLimitsAndGzipBomb()
    {
        // Over the wire limit: refused from the headers, before the body.
        RawResponse r = request(
            m_port, "POST", "/v1/traces", QByteArray(1024 * 1024 + 1, 'x'), { { "Content-Type", kProto } });
        QCOMPARE(r.status, 413);
        // 64 MiB of zeros compress to ~64 KiB: inflating must stop at the 1 MiB limit.
        const QByteArray bomb = compress(QByteArray(64 * 1024 * 1024, 0), 15 + 16, Z_BEST_COMPRESSION);
        QVERIFY(bomb.size() < 200 * 1024);
        r = request(m_port, "POST", "/v1/traces", bomb,
            { { "Content-Type", kProto }, { "Content-Encoding", "gzip" } });
        QCOMPARE(r.status, 413);
        google::rpc::Status status;
        QVERIFY(status.ParseFromArray(r.body.constData(), static_cast<int>(r.body.size())));
        QVERIFY(QByteArray::fromStdString(status.message()).contains("larger than the limit"));
    }

    void routingMethodsTypesAndHosts()
    {
        QCOMPARE(
            request(m_port, "POST", "/v1/traces", "x", { { "Content-Type", "text/plain" } }).status, 415);
        QCOMPARE(request(m_port, "POST", "/v1/traces", "x",
                     { { "Content-Type", kProto }, { "Content-Encoding", "br" } })
                     .status,
            415);
        const RawResponse get = request(m_port, "GET", "/v1/traces");
        QCOMPARE(get.status, 405);
        QCOMPARE(get.header("allow"), QByteArray("POST"));
        QCOMPARE(
            request(m_port, "PUT", "/api/public/ingestion", "{}", { { "Content-Type", "application/json" } })
                .status,
            405);
        QCOMPARE(request(m_port, "GET", "/nope").status, 404);
        QCOMPARE(request(m_port, "GET", "/api/public/health", {},
                     { { "Host", "attacker.example:" + QByteArray::number(m_port) } }, false)
                     .status,
            403);
        QCOMPARE(
            request(m_port, "GET", "/api/public/health", {}, { { "Host", "localhost:1" } }, false).status,
            403);
        QCOMPARE(request(m_port, "GET", "/api/public/health", {},
                     { { "Host", "localhost:" + QByteArray::number(m_port) } }, false)
                     .status,
            200);
        // No CORS unless configured.
        const RawResponse cors
            = request(m_port, "OPTIONS", "/v1/traces", {}, { { "Origin", "http://localhost:3000" } });
        QCOMPARE(cors.status, 405);
        QVERIFY(cors.header("access-control-allow-origin").isEmpty());
        // Logs and metrics are accepted and counted.
        QCOMPARE(request(m_port, "POST", "/v1/logs", {}, { { "Content-Type", kProto } }).status, 200);
        QCOMPARE(
            request(m_port, "POST", "/v1/metrics", "{}", { { "Content-Type", "application/json" } }).status,
            200);
    }

    void langfuseEndpoints()
    {
        RawResponse r = request(m_port, "GET", "/api/public/health");
        QCOMPARE(r.status, 200);
        QVERIFY(r.body.contains(R"("status":"OK")"));
        r = request(m_port, "GET", "/api/public/projects", {},
            { { "Authorization", "Basic " + QByteArray("pk-lf-x:sk-lf-y").toBase64() } });
        QCOMPARE(r.status, 200);
        QVERIFY(r.body.contains(R"("organization")"));

        const QByteArray batch = R"({"batch":[
            {"id":"e1","type":"trace-create","timestamp":"2026-11-24T10:00:00.000Z","body":{"id":"lf-trace-1","name":"lf-trace"}},
            {"id":"e2","type":"generation-create","timestamp":"2026-11-24T10:00:00.100Z","body":{"id":"lf-gen-1","traceId":"lf-trace-1","model":"gpt-4o","input":[{"role":"user","content":"hi"}]}},
            {"id":"e3","type":"span-update","timestamp":"2026-11-24T10:00:00.200Z","body":{"name":"no id"}}
        ]})";
        r = request(
            m_port, "POST", "/api/public/ingestion", batch, { { "Content-Type", "application/json" } });
        QCOMPARE(r.status, 207);
        QVERIFY2(r.body.contains(R"("id":"e1","status":201)"), r.body.constData());
        QVERIFY2(r.body.contains(R"("id":"e3","status":400)"), r.body.constData());
        auto reader = m_store->reader();
        const auto trace = reader->traceById(m_receiver->sourceId(), QStringLiteral("lf-trace-1"));
        QVERIFY(trace);
        QCOMPARE(trace->observationCount, 1);

        // A create and its update are one observation in the counts.
        const qint64 acceptedBefore = m_receiver->stats().spansAccepted;
        const QByteArray pair = R"({"batch":[
            {"id":"e4","type":"span-create","timestamp":"2026-11-24T10:00:01.000Z","body":{"id":"lf-span-2","traceId":"lf-trace-1","name":"step"}},
            {"id":"e5","type":"span-update","timestamp":"2026-11-24T10:00:02.000Z","body":{"id":"lf-span-2","traceId":"lf-trace-1","endTime":"2026-11-24T10:00:02.000Z"}}
        ]})";
        r = request(m_port, "POST", "/api/public/ingestion", pair, { { "Content-Type", "application/json" } });
        QCOMPARE(r.status, 207);
        QTRY_COMPARE(m_receiver->stats().spansAccepted, acceptedBefore + 1);
        QCOMPARE(reader->traceById(m_receiver->sourceId(), QStringLiteral("lf-trace-1"))->observationCount, 2);

        r = request(m_port, "POST", "/api/public/ingestion", R"({"notabatch":1})",
            { { "Content-Type", "application/json" } });
        QCOMPARE(r.status, 400);
    }

    void grpcExport()
    {
        auto channel = grpc::CreateChannel(
            "127.0.0.1:" + std::to_string(m_receiver->grpcPort()), grpc::InsecureChannelCredentials());
        auto stub = otlp::TraceService::NewStub(channel);
        grpc::ClientContext context;
        context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
        otlp::ExportTraceServiceResponse response;
        const grpc::Status status
            = stub->Export(&context, makeRequest(7, "00000000000000000000000000000dd1"), &response);
        QVERIFY2(status.ok(), status.error_message().c_str());
        QCOMPARE(storedSpans("00000000000000000000000000000dd1"), qint64(7));
    }

    void keysRequiredWhenConfigured()
    {
        TraceReceiver keyed(m_store.get());
        ReceiverOptions options;
        options.httpPort = 0;
        options.grpcEnabled = false;
        options.publicKey = QStringLiteral("pk-test");
        options.secretKey = QStringLiteral("sk-%1").arg(QRandomGenerator::global()->generate64());
        QString error;
        QVERIFY(keyed.start(options, &error));
        const quint16 port = keyed.httpPort();
        QCOMPARE(
            request(port, "POST", "/v1/traces", serialise(makeRequest(1)), { { "Content-Type", kProto } })
                .status,
            401);
        const QByteArray basic
            = "Basic " + (options.publicKey + u':' + options.secretKey).toUtf8().toBase64();
        QCOMPARE(request(port, "POST", "/v1/traces", serialise(makeRequest(1)),
                     { { "Content-Type", kProto }, { "Authorization", basic } })
                     .status,
            200);
        QCOMPARE(request(port, "GET", "/api/public/health").status, 200); // health stays open

        // Binding beyond loopback without keys is refused.
        TraceReceiver open(m_store.get());
        ReceiverOptions wide;
        wide.address = QHostAddress::AnyIPv4;
        wide.httpPort = 0;
        wide.grpcEnabled = false;
        QVERIFY(!open.start(wide, &error));
        QVERIFY2(error.contains(QStringLiteral("keys")), qPrintable(error));
    }

    void busyStoreAnswers429WithRetryAfter()
    {
        QTemporaryDir dir;
        StoreOptions small;
        small.path = dir.filePath(QStringLiteral("busy.db"));
        small.maxPendingRows = 5;
        QString error;
        auto store = TraceStore::open(small, &error);
        TraceReceiver receiver(store.get());
        ReceiverOptions options;
        options.httpPort = 0;
        options.grpcEnabled = false;
        QVERIFY(receiver.start(options, &error));
        // Hold the writer inside a commit so that the queue stays full.
        std::atomic<bool> release { false };
        std::promise<void> holding;
        WriteBatch blocker;
        blocker.sourceId = receiver.sourceId();
        for (int i = 0; i < 5; ++i) {
            ObservationRecord o;
            o.id = QStringLiteral("b%1").arg(i);
            o.traceId = QStringLiteral("blocker");
            blocker.observations.push_back(o);
        }
        QCOMPARE(store->submit(blocker,
                     [&](const CommitResult &) {
                         holding.set_value();
                         while (!release)
                             std::this_thread::sleep_for(std::chrono::milliseconds(2));
                     }),
            SubmitStatus::Queued);
        holding.get_future().wait();
        WriteBatch filler = blocker;
        filler.observations.resize(4);
        for (auto &o : filler.observations)
            o.traceId = QStringLiteral("filler");
        QCOMPARE(store->submit(filler), SubmitStatus::Queued);
        const RawResponse r = request(receiver.httpPort(), "POST", "/v1/traces", serialise(makeRequest(3)),
            { { "Content-Type", kProto } });
        release = true;
        QCOMPARE(r.status, 429);
        QCOMPARE(r.header("retry-after"), QByteArray("1"));
    }
};

QTEST_GUILESS_MAIN(TestReceiver)
#include "tst_receiver.moc"
