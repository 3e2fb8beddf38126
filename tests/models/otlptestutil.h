#pragma once
// Builders for hand-made OTLP messages and readers for mapped records, shared by the OTLP tests.

#include "domain/records.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"

#include <QByteArray>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonValue>
#include <QString>

#include <string>

namespace otlptest {

namespace pb = opentelemetry::proto;
using Request = pb::collector::trace::v1::ExportTraceServiceRequest;
using Span = pb::trace::v1::Span;
using KeyValues = google::protobuf::RepeatedPtrField<pb::common::v1::KeyValue>;
using AnyValue = pb::common::v1::AnyValue;

inline constexpr const char *kTrace = "0af7651916cd43dd8448eb211c80319c";
inline constexpr const char *kRootSpan = "b7ad6b7169203331";
inline constexpr const char *kChildSpan = "00f067aa0ba902b7";

inline std::string bytes(const char *hex)
{
    return QByteArray::fromHex(hex).toStdString();
}

inline AnyValue &addValue(KeyValues *attributes, const std::string &key)
{
    auto *kv = attributes->Add();
    kv->set_key(key);
    return *kv->mutable_value();
}

inline void set(KeyValues *a, const std::string &key, const char *value)
{
    addValue(a, key).set_string_value(value);
}
inline void set(KeyValues *a, const std::string &key, const std::string &value)
{
    addValue(a, key).set_string_value(value);
}
inline void set(KeyValues *a, const std::string &key, const QString &value)
{
    addValue(a, key).set_string_value(value.toStdString());
}
inline void set(KeyValues *a, const std::string &key, qint64 value)
{
    addValue(a, key).set_int_value(value);
}
inline void set(KeyValues *a, const std::string &key, int value)
{
    addValue(a, key).set_int_value(value);
}
inline void set(KeyValues *a, const std::string &key, double value)
{
    addValue(a, key).set_double_value(value);
}
inline void set(KeyValues *a, const std::string &key, bool value)
{
    addValue(a, key).set_bool_value(value);
}
inline void setStrings(KeyValues *a, const std::string &key, std::initializer_list<const char *> values)
{
    auto *array = addValue(a, key).mutable_array_value();
    for (const char *value : values)
        array->add_values()->set_string_value(value);
}

inline pb::trace::v1::ScopeSpans &scopeOf(Request &request, const char *scopeName = "test-scope")
{
    if (request.resource_spans_size() == 0)
        request.add_resource_spans();
    auto *resource = request.mutable_resource_spans(request.resource_spans_size() - 1);
    if (resource->scope_spans_size() == 0) {
        auto *scope = resource->add_scope_spans();
        scope->mutable_scope()->set_name(scopeName);
    }
    return *resource->mutable_scope_spans(resource->scope_spans_size() - 1);
}

inline KeyValues *resourceAttributes(Request &request)
{
    if (request.resource_spans_size() == 0)
        request.add_resource_spans();
    return request.mutable_resource_spans(0)->mutable_resource()->mutable_attributes();
}

/// Adds a span to the last scope of the last resource (both created when missing).
inline Span &addSpan(Request &request, const char *spanHex, const char *parentHex = "",
    const char *name = "span", const char *traceHex = kTrace)
{
    Span *span = scopeOf(request).add_spans();
    span->set_trace_id(bytes(traceHex));
    span->set_span_id(bytes(spanHex));
    span->set_parent_span_id(bytes(parentHex));
    span->set_name(name);
    span->set_start_time_unix_nano(1752384000123456789ULL);
    span->set_end_time_unix_nano(1752384001987654321ULL);
    return *span;
}

/// The observation with `id`, or an empty record with the id "<missing>" (comparisons then fail).
inline const tg::ObservationRecord &observation(const tg::WriteBatch &batch, const QString &id)
{
    for (const auto &o : batch.observations) {
        if (o.id == id)
            return o;
    }
    static const tg::ObservationRecord missing { QStringLiteral("<missing>"), {}, {}, {}, {}, {}, {}, {}, {},
        {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {} };
    return missing;
}

inline const tg::TraceRecord &traceRecord(const tg::WriteBatch &batch, const QString &id)
{
    for (const auto &t : batch.traces) {
        if (t.id == id)
            return t;
    }
    static const tg::TraceRecord missing { QStringLiteral("<missing>"), {}, {}, {}, {}, {}, {}, {}, {}, {},
        {}, {}, {} };
    return missing;
}

/// Parses a JSON payload of any kind (object, array, scalar) for comparisons.
inline QJsonValue json(const QByteArray &text)
{
    const QJsonDocument document = QJsonDocument::fromJson("[" + text + "]");
    if (document.isNull())
        return QJsonValue(QJsonValue::Undefined);
    return document.array().at(0);
}

inline QJsonValue json(const char *text)
{
    return json(QByteArray(text));
}

} // namespace otlptest
