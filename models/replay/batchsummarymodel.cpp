#include "batchsummarymodel.h"

#include "domain/timeformat.h"
#include "itemmodels/modelroles.h"
#include "itemmodels/tracelistmodel.h"
#include "worddiff.h"

#include <QLocale>

namespace tg {

namespace {

constexpr qint64 kNsPerMs = 1'000'000;

QString signedNumber(qint64 n)
{
    if (n == 0)
        return QStringLiteral("0");
    return (n > 0 ? QStringLiteral("+") : QStringLiteral("−")) + QLocale().toString(std::abs(n));
}

QString signedCost(double usd)
{
    if (std::abs(usd) < 0.00005)
        return QStringLiteral("±$0");
    return (usd > 0 ? QStringLiteral("+$") : QStringLiteral("−$")) + QString::number(std::abs(usd), 'f', 4);
}

QString signedMs(qint64 ms)
{
    return (ms > 0          ? QStringLiteral("+")
                   : ms < 0 ? QStringLiteral("−")
                            : QString())
        + formatDuration(std::abs(ms) * kNsPerMs);
}

QString stateName(BatchReplayRow::State state)
{
    switch (state) {
    case BatchReplayRow::State::Pending:
        return BatchSummaryModel::tr("waiting");
    case BatchReplayRow::State::Running:
        return BatchSummaryModel::tr("running");
    case BatchReplayRow::State::Done:
        return BatchSummaryModel::tr("done");
    case BatchReplayRow::State::Failed:
        return BatchSummaryModel::tr("failed");
    case BatchReplayRow::State::Cancelled:
        return BatchSummaryModel::tr("cancelled");
    }
    return {};
}

bool finished(const BatchReplayRow &r)
{
    return r.state == BatchReplayRow::State::Done;
}

} // namespace

BatchReplayRow BatchReplayRow::fromOrigin(const ReplayOrigin &origin)
{
    BatchReplayRow r;
    r.observationRk = origin.observationRk;
    r.traceName = origin.traceName;
    r.traceId = origin.traceId;
    r.name = origin.name;
    r.originalModel = origin.model;
    r.model = origin.model;
    r.originalInputTokens = origin.usage.inputTokens();
    r.originalOutputTokens = origin.usage.outputTokens();
    r.originalCost = origin.cost.total();
    r.originalLatencyNs = origin.latencyNs;
    return r;
}

void BatchReplayRow::setResult(
    const ReplayResult &result, const CostDetails &replayCost, const QString &recordedText)
{
    setResult(result, replayCost);
    if (result.ok)
        setComparison(diffWords(recordedText.trimmed(), result.comparableText().trimmed()));
}

void BatchReplayRow::setComparison(const WordDiff &diff)
{
    outputChanged = !diff.identical();
    similarity = diff.similarity();
}

void BatchReplayRow::setResult(const ReplayResult &result, const CostDetails &replayCost)
{
    state = result.ok ? State::Done : result.cancelled ? State::Cancelled : State::Failed;
    error = result.error;
    if (!result.model.isEmpty())
        model = result.model;
    inputTokens = result.usage.inputTokens();
    outputTokens = result.usage.outputTokens();
    costKnown = !replayCost.isEmpty();
    cost = replayCost.total();
    latencyMs = result.latencyMs;
}

BatchSummaryModel::BatchSummaryModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void BatchSummaryModel::setRows(std::vector<BatchReplayRow> rows)
{
    beginResetModel();
    m_rows = std::move(rows);
    endResetModel();
}

void BatchSummaryModel::updateRow(int row, const BatchReplayRow &value)
{
    if (row < 0 || row >= int(m_rows.size()))
        return;
    m_rows[size_t(row)] = value;
    Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
}

BatchReplayTotals BatchSummaryModel::totals() const
{
    BatchReplayTotals t;
    for (const BatchReplayRow &r : m_rows) {
        if (r.state == BatchReplayRow::State::Failed)
            ++t.failed;
        if (r.state == BatchReplayRow::State::Cancelled)
            ++t.cancelled;
        if (!finished(r))
            continue;
        ++t.done;
        t.changed += r.outputChanged ? 1 : 0;
        t.originalCost += r.originalCost;
        t.cost += r.cost;
        t.inputTokenDelta += r.inputTokens - r.originalInputTokens;
        t.outputTokenDelta += r.outputTokens - r.originalOutputTokens;
        if (r.latencyMs >= 0 && r.originalLatencyNs >= 0) {
            t.originalLatencyMs += r.originalLatencyNs / kNsPerMs;
            t.latencyMs += r.latencyMs;
        }
    }
    return t;
}

QString BatchSummaryModel::totalsText() const
{
    const BatchReplayTotals t = totals();
    QStringList parts;
    parts << tr("%1 of %2 replayed").arg(t.done).arg(m_rows.size());
    if (t.failed > 0)
        parts << tr("%1 failed").arg(t.failed);
    if (t.cancelled > 0)
        parts << tr("%1 cancelled").arg(t.cancelled);
    if (t.done == 0)
        return parts.join(QStringLiteral(" · "));
    parts << tr("%1 outputs changed").arg(t.changed);
    QString cost = tr("cost $%1 → $%2").arg(t.originalCost, 0, 'f', 4).arg(t.cost, 0, 'f', 4);
    if (t.originalCost > 0)
        cost += QStringLiteral(" (%1%2%)")
                    .arg(t.cost >= t.originalCost ? QStringLiteral("+") : QStringLiteral("−"))
                    .arg(std::abs(t.cost - t.originalCost) / t.originalCost * 100.0, 0, 'f', 0);
    parts << cost;
    parts
        << tr("tokens in %1, out %2").arg(signedNumber(t.inputTokenDelta), signedNumber(t.outputTokenDelta));
    if (t.originalLatencyMs > 0)
        parts << tr("latency %1 → %2")
                     .arg(formatDuration(t.originalLatencyMs * kNsPerMs),
                         formatDuration(t.latencyMs * kNsPerMs));
    return parts.join(QStringLiteral(" · "));
}

int BatchSummaryModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int BatchSummaryModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant BatchSummaryModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const BatchReplayRow &r = m_rows[size_t(index.row())];
    const bool done = finished(r);
    const qint64 originalMs = r.originalLatencyNs >= 0 ? r.originalLatencyNs / kNsPerMs : -1;
    if (role == RowKeyRole)
        return r.observationRk;
    if (role == IdRole)
        return r.replayTraceId;
    if (role == Qt::ToolTipRole) {
        if (!r.error.isEmpty())
            return r.error;
        if (index.column() == ModelColumn)
            return tr("recorded with %1, replayed with %2").arg(r.originalModel, r.model);
        return {};
    }
    if (role == Qt::TextAlignmentRole && index.column() >= CostColumn
        && index.column() <= OutputTokensDeltaColumn)
        return int(Qt::AlignRight | Qt::AlignVCenter);
    if (role != Qt::DisplayRole && role != SortRole)
        return {};
    const bool display = role == Qt::DisplayRole;
    switch (index.column()) {
    case TraceColumn: {
        if (!display || r.traceName.isEmpty())
            return r.traceName.isEmpty() ? r.traceId : r.traceName;
        // Many traces share a name: the start of the id tells them apart.
        const QString shortId = r.traceId.size() > 8 ? r.traceId.left(8) + QStringLiteral("…") : r.traceId;
        return QStringLiteral("%1 · %2").arg(r.traceName, shortId);
    }
    case GenerationColumn:
        return r.name;
    case ModelColumn:
        if (!display || r.model == r.originalModel)
            return r.model;
        return QStringLiteral("%1 → %2").arg(r.originalModel, r.model);
    case StatusColumn:
        if (!display)
            return int(r.state);
        return r.state == BatchReplayRow::State::Failed && !r.error.isEmpty()
            ? tr("failed: %1").arg(r.error.section(u'\n', 0, 0))
            : stateName(r.state);
    case CostColumn:
        if (!display)
            return r.cost;
        return done && r.costKnown
            ? QStringLiteral("%1 → %2").arg(formatCost(r.originalCost), formatCost(r.cost))
            : QString();
    case CostDeltaColumn:
        if (!display)
            return r.cost - r.originalCost;
        return done && r.costKnown ? signedCost(r.cost - r.originalCost) : QString();
    case LatencyColumn:
        if (!display)
            return r.latencyMs;
        return done && r.latencyMs >= 0 ? formatDuration(r.latencyMs * kNsPerMs) : QString();
    case LatencyDeltaColumn:
        if (!display)
            return originalMs >= 0 && r.latencyMs >= 0 ? r.latencyMs - originalMs : 0;
        return done && originalMs >= 0 && r.latencyMs >= 0 ? signedMs(r.latencyMs - originalMs) : QString();
    case InputTokensDeltaColumn:
        if (!display)
            return r.inputTokens - r.originalInputTokens;
        return done ? signedNumber(r.inputTokens - r.originalInputTokens) : QString();
    case OutputTokensDeltaColumn:
        if (!display)
            return r.outputTokens - r.originalOutputTokens;
        return done ? signedNumber(r.outputTokens - r.originalOutputTokens) : QString();
    case ChangedColumn:
        if (!display)
            return done ? (r.outputChanged ? 1 : 0) : -1;
        if (!done)
            return QString();
        return r.outputChanged ? tr("yes (%1% alike)").arg(qRound(r.similarity * 100)) : tr("no");
    default:
        return {};
    }
}

QVariant BatchSummaryModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case TraceColumn:
        return tr("Trace");
    case GenerationColumn:
        return tr("Generation");
    case ModelColumn:
        return tr("Model");
    case StatusColumn:
        return tr("Status");
    case CostColumn:
        return tr("Cost");
    case CostDeltaColumn:
        return tr("Δ cost");
    case LatencyColumn:
        return tr("Latency");
    case LatencyDeltaColumn:
        return tr("Δ latency");
    case InputTokensDeltaColumn:
        return tr("Δ tokens in");
    case OutputTokensDeltaColumn:
        return tr("Δ tokens out");
    case ChangedColumn:
        return tr("Output changed");
    default:
        return {};
    }
}

} // namespace tg
