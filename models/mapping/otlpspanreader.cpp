#include "otlpspanreader.h"

#include "domain/timeformat.h"

#include <cmath>
#include <limits>

namespace tg {

namespace {

using AnyValue = OtlpAttributes::AnyValue;

std::optional<qint64> nanos(quint64 value)
{
    if (value == 0 || value > quint64(std::numeric_limits<qint64>::max()))
        return std::nullopt;
    return qint64(value);
}

QByteArrayView bytesOf(std::string_view text)
{
    return QByteArrayView(text.data(), qsizetype(text.size()));
}

bool startsWith(std::string_view text, std::string_view prefix)
{
    return text.substr(0, prefix.size()) == prefix;
}

// Model parameter values must be strings or numbers; anything else becomes its JSON as a string.
QByteArray modelParameterFromRaw(QByteArrayView raw)
{
    raw = JsonText::trimmed(raw);
    if (raw.isEmpty())
        return QByteArrayLiteral("null");
    const char c = raw.front();
    if (c == '"' || c == '-' || (c >= '0' && c <= '9'))
        return raw.toByteArray();
    return JsonText::quote(std::string_view(raw.data(), size_t(raw.size())));
}

QByteArray modelParameterFromValue(const AnyValue &value)
{
    switch (value.value_case()) {
    case AnyValue::kStringValue:
    case AnyValue::kIntValue:
    case AnyValue::kDoubleValue:
        return OtlpAttributes::toJson(value);
    default: {
        const QByteArray json = OtlpAttributes::toJson(value);
        return JsonText::quote(std::string_view(json.constData(), size_t(json.size())));
    }
    }
}

QByteArray sanitisedModelParameters(const QByteArray &objectText)
{
    const auto members = JsonText::objectMembers(objectText);
    if (!members)
        return QByteArray();
    JsonObjectBuilder out;
    for (const auto &member : *members)
        out.set(member.key, modelParameterFromRaw(member.value));
    return out.toJson();
}

struct UsageKey
{
    std::string_view from;
    std::u16string_view to;
};

// Token-count keys (after the gen_ai.usage. or llm.token_count. prefix) and their Langfuse names.
constexpr UsageKey kUsageKeys[] = {
    { "prompt_tokens", u"input" },
    { "input_tokens", u"input" },
    { "prompt", u"input" },
    { "completion_tokens", u"output" },
    { "output_tokens", u"output" },
    { "completion", u"output" },
    { "total_tokens", u"total" },
    { "total", u"total" },
    { "cache_read_input_tokens", u"input_cached_tokens" },
    { "cache_read.input_tokens", u"input_cached_tokens" },
    { "prompt_details.cache_read", u"input_cached_tokens" },
    { "cache_creation_input_tokens", u"input_cache_creation" },
    { "cache_creation.input_tokens", u"input_cache_creation" },
    { "cache_write.input_tokens", u"input_cache_creation" },
    { "prompt_details.cache_write", u"input_cache_creation" },
    { "reasoning_tokens", u"output_reasoning_tokens" },
    { "reasoning.output_tokens", u"output_reasoning_tokens" },
    { "thoughts_tokens", u"output_reasoning_tokens" },
    { "completion_details.reasoning", u"output_reasoning_tokens" },
    { "completion_details.audio", u"output_audio_tokens" },
};

QString usageKeyName(std::string_view key)
{
    for (const UsageKey &entry : kUsageKeys) {
        // Static text, shared by every record without an allocation.
        if (entry.from == key)
            return QString::fromRawData(
                reinterpret_cast<const QChar *>(entry.to.data()), qsizetype(entry.to.size()));
    }
    return QString::fromUtf8(key.data(), qsizetype(key.size()));
}

qint64 toCount(double value)
{
    if (!std::isfinite(value))
        return 0;
    if (value >= 9.0e18)
        return std::numeric_limits<qint64>::max();
    if (value <= -9.0e18)
        return std::numeric_limits<qint64>::min();
    return qint64(std::llround(value));
}

bool vercelOperationMatches(
    const OtlpAttributes &attributes, std::initializer_list<std::string_view> prefixes)
{
    auto givenText = [&attributes](std::string_view key) {
        const AnyValue *value = attributes.given(key);
        return value ? OtlpAttributes::stringView(*value) : std::string_view();
    };
    const std::string_view operationName = givenText("operation.name");
    const std::string_view operationId = givenText("ai.operationId");
    for (const std::string_view prefix : prefixes) {
        if (!operationName.empty() && startsWith(operationName, prefix))
            return true;
        if (!operationId.empty() && operationId == prefix)
            return true;
    }
    return false;
}

std::optional<ObservationType> typeFromMapping(
    std::string_view value, std::initializer_list<std::pair<std::string_view, ObservationType>> map)
{
    for (const auto &[key, type] : map) {
        if (QLatin1String(key.data(), qsizetype(key.size()))
                .compare(QLatin1String(value.data(), qsizetype(value.size())), Qt::CaseInsensitive)
            == 0)
            return type;
    }
    return std::nullopt;
}

} // namespace

OtlpSpanReader::OtlpSpanReader(const Span &span, const OtlpScopeContext &scope)
    : m_span(span)
    , m_scope(scope)
    , m_attributes(span.attributes)
{
    const auto start = nanos(span.start_time_unix_nano);
    const auto end = nanos(span.end_time_unix_nano);
    if (!start && !end) {
        m_startNs = m_endNs = nowNs();
    } else {
        m_startNs = start.value_or(*end);
        m_endNs = end.value_or(*start);
    }
}

ObservationType OtlpSpanReader::observationType() const
{
    const OtlpAttributes &a = m_attributes;

    // Python SDK <= 3.3 wrote generations as "span"; their generation attributes give them away.
    const AnyValue *declared = a.find("langfuse.observation.type");
    if (declared && OtlpAttributes::stringView(*declared) == "span" && m_scope.scopeName == u"langfuse-sdk"
        && m_scope.resource && m_scope.resource->find("telemetry.sdk.language")
        && OtlpAttributes::stringView(*m_scope.resource->find("telemetry.sdk.language")) == "python") {
        const QStringList parts = m_scope.scopeVersion.split(u'.');
        const int major = parts.value(0).toInt();
        const int minor = parts.value(1).toInt();
        const bool newer = !m_scope.scopeVersion.isEmpty() && (major > 3 || (major == 3 && minor > 3));
        static constexpr std::string_view kGenerationKeys[] = {
            "langfuse.observation.model.name",
            "langfuse.observation.cost_details",
            "langfuse.observation.usage_details",
            "langfuse.observation.completion_start_time",
            "langfuse.observation.model.parameters",
            "langfuse.observation.prompt.name",
            "langfuse.observation.prompt.version",
        };
        if (!newer) {
            for (const std::string_view key : kGenerationKeys) {
                if (a.find(key))
                    return ObservationType::Generation;
            }
        }
    }

    if (const AnyValue *value = a.given("langfuse.observation.type")) {
        const std::string_view text = OtlpAttributes::stringView(*value);
        if (auto type = observationTypeFromString(QString::fromUtf8(text.data(), qsizetype(text.size()))))
            return *type;
    }
    if (const AnyValue *value = a.given("openinference.span.kind")) {
        if (auto type = typeFromMapping(OtlpAttributes::stringView(*value),
                { { "LLM", ObservationType::Generation }, { "CHAIN", ObservationType::Chain },
                    { "RETRIEVER", ObservationType::Retriever }, { "EMBEDDING", ObservationType::Embedding },
                    { "AGENT", ObservationType::Agent }, { "TOOL", ObservationType::Tool },
                    { "GUARDRAIL", ObservationType::Guardrail },
                    { "EVALUATOR", ObservationType::Evaluator } }))
            return *type;
    }
    if (const AnyValue *value = a.given("gen_ai.operation.name")) {
        if (auto type = typeFromMapping(OtlpAttributes::stringView(*value),
                { { "chat", ObservationType::Generation }, { "completion", ObservationType::Generation },
                    { "text_completion", ObservationType::Generation },
                    { "generate_content", ObservationType::Generation },
                    { "generate", ObservationType::Generation }, { "embeddings", ObservationType::Embedding },
                    { "invoke_agent", ObservationType::Agent }, { "create_agent", ObservationType::Agent },
                    { "execute_tool", ObservationType::Tool } }))
            return *type;
    }

    // Vercel AI SDK: generation and embedding calls carry model information.
    const bool hasModelInfo = a.firstGiven({ "langfuse.observation.model.name", "ai.model.id",
        "gen_ai.request.model", "gen_ai.response.model" });
    if (hasModelInfo) {
        if (vercelOperationMatches(a,
                { "ai.generateText.doGenerate", "ai.streamText.doStream", "ai.generateObject.doGenerate",
                    "ai.streamObject.doStream" }))
            return ObservationType::Generation;
        if (vercelOperationMatches(a, { "ai.embedMany.doEmbed", "ai.embed.doEmbed" }))
            return ObservationType::Embedding;
    }
    if (vercelOperationMatches(a, { "ai.toolCall" }))
        return ObservationType::Tool;

    if (a.firstGiven({ "gen_ai.tool.name", "gen_ai.tool.call.id" }))
        return ObservationType::Tool;
    if (a.firstGiven({ "langfuse.observation.model.name", "gen_ai.request.model", "gen_ai.response.model",
            "llm.model_name", "model" }))
        return ObservationType::Generation;
    return ObservationType::Span;
}

QString OtlpSpanReader::observationName() const
{
    if (const AnyValue *value = m_attributes.firstGiven({ "gen_ai.tool.name", "logfire.msg" }))
        return OtlpAttributes::toText(*value);
    if (const AnyValue *value = m_attributes.find("ai.toolCall.name"))
        return OtlpAttributes::toText(*value);
    if (const AnyValue *operationId = m_attributes.find("ai.operationId")) {
        const AnyValue *functionId = m_attributes.given("ai.telemetry.functionId");
        const QString prefix = functionId ? OtlpAttributes::toText(*functionId) + u':' : QString();
        return prefix + OtlpAttributes::toText(*operationId);
    }
    if (m_span.name.empty())
        return QString();
    return QString::fromUtf8(m_span.name);
}

QString OtlpSpanReader::model() const
{
    return m_attributes.text({ "langfuse.observation.model.name", "gen_ai.response.model", "ai.model.id",
        "gen_ai.request.model", "llm.response.model", "llm.model_name", "model" });
}

QByteArray OtlpSpanReader::modelParameters() const
{
    for (const std::string_view key :
        { "langfuse.observation.model.parameters", "llm.invocation_parameters", "model_config" }) {
        if (const AnyValue *value = m_attributes.given(key)) {
            const QByteArray parameters = sanitisedModelParameters(OtlpAttributes::objectJson(*value));
            if (!parameters.isEmpty())
                return parameters;
        }
    }
    JsonObjectBuilder parameters;
    for (const std::string_view prefix :
        { std::string_view("gen_ai.request."), std::string_view("llm.invocation_parameters.") }) {
        const auto [begin, end] = m_attributes.withPrefix(prefix);
        for (auto it = begin; it != end; ++it) {
            const std::string_view key = it->key.substr(prefix.size());
            if (key == "model" && prefix == "gen_ai.request.")
                continue;
            parameters.set(bytesOf(key), modelParameterFromValue(it->value));
        }
    }
    return parameters.isEmpty() ? QByteArray() : parameters.toJson();
}

UsageDetails OtlpSpanReader::usage() const
{
    if (const AnyValue *value = m_attributes.given("langfuse.observation.usage_details")) {
        const QByteArray text = OtlpAttributes::objectJson(*value);
        if (!text.isEmpty())
            return UsageDetails::fromJsonText(text);
    }
    UsageDetails usage;
    for (const std::string_view prefix :
        { std::string_view("gen_ai.usage."), std::string_view("llm.token_count.") }) {
        const auto [begin, end] = m_attributes.withPrefix(prefix);
        for (auto it = begin; it != end; ++it) {
            const std::string_view key = it->key.substr(prefix.size());
            if (prefix == "gen_ai.usage." && key == "cost")
                continue;
            if (const auto number = OtlpAttributes::toNumber(it->value))
                usage.set(usageKeyName(key), toCount(*number));
        }
    }
    const QString input = QStringLiteral("input");
    const QString output = QStringLiteral("output");
    if (usage.values.contains(input)) {
        const qint64 net = usage.value(input) - usage.value(QStringLiteral("input_cached_tokens"))
            - usage.value(QStringLiteral("input_cache_creation"));
        usage.set(input, std::max<qint64>(net, 0));
    }
    if (usage.values.contains(output)) {
        const qint64 net = usage.value(output) - usage.value(QStringLiteral("output_reasoning_tokens"))
            - usage.value(QStringLiteral("output_audio_tokens"));
        usage.set(output, std::max<qint64>(net, 0));
    }
    return usage;
}

CostDetails OtlpSpanReader::cost() const
{
    if (const AnyValue *value = m_attributes.given("langfuse.observation.cost_details")) {
        const QByteArray text = OtlpAttributes::objectJson(*value);
        if (!text.isEmpty())
            return CostDetails::fromJsonText(text);
    }
    CostDetails cost;
    if (const AnyValue *value = m_attributes.given("gen_ai.usage.cost")) {
        if (const auto usd = OtlpAttributes::toNumber(*value)) {
            cost.set(QStringLiteral("total"), *usd);
            return cost;
        }
    }
    if (const AnyValue *value = m_attributes.given("llm.cost.total")) {
        if (const auto usd = OtlpAttributes::toNumber(*value))
            cost.set(QStringLiteral("total"), *usd);
    }
    if (!cost.isEmpty()) {
        for (const auto &[key, name] :
            { std::pair { "llm.cost.prompt", "input" }, { "llm.cost.completion", "output" } }) {
            const AnyValue *value = m_attributes.given(key);
            if (const auto usd = value ? OtlpAttributes::toNumber(*value) : std::nullopt)
                cost.set(QString::fromLatin1(name), *usd);
        }
    }
    return cost;
}

std::optional<qint64> OtlpSpanReader::completionStartNs() const
{
    if (const AnyValue *value = m_attributes.given("langfuse.observation.completion_start_time")) {
        const QString text = OtlpAttributes::toText(*value);
        if (auto ns = parseIsoTimestampNs(text))
            return ns;
        // Older SDKs wrote the timestamp JSON-encoded twice: "\"2025-10-01T08:45:26.112648Z\"".
        if (auto inner = JsonText::unquote(text.toUtf8())) {
            if (auto ns = parseIsoTimestampNs(QString::fromUtf8(*inner)))
                return ns;
        }
    }
    if (const AnyValue *value
        = m_attributes.firstGiven({ "ai.response.msToFirstChunk", "ai.stream.msToFirstChunk" })) {
        const auto ms = OtlpAttributes::toNumber(*value);
        if (ms && std::isfinite(*ms) && *ms >= 0 && *ms < 1e12)
            return m_startNs + qint64(std::ceil(*ms)) * 1'000'000;
    }
    return std::nullopt;
}

std::optional<otlpwire::Event> OtlpSpanReader::lastExceptionEvent() const
{
    std::optional<otlpwire::Event> last;
    for (const otlpwire::Event &event : m_span.events) {
        if (event.name == "exception")
            last = event;
    }
    return last;
}

Level OtlpSpanReader::level() const
{
    if (const AnyValue *value = m_attributes.given("langfuse.observation.level")) {
        if (auto level = levelFromString(OtlpAttributes::toText(*value)))
            return *level;
    }
    if (m_span.status.code == otlpwire::Status::STATUS_CODE_ERROR)
        return Level::Error;
    if (lastExceptionEvent())
        return Level::Error;
    return Level::Default;
}

QString OtlpSpanReader::statusMessage() const
{
    if (const AnyValue *value = m_attributes.given("langfuse.observation.status_message"))
        return OtlpAttributes::toText(*value);
    if (!m_span.status.message.empty())
        return QString::fromUtf8(m_span.status.message);
    const std::optional<otlpwire::Event> exception = lastExceptionEvent();
    if (!exception)
        return QString();
    // Only when the exception decides the level: an explicit level keeps its own story.
    if (const AnyValue *value = m_attributes.given("langfuse.observation.level")) {
        if (levelFromString(OtlpAttributes::toText(*value)))
            return QString();
    }
    const OtlpAttributes attributes(exception->attributes);
    const QString type = attributes.text({ "exception.type" });
    const QString message = attributes.text({ "exception.message" });
    if (!type.isEmpty() && !message.isEmpty())
        return type + u": " + message;
    if (!type.isEmpty() || !message.isEmpty())
        return type + message;
    return QStringLiteral("exception");
}

QString OtlpSpanReader::promptName() const
{
    QString name = m_attributes.text({ "langfuse.observation.prompt.name", "langfuse.prompt.name" });
    if (!name.isNull())
        return name;
    if (const AnyValue *value = m_attributes.given("ai.telemetry.metadata.langfusePrompt")) {
        if (const auto members = JsonText::objectMembers(QByteArrayView(value->string_value()))) {
            for (const auto &member : *members) {
                if (member.key == "name") {
                    if (auto text = JsonText::unquote(member.value))
                        return QString::fromUtf8(*text);
                }
            }
        }
    }
    return QString();
}

std::optional<int> OtlpSpanReader::promptVersion() const
{
    std::optional<double> version;
    if (const AnyValue *value
        = m_attributes.firstGiven({ "langfuse.observation.prompt.version", "langfuse.prompt.version" })) {
        version = OtlpAttributes::toNumber(*value);
    } else if (const AnyValue *prompt = m_attributes.given("ai.telemetry.metadata.langfusePrompt")) {
        if (const auto members = JsonText::objectMembers(QByteArrayView(prompt->string_value()))) {
            for (const auto &member : *members) {
                if (member.key == "version")
                    version = member.value.toByteArray().toDouble();
            }
        }
    }
    if (!version || !std::isfinite(*version) || *version < 0 || *version > std::numeric_limits<int>::max())
        return std::nullopt;
    return int(*version);
}

} // namespace tg
