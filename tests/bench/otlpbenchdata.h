#pragma once
// Realistic OTLP export batches for the receiver benchmarks: nested LLM spans (agent, tools,
// generations) carrying gen_ai attributes and about 1 KB of input and output each.

#include "benchdata.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"

#include <QByteArray>
#include <QRandomGenerator>

#include <vector>

namespace tg::bench {

inline void setAttribute(
    opentelemetry::proto::trace::v1::Span *span, const char *key, const QByteArray &value)
{
    auto *attribute = span->add_attributes();
    attribute->set_key(key);
    attribute->mutable_value()->set_string_value(value.constData(), static_cast<size_t>(value.size()));
}

inline void setAttribute(opentelemetry::proto::trace::v1::Span *span, const char *key, qint64 value)
{
    auto *attribute = span->add_attributes();
    attribute->set_key(key);
    attribute->mutable_value()->set_int_value(value);
}

/// One serialised ExportTraceServiceRequest of `spans` spans in traces of 16; ids unique per `seed`.
inline QByteArray otlpBatch(quint64 seed, int spans, int payloadBytes = 1024)
{
    QRandomGenerator rng(static_cast<quint32>(seed * 2654435761u + 17));
    opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest request;
    auto *resource = request.add_resource_spans();
    auto *service = resource->mutable_resource()->add_attributes();
    service->set_key("service.name");
    service->mutable_value()->set_string_value("bench-agent");
    auto *scope = resource->add_scope_spans();
    scope->mutable_scope()->set_name("bench");
    QByteArray traceId(16, 0), rootId(8, 0), toolId(8, 0);
    const quint64 base = 1'780'000'000'000'000'000ULL + seed * 1'000'000'000ULL;
    for (int i = 0; i < spans; ++i) {
        auto *span = scope->add_spans();
        if (i % 16 == 0) {
            rng.fillRange(reinterpret_cast<quint32 *>(traceId.data()), 4);
            traceId[0] = static_cast<char>(seed & 0xff);
        }
        QByteArray spanId(8, 0);
        rng.fillRange(reinterpret_cast<quint32 *>(spanId.data()), 2);
        span->set_trace_id(traceId.constData(), 16);
        span->set_span_id(spanId.constData(), 8);
        span->set_start_time_unix_nano(base + i * 1'000'000ULL);
        span->set_end_time_unix_nano(base + i * 1'000'000ULL + rng.bounded(1'000'000, 800'000'000));
        if (i % 16 == 0) {
            rootId = spanId;
            span->set_name("agent-run");
            setAttribute(span, "langfuse.observation.type", QByteArray("agent"));
            setAttribute(span, "langfuse.trace.name", QByteArray("support-agent"));
            setAttribute(span, "user.id", QByteArray("user-") + QByteArray::number(rng.bounded(500)));
            setAttribute(span, "session.id", QByteArray("session-") + QByteArray::number(rng.bounded(5000)));
        } else if (i % 4 == 1) {
            toolId = spanId;
            span->set_parent_span_id(rootId.constData(), 8);
            span->set_name("execute_tool lookup_order");
            setAttribute(span, "gen_ai.operation.name", QByteArray("execute_tool"));
            setAttribute(span, "gen_ai.tool.name", QByteArray("lookup_order"));
        } else {
            span->set_parent_span_id(toolId.constData(), 8);
            span->set_name("chat gpt-4o");
            setAttribute(span, "gen_ai.operation.name", QByteArray("chat"));
            setAttribute(span, "gen_ai.request.model", QByteArray("gpt-4o"));
            setAttribute(span, "gen_ai.usage.input_tokens", rng.bounded(100, 4000));
            setAttribute(span, "gen_ai.usage.output_tokens", rng.bounded(10, 800));
            setAttribute(span, "gen_ai.usage.cache_read_input_tokens", rng.bounded(0, 100));
        }
        setAttribute(span, "langfuse.observation.input", chatInput(rng, payloadBytes * 6 / 10));
        setAttribute(span, "langfuse.observation.output", chatOutput(rng, payloadBytes * 4 / 10));
    }
    std::string bytes;
    request.SerializeToString(&bytes);
    return QByteArray(bytes.data(), static_cast<qsizetype>(bytes.size()));
}

} // namespace tg::bench
