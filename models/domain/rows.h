#pragma once

#include "observationtype.h"
#include "records.h"
#include "usage.h"

#include <QMetaType>
#include <QString>
#include <QStringList>

#include <vector>

namespace tg {

// Read-side rows, as the store returns them. List and tree rows never carry payloads
// (input, output, metadata); those come with the detail types, read when a row is shown.

inline constexpr qint64 kUnknownTime = -1;

/// One trace in a list: identity, filterable fields and derived totals.
struct TraceRow
{
    qint64 rk = 0; ///< store row key, stable for the life of the row
    qint64 sourceId = 0;
    QString id;
    QString name;
    qint64 timestampNs = kUnknownTime;
    QString userId;
    QString sessionId;
    QStringList tags;
    QString environment;
    QString release;
    QString version;
    QString agent;                   ///< from a tag "agent:Name" or metadata agent_name/agentName
    qint64 latencyNs = kUnknownTime; ///< first observation start to last observation end
    qint64 inputTokens = 0;
    qint64 outputTokens = 0;
    qint64 totalTokens = 0;
    double cost = 0.0;
    int observationCount = 0;
    int errorCount = 0;
    int warningCount = 0;
    Level level = Level::Default; ///< the most severe observation level
    qint64 writeSeq = 0;          ///< commit sequence of the last change

    bool operator==(const TraceRow &other) const = default;
};

/// Trace fields plus payloads, for the detail pane.
struct TraceDetail
{
    TraceRow row;
    bool isPublic = false;
    QByteArray input;
    QByteArray output;
    QByteArray metadata;
};

/// One observation as the span tree needs it: no payloads.
struct ObservationRow
{
    qint64 rk = 0;
    QString id;
    QString parentId;
    ObservationType type = ObservationType::Span;
    QString name;
    qint64 startNs = kUnknownTime;
    qint64 endNs = kUnknownTime;
    QString model;
    Level level = Level::Default;
    qint64 inputTokens = 0;
    qint64 outputTokens = 0;
    qint64 totalTokens = 0;
    double cost = 0.0;
    qint64 writeSeq = 0; ///< commit sequence of the last write; lets a live view fetch only changes
};

/// Everything about one observation, for the detail pane.
struct ObservationDetail
{
    ObservationRow row;
    qint64 traceRk = 0;
    QString traceId;
    qint64 completionStartNs = kUnknownTime;
    QByteArray modelParameters;
    QString statusMessage;
    UsageDetails usage;
    CostDetails cost;
    QString promptName;
    int promptVersion = 0; ///< 0 = none
    QString version;
    QString environment;
    QByteArray input;
    QByteArray output;
    QByteArray metadata;
};

struct SessionRow
{
    qint64 sourceId = 0;
    QString id;
    qint64 firstNs = kUnknownTime;
    qint64 lastNs = kUnknownTime; ///< end of the last trace
    int traceCount = 0;
    QString userId;
    qint64 totalTokens = 0;
    double cost = 0.0;
    int errorCount = 0;

    bool operator==(const SessionRow &other) const = default;
    qint64 durationNs() const
    {
        return (firstNs >= 0 && lastNs >= firstNs) ? lastNs - firstNs : kUnknownTime;
    }
};

struct ScoreRow
{
    qint64 rk = 0;
    qint64 sourceId = 0;
    QString id;
    QString traceId;
    QString observationId;
    QString sessionId;
    QString name;
    double value = 0.0;
    bool hasValue = false;
    QString stringValue;
    ScoreDataType dataType = ScoreDataType::Numeric;
    QString source;
    QString comment;
    qint64 timestampNs = kUnknownTime;
};

} // namespace tg

Q_DECLARE_METATYPE(tg::TraceRow)
Q_DECLARE_METATYPE(tg::ObservationRow)
