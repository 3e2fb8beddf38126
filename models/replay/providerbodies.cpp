#include "providerbodies.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

namespace tg {

namespace {

using Severity = FidelityNote::Severity;

QString tr(const char *text)
{
    return QCoreApplication::translate("ProviderBodies", text);
}

QJsonValue parsed(const QByteArray &json)
{
    if (json.isEmpty())
        return QJsonValue::Undefined;
    const QJsonDocument doc = QJsonDocument::fromJson("[" + json + "]");
    return doc.isArray() ? doc.array().at(0) : QJsonValue(QJsonValue::Undefined);
}

QJsonObject schemaOf(const QString &parameters)
{
    const QJsonDocument doc = QJsonDocument::fromJson(parameters.toUtf8());
    if (doc.isObject() && !doc.object().isEmpty())
        return doc.object();
    return QJsonObject { { QStringLiteral("type"), QStringLiteral("object") },
        { QStringLiteral("properties"), QJsonObject() } };
}

void add(std::vector<FidelityNote> &notes, Severity severity, const QString &text)
{
    for (const FidelityNote &n : notes) {
        if (n.text == text)
            return;
    }
    notes.push_back({ severity, text });
}

QByteArray finish(QJsonObject body)
{
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

} // namespace

bool usesMaxCompletionTokens(const QString &model)
{
    static const QRegularExpression reasoning(QStringLiteral("^(openai/)?(o\\d|gpt-5)"));
    return reasoning.match(model.toLower()).hasMatch();
}

ProviderBody openAiChatBody(const ReplayRequest &request, bool stream)
{
    ProviderBody out;
    QJsonArray messages;
    for (const ReplayMessage &m : request.messages) {
        QJsonObject o { { QStringLiteral("role"), m.role } };
        if (m.role == u"tool") {
            o.insert(QStringLiteral("tool_call_id"), m.toolCallId);
            o.insert(QStringLiteral("content"), m.content);
        } else if (m.role == u"user" && !m.imageUrls.isEmpty()) {
            QJsonArray parts;
            if (!m.content.isEmpty())
                parts.append(QJsonObject { { QStringLiteral("type"), QStringLiteral("text") },
                    { QStringLiteral("text"), m.content } });
            for (const QString &url : m.imageUrls)
                parts.append(QJsonObject { { QStringLiteral("type"), QStringLiteral("image_url") },
                    { QStringLiteral("image_url"), QJsonObject { { QStringLiteral("url"), url } } } });
            o.insert(QStringLiteral("content"), parts);
        } else if (m.role == u"assistant" && !m.toolCalls.empty()) {
            o.insert(QStringLiteral("content"),
                m.content.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(m.content));
            QJsonArray calls;
            for (const ReplayToolCall &call : m.toolCalls)
                calls.append(QJsonObject { { QStringLiteral("id"), call.id },
                    { QStringLiteral("type"), QStringLiteral("function") },
                    { QStringLiteral("function"),
                        QJsonObject { { QStringLiteral("name"), call.name },
                            { QStringLiteral("arguments"),
                                call.arguments.isEmpty() ? QStringLiteral("{}") : call.arguments } } } });
            o.insert(QStringLiteral("tool_calls"), calls);
        } else {
            o.insert(QStringLiteral("content"), m.content);
        }
        messages.append(o);
    }

    QJsonObject body { { QStringLiteral("model"), request.model }, { QStringLiteral("messages"), messages } };
    if (!request.tools.empty()) {
        QJsonArray tools;
        for (const ReplayTool &tool : request.tools) {
            QJsonObject function { { QStringLiteral("name"), tool.name },
                { QStringLiteral("parameters"), schemaOf(tool.parameters) } };
            if (!tool.description.isEmpty())
                function.insert(QStringLiteral("description"), tool.description);
            tools.append(QJsonObject { { QStringLiteral("type"), QStringLiteral("function") },
                { QStringLiteral("function"), function } });
        }
        body.insert(QStringLiteral("tools"), tools);
    }
    const ReplayParameters &p = request.parameters;
    for (auto it = p.extra.begin(); it != p.extra.end(); ++it) {
        if (it.key() == u"thinking") // Anthropic's extended thinking; Chat Completions rejects it
            add(out.notes, Severity::Lost,
                tr("OpenAI-compatible: \"thinking\" is Anthropic's; it was not sent."));
        else
            body.insert(it.key(), it.value());
    }
    if (p.temperature)
        body.insert(QStringLiteral("temperature"), *p.temperature);
    if (p.topP)
        body.insert(QStringLiteral("top_p"), *p.topP);
    if (p.maxTokens) {
        const bool completion = usesMaxCompletionTokens(request.model);
        body.insert(completion ? QStringLiteral("max_completion_tokens") : QStringLiteral("max_tokens"),
            double(*p.maxTokens));
    }
    if (!p.stop.isEmpty())
        body.insert(QStringLiteral("stop"), QJsonArray::fromStringList(p.stop));
    if (p.seed)
        body.insert(QStringLiteral("seed"), double(*p.seed));
    if (const QJsonValue format = parsed(p.responseFormat); format.isObject())
        body.insert(QStringLiteral("response_format"), format);
    if (const QJsonValue choice = parsed(p.toolChoice); !choice.isUndefined() && !request.tools.empty())
        body.insert(QStringLiteral("tool_choice"), choice);
    if (stream) {
        body.insert(QStringLiteral("stream"), true);
        body.insert(
            QStringLiteral("stream_options"), QJsonObject { { QStringLiteral("include_usage"), true } });
    }
    out.json = finish(body);
    return out;
}

ProviderBody anthropicMessagesBody(const ReplayRequest &request, bool stream)
{
    ProviderBody out;
    QStringList system;
    QJsonArray messages;
    QString lastRole;
    bool seenNonSystem = false;
    // Appends blocks to the last turn when it has the same role (Anthropic wants alternation).
    const auto append = [&](const QString &role, const QJsonArray &blocks) {
        if (blocks.isEmpty())
            return;
        if (lastRole == role && !messages.isEmpty()) {
            QJsonObject last = messages.last().toObject();
            QJsonArray content = last.value(QStringLiteral("content")).toArray();
            for (const QJsonValue &b : blocks)
                content.append(b);
            last.insert(QStringLiteral("content"), content);
            messages.replace(messages.size() - 1, last);
            return;
        }
        messages.append(
            QJsonObject { { QStringLiteral("role"), role }, { QStringLiteral("content"), blocks } });
        lastRole = role;
    };
    const auto text = [](const QString &t) {
        return QJsonObject { { QStringLiteral("type"), QStringLiteral("text") },
            { QStringLiteral("text"), t } };
    };

    for (const ReplayMessage &m : request.messages) {
        if (m.role == u"system") {
            if (seenNonSystem)
                add(out.notes, Severity::Info,
                    tr("Anthropic: system messages after the start were moved into the top-level system "
                       "prompt."));
            if (!m.content.isEmpty())
                system << m.content;
            continue;
        }
        seenNonSystem = true;
        QJsonArray blocks;
        if (m.role == u"tool") {
            QJsonObject result { { QStringLiteral("type"), QStringLiteral("tool_result") },
                { QStringLiteral("tool_use_id"), m.toolCallId }, { QStringLiteral("content"), m.content } };
            if (m.isError)
                result.insert(QStringLiteral("is_error"), true);
            blocks.append(result);
            append(QStringLiteral("user"), blocks);
            continue;
        }
        if (!m.content.isEmpty())
            blocks.append(text(m.content));
        for (const QString &url : m.imageUrls)
            blocks.append(QJsonObject { { QStringLiteral("type"), QStringLiteral("image") },
                { QStringLiteral("source"),
                    QJsonObject { { QStringLiteral("type"), QStringLiteral("url") },
                        { QStringLiteral("url"), url } } } });
        for (const ReplayToolCall &call : m.toolCalls) {
            const QJsonDocument arguments = QJsonDocument::fromJson(call.arguments.toUtf8());
            if (!arguments.isObject() && !call.arguments.trimmed().isEmpty())
                add(out.notes, Severity::Lost,
                    tr("Anthropic: the arguments of the call %1 are not a JSON object; sent as {}.")
                        .arg(call.name));
            blocks.append(QJsonObject { { QStringLiteral("type"), QStringLiteral("tool_use") },
                { QStringLiteral("id"), call.id }, { QStringLiteral("name"), call.name },
                { QStringLiteral("input"), arguments.isObject() ? arguments.object() : QJsonObject() } });
        }
        if (blocks.isEmpty()) {
            add(out.notes, Severity::Info, tr("Anthropic: empty messages were left out (it rejects them)."));
            continue;
        }
        append(m.role == u"assistant" ? QStringLiteral("assistant") : QStringLiteral("user"), blocks);
    }
    if (!messages.isEmpty()
        && messages.first().toObject().value(QStringLiteral("role")).toString() != u"user")
        add(out.notes, Severity::Warning,
            tr("Anthropic: the conversation does not start with a user message."));

    const ReplayParameters &p = request.parameters;
    QJsonObject body { { QStringLiteral("model"), request.model }, { QStringLiteral("messages"), messages } };
    if (!system.isEmpty())
        body.insert(QStringLiteral("system"), system.join(QStringLiteral("\n\n")));
    if (p.maxTokens) {
        body.insert(QStringLiteral("max_tokens"), double(*p.maxTokens));
    } else {
        body.insert(QStringLiteral("max_tokens"), 4096);
        add(out.notes, Severity::Info, tr("Anthropic: max_tokens is required; 4096 was used."));
    }
    if (!request.tools.empty()) {
        QJsonArray tools;
        for (const ReplayTool &tool : request.tools) {
            QJsonObject o { { QStringLiteral("name"), tool.name },
                { QStringLiteral("input_schema"), schemaOf(tool.parameters) } };
            if (!tool.description.isEmpty())
                o.insert(QStringLiteral("description"), tool.description);
            tools.append(o);
        }
        body.insert(QStringLiteral("tools"), tools);
    }
    if (p.temperature) {
        if (*p.temperature > 1.0)
            add(out.notes, Severity::Warning,
                tr("Anthropic: temperature %1 is above its maximum of 1; 1 was sent.").arg(*p.temperature));
        body.insert(QStringLiteral("temperature"), std::min(*p.temperature, 1.0));
    }
    if (p.topP)
        body.insert(QStringLiteral("top_p"), *p.topP);
    if (!p.stop.isEmpty())
        body.insert(QStringLiteral("stop_sequences"), QJsonArray::fromStringList(p.stop));
    if (p.seed)
        add(out.notes, Severity::Lost, tr("Anthropic: there is no seed parameter; it was not sent."));
    if (!p.responseFormat.isEmpty())
        add(out.notes, Severity::Lost,
            tr("Anthropic: response_format has no equivalent; ask for the format in the prompt."));

    const QJsonValue choice = parsed(p.toolChoice);
    QJsonObject toolChoice;
    if (choice.isString()) {
        const QString c = choice.toString();
        toolChoice.insert(QStringLiteral("type"), c == u"required" ? QStringLiteral("any") : c);
    } else if (choice.isObject()) {
        toolChoice = QJsonObject {
            { QStringLiteral("type"), QStringLiteral("tool") },
            { QStringLiteral("name"),
                choice.toObject().value(QStringLiteral("function")).toObject().value(QStringLiteral("name")) }
        };
    }
    for (auto it = p.extra.begin(); it != p.extra.end(); ++it) {
        if (it.key() == u"top_k" || it.key() == u"thinking") {
            body.insert(it.key(), it.value());
        } else if (it.key() == u"user") {
            body.insert(
                QStringLiteral("metadata"), QJsonObject { { QStringLiteral("user_id"), it.value() } });
        } else if (it.key() == u"parallel_tool_calls" && it.value().isBool() && !request.tools.empty()) {
            if (toolChoice.isEmpty())
                toolChoice.insert(QStringLiteral("type"), QStringLiteral("auto"));
            toolChoice.insert(QStringLiteral("disable_parallel_tool_use"), !it.value().toBool());
        } else {
            add(out.notes, Severity::Lost,
                tr("Anthropic: %1 is not supported; it was not sent.").arg(it.key()));
        }
    }
    if (!toolChoice.isEmpty() && !request.tools.empty())
        body.insert(QStringLiteral("tool_choice"), toolChoice);
    if (stream)
        body.insert(QStringLiteral("stream"), true);
    out.json = finish(body);
    return out;
}

} // namespace tg
