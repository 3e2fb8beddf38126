// otlpwire: zero-copy views of OTLP protobuf. The views must read what libprotobuf reads, and
// validateTraceRequest() must refuse exactly what libprotobuf's parser refuses (libprotobuf is
// the reference in every comparison below).
#include "mapping/otlptracemapper.h"
#include "mapping/otlpwire.h"
#include "mapping/utf8.h"
#include "otlptestutil.h"

#include <QRandomGenerator>
#include <QTest>

#include <google/protobuf/stubs/logging.h>

using namespace otlptest;
namespace wire = tg::otlpwire;

namespace {

Request richRequest()
{
    Request request;
    set(resourceAttributes(request), "service.name", "svc");
    request.mutable_resource_spans(0)->set_schema_url("https://opentelemetry.io/schemas/1.21.0");
    scopeOf(request, "my-instrumentation").mutable_scope()->set_version("4.2.0");
    set(scopeOf(request).mutable_scope()->mutable_attributes(), "scope.flag", true);
    Span &root = addSpan(request, kRootSpan, "", "root ✓");
    root.set_kind(Span::SPAN_KIND_SERVER);
    root.mutable_status()->set_code(pb::trace::v1::Status::STATUS_CODE_ERROR);
    root.mutable_status()->set_message("it broke");
    set(root.mutable_attributes(), "text", "héllo");
    set(root.mutable_attributes(), "int", qint64(-42));
    set(root.mutable_attributes(), "double", 2.5);
    set(root.mutable_attributes(), "bool", true);
    addValue(root.mutable_attributes(), "bytes").set_bytes_value(std::string("\x00\xff\x80", 3));
    addValue(root.mutable_attributes(), "unset");
    auto *list = addValue(root.mutable_attributes(), "list").mutable_array_value();
    list->add_values()->set_string_value("a");
    list->add_values()->set_int_value(7);
    auto *map = addValue(root.mutable_attributes(), "map").mutable_kvlist_value();
    auto *inner = map->add_values();
    inner->set_key("k");
    inner->mutable_value()->set_double_value(-0.25);
    auto *event = root.add_events();
    event->set_name("exception");
    event->set_time_unix_nano(1752384000500000000ULL);
    set(event->mutable_attributes(), "exception.message", "boom");
    auto *link = root.add_links();
    link->set_trace_id(bytes(kTrace));
    link->set_trace_state("k=v");
    Span &child = addSpan(request, kChildSpan, kRootSpan, "child");
    set(child.mutable_attributes(), "gen_ai.request.model", "gpt-4o");
    return request;
}

bool protobufAccepts(const std::string &bytes)
{
    google::protobuf::LogSilencer quiet;
    Request parsed;
    return parsed.ParseFromString(bytes);
}

bool wireAccepts(const std::string &bytes, QString *error = nullptr)
{
    return wire::validateTraceRequest(bytes, error);
}

/// Tag and length helpers for hand-made wire bytes.
std::string varint(uint64_t value)
{
    std::string out;
    do {
        uint8_t byte = value & 0x7f;
        value >>= 7;
        if (value)
            byte |= 0x80;
        out.push_back(char(byte));
    } while (value);
    return out;
}

std::string tag(uint32_t number, int wireType)
{
    return varint((uint64_t(number) << 3) | uint64_t(wireType));
}

std::string lengthDelimited(uint32_t number, const std::string &content)
{
    return tag(number, 2) + varint(content.size()) + content;
}

/// A request whose one span has `spanBytes` appended to a valid span.
std::string requestWithSpanFields(const std::string &spanBytes)
{
    Request request;
    addSpan(request, kRootSpan);
    std::string span = request.resource_spans(0).scope_spans(0).spans(0).SerializeAsString() + spanBytes;
    std::string scope = lengthDelimited(2, span);
    std::string resource = lengthDelimited(2, scope);
    return lengthDelimited(1, resource);
}

/// A request with one attribute whose value is arrays nested `levels` deep around a string.
std::string requestWithNesting(int levels)
{
    std::string value = lengthDelimited(1, "bottom"); // AnyValue.string_value
    for (int i = 0; i < levels; ++i)
        value = lengthDelimited(5, lengthDelimited(1, value)); // AnyValue.array_value.values
    const std::string keyValue = lengthDelimited(1, "deep") + lengthDelimited(2, value);
    return requestWithSpanFields(lengthDelimited(9, keyValue));
}

} // namespace

