#include "responseassembler.h"

#include "redaction.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>

namespace tg {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("ResponseAssembler", text);
}

QJsonObject objectOf(QByteArrayView json, bool *ok = nullptr)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(json.toByteArray(), &error);
    if (ok)
        *ok = error.error == QJsonParseError::NoError && doc.isObject();
    return doc.object();
}

QString argumentsText(const QJsonValue &value)
{
    if (value.isString())
        return value.toString();
    if (value.isObject())
        return QString::fromUtf8(QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact));
    return QStringLiteral("{}");
}

qint64 count(const QJsonObject &o, const char *key)
{
    return qint64(o.value(QLatin1String(key)).toDouble());
}

QString errorMessage(const QJsonValue &error)
{
    if (error.isString())
        return error.toString();
    const QJsonObject o = error.toObject();
    QString message = o.value(QStringLiteral("message")).toString();
    const QString type = o.value(QStringLiteral("type")).toString();
    if (!type.isEmpty() && !message.contains(type))
        message = message.isEmpty() ? type : QStringLiteral("%1 (%2)").arg(message, type);
    return message;
}

} // namespace

QString providerErrorDetail(const QByteArray &body)
{
    bool ok = false;
    const QJsonObject o = objectOf(body, &ok);
    QString message;
    if (ok) {
        message = errorMessage(o.value(QStringLiteral("error")));
        if (message.isEmpty())
            message = o.value(QStringLiteral("message")).toString();
        if (message.isEmpty())
            message = o.value(QStringLiteral("detail")).toString();
    }
    if (message.isEmpty())
        message = QString::fromUtf8(body.left(300)).simplified();
    if (message.size() > 400)
        message = message.left(400) + QStringLiteral("…");
    return redactSecrets(message);
}

// ---- OpenAI-compatible -------------------------------------------------------------------------

UsageDetails OpenAiAssembler::usageFrom(const QJsonObject &u)
{
    UsageDetails usage;
    const qint64 prompt = count(u, "prompt_tokens");
    const qint64 completion = count(u, "completion_tokens");
    const qint64 cached = count(u.value(QStringLiteral("prompt_tokens_details")).toObject(), "cached_tokens");
    const qint64 reasoning
        = count(u.value(QStringLiteral("completion_tokens_details")).toObject(), "reasoning_tokens");
    usage.set(QStringLiteral("input"), std::max<qint64>(prompt - cached, 0));
    usage.set(QStringLiteral("output"), std::max<qint64>(completion - reasoning, 0));
    if (cached > 0)
        usage.set(QStringLiteral("input_cached_tokens"), cached);
    if (reasoning > 0)
        usage.set(QStringLiteral("output_reasoning_tokens"), reasoning);
    const qint64 total = count(u, "total_tokens");
    usage.set(QStringLiteral("total"), total > 0 ? total : prompt + completion);
    return usage;
}

void OpenAiAssembler::readUsage(const QJsonObject &object)
{
    const QJsonValue usage = object.value(QStringLiteral("usage"));
    if (!usage.isObject())
        return;
    m_result.usage = usageFrom(usage.toObject());
    const QJsonValue cost = usage.toObject().value(QStringLiteral("cost"));
    if (cost.isDouble() && cost.toDouble() >= 0)
        m_result.providerCost = cost.toDouble();
}

ResponseAssembler::Delta OpenAiAssembler::onEvent(const SseParser::Event &event)
{
    Delta delta;
    const QByteArray data = event.data.trimmed();
    if (data == "[DONE]") {
        m_complete = true;
        return delta;
    }
    bool ok = false;
    const QJsonObject chunk = objectOf(data, &ok);
    if (!ok)
        return delta; // keep-alives and comments some proxies send as data
    if (chunk.contains(QStringLiteral("error"))) {
        delta.error = errorMessage(chunk.value(QStringLiteral("error")));
        return delta;
    }
    if (m_result.responseId.isEmpty())
        m_result.responseId = chunk.value(QStringLiteral("id")).toString();
    if (const QString model = chunk.value(QStringLiteral("model")).toString(); !model.isEmpty())
        m_result.model = model;
    readUsage(chunk);
    for (const QJsonValue &c : chunk.value(QStringLiteral("choices")).toArray()) {
        const QJsonObject choice = c.toObject();
        if (choice.value(QStringLiteral("index")).toInt() != 0)
            continue;
        const QJsonObject d = choice.value(QStringLiteral("delta")).toObject();
        delta.text += d.value(QStringLiteral("content")).toString();
        delta.thinking += d.value(QStringLiteral("reasoning_content")).toString();
        delta.thinking += d.value(QStringLiteral("reasoning")).toString();
        for (const QJsonValue &t : d.value(QStringLiteral("tool_calls")).toArray()) {
            const QJsonObject call = t.toObject();
            const int index = call.value(QStringLiteral("index")).toInt(int(m_callByIndex.size()));
            auto it = m_callByIndex.find(index);
            if (it == m_callByIndex.end()) {
                it = m_callByIndex.emplace(index, m_result.toolCalls.size()).first;
                m_result.toolCalls.push_back({});
            }
            ReplayToolCall &target = m_result.toolCalls[it->second];
            const QJsonObject function = call.value(QStringLiteral("function")).toObject();
            if (const QString id = call.value(QStringLiteral("id")).toString(); !id.isEmpty())
                target.id = id;
            if (const QString name = function.value(QStringLiteral("name")).toString(); !name.isEmpty())
                target.name = name;
            target.arguments += function.value(QStringLiteral("arguments")).toString();
            delta.toolCalls = true;
        }
        const QString finish = choice.value(QStringLiteral("finish_reason")).toString();
        if (!finish.isEmpty()) {
            m_result.finishReason = finish;
            m_complete = true;
        }
    }
    m_result.text += delta.text;
    m_result.thinking += delta.thinking;
    return delta;
}

