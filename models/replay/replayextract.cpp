// replayRequestFromGeneration: a recorded generation (any input shape ChatMessages reads, model
// parameters, metadata) -> messages, tools and parameters, with a note for everything that changed.
#include "replayparameters_p.h"
#include "replayrequest.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLocale>

namespace tg {

namespace {

using Severity = FidelityNote::Severity;
using Kind = ChatPart::Kind;

QString tr(const char *text)
{
    return QCoreApplication::translate("ReplayRequest", text);
}

QString sizeText(qint64 bytes)
{
    return bytes < 0 ? QString()
                     : QLocale::c().formattedDataSize(bytes, 1, QLocale::DataSizeTraditionalFormat);
}

QString kindName(Kind kind)
{
    switch (kind) {
    case Kind::Image:
        return tr("image");
    case Kind::Audio:
        return tr("audio");
    case Kind::File:
        return tr("file");
    default:
        return tr("content block");
    }
}

/// Reads messages into the neutral replay shape; one instance per request.
class MessageReader
{
public:
    explicit MessageReader(ReplayRequest &request)
        : m_request(request)
    {
    }

    void read(const ChatMessages &chat)
    {
        int index = 0;
        for (const ChatMessage &m : chat.messages())
            readMessage(m, ++index);
        finish();
    }

private:
    struct OpenCall
    {
        QString id;
        QString name;
        size_t message = 0;
    };

    QString role(const QString &recorded)
    {
        if (recorded == u"system" || recorded == u"user" || recorded == u"assistant" || recorded == u"tool")
            return recorded;
        if (recorded == u"developer") {
            m_request.note(Severity::Info, tr("\"developer\" messages are sent as system messages."));
            return QStringLiteral("system");
        }
        m_request.note(
            Severity::Warning, tr("Messages with the role \"%1\" are sent as user messages.").arg(recorded));
        return QStringLiteral("user");
    }

    void readMessage(const ChatMessage &m, int index)
    {
        ReplayMessage out;
        out.role = role(m.role);
        out.name = out.role == u"tool" ? m.name : QString();
        QStringList texts;
        ReplayMessage *lastTool = nullptr;
        const auto placeholder = [&](const QString &text) {
            if (lastTool && out.role == u"tool")
                lastTool->content += QStringLiteral("\n") + text;
            else
                texts << text;
        };
        for (const ChatPart &p : m.parts) {
            switch (p.kind) {
            case Kind::Text:
                if (!p.text.isEmpty())
                    texts << p.text;
                break;
            case Kind::Refusal:
                texts << p.text;
                m_request.note(Severity::Info, tr("Refusals are sent as plain assistant text."));
                break;
            case Kind::Thinking:
                ++m_thinking;
                break;
            case Kind::ToolCall: {
                ReplayToolCall call;
                call.id = p.toolCall.id;
                call.name = p.toolCall.name;
                call.arguments = p.toolCall.arguments.isEmpty() ? QStringLiteral("{}") : p.toolCall.arguments;
                out.toolCalls.push_back(std::move(call));
                break;
            }
            case Kind::ToolResult: {
                flushText(out, texts);
                ReplayMessage result;
                result.role = QStringLiteral("tool");
                result.toolCallId = p.toolCall.id;
                result.name = p.toolCall.name.isEmpty() ? m.name : p.toolCall.name;
                result.content = p.text;
                result.isError = p.isError;
                m_out.push_back(std::move(result));
                lastTool = &m_out.back();
                break;
            }
            case Kind::Image:
                if (p.url.startsWith(u"http://") || p.url.startsWith(u"https://")) {
                    if (out.role == u"user")
                        out.imageUrls << p.url;
                    else
                        placeholder(QStringLiteral("[image: %1]").arg(p.url));
                    break;
                }
                [[fallthrough]];
            case Kind::Audio:
            case Kind::File:
            case Kind::Other: {
                const QString what = kindName(p.kind);
                QString detail = p.mimeType;
                if (p.byteSize >= 0)
                    detail += (detail.isEmpty() ? QString() : QStringLiteral(", ")) + sizeText(p.byteSize);
                if (!p.url.isEmpty())
                    detail += (detail.isEmpty() ? QString() : QStringLiteral(", ")) + p.url;
                placeholder(
                    QStringLiteral("[%1%2 not carried over]")
                        .arg(what, detail.isEmpty() ? QString() : QStringLiteral(" (") + detail + u')'));
                const QString how = p.kind == Kind::Other
                    ? tr("Message %1: a block of an unknown type was replaced by a placeholder.")
                    : p.url.isEmpty()
                    ? tr("Message %1: %2 recorded inline (%3) was replaced by a placeholder; "
                         "the recording keeps only its size.")
                    : tr("Message %1: %2 (%3) is a reference the provider cannot read; "
                         "replaced by a placeholder.");
                m_request.note(Severity::Lost,
                    p.kind == Kind::Other ? how.arg(index) : how.arg(index).arg(what, detail));
                break;
            }
            }
        }
        flushText(out, texts);
        if (out.role == u"tool" && out.toolCallId.isEmpty() && out.content.isEmpty() && out.toolCalls.empty())
            return;
        if (!out.content.isEmpty() || !out.toolCalls.empty() || !out.imageUrls.isEmpty())
            push(std::move(out));
        else if (m.hasKind(Kind::Thinking))
            m_request.note(Severity::Info, tr("An assistant turn held only reasoning; it was left out."));
    }

