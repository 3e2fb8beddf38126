#include "otlpexportbuilder.h"

#include "formats/isotime.h"
#include "mapping/flatjson.h"
#include "mapping/jsontext.h"

#include <QCryptographicHash>

namespace tg {

namespace {

namespace common = opentelemetry::proto::common::v1;
namespace trace = opentelemetry::proto::trace::v1;

int hexValue(QChar c)
{
    const ushort u = c.unicode();
    if (u >= '0' && u <= '9')
        return u - '0';
    if (u >= 'a' && u <= 'f')
        return u - 'a' + 10;
    return -1; // uppercase is not exact: it would read back lowercase
}

// Lowercase hex of `digits` characters (dashes of a UUID skipped) into bytes; false otherwise.
bool hexBytes(const QString &id, int digits, bool allowUuidDashes, std::string &out)
{
    out.clear();
    int high = -1;
    int count = 0;
    for (qsizetype i = 0; i < id.size(); ++i) {
        if (allowUuidDashes && id[i] == u'-' && (i == 8 || i == 13 || i == 18 || i == 23))
            continue;
        const int v = hexValue(id[i]);
        if (v < 0)
            return false;
        if (high < 0) {
            high = v;
        } else {
            out.push_back(char((high << 4) | v));
            high = -1;
        }
        ++count;
    }
    if (count != digits)
        return false;
    if (allowUuidDashes && id.size() != digits && id.size() != 36)
        return false;
    return out.find_first_not_of('\0') != std::string::npos;
}

std::string hashedBytes(const QString &id, int bytes, const char *domain)
{
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(QByteArrayView(domain));
    hash.addData(id.toUtf8());
    std::string out = hash.result().left(bytes).toStdString();
    if (out.find_first_not_of('\0') == std::string::npos)
        out[0] = 1;
    return out;
}

void setString(trace::Span *span, const char *key, const QString &value)
{
    auto *kv = span->add_attributes();
    kv->set_key(key);
    kv->mutable_value()->set_string_value(value.toStdString());
}

void setBytes(trace::Span *span, const char *key, const QByteArray &value)
{
    auto *kv = span->add_attributes();
    kv->set_key(key);
    kv->mutable_value()->set_string_value(value.constData(), size_t(value.size()));
}

void setInt(trace::Span *span, const char *key, qint64 value)
{
    auto *kv = span->add_attributes();
    kv->set_key(key);
    kv->mutable_value()->set_int_value(value);
}

void setBool(trace::Span *span, const char *key, bool value)
{
    auto *kv = span->add_attributes();
    kv->set_key(key);
    kv->mutable_value()->set_bool_value(value);
}

void setStringArray(trace::Span *span, const char *key, const QStringList &values)
{
    auto *kv = span->add_attributes();
    kv->set_key(key);
    auto *array = kv->mutable_value()->mutable_array_value();
    for (const QString &value : values)
        array->add_values()->set_string_value(value.toStdString());
}

// JSON (as Langfuse's metadata.resourceAttributes holds it) back into an attribute value.
void fromJson(const FlatJsonValue &value, common::AnyValue *out, int depth)
{
    if (depth > 24)
        return;
    switch (value.kind()) {
    case FlatJson::Kind::Null:
        return;
    case FlatJson::Kind::True:
    case FlatJson::Kind::False:
        out->set_bool_value(value.toBool());
        return;
    case FlatJson::Kind::Number:
        if (const auto integer = value.toInteger(); integer && !value.rawText().contains('.')
            && !value.rawText().contains('e') && !value.rawText().contains('E'))
            out->set_int_value(*integer);
        else
            out->set_double_value(value.toDouble().value_or(0.0));
        return;
    case FlatJson::Kind::String:
        out->set_string_value(value.toUtf8().toStdString());
        return;
    case FlatJson::Kind::Array: {
        auto *array = out->mutable_array_value();
        value.forEachElement(
            [&](const FlatJsonValue &element) { fromJson(element, array->add_values(), depth + 1); });
        return;
    }
    case FlatJson::Kind::Object: {
        auto *list = out->mutable_kvlist_value();
        value.forEachMember([&](const FlatJsonValue &key, const FlatJsonValue &member) {
            auto *kv = list->add_values();
            kv->set_key(key.toUtf8().toStdString());
            fromJson(member, kv->mutable_value(), depth + 1);
        });
        return;
    }
    }
}

QByteArray resourceAttributesOf(const QByteArray &metadata)
{
    if (metadata.isEmpty() || !metadata.contains("\"resourceAttributes\""))
        return QByteArray();
    const auto members = JsonText::objectMembers(metadata);
    if (!members)
        return QByteArray();
    for (const auto &member : *members) {
        if (member.key == "resourceAttributes") {
            const QByteArrayView value = JsonText::trimmed(member.value);
            return value.startsWith('{') ? value.toByteArray() : QByteArray();
        }
    }
    return QByteArray();
}

QString typeAttribute(ObservationType type)
{
    return observationTypeName(type).toLower();
}

} // namespace

namespace otlpexport {

std::string traceIdBytes(const QString &id, bool *exact)
{
    std::string bytes;
    if (hexBytes(id, 32, false, bytes)) {
        *exact = true;
        return bytes;
    }
    *exact = false;
    if (hexBytes(id, 32, true, bytes))
        return bytes; // a UUID: its own 16 bytes
    return hashedBytes(id, 16, "trace:");
}

std::string spanIdBytes(const QString &id, bool *exact)
{
    std::string bytes;
    if (hexBytes(id, 16, false, bytes)) {
        *exact = true;
        return bytes;
    }
    *exact = false;
    return hashedBytes(id, 8, "span:");
}

} // namespace otlpexport

OtlpExportBuilder::OtlpExportBuilder(OtlpExportOptions options)
    : m_options(std::move(options))
{
    clear();
}

OtlpExportBuilder::~OtlpExportBuilder() = default;

void OtlpExportBuilder::clear()
{
    m_scopes.clear();
    m_spans = 0;
    m_bytes = 0;
    m_request = nullptr;
    google::protobuf::ArenaOptions options;
    options.start_block_size = 256 * 1024;
    options.max_block_size = 4 * 1024 * 1024;
    m_arena = std::make_unique<google::protobuf::Arena>(options);
    m_request = google::protobuf::Arena::CreateMessage<Request>(m_arena.get());
}

trace::ScopeSpans *OtlpExportBuilder::scopeFor(const QByteArray &resourceAttributesJson)
{
    auto it = m_scopes.find(resourceAttributesJson);
    if (it != m_scopes.end())
        return it.value();
    auto *resourceSpans = m_request->add_resource_spans();
    if (!resourceAttributesJson.isEmpty()) {
        FlatJson doc;
        if (doc.parse(resourceAttributesJson) && doc.root().isObject()) {
            auto *resource = resourceSpans->mutable_resource();
            doc.root().forEachMember([&](const FlatJsonValue &key, const FlatJsonValue &value) {
                auto *kv = resource->add_attributes();
                kv->set_key(key.toUtf8().toStdString());
                fromJson(value, kv->mutable_value(), 0);
            });
        }
    }
    auto *scopeSpans = resourceSpans->add_scope_spans();
    auto *scope = scopeSpans->mutable_scope();
    const bool langfuse = !m_options.langfusePublicKey.isEmpty();
    scope->set_name(langfuse ? "langfuse-sdk" : m_options.scopeName.toStdString());
    if (!m_options.scopeVersion.isEmpty())
        scope->set_version(m_options.scopeVersion.toStdString());
    auto *marker = scope->add_attributes();
    marker->set_key(otlpexport::kMarker);
    marker->mutable_value()->set_string_value(otlpexport::kDialectVersion);
    if (langfuse) {
        auto *key = scope->add_attributes();
        key->set_key("public_key");
        key->mutable_value()->set_string_value(m_options.langfusePublicKey.toStdString());
    }
    m_scopes.insert(resourceAttributesJson, scopeSpans);
    return scopeSpans;
}

void OtlpExportBuilder::addTrace(
    const TraceRecord &trace, const std::vector<ObservationRecord> &observations, bool allowTraceOnly)
{
    using namespace otlpexport;
    if (observations.empty() && !allowTraceOnly)
        return;
    bool exactTraceId = false;
    const std::string traceId = traceIdBytes(trace.id, &exactTraceId);

    // The span that carries the trace: the first root, else the first observation.
    size_t carrier = 0;
    for (size_t i = 0; i < observations.size(); ++i) {
        if (observations[i].parentId.isEmpty()) {
            carrier = i;
            break;
        }
    }

    auto addTraceFields = [&](trace::Span *span, bool isCarrier) {
        if (isCarrier || m_options.traceFieldsOnEverySpan) {
            if (!trace.userId.isNull())
                setString(span, "langfuse.user.id", trace.userId);
            if (!trace.sessionId.isNull())
                setString(span, "langfuse.session.id", trace.sessionId);
            if (!trace.tags.isEmpty())
                setStringArray(span, "langfuse.trace.tags", trace.tags);
        }
        if (!exactTraceId)
            setString(span, kTraceId, trace.id);
        if (!isCarrier)
            return;
        setBool(span, kCarrier, true);
        if (!trace.name.isNull())
            setString(span, "langfuse.trace.name", trace.name);
        if (!trace.input.isEmpty())
            setBytes(span, "langfuse.trace.input", trace.input);
        if (!trace.output.isEmpty())
            setBytes(span, "langfuse.trace.output", trace.output);
        if (!trace.metadata.isEmpty())
            setBytes(span, "langfuse.trace.metadata", trace.metadata);
        if (trace.isPublic)
            setBool(span, "langfuse.trace.public", *trace.isPublic);
        if (!trace.release.isNull())
            setString(span, "langfuse.release", trace.release);
        if (trace.timestampNs)
            setInt(span, kTraceTimestamp, *trace.timestampNs);
        if (!trace.version.isNull())
            setString(span, kTraceVersion, trace.version);
        if (!trace.environment.isNull())
            setString(span, kTraceEnvironment, trace.environment);
    };

    if (observations.empty()) {
        auto *span = scopeFor(resourceAttributesOf(trace.metadata))->add_spans();
        span->set_trace_id(traceId);
        bool exact = false;
        span->set_span_id(spanIdBytes(trace.id + QStringLiteral("#trace"), &exact));
        span->set_name(trace.name.toStdString());
        span->set_kind(trace::Span::SPAN_KIND_INTERNAL);
        const quint64 ts = trace.timestampNs && *trace.timestampNs > 0 ? quint64(*trace.timestampNs) : 0;
        span->set_start_time_unix_nano(ts);
        span->set_end_time_unix_nano(ts);
        setBool(span, kTraceOnly, true);
        addTraceFields(span, true);
        ++m_spans;
        m_bytes += qint64(span->ByteSizeLong()) + 8;
        return;
    }

    for (size_t i = 0; i < observations.size(); ++i) {
        const ObservationRecord &o = observations[i];
        auto *span = scopeFor(resourceAttributesOf(o.metadata))->add_spans();
        span->set_trace_id(traceId);
        bool exactId = false;
        span->set_span_id(spanIdBytes(o.id, &exactId));
        bool exactParent = true;
        if (!o.parentId.isEmpty())
            span->set_parent_span_id(spanIdBytes(o.parentId, &exactParent));
        span->set_name(o.name.toStdString());
        span->set_kind(trace::Span::SPAN_KIND_INTERNAL);
        qint64 start = o.startNs.value_or(o.endNs.value_or(trace.timestampNs.value_or(0)));
        span->set_start_time_unix_nano(start > 0 ? quint64(start) : 0);
        if (o.endNs && *o.endNs > 0)
            span->set_end_time_unix_nano(quint64(*o.endNs));

        const ObservationType type = o.type.value_or(ObservationType::Span);
        setString(span, "langfuse.observation.type", typeAttribute(type));
        if (!exactId)
            setString(span, kObservationId, o.id);
        if (!exactParent)
            setString(span, kParentId, o.parentId);
        if (!o.input.isEmpty())
            setBytes(span, "langfuse.observation.input", o.input);
        if (!o.output.isEmpty())
            setBytes(span, "langfuse.observation.output", o.output);
        if (!o.metadata.isEmpty())
            setBytes(span, "langfuse.observation.metadata", o.metadata);
        if (!o.model.isNull())
            setString(span, "langfuse.observation.model.name", o.model);
        if (!o.modelParameters.isEmpty())
            setBytes(span, "langfuse.observation.model.parameters", o.modelParameters);
        if (!o.usage.isEmpty())
            setBytes(span, "langfuse.observation.usage_details", o.usage.toJsonText());
        if (!o.cost.isEmpty())
            setBytes(span, "langfuse.observation.cost_details", o.cost.toJsonText());
        if (o.completionStartNs)
            setBytes(span, "langfuse.observation.completion_start_time", isoTimestamp(*o.completionStartNs));
        const Level level = o.level.value_or(Level::Default);
        if (level != Level::Default)
            setString(span, "langfuse.observation.level", levelName(level));
        if (!o.statusMessage.isNull())
            setString(span, "langfuse.observation.status_message", o.statusMessage);
        if (level == Level::Error) {
            span->mutable_status()->set_code(trace::Status::STATUS_CODE_ERROR);
            span->mutable_status()->set_message(o.statusMessage.toStdString());
        }
        if (!o.promptName.isNull())
            setString(span, "langfuse.observation.prompt.name", o.promptName);
        if (o.promptVersion)
            setInt(span, "langfuse.observation.prompt.version", *o.promptVersion);
        if (!o.version.isNull())
            setString(span, "langfuse.version", o.version);
        if (!o.environment.isNull())
            setString(span, "langfuse.environment", o.environment);
        addTraceFields(span, i == carrier);
        ++m_spans;
        m_bytes += qint64(span->ByteSizeLong()) + 8;
    }
}

OtlpExportBuilder::Request OtlpExportBuilder::take()
{
    Request out(*m_request);
    clear();
    return out;
}

} // namespace tg
