#pragma once

#include "domain/usage.h"
#include "flatjson.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <optional>

// Field conversions shared by the Langfuse ingestion parser and the REST API mapper. Strict mode
// reports a wrong-typed field as an error (the ingestion endpoint answers 400 for that event);
// lenient mode skips it (API and file data are taken as they come).
namespace tg::langfusejson {

enum class Strictness : quint8 { Strict, Lenient };

/// Langfuse's environment rule: lowercased, 1-40 characters of [a-z0-9_-], not starting with
/// "langfuse"; anything else becomes "default".
QString normalizeEnvironment(QStringView name);
QString defaultEnvironment();

/// A JSON type name as zod words it ("string", "number", "boolean", "null", "array", "object").
QString jsonTypeName(const FlatJsonValue &value);

/// An ISO-8601 string as nanoseconds since the epoch; empty for anything else.
std::optional<qint64> timestampNs(const FlatJsonValue &value);
/// Seconds (a JSON number) as nanoseconds; empty for non-numbers and negative values.
std::optional<qint64> secondsToNs(const FlatJsonValue &value);

/// Any JSON value as compact JSON text; empty for undefined and null ("not given").
QByteArray payloadText(const FlatJsonValue &value);
/// Metadata as a JSON object text: objects as they are, other values wrapped as {"metadata": v}
/// (what Langfuse does); empty for undefined and null.
QByteArray metadataText(const FlatJsonValue &value);
/// Appends `utf8` as a JSON string literal (quoted and escaped).
void appendJsonString(QByteArray &out, QByteArrayView utf8);

/// modelParameters as a JSON object text. Values that are strings, numbers, booleans, null or
/// arrays of strings are kept; any other value is kept as its JSON text in a string (Langfuse
/// stringifies those too). A non-object is an error in strict mode and skipped in lenient mode.
/// In lenient mode a string holding a JSON object is accepted as that object.
bool modelParametersText(const FlatJsonValue &value, Strictness mode, QByteArray &out, QString *error);

/// usageDetails: a {key: int} map, or an OpenAI usage object, either the Chat Completions form
/// (prompt_tokens, completion_tokens, total_tokens, *_tokens_details) or the Responses form
/// (input_tokens, output_tokens, ...). Detail keys become input_<key> / output_<key> and are
/// subtracted from input / output (floored at 0), as Langfuse does, so the input* keys together
/// still sum to the prompt tokens.
bool usageDetailsFrom(const FlatJsonValue &value, Strictness mode, UsageDetails &out, QString *error);

/// costDetails: a {key: USD} map of non-negative numbers (lenient mode also reads decimal strings).
bool costDetailsFrom(const FlatJsonValue &value, Strictness mode, CostDetails &out, QString *error);

/// The deprecated `usage` object, {input, output, total, unit, inputCost, outputCost, totalCost}
/// or {promptTokens, completionTokens, totalTokens}, into usage and cost keys input/output/total.
/// Negative counts are skipped; lenient mode also skips zeros (the v1 API sends all-zero usage).
bool legacyUsageFrom(
    const FlatJsonValue &value, Strictness mode, UsageDetails &usage, CostDetails &cost, QString *error);

} // namespace tg::langfusejson
