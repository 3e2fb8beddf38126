#pragma once

#include "domain/observationtype.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace tg {

/// What the trace list shows. Every field is optional; empty means "no constraint".
struct TraceFilter
{
    QList<qint64> sourceIds; ///< any of these sources (empty = all)
    std::optional<qint64> fromNs; ///< trace timestamp >= from
    std::optional<qint64> toNs; ///< trace timestamp < to
    QString name; ///< exact trace name
    QString nameContains; ///< case-insensitive substring of the trace name
    QString userId; ///< exact
    QString sessionId; ///< exact
    QStringList tags; ///< all of these tags
    QStringList environments; ///< any of these environments
    std::optional<Level> minLevel; ///< most severe observation at least this (Warning, Error)
    QString model; ///< some observation used this model (exact)
    QString agent; ///< exact agent name (tag agent:Name or metadata agent_name)
    std::optional<qint64> minLatencyNs;
    std::optional<qint64> maxLatencyNs;
    std::optional<double> minCost;
    std::optional<double> maxCost;
    QString text; ///< full-text over names, inputs and outputs

    bool operator==(const TraceFilter &other) const = default;
};

enum class TraceSortKey { Time, Latency, Cost, Tokens, Name };

struct TraceQuery
{
    TraceFilter filter;
    TraceSortKey sortKey = TraceSortKey::Time;
    bool descending = true;

    bool operator==(const TraceQuery &other) const = default;
};

struct SessionFilter
{
    QList<qint64> sourceIds;
    std::optional<qint64> fromNs; ///< session active after (last trace end >= from)
    std::optional<qint64> toNs; ///< session started before
    QString idContains;
    QString userId;

    bool operator==(const SessionFilter &other) const = default;
};

} // namespace tg