    void flushText(ReplayMessage &out, QStringList &texts)
    {
        if (!texts.isEmpty()) {
            out.content += (out.content.isEmpty() ? QString() : QStringLiteral("\n\n"))
                + texts.join(QStringLiteral("\n\n"));
            texts.clear();
        }
    }

    void push(ReplayMessage message)
    {
        // Responses API items put each function call in an item of its own: one assistant turn.
        if (message.role == u"assistant" && message.content.isEmpty() && !message.toolCalls.empty()
            && !m_out.empty() && m_out.back().role == u"assistant") {
            for (ReplayToolCall &call : message.toolCalls)
                m_out.back().toolCalls.push_back(std::move(call));
            return;
        }
        m_out.push_back(std::move(message));
    }

    /// Pairs calls with results: generates missing call ids, matches results by id, else by name.
    void finish()
    {
        int generated = 0;
        std::vector<OpenCall> open;
        for (size_t i = 0; i < m_out.size(); ++i) {
            ReplayMessage &m = m_out[i];
            for (ReplayToolCall &call : m.toolCalls) {
                if (call.id.isEmpty()) {
                    call.id = QStringLiteral("call_%1").arg(++generated);
                    m_request.note(Severity::Info,
                        tr("Tool calls were recorded without ids (as Gemini does); ids were generated to "
                           "pair "
                           "them with their results."));
                }
                open.push_back({ call.id, call.name, i });
            }
            if (m.role != u"tool")
                continue;
            auto match = std::find_if(
                open.begin(), open.end(), [&](const OpenCall &c) { return c.id == m.toolCallId; });
            if (m.toolCallId.isEmpty() || match == open.end()) {
                if (m.toolCallId.isEmpty() || generated > 0) {
                    match = std::find_if(
                        open.begin(), open.end(), [&](const OpenCall &c) { return c.name == m.name; });
                    if (match == open.end() && !open.empty())
                        match = open.begin();
                }
                if (match != open.end()) {
                    m.toolCallId = match->id;
                } else {
                    m_request.note(Severity::Warning,
                        tr("Message %1 is a tool result for a call that is not in the conversation; "
                           "providers "
                           "reject that. Remove it or add the call.")
                            .arg(i + 1));
                    if (m.toolCallId.isEmpty())
                        m.toolCallId = QStringLiteral("call_missing_%1").arg(i + 1);
                    continue;
                }
            }
            if (m.name.isEmpty())
                m.name = match->name;
            open.erase(match);
        }
        for (const OpenCall &call : open) {
            if (call.message + 1 < m_out.size())
                m_request.note(Severity::Warning,
                    tr("The call %1 (%2) in message %3 has no result; providers reject a call without one "
                       "unless it is the last message.")
                        .arg(call.id, call.name)
                        .arg(call.message + 1));
        }
        if (m_thinking > 0)
            m_request.note(Severity::Info,
                QCoreApplication::translate("ReplayRequest",
                    "%n reasoning block(s) were not sent: providers do not accept recorded reasoning.",
                    nullptr, m_thinking));
        m_request.messages = std::move(m_out);
    }

