// ChatMessages::parse: the shapes of whole payloads and messages (parts are in chatparts.cpp).
#include "chatmessages.h"
#include "chatparts_p.h"
#include "mapping/flatjson.h"

namespace tg {

using namespace chatdetail;

/// Reads values into a ChatMessages; one instance per parse.
class ChatParser
{
public:
    explicit ChatParser(ChatMessages::Side side)
        : m_side(side)
    {
    }

    ChatMessages run(const FlatJsonValue &value, int depth = 0)
    {
        if (!readTop(value, depth)) {
            m_out = ChatMessages();
            return std::move(m_out);
        }
        if (m_out.m_messages.empty() && m_out.m_tools.empty()) {
            m_out = ChatMessages();
            return std::move(m_out);
        }
        m_out.m_format = decideFormat();
        return std::move(m_out);
    }

private:
    QString sideRole() const
    {
        return m_side == ChatMessages::Input ? QStringLiteral("user") : QStringLiteral("assistant");
    }

    ChatFormat decideFormat() const
    {
        if (m_container != ChatFormat::None)
            return m_container;
        if (m_seen.gemini)
            return ChatFormat::Gemini;
        if (m_seen.responses)
            return ChatFormat::OpenAIResponses;
        if (m_seen.otel)
            return ChatFormat::OtelGenAi;
        if (m_seen.anthropic)
            return ChatFormat::Anthropic;
        if (m_seen.langchain)
            return ChatFormat::LangChain;
        if (m_onlyText)
            return ChatFormat::Text;
        return ChatFormat::OpenAIChat;
    }

    void addText(const QString &role, QString text)
    {
        if (text.isEmpty())
            return;
        ChatMessage m;
        m.role = role;
        ChatPart p;
        p.text = std::move(text);
        m.parts.push_back(std::move(p));
        m_out.m_messages.push_back(std::move(m));
    }

    bool readTop(const FlatJsonValue &v, int depth)
    {
        if (v.isString()) {
            QByteArray scratch;
            const QByteArrayView raw = v.stringView(scratch);
            const QByteArrayView trimmed = raw.trimmed();
            // SDKs often record JSON as a string; look inside once.
            if (depth == 0 && (trimmed.startsWith('[') || trimmed.startsWith('{'))) {
                FlatJson inner;
                if (inner.parse(trimmed.toByteArray())) {
                    ChatMessages nested = ChatParser(m_side).run(inner.root(), depth + 1);
                    if (nested.isChat() && nested.format() != ChatFormat::Text) {
                        m_out = std::move(nested);
                        m_container = m_out.m_format;
                        return true;
                    }
                }
            }
            m_onlyText = true;
            addText(sideRole(), v.toString());
            return true;
        }
        if (v.isArray())
            return readList(v);
        if (v.isObject())
            return readObject(v);
        return false;
    }

    /// A list of messages (or strings, or LangChain's list of lists).
    bool readList(const FlatJsonValue &list)
    {
        if (list.size() == 0)
            return false;
        bool ok = true;
        bool allStrings = true;
        list.forEachElement([&](const FlatJsonValue &item) {
            if (!ok)
                return;
            if (item.isString()) {
                addText(sideRole(), item.toString());
                return;
            }
            allStrings = false;
            if (item.isArray()) {
                ok = readList(item);
                return;
            }
            ok = item.isObject() && readMessage(item);
        });
        if (ok && allStrings)
            m_onlyText = true;
        return ok;
    }