bool OpenAiAssembler::onBody(const QByteArray &body, QString *error)
{
    bool ok = false;
    const QJsonObject o = objectOf(body, &ok);
    const QJsonArray choices = o.value(QStringLiteral("choices")).toArray();
    if (!ok || choices.isEmpty()) {
        *error = o.contains(QStringLiteral("error"))
            ? errorMessage(o.value(QStringLiteral("error")))
            : tr("The answer is not a chat completion: %1").arg(providerErrorDetail(body));
        return false;
    }
    m_result.responseId = o.value(QStringLiteral("id")).toString();
    m_result.model = o.value(QStringLiteral("model")).toString();
    readUsage(o);
    const QJsonObject choice = choices.at(0).toObject();
    const QJsonObject message = choice.value(QStringLiteral("message")).toObject();
    m_result.text = message.value(QStringLiteral("content")).toString();
    m_result.thinking = message.value(QStringLiteral("reasoning_content")).toString()
        + message.value(QStringLiteral("reasoning")).toString();
    for (const QJsonValue &t : message.value(QStringLiteral("tool_calls")).toArray()) {
        const QJsonObject call = t.toObject();
        const QJsonObject function = call.value(QStringLiteral("function")).toObject();
        m_result.toolCalls.push_back(
            { call.value(QStringLiteral("id")).toString(), function.value(QStringLiteral("name")).toString(),
                argumentsText(function.value(QStringLiteral("arguments"))) });
    }
    m_result.finishReason = choice.value(QStringLiteral("finish_reason")).toString();
    m_complete = true;
    return true;
}

// ---- Anthropic ---------------------------------------------------------------------------------

UsageDetails AnthropicAssembler::usageFrom(const QJsonObject &u)
{
    UsageDetails usage;
    const qint64 input = count(u, "input_tokens");
    const qint64 output = count(u, "output_tokens");
    const qint64 read = count(u, "cache_read_input_tokens");
    const qint64 created = count(u, "cache_creation_input_tokens");
    usage.set(QStringLiteral("input"), input);
    usage.set(QStringLiteral("output"), output);
    if (read > 0)
        usage.set(QStringLiteral("input_cached_tokens"), read);
    if (created > 0)
        usage.set(QStringLiteral("input_cache_creation"), created);
    usage.set(QStringLiteral("total"), input + output + read + created);
    return usage;
}

void AnthropicAssembler::finishToolInputs()
{
    for (const auto &[block, index] : m_callByBlock) {
        ReplayToolCall &call = m_result.toolCalls[index];
        const QString partial = m_partialJson[block];
        if (!partial.trimmed().isEmpty())
            call.arguments = partial;
        else if (call.arguments.isEmpty())
            call.arguments = QStringLiteral("{}");
    }
}

