#pragma once

#include "domain/usage.h"
#include "replayrequest.h"

#include <QMetaType>
#include <QString>

#include <optional>
#include <vector>

namespace tg {

/// What one run against a provider produced (or why it failed).
struct ReplayResult
{
    bool ok = false;
    bool cancelled = false;
    QString error; ///< a sentence for the UI; never holds a key
    int httpStatus = 0; ///< 0 when no answer came
    int retryAfterSeconds = -1; ///< from a 429/503 Retry-After, -1 when not given

    QString text;
    QString thinking; ///< reasoning text, when the provider streams it
    std::vector<ReplayToolCall> toolCalls;
    QString finishReason; ///< as the provider says it ("stop", "tool_calls", "end_turn", ...)
    QString model; ///< the model that answered, as reported
    QString responseId;
    UsageDetails usage; ///< Langfuse keys: input (uncached), input_cached_tokens, output, ...
    std::optional<double> providerCost; ///< USD, when the provider reports it (OpenRouter)
    bool streamed = false;

    qint64 startedMs = 0; ///< wall clock, ms since the epoch
    qint64 latencyMs = -1; ///< request sent to last byte
    qint64 ttftMs = -1; ///< request sent to the first token

    /// The text and the tool calls ("→ name {args}"), as compared in diffs.
    QString comparableText() const;
};

/// A recorded output in the same rendering as ReplayResult::comparableText (any chat format).
QString comparableOutputText(const QByteArray &recordedOutput);

/// Tool calls rendered one per line: "→ name {args}".
QString renderToolCalls(const std::vector<ReplayToolCall> &calls);

} // namespace tg

Q_DECLARE_METATYPE(tg::ReplayResult)
