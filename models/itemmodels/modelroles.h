#pragma once

#include <Qt>

namespace tg {

/// Custom item roles shared by every model in traceglass. DisplayRole holds formatted text;
/// SortRole holds the raw value (number, nanoseconds, USD) the column sorts by.
enum ModelRole : int {
    SortRole = Qt::UserRole + 1,
    RowKeyRole,         ///< qint64 store row key (trace rk, observation rk)
    IdRole,             ///< QString id as Langfuse shows it
    SourceIdRole,       ///< qint64 source id
    ObservationTypeRole,///< int (tg::ObservationType)
    LevelRole,          ///< int (tg::Level)
    StartOffsetRole,    ///< qint64 ns from the trace start
    DurationRole,       ///< qint64 ns, -1 when unknown
    TraceStartRole,     ///< qint64 ns since the epoch, start of the whole trace
    TraceDurationRole,  ///< qint64 ns, whole trace
    DepthRole,          ///< int depth in the span tree (0 = top level)
    TreeFlagsRole,      ///< int, tg::SpanTree node flags (orphan, cycle cut, duplicate)
    ErrorCountRole,     ///< int, errors in the row or its subtree
    ModelNameRole,      ///< QString model name
    SessionIdRole,      ///< QString
    UserIdRole,         ///< QString
    TagsRole,           ///< QStringList
    CostRole,           ///< double USD
    TokensRole,         ///< qint64 total tokens
    SearchMatchRole,    ///< bool, the row matches the current in-trace search
    LoadingRole,        ///< bool, the row is a placeholder while data loads
    UserRole = Qt::UserRole + 100, ///< first role free for a single model's own use
};

} // namespace tg
