#pragma once
// Internals of replayRequestFromGeneration: parameters and schemas.

#include "replayrequest.h"

#include <QJsonObject>

namespace tg::replaydetail {

/// A JSON schema as compact text, Gemini's upper-case type names ("OBJECT") in JSON Schema case.
QString normalisedSchema(const QString &schema);
/// Fills request.parameters from the recorded request (`input`: top level, Gemini config,
/// Responses text.format) and `modelParameters` (which win), noting what it cannot carry over.
void readParameters(ReplayRequest &request, const QJsonObject &input, const QJsonObject &modelParameters);
/// "maxOutputTokens" -> "max_output_tokens"; already snake_case keys stay as they are.
QString snakeCase(const QString &key);

} // namespace tg::replaydetail
