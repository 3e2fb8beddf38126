#pragma once

#include "replay/replayresult.h"
#include "sseparser.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

#include <map>

namespace tg {

/// Turns one provider's answer (SSE events as they arrive, or one JSON body) into a ReplayResult.
/// Pure protocol logic: no network, no timers.
class ResponseAssembler
{
public:
    /// What one event added.
    struct Delta
    {
        QString text;
        QString thinking;
        bool toolCalls = false; ///< a tool call started or its arguments grew
        QString error; ///< the stream reported an error
    };

    virtual ~ResponseAssembler() = default;
    virtual Delta onEvent(const SseParser::Event &event) = 0;
    /// A whole (non-streamed) response body; false and `error` when it is not one.
    virtual bool onBody(const QByteArray &body, QString *error) = 0;
    /// True once the stream said it is complete ([DONE], message_stop, a finish reason).
    bool isComplete() const { return m_complete; }
    ReplayResult &result() { return m_result; }

protected:
    ReplayResult m_result;
    bool m_complete = false;
};

/// Chat Completions chunks: choices[].delta content / reasoning / tool_calls by index, the
/// usage chunk (stream_options.include_usage, OpenRouter's usage.cost), [DONE].
class OpenAiAssembler : public ResponseAssembler
{
public:
    Delta onEvent(const SseParser::Event &event) override;
    bool onBody(const QByteArray &body, QString *error) override;

    /// OpenAI usage -> Langfuse keys (input without cached, output without reasoning).
    static UsageDetails usageFrom(const QJsonObject &usage);

private:
    void readUsage(const QJsonObject &object);
    std::map<int, size_t> m_callByIndex;
};

/// Anthropic Messages events: message_start, content_block_start/delta (text_delta,
/// input_json_delta, thinking_delta)/stop, message_delta, message_stop, ping, error.
class AnthropicAssembler : public ResponseAssembler
{
public:
    Delta onEvent(const SseParser::Event &event) override;
    bool onBody(const QByteArray &body, QString *error) override;

    static UsageDetails usageFrom(const QJsonObject &usage);

private:
    void finishToolInputs();
    std::map<int, size_t> m_callByBlock;
    std::map<int, QString> m_partialJson;
};

/// The message a provider put into an error body ({"error":{"message"}}, {"error":"..."},
/// Anthropic's {"type":"error","error":{...}}), else the body's start; redacted.
QString providerErrorDetail(const QByteArray &body);

} // namespace tg
