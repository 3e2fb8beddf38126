// OtlpDecoder: content types, protobuf bodies (good, truncated, garbage), logs and metrics counts.
#include "mapping/otlpdecoder.h"
#include "mapping/otlptracemapper.h"
#include "opentelemetry/proto/collector/logs/v1/logs_service.pb.h"
#include "opentelemetry/proto/collector/metrics/v1/metrics_service.pb.h"
#include "otlptestutil.h"

#include <QRandomGenerator>
#include <QTest>

using namespace otlptest;
using tg::OtlpContentKind;

namespace {

QByteArray serialized(const google::protobuf::Message &message)
{
    return QByteArray::fromStdString(message.SerializeAsString());
}

Request sampleRequest()
{
    Request request;
    set(resourceAttributes(request), "service.name", "svc");
    Span &root = addSpan(request, kRootSpan, "", "root");
    set(root.mutable_attributes(), "langfuse.observation.input", "{\"question\":\"why is the sky blue?\"}");
    Span &child = addSpan(request, kChildSpan, kRootSpan, "child");
    set(child.mutable_attributes(), "gen_ai.request.model", "gpt-4o");
    return request;
}

} // namespace

class TestOtlpDecoder : public QObject
{
    Q_OBJECT

private slots:
    void contentKinds_data()
    {
        QTest::addColumn<QByteArray>("contentType");
        QTest::addColumn<int>("kind"); // -1: not OTLP
        QTest::newRow("protobuf") << QByteArray("application/x-protobuf") << int(OtlpContentKind::Protobuf);
        QTest::newRow("protobuf alias")
            << QByteArray("application/protobuf") << int(OtlpContentKind::Protobuf);
        QTest::newRow("json") << QByteArray("application/json") << int(OtlpContentKind::Json);
        QTest::newRow("json charset")
            << QByteArray("Application/JSON ; charset=utf-8") << int(OtlpContentKind::Json);
        QTest::newRow("text") << QByteArray("text/plain") << -1;
        QTest::newRow("empty") << QByteArray() << -1;
        QTest::newRow("json suffix") << QByteArray("application/jsonx") << -1;
    }

    void contentKinds()
    {
        QFETCH(QByteArray, contentType);
        QFETCH(int, kind);
        const auto parsed = tg::otlpContentKindFromMimeType(contentType);
        QCOMPARE(parsed ? int(*parsed) : -1, kind);
    }

    void protobufRoundTrip()
    {
        const Request request = sampleRequest();
        const auto decoded = tg::decodeTraceRequest(serialized(request), OtlpContentKind::Protobuf);
        QVERIFY2(decoded.ok(), qPrintable(decoded.error));
        QCOMPARE(decoded.request.SerializeAsString(), request.SerializeAsString());
        const auto result = tg::mapTraceRequest(decoded.request);
        QCOMPARE(result.acceptedSpans, 2);
        QCOMPARE(result.batch.traces.at(0).name, QStringLiteral("root"));
    }

    void decodesAliveTogetherOnOneThreadKeepTheirOwnMemory()
    {
        // Each thread lends one arena block to one decode at a time: a second decode while the
        // first is alive, a decode after a move and one after the block came back must all keep
        // their own messages.
        Request big = sampleRequest();
        for (int i = 0; i < 3000; ++i) {
            Span &span = addSpan(big, kChildSpan, kRootSpan, "filler");
            set(span.mutable_attributes(), "payload", std::string(300, char('a' + i % 26)) + std::to_string(i));
        }
        const Request small = sampleRequest();
        std::optional<tg::OtlpDecodeResult> first;
        first.emplace(tg::decodeTraceRequest(serialized(big), OtlpContentKind::Protobuf));
        QVERIFY(first->ok());
        {
            const auto second = tg::decodeTraceRequest(serialized(small), OtlpContentKind::Protobuf);
            QVERIFY(second.ok());
            QCOMPARE(second.request.SerializeAsString(), small.SerializeAsString());
            QCOMPARE(first->request.SerializeAsString(), big.SerializeAsString());
        }
        tg::OtlpDecodeResult moved(std::move(*first));
        first.reset();
        const auto third = tg::decodeTraceRequest(serialized(small), OtlpContentKind::Protobuf);
        QCOMPARE(moved.request.SerializeAsString(), big.SerializeAsString());
        QCOMPARE(third.request.SerializeAsString(), small.SerializeAsString());
    }

    void emptyProtobufBodyIsAnEmptyRequest()
    {
        const auto decoded = tg::decodeTraceRequest(QByteArrayView(), OtlpContentKind::Protobuf);
        QVERIFY(decoded.ok());
        QCOMPARE(decoded.request.resource_spans_size(), 0);
        QVERIFY(tg::mapTraceRequest(decoded.request).batch.isEmpty());
    }