    ReplayRequest &m_request;
    std::vector<ReplayMessage> m_out;
    int m_thinking = 0;
};

/// Tool definitions in any shape ChatMessages reads (OpenAI, Responses, Anthropic, Gemini, OTel).
std::vector<ReplayTool> toolsFrom(const QJsonArray &array)
{
    std::vector<ReplayTool> out;
    if (array.isEmpty())
        return out;
    QJsonObject holder { { QStringLiteral("messages"), QJsonArray() }, { QStringLiteral("tools"), array } };
    const ChatMessages parsed = ChatMessages::parse(QJsonDocument(holder).toJson(QJsonDocument::Compact));
    for (const ChatToolDefinition &d : parsed.tools())
        out.push_back({ d.name, d.description, replaydetail::normalisedSchema(d.parameters) });
    return out;
}

/// A JSON array given as an array or as JSON text in a string.
QJsonArray arrayOf(const QJsonValue &value)
{
    if (value.isArray())
        return value.toArray();
    if (value.isString()) {
        const QJsonDocument doc = QJsonDocument::fromJson(value.toString().toUtf8());
        if (doc.isArray())
            return doc.array();
        if (doc.isObject())
            return QJsonArray { doc.object() };
    }
    return {};
}

/// Tool definitions kept in metadata by OTel instrumentations and SDKs.
std::vector<ReplayTool> toolsFromMetadata(const QJsonObject &metadata, QString *where)
{
    const QJsonObject attributes = metadata.value(QStringLiteral("attributes")).toObject();
    for (const QJsonObject &o : { attributes, metadata }) {
        for (const QString &key : { QStringLiteral("gen_ai.tool.definitions"), QStringLiteral("tools"),
                 QStringLiteral("ai.prompt.tools"), QStringLiteral("llm.tools") }) {
            QJsonArray array = arrayOf(o.value(key));
            if (key == u"ai.prompt.tools") {
                // The AI SDK records each tool as JSON text.
                QJsonArray parsed;
                for (const QJsonValue &v : std::as_const(array))
                    parsed.append(v.isString() ? arrayOf(v).at(0) : v);
                array = parsed;
            }
            std::vector<ReplayTool> tools = toolsFrom(array);
            if (!tools.empty()) {
                *where = key;
                return tools;
            }
        }
        // OpenInference flattens them: llm.tools.0.tool.json_schema = "{...}".
        QJsonArray flattened;
        for (int i = 0;; ++i) {
            const QJsonValue v = o.value(QStringLiteral("llm.tools.%1.tool.json_schema").arg(i));
            if (v.isUndefined())
                break;
            flattened.append(arrayOf(v).at(0));
        }
        std::vector<ReplayTool> tools = toolsFrom(flattened);
        if (!tools.empty()) {
            *where = QStringLiteral("llm.tools");
            return tools;
        }
    }
    return {};
}

/// The input as a JSON value; JSON recorded inside a string is looked into once.
QJsonValue inputValue(const QByteArray &input)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(input, &error);
    if (error.error != QJsonParseError::NoError) {
        // A bare string, or JSON text wrapped in quotes by the recorder.
        const QJsonDocument quoted = QJsonDocument::fromJson("[" + input + "]");
        return quoted.isArray() ? quoted.array().at(0) : QJsonValue(QString::fromUtf8(input));
    }
    if (doc.isObject())
        return doc.object();
    if (doc.isArray())
        return doc.array();
    return {};
}

QJsonObject objectOf(const QByteArray &json)
{
    const QJsonDocument doc = QJsonDocument::fromJson(json);
    if (doc.isObject())
        return doc.object();
    return {};
}

} // namespace

