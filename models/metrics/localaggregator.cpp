#include "localaggregator.h"

#include "metrics/localscan.h"
#include "store/readerpool.h"
#include "store/storereader.h"

#include <array>
#include <limits>
#include <thread>

namespace tg {

namespace {

using namespace metricsscan;

QString noneLabel(const MetricsQuery &q)
{
    switch (q.measure) {
    case Measure::Tokens:
        return tokenKindTitle(q.effectiveTokenKind());
    case Measure::Latency:
        return percentileName(q.effectivePercentile());
    default:
        return measureTitle(q.measure);
    }
}

QString noneKey(const MetricsQuery &q)
{
    switch (q.measure) {
    case Measure::Tokens:
        return tokenKindName(q.effectiveTokenKind());
    case Measure::Latency:
        return percentileName(q.effectivePercentile());
    default:
        return measureName(q.measure);
    }
}

MetricsSeries failure(const MetricsQuery &query, const QString &error)
{
    MetricsSeries result;
    result.query = query;
    result.error = error;
    return result;
}

MetricsSeries aggregate(StoreReader &reader, const MetricsQuery &query, const std::atomic<bool> *cancel,
    StoreReader *second, qint64 parallelThreshold)
{
    Context ctx;
    ctx.query = query;
    QString error;
    ctx.buckets = TimeBuckets::forQuery(query, &error);
    if (!ctx.buckets)
        return failure(query, error);
    ctx.query.granularity = ctx.buckets->granularity();
    const MetricsQuery &q = ctx.query;
    for (const Source &source : reader.sources(false))
        ctx.sourceNames.insert(source.id, source.name);
    for (const QString &tag : q.filter.tags)
        ctx.filterStorage.push_back(tag.toStdString());
    for (const QString &model : q.filter.models)
        ctx.filterStorage.push_back(model.toStdString());
    for (size_t i = 0; i < ctx.filterStorage.size(); ++i) {
        const std::string_view value(ctx.filterStorage[i]);
        if (i < static_cast<size_t>(q.filter.tags.size()))
            ctx.tagFilter.insert(value);
        else
            ctx.modelFilter.insert(value);
    }

    sqlite3 *db = reader.db().handle();
    MetricsAccumulator acc(ctx.buckets->count());
    // Unsplit series exist even without data, so an empty range still draws its axes.
    if (q.groupBy == Dimension::None)
        acc.ensureGroup(q.measure == Measure::Tokens && q.effectiveTokenKind() == TokenKind::All ? 3 : 0);

    if (!q.isObservationMeasure()) {
        if (!scanTraces(db, ctx, acc, cancel, &error))
            return failure(query, error);
    } else {
        const bool needTraces = !q.sourceIds.isEmpty() || ctx.traceDimension()
            || !q.filter.traceNames.isEmpty() || !q.filter.userIds.isEmpty()
            || !q.filter.environments.isEmpty() || !q.filter.tags.isEmpty();
        if (needTraces && !readTraceTable(db, ctx, &error))
            return failure(query, error);
        const auto rkRange = observationRkRange(db);
        const qint64 minRk = rkRange.first;
        const qint64 maxRk = rkRange.second;
        const bool modelGroups = q.groupBy == Dimension::Model;
        if (!second || maxRk - minRk + 1 <= parallelThreshold) {
            KeyInterner models;
            if (!scanObservations(
                    db, ctx, minRk, maxRk, acc, modelGroups ? ctx.groups : models, cancel, &error))
                return failure(query, error);
        } else {
            // Two halves of the row-key range on two connections; the second half's groups are
            // mapped onto the first's afterwards.
            const qint64 mid = minRk + (maxRk - minRk) / 2;
            MetricsAccumulator acc2(ctx.buckets->count());
            KeyInterner models2;
            QString error2;
            bool ok2 = false;
            KeyInterner models1;
            std::thread worker([&] {
                ok2 = scanObservations(
                    second->db().handle(), ctx, mid + 1, maxRk, acc2, models2, cancel, &error2);
            });
            const bool ok1 = scanObservations(db, ctx, minRk, mid, acc, models1, cancel, &error);
            worker.join();
            if (!ok1 || !ok2)
                return failure(query, ok1 ? error2 : error);
            if (modelGroups) {
                // Re-intern both halves so group ids refer to ctx.groups.
                MetricsAccumulator merged(ctx.buckets->count());
                std::vector<int> map1(static_cast<size_t>(acc.groups()));
                for (int g = 0; g < acc.groups(); ++g)
                    map1[static_cast<size_t>(g)] = ctx.groups.intern(models1.key(g));
                merged.mergeFrom(acc, map1);
                std::vector<int> map2(static_cast<size_t>(acc2.groups()));
                for (int g = 0; g < acc2.groups(); ++g)
                    map2[static_cast<size_t>(g)] = ctx.groups.intern(models2.key(g));
                merged.mergeFrom(acc2, map2);
                acc = std::move(merged);
            } else {
                std::vector<int> identity(static_cast<size_t>(acc2.groups()));
                for (int g = 0; g < acc2.groups(); ++g)
                    identity[static_cast<size_t>(g)] = g;
                acc.mergeFrom(acc2, identity);
            }
            if (acc.overflowed())
                return failure(query, QStringLiteral("too many groups for this many buckets"));
        }
    }

    const bool allKinds = q.groupBy == Dimension::None && q.measure == Measure::Tokens
        && q.effectiveTokenKind() == TokenKind::All;
    constexpr std::array<TokenKind, 4> kinds { TokenKind::Input, TokenKind::Output, TokenKind::Cached,
        TokenKind::Reasoning };
    auto info = [&](int g) -> MetricsAccumulator::GroupInfo {
        if (allKinds)
            return { tokenKindName(kinds[static_cast<size_t>(g)]),
                tokenKindTitle(kinds[static_cast<size_t>(g)]) };
        if (q.groupBy == Dimension::None)
            return { noneKey(q), noneLabel(q) };
        const QString key = ctx.groups.keyString(g);
        if (key.isEmpty())
            return { key, QStringLiteral("(none)") };
        if (q.groupBy == Dimension::Source)
            return { key, ctx.sourceLabel(key.toLongLong()) };
        return { key, key };
    };
    MetricsSeries result = acc.finish(q, ctx.buckets->edges(), info);
    result.origin = MetricsOrigin::Local;
    return result;
}

} // namespace

LocalAggregator::LocalAggregator(std::shared_ptr<ReaderPool> pool)
    : m_pool(std::move(pool))
{
}

MetricsSeries LocalAggregator::run(const MetricsQuery &query, const std::atomic<bool> *cancel) const
{
    if (!m_pool)
        return failure(query, QStringLiteral("no store"));
    std::unique_ptr<StoreReader> reader = m_pool->acquire();
    if (!reader)
        return failure(query, QStringLiteral("cannot open a read connection to the store"));
    // A second connection for the other half of a large scan (pooled, so usually already open).
    std::unique_ptr<StoreReader> second = query.isObservationMeasure() ? m_pool->acquire() : nullptr;
    MetricsSeries result = aggregate(*reader, query, cancel, second.get(), m_parallelThreshold);
    m_pool->release(std::move(reader));
    m_pool->release(std::move(second));
    return result;
}

MetricsSeries LocalAggregator::run(
    StoreReader &reader, const MetricsQuery &query, const std::atomic<bool> *cancel)
{
    return aggregate(reader, query, cancel, nullptr, std::numeric_limits<qint64>::max());
}

} // namespace tg
