#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QMetaType>
#include <QString>

#include <vector>

namespace tg {

class FlatJsonValue;

/// The message shapes ChatMessages recognises.
enum class ChatFormat : quint8 {
    None, ///< not a conversation (a tool's arguments, a number, ...)
    Text, ///< a plain string, shown as one message
    OpenAIChat, ///< Chat Completions messages, requests ({messages, tools}) and responses ({choices})
    OpenAIResponses, ///< Responses API items (input/output arrays of message, function_call, reasoning)
    Anthropic, ///< Messages API: content blocks, tool_use/tool_result, thinking, {system, messages}
    Gemini, ///< contents/parts, functionCall/functionResponse, inlineData, {candidates}
    OtelGenAi, ///< OpenTelemetry gen_ai messages: {role, parts:[{type: text|tool_call|...}]}
    LangChain, ///< human/ai/system/tool messages, serialised constructors, {generations}
};

/// A short display name ("OpenAI chat", "OTel gen_ai", ...).
QString chatFormatName(ChatFormat format);

/// One tool call an assistant made.
struct ChatToolCall
{
    QString id;
    QString name;
    QString arguments; ///< JSON text as given (providers send strings or objects)

    bool operator==(const ChatToolCall &other) const = default;
};

/// One piece of a message's content.
struct ChatPart
{
    enum class Kind : quint8 {
        Text,
        Thinking, ///< reasoning / thinking blocks (text may be empty when redacted)
        ToolCall, ///< `toolCall` holds id, name, arguments
        ToolResult, ///< `toolCall.id` is the call it answers; `text` the result (text or JSON)
        Image, ///< `mimeType`, `byteSize` of inline data, or `url`
        Audio,
        File,
        Refusal,
        Other, ///< a block of an unknown type; `text` is its compact JSON
    };

    Kind kind = Kind::Text;
    QString text;
    ChatToolCall toolCall;
    QString mimeType;
    qint64 byteSize = -1; ///< decoded size of inline (base64) data; -1 when only referenced
    QString url; ///< a URL, file id or media reference; never inline data
    bool isError = false; ///< a tool result marked as failed
    bool redacted = false; ///< thinking that the provider redacted

    bool operator==(const ChatPart &other) const = default;
};

/// One message: a role and its parts in order.
struct ChatMessage
{
    QString role; ///< "system", "developer", "user", "assistant", "tool", or the role as given
    QString name; ///< participant or tool name, when given
    std::vector<ChatPart> parts;
    QString finishReason;

    /// The text parts joined by blank lines.
    QString text() const;
    /// The tool calls of this message.
    std::vector<ChatToolCall> toolCalls() const;
    bool hasKind(ChatPart::Kind kind) const;
    int countKind(ChatPart::Kind kind) const;

    bool operator==(const ChatMessage &other) const = default;
};

/// A tool offered to the model.
struct ChatToolDefinition
{
    QString name;
    QString description;
    QString parameters; ///< JSON schema text

    bool operator==(const ChatToolDefinition &other) const = default;
};

/// A conversation normalised from whatever shape a provider, SDK or OTel instrumentation recorded:
/// inputs and outputs of generations (and traces) become one neutral list of messages with roles,
/// text, tool calls, tool results, images (by size, never decoded), and thinking.
///
///     ChatMessages in = ChatMessages::parse(detail.input, ChatMessages::Input);
///     for (const ChatMessage &m : in.messages()) ...
///
/// Parsing never throws and never guesses wildly: JSON that does not look like a conversation
/// gives format() == ChatFormat::None and no messages.
class ChatMessages
{
public:
    /// Which side a payload is; decides the role of bare text (user for input, assistant for output).
    enum Side { Input, Output };

    ChatMessages() = default;

    /// Normalises a payload given as JSON text (a bare, non-JSON string counts as text).
    static ChatMessages parse(QByteArrayView json, Side side = Input);
    /// Normalises an already parsed value.
    static ChatMessages fromValue(const FlatJsonValue &value, Side side = Input);

    ChatFormat format() const { return m_format; }
    bool isChat() const { return m_format != ChatFormat::None; }
    bool isEmpty() const { return m_messages.empty(); }
    const std::vector<ChatMessage> &messages() const { return m_messages; }
    const std::vector<ChatToolDefinition> &tools() const { return m_tools; }

    /// The last message with this role, or nullptr.
    const ChatMessage *lastWithRole(const QString &role) const;
    /// Total characters of text in all parts (for display budgets).
    qsizetype textSize() const;

    void append(ChatMessage message) { m_messages.push_back(std::move(message)); }
    void setFormat(ChatFormat format) { m_format = format; }

    /// Normalised role: "human" -> "user", "ai"/"model"/"bot" -> "assistant", "function" -> "tool",
    /// lower case otherwise.
    static QString normalizeRole(QStringView role);
    /// Decoded size of base64 text (padding and whitespace aware).
    static qint64 base64DecodedSize(QByteArrayView base64);

private:
    friend class ChatParser;

    ChatFormat m_format = ChatFormat::None;
    std::vector<ChatMessage> m_messages;
    std::vector<ChatToolDefinition> m_tools;
};

} // namespace tg

Q_DECLARE_METATYPE(tg::ChatMessages)