    void truncatedProtobuf()
    {
        const QByteArray body = serialized(sampleRequest());
        // Cut inside the long input attribute: the string's length prefix points past the end.
        const qsizetype inside = body.indexOf("sky blue");
        QVERIFY(inside > 0);
        const auto decoded = tg::decodeTraceRequest(body.left(inside), OtlpContentKind::Protobuf);
        QVERIFY(!decoded.ok());
        QVERIFY2(
            decoded.error.startsWith(
                QStringLiteral("invalid OTLP protobuf ExportTraceServiceRequest (%1 bytes): ").arg(inside)),
            qPrintable(decoded.error));
        QCOMPARE(decoded.request.resource_spans_size(), 0);
        // Every other cut either fails cleanly or yields a shorter valid message.
        int failures = 0;
        for (qsizetype length = 0; length < body.size(); ++length) {
            const auto result = tg::decodeTraceRequest(body.left(length), OtlpContentKind::Protobuf);
            if (!result.ok())
                ++failures;
            else
                tg::mapTraceRequest(result.request);
        }
        QVERIFY(failures > body.size() / 2);
    }

    void garbageProtobuf()
    {
        for (const QByteArray &body : { QByteArray("\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff", 11),
                 QByteArray("{\"resourceSpans\":[]}"), QByteArray("\x0a\x05\x12", 3) }) {
            const auto decoded = tg::decodeTraceRequest(body, OtlpContentKind::Protobuf);
            QVERIFY2(!decoded.ok(), body.toHex().constData());
            QVERIFY(decoded.error.contains(u"invalid OTLP protobuf"));
        }
        // Random bytes: any outcome but a crash.
        QRandomGenerator random(42);
        for (int i = 0; i < 2000; ++i) {
            QByteArray body(random.bounded(1, 200), Qt::Uninitialized);
            for (char &c : body)
                c = char(random.bounded(256));
            const auto decoded = tg::decodeTraceRequest(body, OtlpContentKind::Protobuf);
            if (decoded.ok())
                tg::mapTraceRequest(decoded.request);
        }
    }

    void invalidUtf8InAStringField()
    {
        Request request;
        addSpan(request, kRootSpan, "", "placeholder-name");
        QByteArray body = serialized(request);
        QByteArray broken("bad \xff\xfe");
        broken += QByteArray(16 - broken.size(), 'x'); // same length, so the framing stays intact
        body.replace("placeholder-name", broken);
        const auto decoded = tg::decodeTraceRequest(body, OtlpContentKind::Protobuf);
        QVERIFY(!decoded.ok());
        QVERIFY2(decoded.error.contains(u"UTF-8"), qPrintable(decoded.error));
    }

    void protobufNestingLimit()
    {
        Request request;
        Span &span = addSpan(request, kRootSpan);
        AnyValue *value = &addValue(span.mutable_attributes(), "deep");
        for (int i = 0; i < 300; ++i)
            value = value->mutable_array_value()->add_values();
        value->set_int_value(1);
        const auto decoded = tg::decodeTraceRequest(serialized(request), OtlpContentKind::Protobuf);
        QVERIFY(!decoded.ok()); // libprotobuf's recursion limit, not a stack overflow
        QVERIFY(decoded.error.contains(u"invalid OTLP protobuf"));
    }

    void logsAndMetricsProtobuf()
    {
        opentelemetry::proto::collector::logs::v1::ExportLogsServiceRequest logs;
        auto *scopeLogs = logs.add_resource_logs()->add_scope_logs();
        for (int i = 0; i < 3; ++i)
            scopeLogs->add_log_records()->mutable_body()->set_string_value("line");
        logs.add_resource_logs()->add_scope_logs()->add_log_records();
        const auto logCount = tg::OtlpDecoder::decodeLogsRequest(serialized(logs), OtlpContentKind::Protobuf);
        QVERIFY(logCount.ok());
        QCOMPARE(logCount.count, 4);

        opentelemetry::proto::collector::metrics::v1::ExportMetricsServiceRequest metrics;
        auto *scopeMetrics = metrics.add_resource_metrics()->add_scope_metrics();
        auto *gauge = scopeMetrics->add_metrics()->mutable_gauge();
        gauge->add_data_points()->set_as_double(1);
        gauge->add_data_points()->set_as_int(2);
        scopeMetrics->add_metrics()->mutable_sum()->add_data_points();
        scopeMetrics->add_metrics()->mutable_histogram()->add_data_points();
        scopeMetrics->add_metrics()->mutable_exponential_histogram()->add_data_points();
        scopeMetrics->add_metrics()->mutable_summary()->add_data_points();
        scopeMetrics->add_metrics()->set_name("no data");
        const auto pointCount
            = tg::OtlpDecoder::decodeMetricsRequest(serialized(metrics), OtlpContentKind::Protobuf);
        QVERIFY(pointCount.ok());
        QCOMPARE(pointCount.count, 6);

        const auto broken
            = tg::OtlpDecoder::decodeLogsRequest(QByteArray("\x0a\x10", 2), OtlpContentKind::Protobuf);
        QVERIFY(!broken.ok());
        QVERIFY2(broken.error.contains(u"ExportLogsServiceRequest"), qPrintable(broken.error));
        QVERIFY(!tg::OtlpDecoder::decodeMetricsRequest(QByteArray("\x0a\x10", 2), OtlpContentKind::Protobuf)
                     .ok());
    }
};

QTEST_GUILESS_MAIN(TestOtlpDecoder)
#include "tst_otlpdecoder.moc"
