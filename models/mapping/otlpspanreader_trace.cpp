// OtlpSpanReader: what a span says about its trace (root, updates, user, session, tags, ...), the
// metadata objects, environment, version and release; and the per-scope context.
#include "otlpspanids.h"
#include "otlpspanreader.h"

#include <algorithm>

namespace tg {

namespace {

using AnyValue = OtlpAttributes::AnyValue;

constexpr std::string_view kObservationMetadata = "langfuse.observation.metadata";
constexpr std::string_view kTraceMetadata = "langfuse.trace.metadata";

QByteArrayView bytesOf(std::string_view text)
{
    return QByteArrayView(text.data(), qsizetype(text.size()));
}

/// Where an environment is named, in order of precedence (a span's key before the resource's).
constexpr std::string_view kEnvironmentKeys[]
    = { "langfuse.environment", "deployment.environment.name", "deployment.environment" };

} // namespace

void OtlpScopeContext::setResource(const OtlpAttributes &resourceAttributes)
{
    resource = &resourceAttributes;
    resourceEnvironmentKey = -1;
    resourceEnvironment.clear();
    for (int i = 0; i < int(std::size(kEnvironmentKeys)); ++i) {
        if (const AnyValue *value = resourceAttributes.given(kEnvironmentKeys[i])) {
            resourceEnvironmentKey = i;
            resourceEnvironment = OtlpSpanReader::normaliseEnvironment(OtlpAttributes::toText(*value));
            break;
        }
    }
    resourceAttributesJson = resourceAttributes.toJsonObject();
    resourceTraceMetadata = OtlpSpanReader::metadataFor(resourceAttributes, true);
}

void OtlpScopeContext::setScope(const otlpwire::InstrumentationScope &scope)
{
    scopeName = QString::fromUtf8(scope.name);
    scopeVersion = QString::fromUtf8(scope.version);
    isLangfuseSdk = scopeName.startsWith(QLatin1String("langfuse-sdk"));
    JsonObjectBuilder json;
    json.set("name", JsonText::quote(scope.name));
    if (!scope.version.empty())
        json.set("version", JsonText::quote(scope.version));
    json.set("attributes", OtlpAttributes(scope.attributes).toJsonObject());
    scopeJson = json.toJson();
}

bool OtlpSpanReader::isTraceRoot() const
{
    if (m_span.parent_span_id.empty() || OtlpSpanIds::isAllZero(m_span.parent_span_id))
        return true;
    const AnyValue *asRoot = m_attributes.find("langfuse.internal.as_root");
    return asRoot && OtlpAttributes::isTrue(*asRoot);
}

bool OtlpSpanReader::hasTraceUpdates() const
{
    static constexpr std::string_view kKeys[] = {
        "langfuse.trace.name",
        "langfuse.trace.input",
        "langfuse.trace.output",
        "langfuse.trace.metadata",
        "user.id",
        "session.id",
        "langfuse.trace.public",
        "langfuse.trace.tags",
        "langfuse.user.id",
        "langfuse.session.id",
        "langfuse.observation.metadata.langfuse_user_id",
        "langfuse.observation.metadata.langfuse_session_id",
        "langfuse.observation.metadata.langfuse_tags",
        "langfuse.trace.metadata.langfuse_session_id",
        "langfuse.trace.metadata.langfuse_user_id",
        "langfuse.trace.metadata.langfuse_tags",
        "ai.telemetry.metadata.sessionId",
        "ai.telemetry.metadata.userId",
        "ai.telemetry.metadata.tags",
        "tag.tags",
    };
    for (const std::string_view key : kKeys) {
        if (m_attributes.given(key))
            return true;
    }
    const auto [begin, end] = m_attributes.withPrefix(kTraceMetadata);
    return begin != end;
}

JsonObjectBuilder OtlpSpanReader::metadataFor(const OtlpAttributes &attributes, bool traceDomain)
{
    const std::string_view prefix = traceDomain ? kTraceMetadata : kObservationMetadata;
    JsonObjectBuilder metadata;
    const AnyValue *topLevel = attributes.given(prefix);
    if (!topLevel)
        topLevel = attributes.given("langfuse.metadata");
    if (topLevel) {
        const QByteArray text = OtlpAttributes::objectJson(*topLevel);
        if (!text.isEmpty())
            metadata.merge(text);
    }
    static constexpr std::string_view kSkipped[] = {
        "ai.telemetry.metadata.userId",
        "ai.telemetry.metadata.sessionId",
        "ai.telemetry.metadata.tags",
        "ai.telemetry.metadata.langfusePrompt",
    };
    for (const std::string_view keyPrefix :
        { prefix, std::string_view("langfuse.metadata"), std::string_view("ai.telemetry.metadata") }) {
        const auto [begin, end] = attributes.withDottedPrefix(keyPrefix);
        for (auto it = begin; it != end; ++it) {
            if (std::find(std::begin(kSkipped), std::end(kSkipped), it->key) != std::end(kSkipped))
                continue;
            metadata.set(bytesOf(it->key.substr(keyPrefix.size() + 1)), OtlpAttributes::toJson(it->value));
        }
    }
    if (const AnyValue *tools = attributes.given("ai.prompt.tools"))
        metadata.set("tools", OtlpAttributes::toJson(*tools));
    return metadata;
}

QByteArray OtlpSpanReader::observationMetadata() const
{
    JsonObjectBuilder own = metadataFor(m_attributes, false);
    if (m_scope.resourceTraceMetadata.isEmpty() && own.isEmpty()) {
        // Most spans carry only the fixed members: written straight out, as the builder would,
        // into a buffer the thread keeps, then copied once at its final size (growing a fresh
        // buffer for every span cost two or three allocations of up to a kilobyte).
        thread_local QByteArray scratch;
        QByteArray &out = scratch;
        out.resize(0); // keeps the capacity
        out.append('{');
        if (!m_scope.isLangfuseSdk) {
            out.append("\"attributes\":");
            appendLeftoverAttributes(out);
            out.append(',');
        }
        out.append("\"resourceAttributes\":");
        out.append(m_scope.resourceAttributesJson);
        out.append(",\"scope\":");
        out.append(m_scope.scopeJson);
        out.append('}');
        QByteArray metadata(out.constData(), out.size());
        if (out.capacity() > 1 << 20)
            out = QByteArray(); // a huge span's buffer is not kept
        return metadata;
    }
    JsonObjectBuilder metadata = m_scope.resourceTraceMetadata;
    metadata.merge(own);
    if (!m_scope.isLangfuseSdk)
        metadata.set("attributes", leftoverAttributesJson());
    metadata.set("resourceAttributes", m_scope.resourceAttributesJson);
    metadata.set("scope", m_scope.scopeJson);
    return metadata.toJson();
}

QByteArray OtlpSpanReader::traceMetadata(bool root) const
{
    JsonObjectBuilder metadata = m_scope.resourceTraceMetadata;
    metadata.merge(metadataFor(m_attributes, true));
    if (root) {
        metadata.merge(metadataFor(m_attributes, false));
        if (!m_scope.isLangfuseSdk)
            metadata.set("attributes", leftoverAttributesJson());
    }
    metadata.set("resourceAttributes", m_scope.resourceAttributesJson);
    metadata.set("scope", m_scope.scopeJson);
    return metadata.toJson();
}

QString OtlpSpanReader::normaliseEnvironment(const QString &raw)
{
    QString environment = raw.trimmed().toLower();
    if (environment.startsWith(u"langfuse")) {
        environment.remove(0, 8);
        while (environment.startsWith(u'-') || environment.startsWith(u'_'))
            environment.remove(0, 1);
    }
    environment.truncate(40);
    const bool allowed = std::all_of(environment.begin(), environment.end(), [](QChar c) {
        return (c >= u'a' && c <= u'z') || (c >= u'0' && c <= u'9') || c == u'-' || c == u'_';
    });
    if (environment.isEmpty() || !allowed)
        return QStringLiteral("default");
    return environment;
}

QString OtlpSpanReader::environment(bool explicitOnly) const
{
    // The resource's answer is worked out once per resource (OtlpScopeContext::setResource).
    for (int i = 0; i < int(std::size(kEnvironmentKeys)); ++i) {
        if (const AnyValue *value = m_attributes.given(kEnvironmentKeys[i]))
            return normaliseEnvironment(OtlpAttributes::toText(*value));
        if (i == m_scope.resourceEnvironmentKey)
            return m_scope.resourceEnvironment;
    }
    return explicitOnly ? QString() : QStringLiteral("default");
}

QString OtlpSpanReader::version() const
{
    QString version = m_attributes.text({ "langfuse.version" });
    if (version.isNull() && m_scope.resource)
        version = m_scope.resource->text({ "service.version" });
    return version;
}

QString OtlpSpanReader::release() const
{
    QString release = m_attributes.text({ "langfuse.release" });
    if (release.isNull() && m_scope.resource)
        release = m_scope.resource->text({ "langfuse.release" });
    return release;
}

QString OtlpSpanReader::traceName() const
{
    return m_attributes.text({ "langfuse.trace.name" });
}

QString OtlpSpanReader::userId() const
{
    return m_attributes.text(
        { "langfuse.user.id", "user.id", "langfuse.observation.metadata.langfuse_user_id",
            "langfuse.trace.metadata.langfuse_user_id", "ai.telemetry.metadata.userId" });
}

QString OtlpSpanReader::sessionId() const
{
    return m_attributes.text({ "langfuse.session.id", "session.id", "gen_ai.conversation.id",
        "langfuse.observation.metadata.langfuse_session_id", "langfuse.trace.metadata.langfuse_session_id",
        "ai.telemetry.metadata.sessionId" });
}

QStringList OtlpSpanReader::tags() const
{
    const AnyValue *value = m_attributes.firstGiven(
        { "langfuse.trace.tags", "langfuse.tags", "langfuse.observation.metadata.langfuse_tags",
            "langfuse.trace.metadata.langfuse_tags", "ai.telemetry.metadata.tags", "tag.tags" });
    if (!value)
        return {};
    QStringList tags;
    auto add = [&tags](const QString &tag) {
        if (!tag.isEmpty() && !tags.contains(tag))
            tags.append(tag);
    };
    if (value->value_case() == AnyValue::kArrayValue) {
        for (const AnyValue &element : value->array_value().values())
            add(OtlpAttributes::toText(element));
        return tags;
    }
    if (value->value_case() != AnyValue::kStringValue)
        return {};
    const QByteArray text = QByteArrayView(value->string_value()).toByteArray();
    const QByteArrayView trimmed = JsonText::trimmed(text);
    if (trimmed.startsWith('[')) {
        if (const auto elements = JsonText::arrayElements(trimmed)) {
            for (const QByteArrayView element : *elements) {
                if (auto string = JsonText::unquote(element))
                    add(QString::fromUtf8(*string));
                else
                    add(QString::fromUtf8(element));
            }
            return tags;
        }
    }
    const QString string = QString::fromUtf8(text);
    if (string.contains(u',')) {
        for (const QString &part : string.split(u','))
            add(part.trimmed());
        return tags;
    }
    add(string);
    return tags;
}

std::optional<bool> OtlpSpanReader::isPublic() const
{
    const AnyValue *value = m_attributes.find("langfuse.trace.public");
    if (!value || value->value_case() == AnyValue::VALUE_NOT_SET)
        value = m_attributes.find("langfuse.public");
    if (!value || value->value_case() == AnyValue::VALUE_NOT_SET)
        return std::nullopt;
    return OtlpAttributes::isTrue(*value);
}

} // namespace tg
