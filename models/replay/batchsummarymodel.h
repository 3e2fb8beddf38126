#pragma once

#include "replayrecord.h"
#include "worddiff.h"

#include <QAbstractTableModel>

#include <vector>

namespace tg {

/// One generation of a batch replay: what was recorded beside what the replay produced.
struct BatchReplayRow
{
    enum class State : quint8 { Pending, Running, Done, Failed, Cancelled };

    qint64 observationRk = 0;
    QString traceName;
    QString traceId;
    QString name;
    QString originalModel;
    QString model; ///< the model the replay ran
    State state = State::Pending;
    QString error;
    qint64 originalInputTokens = 0;
    qint64 originalOutputTokens = 0;
    double originalCost = 0.0;
    qint64 originalLatencyNs = kUnknownTime;
    qint64 inputTokens = 0;
    qint64 outputTokens = 0;
    double cost = 0.0;
    bool costKnown = false;
    qint64 latencyMs = -1;
    bool outputChanged = false;
    double similarity = 1.0; ///< word similarity of the outputs
    QString replayTraceId; ///< the stored replay

    /// Fills the original side from an origin.
    static BatchReplayRow fromOrigin(const ReplayOrigin &origin);
    /// Fills the replay side from a finished run; the comparison comes with setComparison().
    void setResult(const ReplayResult &result, const CostDetails &replayCost);
    /// setResult() plus a word diff against the recorded text (on the calling thread).
    void setResult(const ReplayResult &result, const CostDetails &replayCost, const QString &recordedText);
    /// Whether the output changed, from a diff of recorded and replayed text.
    void setComparison(const WordDiff &diff);
};

/// Sums over the finished rows of a batch.
struct BatchReplayTotals
{
    int done = 0;
    int failed = 0;
    int cancelled = 0;
    int changed = 0;
    double originalCost = 0.0;
    double cost = 0.0;
    qint64 inputTokenDelta = 0;
    qint64 outputTokenDelta = 0;
    qint64 originalLatencyMs = 0; ///< over rows where both latencies are known
    qint64 latencyMs = 0;
};

/// The summary table of a batch replay: one row per generation, deltas of cost, latency and
/// tokens, and whether the output changed. DisplayRole formatted, SortRole raw.
class BatchSummaryModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column {
        TraceColumn,
        GenerationColumn,
        ModelColumn,
        StatusColumn,
        CostColumn,
        CostDeltaColumn,
        LatencyColumn,
        LatencyDeltaColumn,
        InputTokensDeltaColumn,
        OutputTokensDeltaColumn,
        ChangedColumn,
        ColumnCount
    };

    explicit BatchSummaryModel(QObject *parent = nullptr);

    void setRows(std::vector<BatchReplayRow> rows);
    void updateRow(int row, const BatchReplayRow &value);
    const BatchReplayRow &row(int row) const { return m_rows[size_t(row)]; }
    const std::vector<BatchReplayRow> &rows() const { return m_rows; }
    BatchReplayTotals totals() const;
    /// "12 replayed, 1 failed · 7 outputs changed · cost $0.0123 → $0.0045 (−63%) · ..."
    QString totalsText() const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    std::vector<BatchReplayRow> m_rows;
};

} // namespace tg
