#pragma once
// Internals of ChatMessages: content blocks of every supported shape -> ChatPart.

#include "chat/chatmessages.h"
#include "mapping/flatjson.h"

namespace tg::chatdetail {

/// Shapes seen while reading; the format is decided from them at the end.
struct Seen
{
    bool openai = false;
    bool responses = false;
    bool anthropic = false;
    bool gemini = false;
    bool otel = false;
    bool langchain = false;
};

/// A member's decoded string, or an empty string for anything else.
QString stringOf(const FlatJsonValue &object, std::string_view key);
/// A string decoded, anything else as compact JSON; empty for undefined and null.
QString textOf(const FlatJsonValue &value);
/// The first defined member among `keys`.
FlatJsonValue firstOf(const FlatJsonValue &object, std::initializer_list<std::string_view> keys);

/// Appends the parts of a content value: a string, an array of blocks or strings, or one block.
void appendContent(const FlatJsonValue &content, std::vector<ChatPart> &parts, Seen &seen);
/// Appends one block (typed: OpenAI, Anthropic, OTel, LangChain; untyped: Gemini parts).
void appendBlock(const FlatJsonValue &block, std::vector<ChatPart> &parts, Seen &seen);
/// An image, audio or file part from a URL; data: URLs become a size, media references a url.
ChatPart partFromUrl(const FlatJsonValue &url, ChatPart::Kind kind, const QString &mimeType = {});
/// An inline base64 payload: kind by MIME type unless given.
ChatPart partFromBase64(const FlatJsonValue &data, QString mimeType, ChatPart::Kind kind);
/// Kind from a MIME type ("image/png" -> Image, "audio/wav" -> Audio, else File).
ChatPart::Kind kindForMime(const QString &mimeType, ChatPart::Kind fallback = ChatPart::Kind::File);

} // namespace tg::chatdetail
