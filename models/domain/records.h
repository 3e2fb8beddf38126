#pragma once

#include "observationtype.h"
#include "usage.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <optional>
#include <vector>

namespace tg {

// Ingest-side records. Every field is optional: a null QString, an empty QByteArray or an empty
// std::optional means "not given", so a later record for the same id only overwrites what it
// carries (non-null fields win; metadata objects are merged key by key).
// Payload fields (input, output, metadata, model parameters) hold UTF-8 JSON text.

struct TraceRecord
{
    QString id; ///< required
    QString name;
    std::optional<qint64> timestampNs; ///< UTC, nanoseconds since the epoch
    QString userId;
    QString sessionId;
    QString release;
    QString version;
    QString environment;
    std::optional<bool> isPublic;
    QStringList tags; ///< merged as a set union with stored tags
    QByteArray input;
    QByteArray output;
    QByteArray metadata; ///< a JSON object
};

struct ObservationRecord
{
    QString id; ///< required
    QString traceId; ///< required
    QString parentId;
    std::optional<ObservationType> type;
    QString name;
    std::optional<qint64> startNs;
    std::optional<qint64> endNs;
    std::optional<qint64> completionStartNs;
    QString model;
    QByteArray modelParameters; ///< a JSON object
    std::optional<Level> level;
    QString statusMessage;
    UsageDetails usage;
    CostDetails cost;
    QString promptName;
    std::optional<int> promptVersion;
    QString version;
    QString environment;
    QByteArray input;
    QByteArray output;
    QByteArray metadata; ///< a JSON object
};

enum class ScoreDataType : quint8 { Numeric = 0, Categorical = 1, Boolean = 2, Text = 3, Correction = 4 };

QString scoreDataTypeName(ScoreDataType type);
std::optional<ScoreDataType> scoreDataTypeFromString(QStringView text);

struct ScoreRecord
{
    QString id; ///< required
    QString traceId;
    QString observationId;
    QString sessionId;
    QString name;
    std::optional<double> value;
    QString stringValue;
    std::optional<ScoreDataType> dataType;
    QString source; ///< API, ANNOTATION, EVAL
    QString comment;
    std::optional<qint64> timestampNs;
    QString environment;
    QByteArray metadata;
};

/// One unit of ingest for one source; committed in a single transaction with others.
struct WriteBatch
{
    qint64 sourceId = 0;
    std::vector<TraceRecord> traces;
    std::vector<ObservationRecord> observations;
    std::vector<ScoreRecord> scores;

    size_t rowCount() const { return traces.size() + observations.size() + scores.size(); }
    bool isEmpty() const { return rowCount() == 0; }
};

} // namespace tg
