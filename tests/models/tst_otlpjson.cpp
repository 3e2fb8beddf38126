// OtlpJsonDecoder: OTLP/JSON to protobuf, span-level rejection, hostile JSON.
#include "mapping/otlpdecoder.h"
#include "mapping/otlpjsondecoder.h"
#include "mapping/otlpspanids.h"
#include "mapping/otlptracemapper.h"
#include "otlptestutil.h"

#include <QFile>
#include <QJsonArray>
#include <QTest>

#include <google/protobuf/util/message_differencer.h>

using namespace otlptest;

namespace {

QByteArray readData(const QString &name)
{
    QFile file(QStringLiteral(TRACEGLASS_TEST_DATA_DIR "/otlp/") + name);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(file.fileName()));
    return file.readAll();
}

tg::OtlpMappingResult decodeAndMap(const QByteArray &json, QString *error = nullptr)
{
    Request request;
    QString decodeError;
    if (!tg::OtlpJsonDecoder::decodeTraces(json, request, &decodeError)) {
        if (error)
            *error = decodeError;
        return {};
    }
    return tg::mapTraceRequest(request);
}

// One span wrapped in a request; `spanFields` is the inside of the span object. `extraSpans`
// follow it in the same scope.
QByteArray oneSpan(const QByteArray &spanFields, const QByteArray &extraSpans = QByteArray())
{
    return "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":"
           "\"0af7651916cd43dd8448eb211c80319c\","
           "\"spanId\":\"b7ad6b7169203331\""
        + (spanFields.isEmpty() ? QByteArray() : "," + spanFields) + "}"
        + (extraSpans.isEmpty() ? QByteArray() : "," + extraSpans) + "]}]}]}";
}

} // namespace

