#include "chatparts_p.h"

namespace tg::chatdetail {

namespace {

constexpr std::string_view kMediaPrefix = "@@@langfuseMedia:";

/// "@@@langfuseMedia:type=image/png|id=abc|source=base64_data_uri@@@" -> mime + reference.
bool parseMediaReference(QByteArrayView text, QString *mimeType, QString *reference)
{
    if (!text.startsWith(QByteArrayView(kMediaPrefix.data(), qsizetype(kMediaPrefix.size())))
        || !text.endsWith("@@@"))
        return false;
    const QByteArrayView body
        = text.sliced(qsizetype(kMediaPrefix.size()), text.size() - qsizetype(kMediaPrefix.size()) - 3);
    QString id;
    for (const QByteArrayView field : QByteArray(body.toByteArray()).split('|')) {
        if (field.startsWith("type="))
            *mimeType = QString::fromUtf8(field.sliced(5));
        else if (field.startsWith("id="))
            id = QString::fromUtf8(field.sliced(3));
    }
    *reference = QStringLiteral("langfuse-media:") + id;
    return true;
}

ChatPart textPart(ChatPart::Kind kind, QString text)
{
    ChatPart part;
    part.kind = kind;
    part.text = std::move(text);
    return part;
}

ChatToolCall toolCall(const FlatJsonValue &id, const FlatJsonValue &name, const FlatJsonValue &arguments)
{
    ChatToolCall call;
    call.id = textOf(id);
    call.name = textOf(name);
    call.arguments = textOf(arguments);
    return call;
}

/// A tool result's content: text blocks joined; images inside it become parts of their own.
QString resultText(const FlatJsonValue &content, std::vector<ChatPart> &extra, Seen &seen)
{
    if (content.isArray()) {
        QStringList texts;
        content.forEachElement([&](const FlatJsonValue &item) {
            if (item.isString()) {
                texts.append(item.toString());
                return;
            }
            const QString type = stringOf(item, "type");
            if (type == u"text" || type == u"input_text" || type == u"output_text") {
                texts.append(stringOf(item, "text"));
                return;
            }
            std::vector<ChatPart> parts;
            appendBlock(item, parts, seen);
            for (ChatPart &p : parts) {
                if (p.kind == ChatPart::Kind::Text)
                    texts.append(p.text);
                else
                    extra.push_back(std::move(p));
            }
        });
        return texts.join(QStringLiteral("\n\n"));
    }
    return textOf(content);
}

ChatPart anthropicSource(const FlatJsonValue &source, ChatPart::Kind kind)
{
    const QString sourceType = stringOf(source, "type");
    const QString mime = stringOf(source, "media_type");
    if (sourceType == u"base64")
        return partFromBase64(source.value("data"), mime, kind);
    if (sourceType == u"url")
        return partFromUrl(source.value("url"), kind, mime);
    ChatPart part;
    part.kind = kind;
    part.mimeType = mime;
    if (sourceType == u"file")
        part.url = QStringLiteral("file:") + stringOf(source, "file_id");
    else if (sourceType == u"text")
        part.byteSize = stringOf(source, "data").toUtf8().size();
    return part;
}

} // namespace

QString stringOf(const FlatJsonValue &object, std::string_view key)
{
    const FlatJsonValue v = object.value(key);
    return v.isString() ? v.toString() : QString();
}

QString textOf(const FlatJsonValue &value)
{
    if (value.isMissing())
        return {};
    if (value.isString())
        return value.toString();
    return QString::fromUtf8(value.compactText());
}

FlatJsonValue firstOf(const FlatJsonValue &object, std::initializer_list<std::string_view> keys)
{
    for (const std::string_view key : keys) {
        const FlatJsonValue v = object.value(key);
        if (!v.isUndefined())
            return v;
    }
    return {};
}

ChatPart::Kind kindForMime(const QString &mimeType, ChatPart::Kind fallback)
{
    if (mimeType.startsWith(u"image/"))
        return ChatPart::Kind::Image;
    if (mimeType.startsWith(u"audio/"))
        return ChatPart::Kind::Audio;
    return mimeType.isEmpty() ? fallback : ChatPart::Kind::File;
}

ChatPart partFromBase64(const FlatJsonValue &data, QString mimeType, ChatPart::Kind kind)
{
    ChatPart part;
    QByteArray scratch;
    QByteArrayView view = data.isString() ? data.stringView(scratch) : QByteArrayView();
    QString reference;
    if (parseMediaReference(view, &mimeType, &reference)) {
        part.url = reference;
    } else if (view.startsWith("data:")) {
        return partFromUrl(data, kind, mimeType);
    } else if (!view.isEmpty()) {
        part.byteSize = ChatMessages::base64DecodedSize(view);
    }
    part.mimeType = mimeType;
    part.kind = mimeType.isEmpty() ? kind : kindForMime(mimeType, kind);
    return part;
}

ChatPart partFromUrl(const FlatJsonValue &url, ChatPart::Kind kind, const QString &mimeType)
{
    ChatPart part;
    part.kind = kind;
    part.mimeType = mimeType;
    QByteArray scratch;
    const QByteArrayView view = url.isString() ? url.stringView(scratch) : QByteArrayView();
    QString reference;
    QString mediaMime;
    if (view.startsWith("data:")) {
        // data:[<mime>][;base64],<data>: keep the size, never the data.
        const qsizetype comma = view.indexOf(',');
        const QByteArrayView header = view.sliced(5, comma < 0 ? view.size() - 5 : comma - 5);
        const qsizetype semicolon = header.indexOf(';');
        const QByteArrayView mime = semicolon < 0 ? header : header.first(semicolon);
        if (!mime.isEmpty())
            part.mimeType = QString::fromUtf8(mime);
        if (comma >= 0) {
            const QByteArrayView payload = view.sliced(comma + 1);
            part.byteSize
                = header.contains(";base64") ? ChatMessages::base64DecodedSize(payload) : payload.size();
        }
    } else if (parseMediaReference(view, &mediaMime, &reference)) {
        part.mimeType = mediaMime;
        part.url = reference;
    } else {
        part.url = QString::fromUtf8(view);
    }
    if (!part.mimeType.isEmpty())
        part.kind = kindForMime(part.mimeType, kind);
    return part;
}

void appendContent(const FlatJsonValue &content, std::vector<ChatPart> &parts, Seen &seen)
{
    if (content.isMissing())
        return;
    if (content.isString()) {
        QByteArray scratch;
        QString mime;
        QString reference;
        if (parseMediaReference(content.stringView(scratch), &mime, &reference)) {
            parts.push_back(partFromUrl(content, ChatPart::Kind::File));
            return;
        }
        QString text = content.toString();
        if (!text.isEmpty())
            parts.push_back(textPart(ChatPart::Kind::Text, std::move(text)));
        return;
    }
    if (content.isArray()) {
        content.forEachElement([&](const FlatJsonValue &item) {
            if (item.isString() || item.isArray())
                appendContent(item, parts, seen);
            else if (item.isObject())
                appendBlock(item, parts, seen);
            else if (!item.isNull())
                parts.push_back(textPart(ChatPart::Kind::Text, textOf(item)));
        });
        return;
    }
    if (content.isObject()) {
        appendBlock(content, parts, seen);
        return;
    }
    parts.push_back(textPart(ChatPart::Kind::Text, textOf(content)));
}

void appendBlock(const FlatJsonValue &b, std::vector<ChatPart> &parts, Seen &seen)
{
    using Kind = ChatPart::Kind;
    const QString type = stringOf(b, "type");
    if (!type.isEmpty()) {
        if (type == u"text" || type == u"input_text" || type == u"output_text") {
            const FlatJsonValue text = firstOf(b, { "text", "content" });
            if (type != u"text")
                seen.responses = true;
            else if (b.value("text").isUndefined() && b.value("content").isString())
                seen.otel = true; // gen_ai parts carry their text in "content"
            parts.push_back(textPart(Kind::Text, textOf(text)));
        } else if (type == u"refusal") {
            parts.push_back(textPart(Kind::Refusal, textOf(firstOf(b, { "refusal", "text" }))));
        } else if (type == u"thinking") {
            seen.anthropic = true;
            parts.push_back(textPart(Kind::Thinking, textOf(firstOf(b, { "thinking", "text" }))));
        } else if (type == u"redacted_thinking") {
            seen.anthropic = true;
            ChatPart part = textPart(Kind::Thinking, QString());
            part.redacted = true;
            parts.push_back(std::move(part));
        } else if (type == u"reasoning") {
            QString text = textOf(firstOf(b, { "content", "text", "reasoning" }));
            const FlatJsonValue summary = b.value("summary");
            if (summary.isArray()) {
                QStringList pieces;
                summary.forEachElement([&](const FlatJsonValue &s) {
                    pieces.append(s.isString() ? s.toString() : stringOf(s, "text"));
                });
                text = pieces.join(QStringLiteral("\n\n"));
                seen.responses = true;
            } else {
                seen.otel = seen.otel || b.value("content").isString();
            }
            parts.push_back(textPart(Kind::Thinking, std::move(text)));
        } else if (type == u"image_url") {
            seen.openai = true;
            const FlatJsonValue url = b.value("image_url");
            parts.push_back(partFromUrl(url.isObject() ? url.value("url") : url, Kind::Image));
        } else if (type == u"input_image") {
            seen.responses = true;
            const FlatJsonValue url = b.value("image_url");
            ChatPart part = partFromUrl(url.isObject() ? url.value("url") : url, Kind::Image);
            if (url.isMissing() && b.value("file_id").isString())
                part.url = QStringLiteral("file:") + stringOf(b, "file_id");
            parts.push_back(std::move(part));
        } else if (type == u"image" || type == u"document" || type == u"audio" || type == u"video") {
            const Kind kind = type == u"image" ? Kind::Image : type == u"audio" ? Kind::Audio : Kind::File;
            const FlatJsonValue source = b.value("source");
            if (source.isObject()) {
                seen.anthropic = true;
                parts.push_back(anthropicSource(source, kind));
            } else {
                // LangChain standard blocks: {type: image, base64|data|url, mime_type}.
                const QString mime = textOf(firstOf(b, { "mime_type", "mimeType", "media_type" }));
                const FlatJsonValue data = firstOf(b, { "base64", "data" });
                if (data.isString())
                    parts.push_back(partFromBase64(data, mime, kind));
                else
                    parts.push_back(partFromUrl(firstOf(b, { "url", "image_url" }), kind, mime));
            }
        } else if (type == u"input_audio") {
            seen.openai = true;
            const FlatJsonValue audio = b.value("input_audio");
            const QString format = stringOf(audio, "format");
            parts.push_back(partFromBase64(audio.value("data"),
                format.isEmpty() ? QString() : QStringLiteral("audio/") + format, Kind::Audio));
        } else if (type == u"file" || type == u"input_file") {
            const FlatJsonValue file = b.value("file").isObject() ? b.value("file") : b;
            const FlatJsonValue data = file.value("file_data");
            ChatPart part = data.isString()
                ? partFromBase64(data, textOf(file.value("mime_type")), Kind::File)
                : partFromUrl(
                    firstOf(file, { "file_url", "uri" }), Kind::File, textOf(file.value("mime_type")));
            part.kind = part.kind == Kind::Text ? Kind::File : part.kind;
            if (part.url.isEmpty() && file.value("file_id").isString())
                part.url = QStringLiteral("file:") + stringOf(file, "file_id");
            part.text = stringOf(file, "filename");
            parts.push_back(std::move(part));
        } else if (type == u"tool_use" || type == u"server_tool_use") {
            seen.anthropic = true;
            ChatPart part;
            part.kind = Kind::ToolCall;
            part.toolCall = toolCall(b.value("id"), b.value("name"), b.value("input"));
            parts.push_back(std::move(part));
        } else if (type == u"tool_result" || type.endsWith(u"_tool_result")) {
            seen.anthropic = true;
            ChatPart part;
            part.kind = Kind::ToolResult;
            part.toolCall.id = stringOf(b, "tool_use_id");
            part.isError = b.value("is_error").toBool();
            std::vector<ChatPart> extra;
            part.text = resultText(b.value("content"), extra, seen);
            parts.push_back(std::move(part));
            for (ChatPart &p : extra)
                parts.push_back(std::move(p));
        } else if (type == u"tool_call") {
            // OTel gen_ai (arguments) and LangChain standard blocks (args).
            if (!b.value("arguments").isUndefined())
                seen.otel = true;
            else
                seen.langchain = true;
            ChatPart part;
            part.kind = Kind::ToolCall;
            part.toolCall = toolCall(b.value("id"), b.value("name"), firstOf(b, { "arguments", "args" }));
            parts.push_back(std::move(part));
        } else if (type == u"tool_call_response" || type == u"tool_call_result") {
            seen.otel = true;
            ChatPart part;
            part.kind = Kind::ToolResult;
            part.toolCall.id = textOf(b.value("id"));
            part.text = textOf(firstOf(b, { "response", "result", "content" }));
            parts.push_back(std::move(part));
        } else if (type == u"blob") {
            seen.otel = true;
            const QString modality = stringOf(b, "modality");
            const Kind kind = modality == u"image" ? Kind::Image
                : modality == u"audio"             ? Kind::Audio
                                                   : Kind::File;
            ChatPart part = partFromBase64(b.value("content"), stringOf(b, "mime_type"), kind);
            if (!modality.isEmpty())
                part.kind = kind;
            parts.push_back(std::move(part));
        } else if (type == u"uri") {
            seen.otel = true;
            const QString modality = stringOf(b, "modality");
            const Kind kind = modality == u"image" ? Kind::Image
                : modality == u"audio"             ? Kind::Audio
                                                   : Kind::File;
            ChatPart part = partFromUrl(b.value("uri"), kind, stringOf(b, "mime_type"));
            if (!modality.isEmpty())
                part.kind = kind;
            parts.push_back(std::move(part));
        } else {
            parts.push_back(textPart(Kind::Other, QString::fromUtf8(b.compactText())));
        }
        return;
    }

    // Gemini parts carry no type: the member name says what they are (camelCase or snake_case).
    const FlatJsonValue inlineData = firstOf(b, { "inlineData", "inline_data" });
    const FlatJsonValue fileData = firstOf(b, { "fileData", "file_data" });
    const FlatJsonValue functionCall = firstOf(b, { "functionCall", "function_call" });
    const FlatJsonValue functionResponse = firstOf(b, { "functionResponse", "function_response" });
    if (inlineData.isObject()) {
        seen.gemini = true;
        parts.push_back(partFromBase64(
            inlineData.value("data"), textOf(firstOf(inlineData, { "mimeType", "mime_type" })), Kind::File));
    } else if (fileData.isObject()) {
        seen.gemini = true;
        parts.push_back(partFromUrl(firstOf(fileData, { "fileUri", "file_uri" }), Kind::File,
            textOf(firstOf(fileData, { "mimeType", "mime_type" }))));
    } else if (functionCall.isObject()) {
        seen.gemini = true;
        ChatPart part;
        part.kind = Kind::ToolCall;
        part.toolCall
            = toolCall(functionCall.value("id"), functionCall.value("name"), functionCall.value("args"));
        parts.push_back(std::move(part));
    } else if (functionResponse.isObject()) {
        seen.gemini = true;
        ChatPart part;
        part.kind = Kind::ToolResult;
        part.toolCall.id = textOf(functionResponse.value("id"));
        part.toolCall.name = textOf(functionResponse.value("name"));
        part.text = textOf(functionResponse.value("response"));
        parts.push_back(std::move(part));
    } else if (b.value("text").isString()) {
        const bool thought = b.value("thought").toBool();
        seen.gemini = seen.gemini || thought;
        parts.push_back(textPart(thought ? Kind::Thinking : Kind::Text, stringOf(b, "text")));
    } else if (const FlatJsonValue code = firstOf(b, { "executableCode", "executable_code" });
               code.isObject()) {
        seen.gemini = true;
        parts.push_back(textPart(Kind::Text, stringOf(code, "code")));
    } else if (const FlatJsonValue result = firstOf(b, { "codeExecutionResult", "code_execution_result" });
               result.isObject()) {
        seen.gemini = true;
        parts.push_back(textPart(Kind::Text, stringOf(result, "output")));
    } else {
        parts.push_back(textPart(Kind::Other, QString::fromUtf8(b.compactText())));
    }
}

} // namespace tg::chatdetail
