#include "chatmessages.h"

#include <QCoreApplication>

namespace tg {

QString chatFormatName(ChatFormat format)
{
    switch (format) {
    case ChatFormat::None:
        return QCoreApplication::translate("ChatMessages", "not a conversation");
    case ChatFormat::Text:
        return QCoreApplication::translate("ChatMessages", "text");
    case ChatFormat::OpenAIChat:
        return QStringLiteral("OpenAI chat");
    case ChatFormat::OpenAIResponses:
        return QStringLiteral("OpenAI Responses");
    case ChatFormat::Anthropic:
        return QStringLiteral("Anthropic");
    case ChatFormat::Gemini:
        return QStringLiteral("Gemini");
    case ChatFormat::OtelGenAi:
        return QStringLiteral("OTel gen_ai");
    case ChatFormat::LangChain:
        return QStringLiteral("LangChain");
    }
    return {};
}

QString ChatMessage::text() const
{
    QStringList texts;
    for (const ChatPart &p : parts) {
        if (p.kind == ChatPart::Kind::Text && !p.text.isEmpty())
            texts.append(p.text);
    }
    return texts.join(QStringLiteral("\n\n"));
}

std::vector<ChatToolCall> ChatMessage::toolCalls() const
{
    std::vector<ChatToolCall> calls;
    for (const ChatPart &p : parts) {
        if (p.kind == ChatPart::Kind::ToolCall)
            calls.push_back(p.toolCall);
    }
    return calls;
}

bool ChatMessage::hasKind(ChatPart::Kind kind) const
{
    return countKind(kind) > 0;
}

int ChatMessage::countKind(ChatPart::Kind kind) const
{
    int count = 0;
    for (const ChatPart &p : parts)
        count += p.kind == kind ? 1 : 0;
    return count;
}

const ChatMessage *ChatMessages::lastWithRole(const QString &role) const
{
    for (auto it = m_messages.rbegin(); it != m_messages.rend(); ++it) {
        if (it->role == role)
            return &*it;
    }
    return nullptr;
}

qsizetype ChatMessages::textSize() const
{
    qsizetype size = 0;
    for (const ChatMessage &m : m_messages) {
        for (const ChatPart &p : m.parts)
            size += p.text.size() + p.toolCall.arguments.size();
    }
    return size;
}

QString ChatMessages::normalizeRole(QStringView role)
{
    const QString lower = role.trimmed().toString().toLower();
    if (lower == u"human")
        return QStringLiteral("user");
    if (lower == u"ai" || lower == u"model" || lower == u"bot" || lower == u"aimessagechunk")
        return QStringLiteral("assistant");
    if (lower == u"function" || lower == u"ipython")
        return QStringLiteral("tool");
    return lower;
}

qint64 ChatMessages::base64DecodedSize(QByteArrayView base64)
{
    qint64 chars = 0;
    qint64 padding = 0;
    for (const char c : base64) {
        if (c == '=')
            ++padding;
        else if (c != '\n' && c != '\r' && c != ' ' && c != '\t')
            ++chars;
    }
    if (padding == 0)
        return chars * 3 / 4; // unpadded base64 (base64url often is)
    return (chars + padding) / 4 * 3 - std::min<qint64>(padding, 2);
}

} // namespace tg
