#pragma once

#include "domain/records.h"
#include "flatjson.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <optional>
#include <vector>

namespace tg {

/// The `_deprecation` notice Langfuse Cloud adds to legacy endpoints' answers.
struct LangfuseDeprecation
{
    QString message;
    QString replacement; ///< e.g. "GET /api/public/v2/observations"
    QString docsUrl;
    QString sunsetAt; ///< ISO date, as sent

    bool isEmpty() const { return message.isEmpty(); }
};

/// Paging information of a list answer. v1 pages fill page/limit/totalItems/totalPages; cursor
/// pages (v2 observations, v3 scores) fill cursor and limit.
struct LangfusePageMeta
{
    bool present = false; ///< the answer had a `meta` object
    int page = 0; ///< 0 = not given
    int limit = 0;
    qint64 totalItems = -1; ///< -1 = not given
    int totalPages = 0;
    QString cursor; ///< next-page cursor; empty on the last page

    /// True when another page follows (by cursor, or by page < totalPages).
    bool hasNextPage() const { return !cursor.isEmpty() || (page > 0 && page < totalPages); }
};

/// A Langfuse session as GET /sessions lists it. Sessions are not stored as records (the store
/// derives them from traces' sessionId); this is for listing what the server has.
struct LangfuseSessionInfo
{
    QString id;
    std::optional<qint64> createdAtNs;
    QString projectId;
    QString environment;
};

/// One observation of GET /v2/observations (or a v4 trace download) with the trace-level fields
/// the v2 API denormalises onto it, so traces can be rebuilt from root observations.
struct LangfuseObservationV2
{
    ObservationRecord record;
    std::optional<bool> isRootObservation; ///< as sent; empty when the basic group was not asked for
    QString traceName;
    QString userId;
    QString sessionId;
    QString release;
    QStringList tags;
    bool hasTags = false;

    /// isRootObservation when given, else "has no parent".
    bool isRoot() const { return isRootObservation.value_or(record.parentId.isEmpty()); }
};

/// The records found in one Langfuse REST answer or file.
struct LangfuseApiResult
{
    bool ok = false; ///< false: not JSON, or not the expected top-level shape; see error
    QString error;
    WriteBatch batch; ///< sourceId is 0
    std::vector<LangfuseSessionInfo> sessions;
    LangfusePageMeta meta;
    LangfuseDeprecation deprecation;
    int itemCount = 0; ///< objects looked at (page items, lines, array elements)
    int skippedCount = 0; ///< of those, ones that could not be used (not an object, no id, bad JSON line)
};

/// Maps Langfuse REST API objects and pages, and Langfuse files, to domain records.
///
/// Lenient by design: unknown fields are ignored, null and missing fields are "not given", and a
/// field of the wrong type is skipped rather than failing the object. An object without a string
/// id is skipped and counted. Field notes:
/// - Trace/TraceWithDetails/TraceWithFullDetails: latency, totalCost, htmlPath and the
///   observation/score id lists are derived or UI data and are not mapped. Observations and scores
///   embedded in TraceWithFullDetails get the trace's id when they lack one.
/// - Observation (v1) / ObservationsView: usage keys come from usageDetails, else the deprecated
///   usage object, else promptTokens/completionTokens/totalTokens; costs from costDetails, else
///   calculated*Cost, else usage.*Cost. latency and timeToFirstToken (seconds) fill endTime and
///   completionStartTime when those are missing. Prices, modelId and promptId are not mapped.
/// - ObservationV2: input/output arrive as raw strings; one that holds JSON is stored as that
///   JSON, any other as a JSON string. providedModelName is the model; totalCost fills
///   costDetails.total when no costDetails came. Prices (decimal strings) are not mapped.
/// - Scores v1/v2/v3: value may be a number, a boolean (v3 BOOLEAN: stored as 1/0 with
///   stringValue "True"/"False") or a string (stringValue). dataType is inferred from the value
///   when absent. v3 `subject` sets traceId/observationId/sessionId.
/// - metadata that is a string holding a JSON object is read as that object; other non-objects are
///   wrapped as {"metadata": value}. Environments are kept as sent.
class LangfuseApiMapper
{
public:
    // Answers of the REST endpoints (paths under /api/public).
    static LangfuseApiResult mapTracesPage(const QByteArray &json); ///< GET /traces
    static LangfuseApiResult mapTrace(const QByteArray &json); ///< GET /traces/{id}
    static LangfuseApiResult mapObservationsPage(const QByteArray &json); ///< GET /observations
    static LangfuseApiResult mapObservation(const QByteArray &json); ///< GET /observations/{id}
    /// GET /v2/observations; batch.traces gets the traces rebuilt from root observations.
    static LangfuseApiResult mapObservationsV2Page(const QByteArray &json);
    static LangfuseApiResult mapSessionsPage(const QByteArray &json); ///< GET /sessions
    static LangfuseApiResult mapSession(const QByteArray &json); ///< GET /sessions/{id}
    static LangfuseApiResult mapScoresPage(const QByteArray &json); ///< GET /v2/scores, /v3/scores
    static LangfuseApiResult mapScore(const QByteArray &json); ///< GET /v2/scores/{id}

    /// Any Langfuse-shaped file: one of the answers above, an array of traces/observations/scores,
    /// JSON Lines of them, a UI trace download ({trace, observations} or {observations, scores}),
    /// or an ingestion batch ({batch: [...]}). The shape is recognised from the fields present.
    static LangfuseApiResult mapDocument(const QByteArray &json);

    // Single objects, for callers that walk a document themselves.
    static std::optional<TraceRecord> traceFromJson(const FlatJsonValue &object);
    /// Observation v1 or ObservationsView.
    static std::optional<ObservationRecord> observationFromJson(const FlatJsonValue &object);
    static std::optional<LangfuseObservationV2> observationV2FromJson(const FlatJsonValue &object);
    /// Score v1, v2 or v3.
    static std::optional<ScoreRecord> scoreFromJson(const FlatJsonValue &object);
    static std::optional<LangfuseSessionInfo> sessionFromJson(const FlatJsonValue &object);
    static LangfuseDeprecation deprecationFromJson(const FlatJsonValue &value);
    static LangfusePageMeta pageMetaFromJson(const FlatJsonValue &value);
    /// A TraceWithFullDetails (trace + observations + scores) into `out`; false without a trace id.
    static bool appendTraceWithFullDetails(const FlatJsonValue &object, WriteBatch &out);

    /// Traces rebuilt from v2 observations, one per traceId that has a root observation (see
    /// LangfuseObservationV2::isRoot): name from traceName, else the root's name; timestamp,
    /// input and output from the root; userId, sessionId, tags, release and environment from the
    /// root, else from any other root of the same trace. Order follows first appearance.
    static std::vector<TraceRecord> tracesFromObservationsV2(
        const std::vector<LangfuseObservationV2> &observations);
};

} // namespace tg