ReplayRequest replayRequestFromGeneration(const QByteArray &input, const QByteArray &modelParameters,
    const QByteArray &metadata, const QString &model)
{
    ReplayRequest request;
    QJsonValue top = inputValue(input.trimmed());
    if (top.isString()) {
        const QJsonDocument inner = QJsonDocument::fromJson(top.toString().toUtf8());
        if (inner.isObject())
            top = inner.object();
        else if (inner.isArray())
            top = inner.array();
    }
    const QJsonObject request0 = top.toObject();

    const ChatMessages chat = ChatMessages::parse(input, ChatMessages::Input);
    request.sourceFormat = chat.format();
    if (chat.isChat() && !chat.isEmpty()) {
        MessageReader(request).read(chat);
        if (chat.format() != ChatFormat::Text)
            request.note(
                Severity::Info, tr("Read from a recorded %1 input.").arg(chatFormatName(chat.format())));
    } else if (!input.trimmed().isEmpty() && input.trimmed() != "null") {
        ReplayMessage user;
        user.role = QStringLiteral("user");
        user.content = top.isString() ? top.toString() : QString::fromUtf8(input.trimmed());
        request.messages.push_back(std::move(user));
        request.note(Severity::Warning,
            tr("The recorded input is not a conversation; it is sent as one user message."));
    } else {
        request.note(Severity::Lost, tr("No input was recorded; write the messages to send."));
    }

    // Tools: with the request, in the model parameters, or in the metadata.
    const QJsonObject parameters = objectOf(modelParameters);
    for (const ChatToolDefinition &d : chat.tools())
        request.tools.push_back({ d.name, d.description, replaydetail::normalisedSchema(d.parameters) });
    if (request.tools.empty()) {
        for (const QString &key : { QStringLiteral("tools"), QStringLiteral("functions") }) {
            request.tools = toolsFrom(arrayOf(parameters.value(key)));
            if (!request.tools.empty()) {
                request.note(Severity::Info, tr("Tool definitions were read from the model parameters."));
                break;
            }
        }
    }
    if (request.tools.empty()) {
        request.tools = toolsFrom(arrayOf(request0.value(QStringLiteral("functions"))));
        if (!request.tools.empty())
            request.note(Severity::Info, tr("Legacy \"functions\" are sent as tools."));
    }
    if (request.tools.empty()) {
        QString where;
        request.tools = toolsFromMetadata(objectOf(metadata), &where);
        if (!request.tools.empty())
            request.note(Severity::Info, tr("Tool definitions were read from the metadata (%1).").arg(where));
    }
    for (const ReplayTool &tool : request.tools) {
        if (tool.parameters.isEmpty() || tool.parameters == u"{}")
            request.note(Severity::Warning,
                tr("The tool \"%1\" has no parameter schema (a provider's built-in tool?); it is sent as a "
                   "function without parameters.")
                    .arg(tool.name));
    }
    if (request.tools.empty() && request.hasToolCalls())
        request.note(Severity::Warning,
            tr("The conversation has tool calls, but no tool definitions were recorded; add them under Tools "
               "or the model cannot call tools."));

    replaydetail::readParameters(request, request0, parameters);
    request.model = model.trimmed();
    if (request.model.isEmpty())
        request.model = request0.value(QStringLiteral("model")).toString();
    if (request.model.isEmpty())
        request.model = parameters.value(QStringLiteral("model")).toString();
    if (request.model.isEmpty())
        request.note(Severity::Warning, tr("No model was recorded; choose one."));
    return request;
}

} // namespace tg
