#pragma once

#include "domain/usage.h"
#include "replay/replayresult.h"
#include "replay/worddiff.h"

#include <QPalette>
#include <QString>

namespace tg::replayhtml {

/// Inserted text on a green tint, deleted text struck through on a red tint, in the palette's tones.
QString diffHtml(const WordDiff &diff, const QPalette &palette);
/// A one-line summary of a diff ("identical", "+12 −3 words, 81% alike").
QString diffSummary(const WordDiff &diff);
/// An output as HTML: the text (pre-wrapped), tool calls in a monospace block, the error in red.
QString outputHtml(const ReplayResult &result, const QPalette &palette);
/// The text of a recorded output, pre-wrapped.
QString textHtml(const QString &text);
/// "stop · 120 in / 8 out · 1.23 s · TTFT 310 ms · $0.0004 (price table)"
QString facts(const QString &finishReason, const UsageDetails &usage, qint64 latencyMs, qint64 ttftMs,
    const CostDetails &cost, const QString &costSource);

} // namespace tg::replayhtml
