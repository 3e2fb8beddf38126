// Parse + map of OTLP trace exports as SDKs send them: 512-span batches of LLM spans (agent ->
// tool -> generation, about 1 KB of input and output each), as protobuf and as JSON.
#include "mapping/jsontext.h"
#include "mapping/otlpdecoder.h"
#include "mapping/otlptracemapper.h"

#include <QByteArray>
#include <QString>

#include <benchmark/benchmark.h>

namespace {

namespace pb = opentelemetry::proto;
using Request = pb::collector::trace::v1::ExportTraceServiceRequest;
using KeyValues = google::protobuf::RepeatedPtrField<pb::common::v1::KeyValue>;

constexpr int kSpansPerBatch = 512;
constexpr int kSpansPerTrace = 8; // agent, 3 x (tool, generation), final generation

void set(KeyValues *attributes, const std::string &key, const std::string &value)
{
    auto *kv = attributes->Add();
    kv->set_key(key);
    kv->mutable_value()->set_string_value(value);
}

void setInt(KeyValues *attributes, const std::string &key, qint64 value)
{
    auto *kv = attributes->Add();
    kv->set_key(key);
    kv->mutable_value()->set_int_value(value);
}

void setDouble(KeyValues *attributes, const std::string &key, double value)
{
    auto *kv = attributes->Add();
    kv->set_key(key);
    kv->mutable_value()->set_double_value(value);
}

// About `bytes` of prose, different per seed so nothing compresses into one cached string.
std::string prose(int seed, int bytes)
{
    static const char *const kWords[] = { "the", "weekend", "itinerary", "museum", "tram", "river", "lunch",
        "budget", "ticket", "sunset", "walk", "booking", "hotel", "quiet" };
    std::string text;
    int i = seed;
    while (int(text.size()) < bytes) {
        text += kWords[(i * 7 + 3) % 14];
        text += (i % 11 == 0) ? ". " : " ";
        ++i;
    }
    return text;
}

std::string messages(const char *role, int seed)
{
    const QByteArray content = tg::JsonText::quote(prose(seed, 900));
    return std::string("[{\"role\":\"") + role + "\",\"content\":" + content.toStdString() + "}]";
}

std::string id(quint64 high, quint64 low, int bytes)
{
    std::string out(size_t(bytes), '\0');
    for (int i = 0; i < bytes; ++i) {
        const quint64 word = i < 8 ? high : low;
        out[size_t(i)] = char((word >> ((i % 8) * 8)) & 0xff);
    }
    return out;
}

Request makeBatch(int batchIndex)
{
    Request request;
    auto *resource = request.add_resource_spans();
    auto *resourceAttributes = resource->mutable_resource()->mutable_attributes();
    set(resourceAttributes, "service.name", "trip-planner");
    set(resourceAttributes, "service.version", "2.4.0");
    set(resourceAttributes, "deployment.environment.name", "production");
    set(resourceAttributes, "telemetry.sdk.language", "python");
    set(resourceAttributes, "telemetry.sdk.name", "opentelemetry");
    auto *scope = resource->add_scope_spans();
    scope->mutable_scope()->set_name("openinference.instrumentation.openai_agents");
    scope->mutable_scope()->set_version("0.1.12");

    const quint64 t0 = 1752384000000000000ULL + quint64(batchIndex) * 1'000'000'000ULL;
    for (int trace = 0; trace < kSpansPerBatch / kSpansPerTrace; ++trace) {
        const std::string traceId
            = id(0x5b8efff798038103ULL + quint64(batchIndex), 0xd269b633813fc60cULL + quint64(trace), 16);
        auto spanId
            = [&](int n) { return id(0xeee19b7ec3c1b174ULL + quint64(trace) * 16 + quint64(n), 0, 8); };
        auto add = [&](int n, int parent, const char *name, quint64 start, quint64 end) {
            auto *span = scope->add_spans();
            span->set_trace_id(traceId);
            span->set_span_id(spanId(n));
            if (parent >= 0)
                span->set_parent_span_id(spanId(parent));
            span->set_name(name);
            span->set_kind(pb::trace::v1::Span::SPAN_KIND_INTERNAL);
            span->set_start_time_unix_nano(t0 + start);
            span->set_end_time_unix_nano(t0 + end);
            return span;
        };
        const int seed = batchIndex * 1000 + trace * 10;
        auto *agent = add(0, -1, "invoke_agent planner", 0, 9'000'000);
        auto *a = agent->mutable_attributes();
        set(a, "gen_ai.operation.name", "invoke_agent");
        set(a, "gen_ai.agent.name", "planner");
        set(a, "user.id", "user-" + std::to_string(trace % 17));
        set(a, "session.id", "session-" + std::to_string(trace % 5));
        set(a, "input.value", messages("user", seed));
        set(a, "output.value", prose(seed + 1, 900));
        for (int step = 0; step < 3; ++step) {
            const quint64 base = quint64(step) * 2'500'000;
            auto *tool = add(1 + step * 2, 0, "execute_tool web_search", base + 100'000, base + 1'000'000);
            auto *t = tool->mutable_attributes();
            set(t, "gen_ai.operation.name", "execute_tool");
            set(t, "gen_ai.tool.name", "web_search");
            set(t, "gen_ai.tool.call.id", "call_" + std::to_string(seed + step));
            set(t, "gen_ai.tool.call.arguments",
                "{\"query\":" + tg::JsonText::quote(prose(seed + step, 200)).toStdString() + "}");
            set(t, "gen_ai.tool.call.result",
                "{\"results\":" + tg::JsonText::quote(prose(seed + step + 5, 800)).toStdString() + "}");
            auto *generation
                = add(2 + step * 2, 1 + step * 2, "chat gpt-4o", base + 1'100'000, base + 2'400'000);
            auto *g = generation->mutable_attributes();
            set(g, "gen_ai.operation.name", "chat");
            set(g, "gen_ai.system", "openai");
            set(g, "gen_ai.request.model", "gpt-4o");
            set(g, "gen_ai.response.model", "gpt-4o-2024-08-06");
            setDouble(g, "gen_ai.request.temperature", 0.3);
            setInt(g, "gen_ai.request.max_tokens", 1024);
            setInt(g, "gen_ai.usage.input_tokens", 1200 + step);
            setInt(g, "gen_ai.usage.output_tokens", 340 + step);
            setInt(g, "gen_ai.usage.cache_read.input_tokens", 200);
            set(g, "gen_ai.response.finish_reasons", "[\"stop\"]");
            set(g, "gen_ai.input.messages", messages("user", seed + step));
            set(g, "gen_ai.output.messages", messages("assistant", seed + step + 3));
        }
        auto *final = add(7, 0, "chat gpt-4o", 8'000'000, 8'900'000);
        auto *f = final->mutable_attributes();
        set(f, "gen_ai.operation.name", "chat");
        set(f, "gen_ai.request.model", "gpt-4o");
        setInt(f, "gen_ai.usage.input_tokens", 2000);
        setInt(f, "gen_ai.usage.output_tokens", 400);
        set(f, "gen_ai.input.messages", messages("user", seed + 8));
        set(f, "gen_ai.output.messages", messages("assistant", seed + 9));
    }
    return request;
}

// OTLP/JSON as exporters write it: hex ids, int64 as strings.
void appendValue(QByteArray &out, const pb::common::v1::AnyValue &value)
{
    switch (value.value_case()) {
    case pb::common::v1::AnyValue::kStringValue:
        out += "{\"stringValue\":" + tg::JsonText::quote(value.string_value()) + '}';
        break;
    case pb::common::v1::AnyValue::kIntValue:
        out += "{\"intValue\":\"" + QByteArray::number(qint64(value.int_value())) + "\"}";
        break;
    case pb::common::v1::AnyValue::kDoubleValue:
        out += "{\"doubleValue\":" + tg::JsonText::number(value.double_value()) + '}';
        break;
    default:
        out += "{}";
        break;
    }
}

void appendAttributes(QByteArray &out, const KeyValues &attributes)
{
    out += "\"attributes\":[";
    for (int i = 0; i < attributes.size(); ++i) {
        if (i > 0)
            out += ',';
        out += "{\"key\":" + tg::JsonText::quote(attributes.Get(i).key()) + ",\"value\":";
        appendValue(out, attributes.Get(i).value());
        out += '}';
    }
    out += ']';
}

QByteArray hex(const std::string &bytes)
{
    return QByteArray::fromStdString(bytes).toHex();
}

QByteArray toJson(const Request &request)
{
    QByteArray out = "{\"resourceSpans\":[";
    for (int r = 0; r < request.resource_spans_size(); ++r) {
        const auto &resource = request.resource_spans(r);
        if (r > 0)
            out += ',';
        out += "{\"resource\":{";
        appendAttributes(out, resource.resource().attributes());
        out += "},\"scopeSpans\":[";
        for (int s = 0; s < resource.scope_spans_size(); ++s) {
            const auto &scope = resource.scope_spans(s);
            if (s > 0)
                out += ',';
            out += "{\"scope\":{\"name\":" + tg::JsonText::quote(scope.scope().name())
                + ",\"version\":" + tg::JsonText::quote(scope.scope().version()) + "},\"spans\":[";
            for (int i = 0; i < scope.spans_size(); ++i) {
                const auto &span = scope.spans(i);
                if (i > 0)
                    out += ',';
                out += "{\"traceId\":\"" + hex(span.trace_id()) + "\",\"spanId\":\"" + hex(span.span_id())
                    + "\",\"parentSpanId\":\"" + hex(span.parent_span_id())
                    + "\",\"name\":" + tg::JsonText::quote(span.name())
                    + ",\"kind\":" + QByteArray::number(int(span.kind())) + ",\"startTimeUnixNano\":\""
                    + QByteArray::number(quint64(span.start_time_unix_nano())) + "\",\"endTimeUnixNano\":\""
                    + QByteArray::number(quint64(span.end_time_unix_nano())) + "\",";
                appendAttributes(out, span.attributes());
                out += ",\"status\":{}}";
            }
            out += "]}";
        }
        out += "]}";
    }
    out += "]}";
    return out;
}

struct Fixture
{
    std::vector<Request> requests;
    std::vector<QByteArray> protobuf;
    std::vector<QByteArray> json;

    Fixture()
    {
        for (int i = 0; i < 8; ++i) {
            requests.push_back(makeBatch(i));
            protobuf.push_back(QByteArray::fromStdString(requests.back().SerializeAsString()));
            json.push_back(toJson(requests.back()));
        }
        // The benchmark is only worth its numbers if the inputs map cleanly.
        const auto check = tg::mapTraceRequest(requests.front());
        const auto fromJson = tg::decodeTraceRequest(json.front(), tg::OtlpContentKind::Json);
        if (check.acceptedSpans != kSpansPerBatch || check.rejectedSpans != 0 || !fromJson.ok()
            || tg::mapTraceRequest(fromJson.request).acceptedSpans != kSpansPerBatch)
            qFatal("bench_otlp: the generated batches do not map cleanly");
    }
};

const Fixture &fixture()
{
    static const Fixture instance;
    return instance;
}

void report(benchmark::State &state, const std::vector<QByteArray> &bodies)
{
    qint64 bytes = 0;
    for (const QByteArray &body : bodies)
        bytes += body.size();
    const qint64 iterations = state.iterations();
    state.SetItemsProcessed(iterations * kSpansPerBatch);
    state.SetBytesProcessed(iterations * bytes / qint64(bodies.size()));
    state.counters["batch_bytes"] = double(bytes) / double(bodies.size());
}

void BM_ProtobufDecode(benchmark::State &state)
{
    const auto &bodies = fixture().protobuf;
    size_t i = 0;
    for (auto _ : state) {
        auto decoded = tg::decodeTraceRequest(bodies[i++ % bodies.size()], tg::OtlpContentKind::Protobuf);
        benchmark::DoNotOptimize(decoded);
    }
    report(state, bodies);
}

void BM_ProtobufDecodeAndMap(benchmark::State &state)
{
    const auto &bodies = fixture().protobuf;
    size_t i = 0;
    for (auto _ : state) {
        const auto decoded
            = tg::decodeTraceRequest(bodies[i++ % bodies.size()], tg::OtlpContentKind::Protobuf);
        auto mapped = tg::mapTraceRequest(decoded.request);
        benchmark::DoNotOptimize(mapped);
    }
    report(state, bodies);
}

std::string_view viewOf(const QByteArray &body)
{
    return std::string_view(body.constData(), size_t(body.size()));
}

/// The receiver's protobuf path: validation of the body (no message objects).
void BM_ProtobufValidate(benchmark::State &state)
{
    const auto &bodies = fixture().protobuf;
    size_t i = 0;
    for (auto _ : state) {
        const bool ok = tg::otlpwire::validateTraceRequest(viewOf(bodies[i++ % bodies.size()]), nullptr);
        benchmark::DoNotOptimize(ok);
    }
    report(state, bodies);
}

/// The receiver's protobuf path, whole: validation, then mapping from views of the body (JSON
/// payloads share it).
void BM_ProtobufValidateAndMap(benchmark::State &state)
{
    const auto &bodies = fixture().protobuf;
    size_t i = 0;
    for (auto _ : state) {
        const QByteArray &body = bodies[i++ % bodies.size()];
        if (!tg::otlpwire::validateTraceRequest(viewOf(body), nullptr))
            state.SkipWithError("a generated body did not validate");
        auto mapped = tg::mapTraceRequest(tg::otlpwire::TraceRequest(body));
        benchmark::DoNotOptimize(mapped);
    }
    report(state, bodies);
}

void BM_JsonDecode(benchmark::State &state)
{
    const auto &bodies = fixture().json;
    size_t i = 0;
    for (auto _ : state) {
        auto decoded = tg::decodeTraceRequest(bodies[i++ % bodies.size()], tg::OtlpContentKind::Json);
        benchmark::DoNotOptimize(decoded);
    }
    report(state, bodies);
}

void BM_JsonDecodeAndMap(benchmark::State &state)
{
    const auto &bodies = fixture().json;
    size_t i = 0;
    for (auto _ : state) {
        const auto decoded = tg::decodeTraceRequest(bodies[i++ % bodies.size()], tg::OtlpContentKind::Json);
        auto mapped = tg::mapTraceRequest(decoded.request);
        benchmark::DoNotOptimize(mapped);
    }
    report(state, bodies);
}

/// Mapping alone, from views of already validated bodies.
void BM_MapOnly(benchmark::State &state)
{
    const auto &bodies = fixture().protobuf;
    size_t i = 0;
    for (auto _ : state) {
        auto mapped = tg::mapTraceRequest(tg::otlpwire::TraceRequest(bodies[i++ % bodies.size()]));
        benchmark::DoNotOptimize(mapped);
    }
    report(state, bodies);
}

} // namespace

BENCHMARK(BM_ProtobufDecode)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ProtobufDecodeAndMap)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ProtobufValidate)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ProtobufValidateAndMap)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_JsonDecode)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_JsonDecodeAndMap)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_MapOnly)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
