#pragma once

#include "demorandom.h"

#include <QByteArray>
#include <QString>
#include <QStringView>

namespace tg::demotext {

// Text and JSON pieces for demo payloads. JSON is written by hand: building a million
// QJsonObjects would dominate the generator's time.

/// `text` as a quoted, escaped JSON string (UTF-8).
QByteArray quoted(QStringView text);
/// `json` (JSON text) as a quoted JSON string, as OpenAI puts tool arguments.
QByteArray quotedJson(const QByteArray &json);

enum class Topic { Support, Code, Research, Docs, Batch };

/// A question a user of that kind of app would ask.
QString question(DemoRandom &rng, Topic topic);
/// Plausible prose of about `chars` characters (never less than one sentence).
QString prose(DemoRandom &rng, int chars);
/// A system prompt for the topic.
QString systemPrompt(Topic topic);

} // namespace tg::demotext