    bool readObject(const FlatJsonValue &o)
    {
        if (const FlatJsonValue messages = o.value("messages"); messages.isArray()) {
            if (const FlatJsonValue system = o.value("system"); !system.isMissing()) {
                m_seen.anthropic = true;
                addSystem(system);
            }
            if (const FlatJsonValue instructions = o.value("instructions"); instructions.isString())
                addText(QStringLiteral("system"), instructions.toString());
            readTools(o.value("tools"));
            return messages.size() == 0 ? !m_out.m_messages.empty() || !m_out.m_tools.empty()
                                        : readList(messages);
        }
        if (const FlatJsonValue contents = o.value("contents"); !contents.isMissing()) {
            m_container = ChatFormat::Gemini;
            const FlatJsonValue system = firstOf(o, { "systemInstruction", "system_instruction" });
            const FlatJsonValue config = o.value("config");
            addSystem(
                system.isMissing() ? firstOf(config, { "systemInstruction", "system_instruction" }) : system);
            readTools(o.value("tools").isMissing() ? config.value("tools") : o.value("tools"));
            if (contents.isString()) {
                addText(QStringLiteral("user"), contents.toString());
                return true;
            }
            if (contents.isObject())
                return readMessage(contents);
            return contents.isArray() && readGeminiContents(contents);
        }
        if (const FlatJsonValue candidates = o.value("candidates"); candidates.isArray()) {
            m_container = ChatFormat::Gemini;
            candidates.forEachElement([&](const FlatJsonValue &c) {
                const FlatJsonValue content = c.value("content");
                if (content.isObject() && readMessage(content) && !m_out.m_messages.empty())
                    m_out.m_messages.back().finishReason
                        = textOf(firstOf(c, { "finishReason", "finish_reason" }));
            });
            return true;
        }
        if (const FlatJsonValue choices = o.value("choices"); choices.isArray()) {
            m_seen.openai = true;
            bool any = false;
            choices.forEachElement([&](const FlatJsonValue &c) {
                const FlatJsonValue message = firstOf(c, { "message", "delta" });
                const size_t before = m_out.m_messages.size();
                if (message.isObject())
                    readMessage(message);
                else if (c.value("text").isString())
                    addText(QStringLiteral("assistant"), stringOf(c, "text"));
                if (m_out.m_messages.size() > before) {
                    any = true;
                    m_out.m_messages.back().finishReason = stringOf(c, "finish_reason");
                }
            });
            return any || choices.size() == 0;
        }
        if (const FlatJsonValue generations = o.value("generations"); generations.isArray()) {
            m_container = ChatFormat::LangChain;
            bool ok = true;
            generations.forEachElement([&](const FlatJsonValue &batch) {
                const auto readGeneration = [&](const FlatJsonValue &g) {
                    if (g.value("message").isObject())
                        ok = readMessage(g.value("message")) && ok;
                    else if (g.value("text").isString())
                        addText(QStringLiteral("assistant"), stringOf(g, "text"));
                };
                if (batch.isArray())
                    batch.forEachElement(readGeneration);
                else if (batch.isObject())
                    readGeneration(batch);
            });
            return ok;
        }
        const FlatJsonValue output = o.value("output");
        if (output.isArray() && (stringOf(o, "object") == u"response" || looksLikeItems(output))) {
            m_container = ChatFormat::OpenAIResponses;
            return readList(output);
        }
        const FlatJsonValue input = o.value("input");
        const FlatJsonValue instructions = o.value("instructions");
        if ((input.isArray() && looksLikeItems(input)) || (input.isString() && instructions.isString())) {
            m_container = ChatFormat::OpenAIResponses;
            if (instructions.isString())
                addText(QStringLiteral("system"), instructions.toString());
            readTools(o.value("tools"));
            if (input.isString()) {
                addText(QStringLiteral("user"), input.toString());
                return true;
            }
            return readList(input);
        }
        return readMessage(o);
    }

    /// True when an array holds Responses API items or role-bearing messages.
    static bool looksLikeItems(const FlatJsonValue &list)
    {
        bool items = list.size() > 0;
        list.forEachElement([&](const FlatJsonValue &item) {
            const QString type = stringOf(item, "type");
            items = items && item.isObject()
                && (!stringOf(item, "role").isEmpty() || type == u"message" || type == u"function_call"
                    || type == u"function_call_output" || type == u"reasoning");
        });
        return items;
    }

    bool readGeminiContents(const FlatJsonValue &contents)
    {
        bool ok = true;
        contents.forEachElement([&](const FlatJsonValue &c) {
            if (!ok)
                return;
            if (c.isString()) {
                addText(QStringLiteral("user"), c.toString());
            } else if (c.isObject() && !c.value("parts").isUndefined()) {
                ok = readMessage(c);
            } else if (c.isObject()) {
                // A bare part: ["hi", {"inlineData": ...}] is one user turn in the Python SDK.
                ChatMessage m;
                m.role = QStringLiteral("user");
                appendBlock(c, m.parts, m_seen);
                m_out.m_messages.push_back(std::move(m));
            } else {
                ok = false;
            }
        });
        return ok;
    }

    void addSystem(const FlatJsonValue &system)
    {
        if (system.isMissing())
            return;
        ChatMessage m;
        m.role = QStringLiteral("system");
        const FlatJsonValue parts = system.isObject() ? system.value("parts") : FlatJsonValue();
        appendContent(parts.isUndefined() ? system : parts, m.parts, m_seen);
        if (!m.parts.empty())
            m_out.m_messages.push_back(std::move(m));
    }

    void readTools(const FlatJsonValue &tools)
    {
        if (!tools.isArray())
            return;
        tools.forEachElement([&](const FlatJsonValue &t) {
            if (!t.isObject())
                return;
            const FlatJsonValue declarations
                = firstOf(t, { "functionDeclarations", "function_declarations" });
            if (declarations.isArray()) {
                declarations.forEachElement([&](const FlatJsonValue &d) { addTool(d); });
                return;
            }
            const FlatJsonValue function = t.value("function");
            addTool(function.isObject() ? function : t);
        });
    }