class TestOtlpWire : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void viewsReadWhatLibprotobufReads()
    {
        const Request request = richRequest();
        const std::string bytes = request.SerializeAsString();
        QVERIFY(wireAccepts(bytes));
        const wire::TraceRequest view(bytes);
        QCOMPARE(view.resource_spans.size(), 1);
        const wire::ResourceSpans resource = *view.resource_spans.begin();
        const auto resourceAttribute = *resource.resource.attributes.begin();
        QCOMPARE(resourceAttribute.key(), std::string_view("service.name"));
        QCOMPARE(resourceAttribute.value().string_value(), std::string_view("svc"));
        const wire::ScopeSpans scope = *resource.scope_spans.begin();
        QCOMPARE(scope.scope.name, std::string_view("my-instrumentation"));
        QCOMPARE(scope.scope.version, std::string_view("4.2.0"));
        QCOMPARE(scope.scope.attributes.begin()->value().bool_value(), true);
        QCOMPARE(scope.spans.size(), 2);

        const pb::trace::v1::Span &expected = request.resource_spans(0).scope_spans(0).spans(0);
        const wire::Span span = *scope.spans.begin();
        QCOMPARE(span.trace_id, std::string_view(expected.trace_id()));
        QCOMPARE(span.span_id, std::string_view(expected.span_id()));
        QVERIFY(span.parent_span_id.empty());
        QCOMPARE(span.name, std::string_view("root ✓"));
        QCOMPARE(span.kind, int(Span::SPAN_KIND_SERVER));
        QCOMPARE(span.start_time_unix_nano, quint64(expected.start_time_unix_nano()));
        QCOMPARE(span.end_time_unix_nano, quint64(expected.end_time_unix_nano()));
        QCOMPARE(span.status.code, int(wire::Status::STATUS_CODE_ERROR));
        QCOMPARE(span.status.message, std::string_view("it broke"));
        QVERIFY(span.decodeMark.empty());

        int index = 0;
        for (const wire::KeyValue &kv : span.attributes) {
            const auto &want = expected.attributes(index++);
            QCOMPARE(kv.key(), std::string_view(want.key()));
            QCOMPARE(int(kv.value().value_case()), int(want.value().value_case()));
            QCOMPARE(kv.value().string_value(), std::string_view(want.value().string_value()));
            QCOMPARE(kv.value().bytes_value(), std::string_view(want.value().bytes_value()));
            QCOMPARE(kv.value().int_value(), want.value().int_value());
            QCOMPARE(kv.value().double_value(), want.value().double_value());
            QCOMPARE(kv.value().bool_value(), want.value().bool_value());
            QCOMPARE(kv.value().array_value().values_size(), want.value().array_value().values_size());
            QCOMPARE(kv.value().kvlist_value().values_size(), want.value().kvlist_value().values_size());
        }
        QCOMPARE(index, expected.attributes_size());

        QCOMPARE(span.events.size(), 1);
        const wire::Event event = *span.events.begin();
        QCOMPARE(event.name, std::string_view("exception"));
        QCOMPARE(event.time_unix_nano, quint64(1752384000500000000ULL));
        QCOMPARE(event.attributes.begin()->value().string_value(), std::string_view("boom"));

        auto second = ++scope.spans.begin();
        QCOMPARE(second->parent_span_id, std::string_view(expected.span_id()));
        QCOMPARE(second->name, std::string_view("child"));
    }

    void theLastOfARepeatedScalarOrOneofMemberWins()
    {
        // Two names, and an AnyValue set twice: libprotobuf keeps the last of each.
        const std::string value = lengthDelimited(1, "first") + tag(3, 0) + varint(9);
        const std::string keyValue = lengthDelimited(1, "k") + lengthDelimited(2, value);
        const std::string bytes
            = requestWithSpanFields(lengthDelimited(5, "renamed") + lengthDelimited(9, keyValue));
        Request parsed;
        QVERIFY(parsed.ParseFromString(bytes));
        const auto &expected = parsed.resource_spans(0).scope_spans(0).spans(0);
        const wire::Span span
            = *(*(*wire::TraceRequest(bytes).resource_spans.begin()).scope_spans.begin()).spans.begin();
        QCOMPARE(span.name, std::string_view(expected.name()));
        const wire::KeyValue kv = *span.attributes.begin();
        QCOMPARE(int(kv.value().value_case()), int(expected.attributes(0).value().value_case()));
        QCOMPARE(kv.value().int_value(), qint64(9));
    }

    void validationAgreesWithLibprotobuf_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        auto row = [](const char *name, const std::string &bytes) {
            QTest::newRow(name) << QByteArray::fromStdString(bytes);
        };
        row("empty", "");
        row("rich request", richRequest().SerializeAsString());
        row("unknown varint field", requestWithSpanFields(tag(99, 0) + varint(123456789)));
        row("unknown fixed fields",
            requestWithSpanFields(tag(98, 1) + std::string(8, 'x') + tag(97, 5) + "abcd"));
        row("unknown bytes field, not UTF-8", requestWithSpanFields(lengthDelimited(96, "\xff\xfe")));
        row("unknown group", requestWithSpanFields(tag(95, 3) + tag(1, 0) + varint(1) + tag(95, 4)));
        row("nested unknown groups",
            requestWithSpanFields(tag(95, 3) + tag(94, 3) + tag(94, 4) + tag(95, 4)));
        row("group without its end", requestWithSpanFields(tag(95, 3) + tag(1, 0) + varint(1)));
        row("group closed by another number", requestWithSpanFields(tag(95, 3) + tag(94, 4)));
        row("stray end group", requestWithSpanFields(tag(95, 4)));
        row("field number 0", requestWithSpanFields(tag(0, 0) + varint(1)));
        row("wire type 6", requestWithSpanFields(tag(50, 6)));
        row("wire type 7", requestWithSpanFields(tag(50, 7)));
        row("length past the end", requestWithSpanFields(tag(96, 2) + varint(1000) + "short"));
        row("eleven-byte varint", requestWithSpanFields(tag(99, 0) + std::string(10, '\x80') + '\x01'));
        row("ten-byte varint", requestWithSpanFields(tag(99, 0) + std::string(9, '\xff') + '\x01'));
        row("six-byte tag", requestWithSpanFields(std::string("\x88\x80\x80\x80\x80\x00", 6)));
        row("name with invalid UTF-8", requestWithSpanFields(lengthDelimited(5, "caf\xe9")));
        row("name with a surrogate", requestWithSpanFields(lengthDelimited(5, "\xed\xa0\x80")));
        row("name with an overlong slash", requestWithSpanFields(lengthDelimited(5, "\xc0\xaf")));
        row("name past U+10FFFF", requestWithSpanFields(lengthDelimited(5, "\xf4\x90\x80\x80")));
        row("name with a 4-byte character", requestWithSpanFields(lengthDelimited(5, "\xf0\x9f\x98\x80")));
        row("trace_state with invalid UTF-8", requestWithSpanFields(lengthDelimited(3, "\xff")));
        row("trace id bytes not UTF-8", requestWithSpanFields(lengthDelimited(1, std::string(16, '\xff'))));
        row("name as a varint (wrong wire type)", requestWithSpanFields(tag(5, 0) + varint(3)));
        row("attributes as a varint", requestWithSpanFields(tag(9, 0) + varint(3)));
        row("key with invalid UTF-8", requestWithSpanFields(lengthDelimited(9, lengthDelimited(1, "\xff"))));
        row("string value with invalid UTF-8",
            requestWithSpanFields(lengthDelimited(9, lengthDelimited(2, lengthDelimited(1, "a\x80")))));
        row("bytes value not UTF-8",
            requestWithSpanFields(lengthDelimited(9, lengthDelimited(2, lengthDelimited(7, "\x80")))));
        row("event name with invalid UTF-8",
            requestWithSpanFields(lengthDelimited(11, lengthDelimited(2, "\xff"))));
        row("link trace_state with invalid UTF-8",
            requestWithSpanFields(lengthDelimited(13, lengthDelimited(3, "\xff"))));
        row("status message with invalid UTF-8",
            requestWithSpanFields(lengthDelimited(15, lengthDelimited(2, "\xff"))));
        row("garbage attribute message", requestWithSpanFields(lengthDelimited(9, "\xff\xff\xff")));
        row("truncated status", requestWithSpanFields(lengthDelimited(15, tag(3, 0))));
        row("99 levels of messages", requestWithNesting(47));
        row("101 levels of messages", requestWithNesting(48));
        row("far too deep", requestWithNesting(400));
        {
            std::string groups = tag(95, 3);
            for (int i = 0; i < 120; ++i)
                groups += tag(95, 3);
            for (int i = 0; i < 121; ++i)
                groups += tag(95, 4);
            row("groups nested too deep", requestWithSpanFields(groups));
        }
        {
            Request scoped;
            addSpan(scoped, kRootSpan);
            scoped.mutable_resource_spans(0)->mutable_scope_spans(0)->mutable_scope()->set_name("ok");
            std::string bytes = scoped.SerializeAsString();
            const auto at = bytes.find("ok");
            bytes[at] = '\xc3';
            row("scope name with invalid UTF-8", bytes);
        }
    }

    void validationAgreesWithLibprotobuf()
    {
        QFETCH(QByteArray, bytes);
        const std::string text = bytes.toStdString();
        QString error;
        const bool accepted = wireAccepts(text, &error);
        QCOMPARE(accepted, protobufAccepts(text));
        QCOMPARE(error.isEmpty(), accepted);
        if (!accepted)
            QVERIFY2(error.startsWith(u"invalid OTLP protobuf ExportTraceServiceRequest"), qPrintable(error));
    }

    void theNestingLimitIsLibprotobufs()
    {
        // The innermost AnyValue of requestWithNesting(n) is 2n + 5 levels below the request;
        // 100 is the limit.
        QVERIFY(wireAccepts(requestWithNesting(47)));
        QString error;
        QVERIFY(!wireAccepts(requestWithNesting(48), &error));
        QVERIFY2(error.contains(u"nested deeper than 100"), qPrintable(error));
    }

    void anInvalidStringNamesItsField()
    {
        QString error;
        QVERIFY(!wireAccepts(requestWithSpanFields(lengthDelimited(5, "caf\xe9")), &error));
        QVERIFY2(error.contains(u"opentelemetry.proto.trace.v1.Span.name"), qPrintable(error));
        QVERIFY2(error.contains(u"UTF-8"), qPrintable(error));
    }

    void everyTruncationAgreesWithLibprotobuf()
    {
        const std::string bytes = richRequest().SerializeAsString();
        for (size_t length = 0; length <= bytes.size(); ++length) {
            const std::string prefix = bytes.substr(0, length);
            QVERIFY2(wireAccepts(prefix) == protobufAccepts(prefix), qPrintable(QString::number(length)));
        }
    }

    void randomMutationsAgreeWithLibprotobuf()
    {
        // Flipped, inserted and deleted bytes over a realistic request; the views must also
        // walk every accepted mutation without reading outside it (ASan/valgrind builds).
        const std::string original = richRequest().SerializeAsString();
        QRandomGenerator random(20261125);
        int accepted = 0;
        for (int round = 0; round < 20000; ++round) {
            std::string bytes = original;
            const int edits = 1 + random.bounded(3);
            for (int e = 0; e < edits; ++e) {
                const auto at = size_t(random.bounded(int(bytes.size())));
                switch (random.bounded(3)) {
                case 0:
                    bytes[at] = char(random.bounded(256));
                    break;
                case 1:
                    bytes.insert(at, 1, char(random.bounded(256)));
                    break;
                default:
                    bytes.erase(at, 1);
                    break;
                }
            }
            const bool wireOk = wireAccepts(bytes);
            QVERIFY2(wireOk == protobufAccepts(bytes),
                qPrintable(QString::fromLatin1(QByteArray::fromStdString(bytes).toHex())));
            if (wireOk) {
                ++accepted;
                Request parsed;
                parsed.ParseFromString(bytes);
                qint64 spans = 0;
                for (const auto &resource : parsed.resource_spans()) {
                    for (const auto &scope : resource.scope_spans())
                        spans += scope.spans_size();
                }
                const tg::OtlpMappingResult mapped = tg::mapTraceRequest(wire::TraceRequest(bytes));
                QCOMPARE(mapped.acceptedSpans + mapped.rejectedSpans, spans);
            }
        }
        QVERIFY(accepted > 100); // the comparison covered both outcomes
    }

    void mappingFromTheBodyEqualsMappingFromTheMessage()
    {
        const Request request = richRequest();
        const std::string bytes = request.SerializeAsString();
        const tg::OtlpMappingResult fromBody = tg::mapTraceRequest(wire::TraceRequest(bytes));
        const tg::OtlpMappingResult fromMessage = tg::mapTraceRequest(request);
        QCOMPARE(fromBody.acceptedSpans, 2);
        QCOMPARE(fromBody.batch.observations.size(), fromMessage.batch.observations.size());
        const tg::ObservationRecord &root = observation(fromBody.batch, QString::fromLatin1(kRootSpan));
        QCOMPARE(root.name, QStringLiteral("root ✓"));
        QCOMPARE(root.level, std::optional<tg::Level>(tg::Level::Error));
        QCOMPARE(root.statusMessage, QStringLiteral("it broke"));
        const QJsonObject metadata = json(root.metadata).toObject();
        const QJsonObject attributes = metadata.value(u"attributes").toObject();
        QCOMPARE(attributes.value(u"bytes").toString(), QStringLiteral("\"AP+A\"")); // base64, as JSON text
        QCOMPARE(attributes.value(u"list").toString(), QStringLiteral("[\"a\",7]"));
        QCOMPARE(attributes.value(u"map").toString(), QStringLiteral("{\"k\":-0.25}"));
        QCOMPARE(metadata.value(u"scope").toObject().value(u"version").toString(), QStringLiteral("4.2.0"));
        for (size_t i = 0; i < fromBody.batch.observations.size(); ++i) {
            const tg::ObservationRecord &a = fromBody.batch.observations[i];
            const tg::ObservationRecord &b = fromMessage.batch.observations[i];
            QCOMPARE(a.id, b.id);
            QCOMPARE(a.parentId, b.parentId);
            QCOMPARE(a.metadata, b.metadata);
            QCOMPARE(a.input, b.input);
            QCOMPARE(a.model, b.model);
        }
    }

    void utf8Validation_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<bool>("valid");
        QTest::newRow("ascii") << QByteArray("plain text, long enough for the 8-byte path") << true;
        QTest::newRow("two bytes") << QByteArray("caf\xc3\xa9") << true;
        QTest::newRow("three bytes") << QByteArray("\xe2\x9c\x93") << true;
        QTest::newRow("four bytes") << QByteArray("\xf0\x9f\x98\x80") << true;
        QTest::newRow("U+10FFFF") << QByteArray("\xf4\x8f\xbf\xbf") << true;
        QTest::newRow("lone continuation") << QByteArray("a\x80z") << false;
        QTest::newRow("overlong two") << QByteArray("\xc1\xbf") << false;
        QTest::newRow("overlong three") << QByteArray("\xe0\x9f\xbf") << false;
        QTest::newRow("overlong four") << QByteArray("\xf0\x8f\xbf\xbf") << false;
        QTest::newRow("surrogate") << QByteArray("\xed\xb0\x80") << false;
        QTest::newRow("past U+10FFFF") << QByteArray("\xf4\x90\x80\x80") << false;
        QTest::newRow("f5") << QByteArray("\xf5\x80\x80\x80") << false;
        QTest::newRow("cut short") << QByteArray("abcdefgh\xe2\x9c") << false;
        QTest::newRow("bad second continuation") << QByteArray("\xe2\x9c\x41") << false;
        QTest::newRow("nul is valid") << QByteArray("a\0b", 3) << true;
    }

    void utf8Validation()
    {
        QFETCH(QByteArray, text);
        QFETCH(bool, valid);
        QCOMPARE(tg::isValidUtf8(std::string_view(text.constData(), size_t(text.size()))), valid);
    }
};

QTEST_GUILESS_MAIN(TestOtlpWire)
#include "tst_otlpwire.moc"
