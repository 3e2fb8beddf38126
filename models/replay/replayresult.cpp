#include "replayresult.h"

#include "chat/chatmessages.h"

#include <QJsonDocument>

namespace tg {

QString renderToolCalls(const std::vector<ReplayToolCall> &calls)
{
    QStringList lines;
    for (const ReplayToolCall &c : calls) {
        // Arguments compact and key-sorted, so formatting alone never shows up as a change.
        const QJsonDocument doc = QJsonDocument::fromJson(c.arguments.toUtf8());
        const QString args
            = doc.isNull() ? c.arguments : QString::fromUtf8(doc.toJson(QJsonDocument::Compact));
        lines << QStringLiteral("→ %1 %2").arg(c.name, args);
    }
    return lines.join(u'\n');
}

QString ReplayResult::comparableText() const
{
    const QString calls = renderToolCalls(toolCalls);
    if (calls.isEmpty())
        return text;
    return text.isEmpty() ? calls : text + QStringLiteral("\n\n") + calls;
}

QString comparableOutputText(const QByteArray &recordedOutput)
{
    const ChatMessages chat = ChatMessages::parse(recordedOutput, ChatMessages::Output);
    if (!chat.isChat()) {
        const QByteArray trimmed = recordedOutput.trimmed();
        return trimmed == "null" ? QString() : QString::fromUtf8(trimmed);
    }
    QStringList texts;
    std::vector<ReplayToolCall> calls;
    for (const ChatMessage &m : chat.messages()) {
        if (m.role != u"assistant")
            continue;
        const QString text = m.text();
        if (!text.isEmpty())
            texts << text;
        for (const ChatToolCall &c : m.toolCalls())
            calls.push_back({ c.id, c.name, c.arguments });
    }
    QString out = texts.join(QStringLiteral("\n\n"));
    const QString rendered = renderToolCalls(calls);
    if (!rendered.isEmpty())
        out = out.isEmpty() ? rendered : out + QStringLiteral("\n\n") + rendered;
    return out;
}

} // namespace tg
