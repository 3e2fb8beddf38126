#pragma once

#include "chat/chatmessages.h"

#include <QByteArray>
#include <QJsonObject>
#include <QMetaType>
#include <QString>
#include <QStringList>

#include <optional>
#include <vector>

namespace tg {

/// One tool call of an assistant message, as a provider-neutral triple.
struct ReplayToolCall
{
    QString id;
    QString name;
    QString arguments; ///< JSON text (an object), as the model produced it

    bool operator==(const ReplayToolCall &other) const = default;
};

/// One message of a replay: the shape both Chat Completions and Anthropic Messages can express.
struct ReplayMessage
{
    QString role; ///< "system", "user", "assistant" or "tool"
    QString content; ///< the text; placeholders stand in for what could not be carried over
    std::vector<ReplayToolCall> toolCalls; ///< assistant: the calls it made
    QString toolCallId; ///< tool: the call this result answers
    QString name; ///< tool: the tool's name (when known)
    bool isError = false; ///< tool: the result reported a failure
    QStringList imageUrls; ///< user: images given by http(s) URL, carried as references

    bool operator==(const ReplayMessage &other) const = default;
};

/// A function the model may call.
struct ReplayTool
{
    QString name;
    QString description;
    QString parameters; ///< JSON schema text (an object)

    bool operator==(const ReplayTool &other) const = default;
};

/// Sampling and output parameters. Unset fields are left out of the request.
struct ReplayParameters
{
    std::optional<double> temperature;
    std::optional<double> topP;
    std::optional<qint64> maxTokens;
    QStringList stop;
    QByteArray
        responseFormat; ///< OpenAI response_format JSON ({"type":"json_object"}, json_schema); empty = none
    QByteArray
        toolChoice; ///< JSON: "auto", "none", "required" or {"type":"function","function":{"name":...}}
    std::optional<qint64> seed;
    QJsonObject extra; ///< further known parameters, passed through (frequency_penalty, top_k, ...)

    bool operator==(const ReplayParameters &other) const = default;
};

/// One thing the replay could not carry over faithfully, or changed on the way.
struct FidelityNote
{
    enum class Severity : quint8 {
        Info, ///< converted without loss of meaning (ids generated, roles renamed)
        Warning, ///< the replay may behave differently (tool calls without definitions)
        Lost, ///< content or a parameter was dropped or replaced by a placeholder
    };
    Severity severity = Severity::Info;
    QString text;

    bool operator==(const FidelityNote &other) const = default;
};

QString fidelitySeverityName(FidelityNote::Severity severity);

/// A generation ready to run again: messages, tools, model and parameters, plus the fidelity
/// report of how it was read from the recording. Everything is plain data the UI may edit.
struct ReplayRequest
{
    QString model;
    std::vector<ReplayMessage> messages;
    std::vector<ReplayTool> tools;
    ReplayParameters parameters;
    std::vector<FidelityNote> fidelity;
    ChatFormat sourceFormat = ChatFormat::None; ///< the recorded input's shape

    bool hasToolCalls() const;
    /// The system messages' text, joined by blank lines.
    QString systemPrompt() const;
    /// Replaces every system message with one holding `text` at the start (none when empty).
    void setSystemPrompt(const QString &text);
    /// What makes the request unusable ("no messages", "tool call without a name"); empty if fine.
    QString validate() const;
    void note(FidelityNote::Severity severity, const QString &text);

    bool operator==(const ReplayRequest &other) const = default;
};

/// What a batch replay changes in every request.
struct ReplayOverrides
{
    enum class SystemPrompt : quint8 { Keep, Replace, Append };

    QString model; ///< empty: each generation's own model
    SystemPrompt systemMode = SystemPrompt::Keep;
    QString systemPrompt; ///< Replace: the new system prompt; Append: added after the recorded one
    std::optional<double> temperature;
    std::optional<qint64> maxTokens;

    /// Applies the overrides; a prompt change is noted in the request's fidelity report.
    void apply(ReplayRequest &request) const;
};

/// Reads a recorded generation into a replay request: the messages from `input` in any shape
/// ChatMessages understands, tool definitions from the input, the model parameters or the metadata
/// (OTel gen_ai.tool.definitions, OpenInference llm.tools), and the parameters from the input
/// request and `modelParameters` (strings holding numbers are read as numbers). `model` wins over
/// a model named in the input. Never fails: what it cannot carry over is in `fidelity`.
ReplayRequest replayRequestFromGeneration(const QByteArray &input, const QByteArray &modelParameters,
    const QByteArray &metadata, const QString &model);

// Editing helpers: the UI shows tools and tool calls as JSON.

/// [{"name","description","parameters"}] (parameters as an object).
QByteArray replayToolsToJson(const std::vector<ReplayTool> &tools);
/// Reads the format above, OpenAI's {"type":"function","function":{...}} and Anthropic's
/// {"name","input_schema"}; false and `error` on anything else.
bool replayToolsFromJson(const QByteArray &json, std::vector<ReplayTool> *tools, QString *error);
/// [{"id","name","arguments"}] (arguments as an object when they parse).
QByteArray replayToolCallsToJson(const std::vector<ReplayToolCall> &calls);
bool replayToolCallsFromJson(const QByteArray &json, std::vector<ReplayToolCall> *calls, QString *error);

} // namespace tg

Q_DECLARE_METATYPE(tg::ReplayRequest)