    void addTool(const FlatJsonValue &d)
    {
        ChatToolDefinition tool;
        tool.name = stringOf(d, "name");
        if (tool.name.isEmpty())
            tool.name = stringOf(d, "type"); // built-in tools: {"type": "web_search"}
        tool.description = stringOf(d, "description");
        tool.parameters
            = textOf(firstOf(d, { "parameters", "input_schema", "inputSchema", "parametersJsonSchema" }));
        if (!tool.name.isEmpty())
            m_out.m_tools.push_back(std::move(tool));
    }

    static ChatToolCall callFrom(const FlatJsonValue &tc)
    {
        ChatToolCall call;
        const FlatJsonValue function = tc.value("function");
        call.id = textOf(firstOf(tc, { "id", "call_id", "tool_call.id" }));
        if (function.isObject()) {
            call.name = stringOf(function, "name");
            call.arguments = textOf(function.value("arguments"));
        } else {
            call.name = textOf(firstOf(tc, { "name", "tool_call.function.name" }));
            call.arguments = textOf(firstOf(tc, { "args", "arguments", "tool_call.function.arguments" }));
        }
        return call;
    }

    void addCalls(const FlatJsonValue &calls, ChatMessage &m)
    {
        calls.forEachElement([&](const FlatJsonValue &tc) {
            if (!tc.isObject())
                return;
            if (tc.value("function").isObject())
                m_seen.openai = true;
            else if (!tc.value("args").isUndefined())
                m_seen.langchain = true;
            ChatPart part;
            part.kind = ChatPart::Kind::ToolCall;
            part.toolCall = callFrom(tc);
            m.parts.push_back(std::move(part));
        });
    }

    /// One message object of any supported shape; false when it is not a message at all.
    bool readMessage(const FlatJsonValue &m)
    {
        const QString type = stringOf(m, "type");
        // OpenAI Responses items.
        if (type == u"function_call" || type == u"custom_tool_call") {
            m_seen.responses = true;
            ChatMessage msg;
            msg.role = QStringLiteral("assistant");
            ChatPart part;
            part.kind = ChatPart::Kind::ToolCall;
            part.toolCall.id = textOf(firstOf(m, { "call_id", "id" }));
            part.toolCall.name = stringOf(m, "name");
            part.toolCall.arguments = textOf(firstOf(m, { "arguments", "input" }));
            msg.parts.push_back(std::move(part));
            m_out.m_messages.push_back(std::move(msg));
            return true;
        }
        if (type == u"function_call_output" || type == u"custom_tool_call_output") {
            m_seen.responses = true;
            ChatMessage msg;
            msg.role = QStringLiteral("tool");
            ChatPart part;
            part.kind = ChatPart::Kind::ToolResult;
            part.toolCall.id = stringOf(m, "call_id");
            part.text = textOf(m.value("output"));
            msg.parts.push_back(std::move(part));
            m_out.m_messages.push_back(std::move(msg));
            return true;
        }
        if (type == u"reasoning") {
            ChatMessage msg;
            msg.role = QStringLiteral("assistant");
            appendBlock(m, msg.parts, m_seen);
            m_out.m_messages.push_back(std::move(msg));
            return true;
        }
        // LangChain serialised messages: {"lc":1,"type":"constructor","id":[...,
        // "HumanMessage"],"kwargs":{...}}.
        if (type == u"constructor" && m.value("kwargs").isObject()) {
            m_seen.langchain = true;
            QString cls;
            m.value("id").forEachElement([&](const FlatJsonValue &part) { cls = part.toString(); });
            const FlatJsonValue kwargs = m.value("kwargs");
            return readMessageWithRole(kwargs, langChainClassRole(cls, stringOf(kwargs, "role")));
        }
        QString role = stringOf(m, "role");
        if (role.isEmpty() && !type.isEmpty() && type != u"message") {
            static const QStringList langChainTypes { QStringLiteral("human"), QStringLiteral("ai"),
                QStringLiteral("system"), QStringLiteral("tool"), QStringLiteral("function"),
                QStringLiteral("chat"), QStringLiteral("generic"), QStringLiteral("developer"),
                QStringLiteral("AIMessageChunk") };
            if (!langChainTypes.contains(type))
                return false;
            m_seen.langchain = true;
            role = type == u"chat" || type == u"generic" ? stringOf(m, "role") : type;
        }
        if (role.isEmpty())
            role = stringOf(m, "message.role"); // OpenInference, flattened
        if (role.isEmpty()) {
            // Gemini candidates may omit the role; content-only objects are the side's voice.
            if (m.value("parts").isArray() || (type == u"message" && m.value("content").isArray()))
                role = sideRole();
            else
                return false;
        }
        return readMessageWithRole(m, role);
    }

