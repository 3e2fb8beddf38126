#pragma once

#include "replayrequest.h"

#include <QByteArray>

#include <vector>

namespace tg {

/// A request body for one provider API plus what the conversion could not express.
struct ProviderBody
{
    QByteArray json; ///< compact JSON
    std::vector<FidelityNote> notes;
};

/// The Chat Completions body (OpenAI, OpenRouter, LiteLLM, Groq, vLLM, Ollama, llama.cpp):
/// messages with tool_calls and tool messages, tools as functions, parameters as recorded.
/// OpenAI's reasoning models (o1, o3, o4, gpt-5) get max_completion_tokens instead of max_tokens.
/// Streaming asks for usage in the last chunk (stream_options.include_usage).
ProviderBody openAiChatBody(const ReplayRequest &request, bool stream);

/// The Anthropic Messages body: system prompt at the top level, tool calls as tool_use blocks,
/// tool results as tool_result blocks in user turns, consecutive turns of one role merged,
/// max_tokens always set (4096 when not given). Parameters Anthropic lacks are noted.
ProviderBody anthropicMessagesBody(const ReplayRequest &request, bool stream);

/// True for models that take max_completion_tokens on OpenAI ("o1", "o3-mini", "gpt-5", "openai/o4-mini").
bool usesMaxCompletionTokens(const QString &model);

} // namespace tg