class TestOtlpJson : public QObject
{
    Q_OBJECT

private slots:
    void agentTraceFile()
    {
        QString error;
        const auto result = decodeAndMap(readData(QStringLiteral("agent-trace.json")), &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(result.acceptedSpans, 3);
        QCOMPARE(result.rejectedSpans, 0);
        QCOMPARE(result.batch.traces.size(), size_t(1));

        const tg::TraceRecord &trace = result.batch.traces.at(0);
        QCOMPARE(trace.id, QStringLiteral("5b8efff798038103d269b633813fc60c"));
        QCOMPARE(trace.name, QStringLiteral("invoke_agent planner"));
        QCOMPARE(trace.environment, QStringLiteral("staging"));
        QCOMPARE(trace.userId, QStringLiteral("u-42"));
        QCOMPARE(trace.sessionId, QStringLiteral("chat-7"));
        QCOMPARE(trace.tags, QStringList({ "beta", "eu" }));
        QCOMPARE(trace.version, QStringLiteral("2.4.0"));
        QCOMPARE(trace.timestampNs, qint64(1752384000000000000LL));
        QCOMPARE(json(trace.input), json("{\"request\": \"Plan a weekend in Lisbon\"}"));
        QCOMPARE(json(trace.output), QJsonValue(QStringLiteral("Day 1: Alfama. Day 2: Belem.")));

        const auto &agent = observation(result.batch, QStringLiteral("eee19b7ec3c1b174"));
        QCOMPARE(agent.type, std::optional(tg::ObservationType::Agent));
        QCOMPARE(agent.endNs, qint64(1752384004500000000LL));
        QVERIFY(agent.parentId.isNull());

        const auto &tool = observation(result.batch, QStringLiteral("a1b2c3d4e5f60718"));
        QCOMPARE(tool.type, std::optional(tg::ObservationType::Tool));
        QCOMPARE(tool.name, QStringLiteral("web_search"));
        QCOMPARE(tool.parentId, QStringLiteral("eee19b7ec3c1b174"));
        QCOMPARE(json(tool.input), json("{\"query\": \"Lisbon weekend\"}"));
        QCOMPARE(json(tool.output), json("[\"Alfama\", \"Belem\"]"));
        QCOMPARE(json(tool.metadata)
                     .toObject()
                     .value(u"attributes")
                     .toObject()
                     .value(u"search.results")
                     .toString(),
            QStringLiteral("2"));

        const auto &generation = observation(result.batch, QStringLiteral("0f1e2d3c4b5a6978"));
        QCOMPARE(generation.type, std::optional(tg::ObservationType::Generation));
        QCOMPARE(generation.parentId, QStringLiteral("a1b2c3d4e5f60718"));
        QCOMPARE(generation.startNs, qint64(1752384001300000000LL));
        QCOMPARE(generation.endNs, qint64(1752384004400000000LL));
        QCOMPARE(generation.model, QStringLiteral("gpt-4o-2024-08-06"));
        QCOMPARE(json(generation.modelParameters), json("{\"stream\":\"true\",\"temperature\":0.3}"));
        QCOMPARE(generation.usage.value(QStringLiteral("input")), 1000);
        QCOMPARE(generation.usage.value(QStringLiteral("input_cached_tokens")), 200);
        QCOMPARE(generation.usage.value(QStringLiteral("output")), 340);
        QCOMPARE(generation.level, std::optional(tg::Level::Error));
        QCOMPARE(generation.statusMessage, QStringLiteral("RateLimitError: retry after 2s"));
        QCOMPARE(generation.environment, QStringLiteral("staging"));
        const QJsonArray input = json(generation.input).toArray();
        QCOMPARE(input.size(), 2);
        QCOMPARE(input.at(0).toObject().value(u"content").toString(), QStringLiteral("You plan trips."));
        QCOMPARE(input.at(1).toObject().value(u"role").toString(), QStringLiteral("user"));
        const QJsonObject attributes = json(generation.metadata).toObject().value(u"attributes").toObject();
        QCOMPARE(attributes.value(u"request.headers").toString(), QStringLiteral("{\"x-trace\":\"on\"}"));
        QCOMPARE(attributes.value(u"request.digest").toString(), QStringLiteral("\"3q2+7w==\""));
        QCOMPARE(attributes.value(u"sampling.weight").toString(), QStringLiteral("null"));
    }

    void decodesLikeTheProtobufEquivalent()
    {
        const QByteArray body = readData(QStringLiteral("equivalent.json"));
        Request decoded;
        QString error;
        QVERIFY2(tg::OtlpJsonDecoder::decodeTraces(body, decoded, &error), qPrintable(error));

        Request expected;
        auto *resource = expected.add_resource_spans();
        set(resource->mutable_resource()->mutable_attributes(), "r", qint64(-7));
        resource->mutable_resource()->set_dropped_attributes_count(1);
        resource->set_schema_url("https://s");
        auto *scope = resource->add_scope_spans();
        scope->mutable_scope()->set_name("sc");
        scope->mutable_scope()->set_version("1");
        addValue(scope->mutable_scope()->mutable_attributes(), "a");
        Span *span = scope->add_spans();
        span->set_trace_id(bytes("0af7651916cd43dd8448eb211c80319c"));
        span->set_span_id(bytes("b7ad6b7169203331"));
        span->set_parent_span_id(bytes("00f067aa0ba902b7"));
        span->set_trace_state("k=v");
        span->set_flags(257);
        span->set_name("n");
        span->set_kind(pb::trace::v1::Span::SPAN_KIND_CLIENT);
        span->set_start_time_unix_nano(1);
        span->set_end_time_unix_nano(2);
        span->set_dropped_attributes_count(3);
        span->set_dropped_events_count(4);
        span->set_dropped_links_count(5);
        set(span->mutable_attributes(), "s", "x");
        set(span->mutable_attributes(), "b", false);
        set(span->mutable_attributes(), "i", qint64(9007199254740993LL));
        set(span->mutable_attributes(), "d", -std::numeric_limits<double>::infinity());
        addValue(span->mutable_attributes(), "y").set_bytes_value(std::string("\x00\xff", 2));
        auto *list = addValue(span->mutable_attributes(), "l").mutable_array_value();
        list->add_values()->set_int_value(1);
        auto *kv = list->add_values()->mutable_kvlist_value()->add_values();
        kv->set_key("k");
        kv->mutable_value()->set_string_value("v");
        auto *event = span->add_events();
        event->set_time_unix_nano(3);
        event->set_name("e");
        event->set_dropped_attributes_count(1);
        auto *link = span->add_links();
        link->set_trace_id(bytes("0af7651916cd43dd8448eb211c80319c"));
        link->set_span_id(bytes("00f067aa0ba902b7"));
        link->set_trace_state("t");
        link->set_flags(1);
        span->mutable_status()->set_code(pb::trace::v1::Status::STATUS_CODE_ERROR);
        span->mutable_status()->set_message("m");

        std::string difference;
        google::protobuf::util::MessageDifferencer differencer;
        differencer.ReportDifferencesToString(&difference);
        QVERIFY2(differencer.Compare(expected, decoded), difference.c_str());
    }

    void snakeCaseAndNullsAndLegacyNames()
    {
        const QByteArray body = readData(QStringLiteral("legacy-snake-null.json"));
        Request request;
        QString error;
        QVERIFY2(tg::OtlpJsonDecoder::decodeTraces(body, request, &error), qPrintable(error));
        QCOMPARE(request.resource_spans(0).scope_spans(0).scope().name(), std::string("old-lib"));
        const Span &span = request.resource_spans(0).scope_spans(0).spans(0);
        QCOMPARE(span.start_time_unix_nano(), quint64(5));
        QVERIFY(span.parent_span_id().empty());
        QCOMPARE(tg::mapTraceRequest(request).acceptedSpans, 1);
    }

    void emptyRequests()
    {
        for (const QByteArray &body : { QByteArray("{}"), QByteArray("{\"resourceSpans\":[]}"),
                 QByteArray(" {\"resourceSpans\":[{}]} ") }) {
            Request request;
            QString error;
            QVERIFY2(tg::OtlpJsonDecoder::decodeTraces(body, request, &error), qPrintable(error));
            QVERIFY(tg::mapTraceRequest(request).batch.isEmpty());
        }
    }

    void invalidJson_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("expected");
        QTest::newRow("empty body") << QByteArray() << "the body is empty";
        QTest::newRow("truncated") << QByteArray("{\"resourceSpans\":[{\"scopeSpans\":\n[{")
                                   << "line 2, column";
        QTest::newRow("top-level array") << QByteArray("[]") << "top level must be an object";
        QTest::newRow("top-level number") << QByteArray("42") << "top level must be an object";
        QTest::newRow("invalid utf8") << QByteArray(oneSpan("\"name\":\"caf\xe9\"")) << "invalid UTF-8";
        QTest::newRow("deep arrays") << QByteArray(10000, '[') + QByteArray(10000, ']')
                                     << "nested too deeply";
        QTest::newRow("deep object in a span") << QByteArray(
            oneSpan("\"x\":" + QByteArray("{\"a\":").repeated(10000) + "1" + QByteArray(10000, '}')))
                                               << "nested too deeply";
        QTest::newRow("deep anyvalue") << oneSpan("\"attributes\":[{\"key\":\"k\",\"value\":"
            + QByteArray("{\"arrayValue\":{\"values\":[").repeated(10000) + "{}"
            + QByteArray("]}}").repeated(10000) + "}]")
                                       << "nested too deeply";
        QTest::newRow("resourceSpans not an array")
            << QByteArray("{\"resourceSpans\":{}}") << "resourceSpans: must be an array";
        QTest::newRow("scopeSpans item not an object")
            << QByteArray("{\"resourceSpans\":[{\"scopeSpans\":[1]}]}")
            << "resourceSpans[0].scopeSpans[0]: must be an object";
        QTest::newRow("bad resource attribute")
            << QByteArray("{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":3}]}}]}")
            << "resourceSpans[0].resource.attributes[0].key: must be a string";
        QTest::newRow("bad scope name")
            << QByteArray("{\"resourceSpans\":[{\"scopeSpans\":[{\"scope\":{\"name\":[]}}]}]}")
            << "resourceSpans[0].scopeSpans[0].scope.name: must be a string";
    }

    void invalidJson()
    {
        QFETCH(QByteArray, body);
        QFETCH(QString, expected);
        Request request;
        QString error;
        QVERIFY(!tg::OtlpJsonDecoder::decodeTraces(body, request, &error));
        QVERIFY2(error.contains(expected), qPrintable(error));
        QCOMPARE(request.resource_spans_size(), 0);
        const auto viaFacade = tg::decodeTraceRequest(body, tg::OtlpContentKind::Json);
        QVERIFY(!viaFacade.ok());
        QCOMPARE(viaFacade.error, error);
    }

    void badIdsRejectOnlyTheirSpans()
    {
        const auto result = decodeAndMap(readData(QStringLiteral("bad-ids.json")));
        QCOMPARE(result.acceptedSpans, 2);
        QCOMPARE(result.rejectedSpans, 4);
        QCOMPARE(result.errors.size(), 4);
        QCOMPARE(result.errors.at(0),
            QStringLiteral("resourceSpans[0].scopeSpans[0].spans[1] \"not hex\": "
                           "traceId: \"zzzz651916cd43dd8448eb211c80319c\" is not hex"));
        QVERIFY2(result.errors.at(1).contains(u"traceId has 15 bytes"), qPrintable(result.errors.at(1)));
        QVERIFY2(result.errors.at(2).contains(u"spanId: \"00f067aa0ba902b\" is not hex"),
            qPrintable(result.errors.at(2)));
        QVERIFY2(
            result.errors.at(3).contains(u"spanId: must be a hex string"), qPrintable(result.errors.at(3)));
        QCOMPARE(observation(result.batch, QStringLiteral("00f067aa0ba902b9")).parentId,
            QStringLiteral("b7ad6b7169203331"));
    }

    void spanLevelProblems_data()
    {
        QTest::addColumn<QByteArray>("fields");
        QTest::addColumn<QString>("expected");
        QTest::newRow("attributes not an array")
            << QByteArray("\"attributes\":{}") << "attributes: must be an array";
        QTest::newRow("attribute not an object")
            << QByteArray("\"attributes\":[7]") << "attributes[0]: must be an object";
        QTest::newRow("bad intValue")
            << QByteArray("\"attributes\":[{\"key\":\"k\",\"value\":{\"intValue\":\"abc\"}}]")
            << "attributes[0].value: \"abc\" is not a decimal integer";
        QTest::newRow("fractional intValue")
            << QByteArray("\"attributes\":[{\"key\":\"k\",\"value\":{\"intValue\":1.5}}]")
            << "must be an integer";
        QTest::newRow("bad boolValue")
            << QByteArray("\"attributes\":[{\"key\":\"k\",\"value\":{\"boolValue\":\"yes\"}}]")
            << "boolValue must be true or false";
        QTest::newRow("bad bytesValue")
            << QByteArray("\"attributes\":[{\"key\":\"k\",\"value\":{\"bytesValue\":\"%%\"}}]")
            << "bytesValue is not base64";
        QTest::newRow("negative time")
            << QByteArray("\"startTimeUnixNano\":\"-5\"") << "startTimeUnixNano: \"-5\" is not";
        QTest::newRow("time past uint64")
            << QByteArray("\"endTimeUnixNano\":\"18446744073709551616\"") << "endTimeUnixNano";
        QTest::newRow("unknown kind")
            << QByteArray("\"kind\":\"SPAN_KIND_WEIRD\"") << "unknown enum value \"SPAN_KIND_WEIRD\"";
        QTest::newRow("flags out of range")
            << QByteArray("\"flags\":4294967296") << "flags: 4294967296 is out of range";
        QTest::newRow("events not an array") << QByteArray("\"events\":\"x\"") << "events: must be an array";
        QTest::newRow("status not an object") << QByteArray("\"status\":2") << "status: must be an object";
        QTest::newRow("name not a string") << QByteArray("\"name\":5") << "name: must be a string";
        QTest::newRow("value nested too deep") << QByteArray("\"attributes\":[{\"key\":\"k\",\"value\":"
            + QByteArray("{\"arrayValue\":{\"values\":[").repeated(40) + "{}" + QByteArray("]}}").repeated(40)
            + "}]") << "nested deeper than 24 levels";
    }

    void spanLevelProblems()
    {
        QFETCH(QByteArray, fields);
        QFETCH(QString, expected);
        // A second, healthy span in the same scope must survive.
        const QByteArray body = oneSpan(
            fields, "{\"traceId\":\"0af7651916cd43dd8448eb211c80319c\",\"spanId\":\"00f067aa0ba902b7\"}");
        QString error;
        const auto result = decodeAndMap(body, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(result.rejectedSpans, 1);
        QCOMPARE(result.acceptedSpans, 1);
        QVERIFY2(result.errors.at(0).contains(expected), qPrintable(result.errors.at(0)));
        QVERIFY2(result.errors.at(0).contains(u"resourceSpans[0].scopeSpans[0].spans[0]"),
            qPrintable(result.errors.at(0)));
    }

    void deepestAcceptedValueReencodesAsProtobuf()
    {
        const int depth = tg::OtlpJsonDecoder::kMaxValueDepth;
        QByteArray value = "{\"stringValue\":\"bottom\"}";
        for (int i = 0; i < depth; ++i)
            value = "{\"kvlistValue\":{\"values\":[{\"key\":\"k\",\"value\":" + value + "}]}}";
        const QByteArray body = oneSpan(
            "\"events\":[{\"name\":\"e\",\"attributes\":[{\"key\":\"deep\",\"value\":" + value + "}]}]");
        Request request;
        QString error;
        QVERIFY2(tg::OtlpJsonDecoder::decodeTraces(body, request, &error), qPrintable(error));
        QCOMPARE(tg::mapTraceRequest(request).acceptedSpans, 1);
        const auto again = tg::decodeTraceRequest(
            QByteArray::fromStdString(request.SerializeAsString()), tg::OtlpContentKind::Protobuf);
        QVERIFY2(again.ok(), qPrintable(again.error));
    }

    void numbersAndEnums()
    {
        Request request;
        QString error;
        const QByteArray body = oneSpan(
            "\"kind\":\"4\",\"status\":{\"code\":\"2\"},\"startTimeUnixNano\":\"18446744073709551615\","
            "\"endTimeUnixNano\":1.0e3,\"attributes\":[{\"key\":\"big\",\"value\":{\"intValue\":\"-"
            "9223372036854775808\"}},"
            "{\"key\":\"exact\",\"value\":{\"intValue\":9007199254740993}},{\"key\":\"f\",\"value\":{"
            "\"doubleValue\":\"2.5\"}}]");
        QVERIFY2(tg::OtlpJsonDecoder::decodeTraces(body, request, &error), qPrintable(error));
        const Span &span = request.resource_spans(0).scope_spans(0).spans(0);
        QVERIFY2(tg::OtlpSpanIds::decodeMark(span).isNull(), qPrintable(tg::OtlpSpanIds::decodeMark(span)));
        QCOMPARE(int(span.kind()), 4);
        QCOMPARE(int(span.status().code()), 2);
        QCOMPARE(span.start_time_unix_nano(), std::numeric_limits<quint64>::max());
        QCOMPARE(span.end_time_unix_nano(), quint64(1000));
        QCOMPARE(span.attributes(0).value().int_value(), std::numeric_limits<qint64>::min());
        QCOMPARE(span.attributes(1).value().int_value(), qint64(9007199254740993LL));
        QCOMPARE(span.attributes(2).value().double_value(), 2.5);
        // A start past the int64 range counts as missing: it takes the end.
        const auto result = tg::mapTraceRequest(request);
        QCOMPARE(result.batch.observations.at(0).startNs, std::optional<qint64>(1000));
        QCOMPARE(result.batch.observations.at(0).level, std::optional(tg::Level::Error));
    }

    void protobufjsLongObjects()
    {
        Request request;
        QString error;
        const QByteArray body
            = oneSpan("\"startTimeUnixNano\":{\"low\":-1338376192,\"high\":408008686,\"unsigned\":false},"
                      "\"attributes\":[{\"key\":\"n\",\"value\":{\"intValue\":{\"low\":-1,\"high\":-1}}}]");
        QVERIFY2(tg::OtlpJsonDecoder::decodeTraces(body, request, &error), qPrintable(error));
        const Span &span = request.resource_spans(0).scope_spans(0).spans(0);
        QVERIFY2(tg::OtlpSpanIds::decodeMark(span).isNull(), qPrintable(tg::OtlpSpanIds::decodeMark(span)));
        QCOMPARE(span.start_time_unix_nano(), (quint64(408008686) << 32) | quint64(quint32(-1338376192)));
        QCOMPARE(span.attributes(0).value().int_value(), qint64(-1));
    }

    void countsLogsAndMetrics()
    {
        const QByteArray logs = readData(QStringLiteral("logs.json"));
        QString error;
        QCOMPARE(tg::OtlpJsonDecoder::countLogRecords(logs, &error), std::optional<qint64>(6));
        QCOMPARE(tg::OtlpJsonDecoder::countLogRecords("{}", &error), std::optional<qint64>(0));
        QVERIFY(!tg::OtlpJsonDecoder::countLogRecords(
            "{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":{}}]}]}", &error));
        QVERIFY2(
            error.contains(u"resourceLogs[0].scopeLogs[0].logRecords: must be an array"), qPrintable(error));
        QVERIFY(!tg::OtlpJsonDecoder::countLogRecords("{\"resourceLogs\":[", &error));

        const QByteArray metrics = readData(QStringLiteral("metrics.json"));
        QCOMPARE(tg::OtlpJsonDecoder::countMetricDataPoints(metrics, &error), std::optional<qint64>(8));
        QVERIFY(!tg::OtlpJsonDecoder::countMetricDataPoints(
            "{\"resourceMetrics\":[{\"scopeMetrics\":[{\"metrics\":[{\"gauge\":[]}]}]}]}", &error));
        QVERIFY2(error.contains(u"resourceMetrics[0].scopeMetrics[0].metrics[0].gauge: must be an object"),
            qPrintable(error));

        const auto viaFacade = tg::OtlpDecoder::decodeMetricsRequest(metrics, tg::OtlpContentKind::Json);
        QVERIFY(viaFacade.ok());
        QCOMPARE(viaFacade.count, 8);
        const auto badLogs = tg::OtlpDecoder::decodeLogsRequest("nope", tg::OtlpContentKind::Json);
        QVERIFY(!badLogs.ok());
        QVERIFY(badLogs.error.contains(u"invalid JSON"));
    }
};

QTEST_GUILESS_MAIN(TestOtlpJson)
#include "tst_otlpjson.moc"