    static QString langChainClassRole(const QString &cls, const QString &chatRole)
    {
        if (cls.startsWith(u"Human"))
            return QStringLiteral("user");
        if (cls.startsWith(u"AI"))
            return QStringLiteral("assistant");
        if (cls.startsWith(u"System"))
            return QStringLiteral("system");
        if (cls.startsWith(u"Tool") || cls.startsWith(u"Function"))
            return QStringLiteral("tool");
        return chatRole.isEmpty() ? cls : chatRole;
    }

    bool readMessageWithRole(const FlatJsonValue &m, const QString &rawRole)
    {
        ChatMessage msg;
        msg.role = ChatMessages::normalizeRole(rawRole);
        msg.name = stringOf(m, "name");
        const FlatJsonValue parts = m.value("parts");
        FlatJsonValue content = m.value("content");
        if (content.isUndefined())
            content = parts;
        if (content.isUndefined())
            content = m.value("message.content");
        if (content.isUndefined() && m.value("text").isString())
            content = m.value("text");
        if (parts.isArray()) {
            bool typed = false;
            parts.forEachElement(
                [&](const FlatJsonValue &p) { typed = typed || !stringOf(p, "type").isEmpty(); });
            if (typed)
                m_seen.otel = true;
        }
        if (stringOf(m, "type") == u"message" && !m.value("stop_reason").isUndefined())
            m_seen.anthropic = true;
        if (content.isObject() && !content.value("parts").isUndefined())
            content = content.value("parts"); // Gemini "content": {"parts": [...]}
        appendContent(content, msg.parts, m_seen);

        addCalls(m.value("tool_calls"), msg);
        addCalls(m.value("additional_kwargs").value("tool_calls"), msg);
        addCalls(m.value("message.tool_calls"), msg);
        if (const FlatJsonValue fc = m.value("function_call"); fc.isObject()) {
            m_seen.openai = true;
            ChatPart part;
            part.kind = ChatPart::Kind::ToolCall;
            part.toolCall = callFrom(fc);
            msg.parts.push_back(std::move(part));
        }

        if (msg.role == u"tool") {
            // A tool message answers one call: its text becomes the result of that call.
            const QString callId
                = textOf(firstOf(m, { "tool_call_id", "message.tool_call_id", "tool_use_id" }));
            bool hasResult = false;
            for (const ChatPart &p : msg.parts)
                hasResult = hasResult || p.kind == ChatPart::Kind::ToolResult;
            if (!hasResult) {
                ChatPart result;
                result.kind = ChatPart::Kind::ToolResult;
                result.toolCall.id = callId;
                result.toolCall.name = msg.name;
                std::vector<ChatPart> rest;
                QStringList texts;
                for (ChatPart &p : msg.parts) {
                    if (p.kind == ChatPart::Kind::Text)
                        texts.append(p.text);
                    else
                        rest.push_back(std::move(p));
                }
                result.text = texts.join(QStringLiteral("\n\n"));
                result.isError = stringOf(m, "status") == u"error";
                msg.parts.clear();
                msg.parts.push_back(std::move(result));
                for (ChatPart &p : rest)
                    msg.parts.push_back(std::move(p));
            }
        }
        msg.finishReason = textOf(firstOf(m, { "finish_reason", "finishReason", "stop_reason" }));
        if (msg.parts.empty() && msg.finishReason.isEmpty())
            return true; // an empty turn (content null, no calls): nothing to show, still a message
        m_out.m_messages.push_back(std::move(msg));
        return true;
    }

    ChatMessages::Side m_side;
    ChatMessages m_out;
    Seen m_seen;
    ChatFormat m_container = ChatFormat::None;
    bool m_onlyText = false;
};

ChatMessages ChatMessages::fromValue(const FlatJsonValue &value, Side side)
{
    if (value.isUndefined())
        return {};
    return ChatParser(side).run(value);
}

ChatMessages ChatMessages::parse(QByteArrayView json, Side side)
{
    const QByteArrayView trimmed = json.trimmed();
    if (trimmed.isEmpty() || trimmed == "null")
        return {};
    FlatJson doc;
    if (!doc.parse(trimmed.toByteArray())) {
        // Not JSON: recorded as plain text.
        ChatMessages out;
        ChatMessage m;
        m.role = side == Input ? QStringLiteral("user") : QStringLiteral("assistant");
        ChatPart p;
        p.text = QString::fromUtf8(trimmed);
        m.parts.push_back(std::move(p));
        out.m_messages.push_back(std::move(m));
        out.m_format = ChatFormat::Text;
        return out;
    }
    return fromValue(doc.root(), side);
}

} // namespace tg
