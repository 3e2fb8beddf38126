#pragma once

#include "domain/records.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <vector>

namespace tg {

/// One entry of the 207 answer: {"id","status"} for a success, plus "message" and "error" for a
/// failure.
struct LangfuseIngestionStatus
{
    QString id; ///< the event envelope id, "unknown" when the event had no string id
    int status = 201;
    QString message; ///< errors: "Invalid request data"
    QString error; ///< errors: what was wrong, e.g. "body.id: Required"
};

/// What LangfuseIngestionParser::parse() found in one request body.
struct LangfuseIngestionResult
{
    /// False when the body as a whole is unusable (not JSON, no `batch` array): answer 400 with
    /// responseBody(). True otherwise, even when every event failed: answer 207.
    bool valid = false;
    QStringList requestErrors; ///< top-level problems when !valid

    /// Records to store, in the order to apply them (see LangfuseIngestionParser). sourceId is 0.
    WriteBatch batch;
    /// One entry per accepted event (sdk-log events are accepted but not listed, as in Langfuse).
    std::vector<LangfuseIngestionStatus> successes;
    /// One entry per rejected event, in batch order.
    std::vector<LangfuseIngestionStatus> errors;

    int eventCount = 0; ///< events in the batch
    int duplicateCount = 0; ///< events whose records were replaced by a later event with the same id
    bool replacedInvalidUtf8 = false; ///< the body had invalid UTF-8, read with U+FFFD replacements

    int httpStatus() const { return valid ? 207 : 400; }
    /// The JSON answer: 207 {"successes":[...],"errors":[...]} or
    /// 400 {"message":"Invalid request data","errors":[...]}.
    QByteArray responseBody() const;
    /// Turns every success into an error entry, for when storing the records failed (Langfuse
    /// answers 500 {"id","status":500,"error":"Internal Server Error"} per event then).
    void failAccepted(int status = 500, const QString &error = QStringLiteral("Internal Server Error"));
};

/// Parses the body of POST /api/public/ingestion (legacy Langfuse batch ingestion, as the Langfuse
/// JS/Python SDKs before OTel and LiteLLM send it) into domain records plus per-event results.
///
/// Rules, following Langfuse's own validation (packages/shared/src/server/ingestion/types.ts):
/// - Each event is validated alone; a bad event gets a 400 entry and the rest of the batch is kept.
///   Envelope: id (1-800 chars, no '\r'), ISO timestamp, known type and an object body are required.
///   Wrong-typed body fields are errors; unknown fields are ignored.
/// - Event types: trace-create, score-create, span-create/-update, generation-create/-update,
///   event-create, agent/tool/chain/retriever/evaluator/embedding/guardrail-create,
///   observation-create/-update (deprecated; type from body.type), sdk-log (accepted, not stored,
///   not listed) and dataset-run-item-create (accepted, not stored).
/// - Observation creates and all updates need body.id; trace-create, score-create and the
///   deprecated observation events without body.id are accepted but store nothing (as Langfuse).
/// - Only given fields are set, so a later update merges into what a create wrote. A record
///   without traceId (typical of updates) has an empty traceId: the store resolves it from the
///   stored observation.
/// - Creates default startTime/timestamp to the envelope timestamp and environment to "default";
///   updates leave both unset. Two deliberate leniencies against Langfuse: environments are
///   normalised (langfusejson::normalizeEnvironment) rather than rejected, and modelParameters
///   values that are objects or mixed arrays are kept as JSON text strings rather than rejected.
/// - Payloads (input, output) are any JSON, stored as compact JSON text; metadata that is not an
///   object is wrapped as {"metadata": value}; usageDetails wins over the deprecated usage object
///   and costDetails over usage.*Cost (see langfusejson::usageDetailsFrom for the OpenAI forms).
/// - Scores take the envelope timestamp. BOOLEAN gives value 0/1 and stringValue "True"/"False";
///   CATEGORICAL, TEXT and CORRECTION give stringValue; a score without dataType is NUMERIC for a
///   number and CATEGORICAL for a string.
/// - Duplicate envelope ids in one batch: Langfuse does not reject them (each gets its own 201)
///   and merges all of them in timestamp order, so the later event wins on every field it sets.
///   Here the later event (batch order) replaces the earlier one's records outright; both are
///   listed as successes.
/// - Order: successes list creates before updates, each group by envelope timestamp (Langfuse's
///   order). Records are in apply order: by envelope timestamp, creates before updates on ties,
///   then batch order.
/// - JSON nested deeper than FlatJson::kDefaultMaxDepth rejects the body (400); invalid UTF-8 is
///   read with U+FFFD replacements, as a JavaScript server would.
class LangfuseIngestionParser
{
public:
    static LangfuseIngestionResult parse(const QByteArray &body);
};

} // namespace tg