ResponseAssembler::Delta AnthropicAssembler::onEvent(const SseParser::Event &event)
{
    Delta delta;
    bool ok = false;
    const QJsonObject o = objectOf(event.data, &ok);
    QString type = QString::fromUtf8(event.event);
    if (ok && o.contains(QStringLiteral("type")))
        type = o.value(QStringLiteral("type")).toString();
    if (type == u"ping" || !ok)
        return delta;
    if (type == u"error") {
        delta.error = errorMessage(o.value(QStringLiteral("error")));
        return delta;
    }
    if (type == u"message_start") {
        const QJsonObject message = o.value(QStringLiteral("message")).toObject();
        m_result.responseId = message.value(QStringLiteral("id")).toString();
        m_result.model = message.value(QStringLiteral("model")).toString();
        m_result.usage = usageFrom(message.value(QStringLiteral("usage")).toObject());
    } else if (type == u"content_block_start") {
        const int index = o.value(QStringLiteral("index")).toInt();
        const QJsonObject block = o.value(QStringLiteral("content_block")).toObject();
        const QString blockType = block.value(QStringLiteral("type")).toString();
        if (blockType == u"tool_use" || blockType == u"server_tool_use") {
            m_callByBlock[index] = m_result.toolCalls.size();
            const QJsonObject input = block.value(QStringLiteral("input")).toObject();
            m_result.toolCalls.push_back({ block.value(QStringLiteral("id")).toString(),
                block.value(QStringLiteral("name")).toString(),
                input.isEmpty() ? QString() : argumentsText(input) });
            delta.toolCalls = true;
        } else if (blockType == u"text") {
            delta.text = block.value(QStringLiteral("text")).toString();
        }
    } else if (type == u"content_block_delta") {
        const int index = o.value(QStringLiteral("index")).toInt();
        const QJsonObject d = o.value(QStringLiteral("delta")).toObject();
        const QString deltaType = d.value(QStringLiteral("type")).toString();
        if (deltaType == u"text_delta") {
            delta.text = d.value(QStringLiteral("text")).toString();
        } else if (deltaType == u"thinking_delta") {
            delta.thinking = d.value(QStringLiteral("thinking")).toString();
        } else if (deltaType == u"input_json_delta" && m_callByBlock.count(index)) {
            m_partialJson[index] += d.value(QStringLiteral("partial_json")).toString();
            m_result.toolCalls[m_callByBlock[index]].arguments = m_partialJson[index];
            delta.toolCalls = true;
        }
    } else if (type == u"message_delta") {
        const QString stop
            = o.value(QStringLiteral("delta")).toObject().value(QStringLiteral("stop_reason")).toString();
        if (!stop.isEmpty())
            m_result.finishReason = stop;
        const QJsonObject usage = o.value(QStringLiteral("usage")).toObject();
        // Counts here are cumulative; input counts usually came with message_start only.
        UsageDetails &u = m_result.usage;
        const auto take = [&](const char *from, const char *to) {
            const QJsonValue v = usage.value(QLatin1String(from));
            if (v.isDouble() && (v.toDouble() > 0 || QLatin1String(to) == u"output"))
                u.set(QLatin1String(to), qint64(v.toDouble()));
        };
        take("output_tokens", "output");
        take("input_tokens", "input");
        take("cache_read_input_tokens", "input_cached_tokens");
        take("cache_creation_input_tokens", "input_cache_creation");
        u.set(QStringLiteral("total"),
            u.value(QStringLiteral("input")) + u.value(QStringLiteral("output"))
                + u.value(QStringLiteral("input_cached_tokens"))
                + u.value(QStringLiteral("input_cache_creation")));
    } else if (type == u"message_stop") {
        finishToolInputs();
        m_complete = true;
    }
    m_result.text += delta.text;
    m_result.thinking += delta.thinking;
    return delta;
}

bool AnthropicAssembler::onBody(const QByteArray &body, QString *error)
{
    bool ok = false;
    const QJsonObject o = objectOf(body, &ok);
    if (!ok || o.value(QStringLiteral("type")).toString() != u"message") {
        *error = o.value(QStringLiteral("type")).toString() == u"error"
            ? errorMessage(o.value(QStringLiteral("error")))
            : tr("The answer is not an Anthropic message: %1").arg(providerErrorDetail(body));
        return false;
    }
    m_result.responseId = o.value(QStringLiteral("id")).toString();
    m_result.model = o.value(QStringLiteral("model")).toString();
    m_result.usage = usageFrom(o.value(QStringLiteral("usage")).toObject());
    m_result.finishReason = o.value(QStringLiteral("stop_reason")).toString();
    QStringList texts;
    for (const QJsonValue &b : o.value(QStringLiteral("content")).toArray()) {
        const QJsonObject block = b.toObject();
        const QString type = block.value(QStringLiteral("type")).toString();
        if (type == u"text")
            texts << block.value(QStringLiteral("text")).toString();
        else if (type == u"thinking")
            m_result.thinking += block.value(QStringLiteral("thinking")).toString();
        else if (type == u"tool_use")
            m_result.toolCalls.push_back({ block.value(QStringLiteral("id")).toString(),
                block.value(QStringLiteral("name")).toString(),
                argumentsText(block.value(QStringLiteral("input"))) });
    }
    m_result.text = texts.join(QString());
    m_complete = true;
    return true;
}

} // namespace tg
