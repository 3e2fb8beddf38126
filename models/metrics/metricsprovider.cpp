#include "metricsprovider.h"

#include "domain/timeformat.h"
#include "itemmodels/backgroundtask.h"
#include "metrics/localaggregator.h"
#include "metrics/metricsapiquery.h"
#include "metrics/timebuckets.h"
#include "store/readerpool.h"
#include "store/storereader.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QPointer>
#include <QTimeZone>

namespace tg {

namespace {

constexpr qint64 kMinuteNs = 60'000'000'000LL;

qint64 floorTo(qint64 v, qint64 step)
{
    const qint64 q = v / step;
    return (v % step != 0 && v < 0 ? q - 1 : q) * step;
}

qint64 ceilTo(qint64 v, qint64 step)
{
    const qint64 f = floorTo(v, step);
    return f == v ? v : f + step;
}

QString ageText(qint64 ageNs)
{
    return formatDuration(std::max<qint64>(ageNs, 0) / 1'000'000'000LL * 1'000'000'000LL);
}

} // namespace

struct MetricsProvider::Job
{
    MetricsQuery query;
    Callback done;
    bool background = false;
    std::vector<MetricsSeries> parts;
    QStringList prefixes;
    int pending = 0;
    bool started = false;
};

MetricsProvider::MetricsProvider(std::shared_ptr<ReaderPool> pool, QObject *parent)
    : QObject(parent)
    , m_pool(std::move(pool))
    , m_cache(std::make_shared<MetricsCache>())
{
}

MetricsProvider::~MetricsProvider() = default;

void MetricsProvider::setCache(std::shared_ptr<MetricsCache> cache)
{
    m_cache = cache ? std::move(cache) : std::make_shared<MetricsCache>();
    const QJsonDocument state = QJsonDocument::fromJson(m_cache->readState(QStringLiteral("budget")));
    if (state.isObject())
        m_budget.restore(state.object());
}

qint64 MetricsProvider::now() const
{
    return m_clock ? m_clock() : nowNs();
}

MetricsQuery MetricsProvider::remoteWindow(const MetricsQuery &query)
{
    MetricsQuery q = query;
    const qint64 step = query.granularity == Granularity::Minute ? kMinuteNs : 5 * kMinuteNs;
    q.fromNs = floorTo(query.fromNs, step);
    q.toNs = ceilTo(query.toNs, step);
    if (q.toNs <= q.fromNs)
        q.toNs = q.fromNs + step;
    return q;
}

Granularity MetricsProvider::remoteGranularity(const MetricsQuery &query, const TimeBuckets &buckets)
{
    const Granularity g = buckets.granularity();
    if (g != Granularity::Day && g != Granularity::Week)
        return g;
    // Langfuse cuts days at UTC midnight. For another zone, sums, counts and rates are asked
    // per hour and added up into the local days (parse() adds rows into the bucket holding
    // them); percentiles cannot be added, and a group-by could overflow the row limit.
    const QTimeZone zone = TimeBuckets::zoneFor(query.timeZone);
    const qint64 fromMs = query.fromNs / 1'000'000;
    const qint64 toMs = query.toNs / 1'000'000;
    const bool utc = zone.offsetFromUtc(QDateTime::fromMSecsSinceEpoch(fromMs, QTimeZone::utc())) == 0
        && zone.offsetFromUtc(QDateTime::fromMSecsSinceEpoch(toMs, QTimeZone::utc())) == 0;
    const qint64 hours = (query.toNs - query.fromNs) / (60 * kMinuteNs) + 2;
    const bool oneSeries = query.groupBy == Dimension::None || query.groupBy == Dimension::Source;
    const int rowsPerHour = query.measure == Measure::ErrorRate ? 4 : 1; // one row per level
    if (utc || query.measure == Measure::Latency || !oneSeries
        || hours * rowsPerHour > MetricsApiQuery::kRowLimit)
        return g;
    return Granularity::Hour;
}

void MetricsProvider::request(const MetricsQuery &query, Callback done, bool background)
{
    auto job = std::make_shared<Job>();
    job->query = query;
    job->done = std::move(done);
    job->background = background;
    std::shared_ptr<ReaderPool> pool = m_pool;
    runInBackground(
        this,
        [pool]() -> std::vector<Source> {
            if (!pool)
                return {};
            ReaderLease reader = pool->lease();
            return reader ? reader->sources(false) : std::vector<Source> {};
        },
        [this, job](std::vector<Source> sources) { start(job, sources); });
}

void MetricsProvider::start(const std::shared_ptr<Job> &job, const std::vector<Source> &sources)
{
    const MetricsQuery &q = job->query;
    std::vector<RemoteSource> remotes;
    QList<qint64> localIds;
    for (const Source &source : sources) {
        if (!q.sourceIds.isEmpty() && !q.sourceIds.contains(source.id))
            continue;
        std::shared_ptr<MetricsTransport> transport;
        if (source.kind == SourceKind::Langfuse && m_factory)
            transport = m_factory(source);
        if (transport) {
            remotes.push_back({ source, transport });
            m_remotes.insert(source.id, remotes.back());
        } else {
            localIds.append(source.id);
        }
    }
    job->started = true;
    if (remotes.empty()) {
        // Everything is local: one scan over the sources as asked (empty = all).
        addLocalPart(job, q.sourceIds, QString(), MetricsOrigin::Local, QString());
        return;
    }
    ++job->pending; // held until every part has been started
    if (!localIds.isEmpty()) {
        QString prefix = QStringLiteral("Local");
        if (localIds.size() == 1) {
            for (const Source &s : sources) {
                if (s.id == localIds.front())
                    prefix = s.name;
            }
        }
        addLocalPart(job, localIds, prefix, MetricsOrigin::Local, QString());
    }
    for (const RemoteSource &remote : remotes)
        startRemote(job, remote);
    finishPart(job);
}

void MetricsProvider::startRemote(const std::shared_ptr<Job> &job, const RemoteSource &remote)
{
    const Source &source = remote.source;
    MetricsQuery sub = job->query;
    sub.sourceIds = { source.id };
    QString error;
    const std::optional<TimeBuckets> buckets = TimeBuckets::forQuery(sub, &error);
    if (!buckets) {
        MetricsSeries failed;
        failed.query = sub;
        failed.error = error;
        addPart(job, failed, source.name);
        return;
    }
    auto fallback = [this, job, source](const QString &why) {
        addLocalPart(job, { source.id }, source.name, MetricsOrigin::LocalFallback,
            QStringLiteral("%1: %2; showing the local copy.").arg(source.name, why));
    };
    const QString key = remote.transport->budgetKey();
    if (m_noMetricsApi.contains(key))
        return fallback(QStringLiteral("this Langfuse server has no metrics API v2"));
    MetricsQuery window = remoteWindow(sub);
    window.granularity = buckets->granularity();
    const Granularity apiGranularity = remoteGranularity(sub, *buckets);
    QString unsupported;
    const std::optional<QJsonObject> apiQuery = MetricsApiQuery::build(window, apiGranularity, &unsupported);
    if (!apiQuery)
        return fallback(unsupported);
    const QByteArray text = MetricsApiQuery::toText(*apiQuery);
    const QString sourceKey = QString::number(source.id);
    const std::optional<MetricsCache::Entry> cached = m_cache->lookup(source.key, text);
    auto fromCache = [this, job, source, sub, buckets, sourceKey](
                         const MetricsCache::Entry &entry, const QString &notice) {
        MetricsSeries part = MetricsApiQuery::parse(entry.body, sub, *buckets, sourceKey, source.name);
        part.origin = MetricsOrigin::RemoteCache;
        part.notice = notice;
        addPart(job, part, source.name);
    };
    const qint64 t = now();
    if (cached && t - cached->fetchedNs < m_freshNs)
        return fromCache(*cached, QString());
    QString why;
    const bool cloud = remote.transport->isCloud();
    if (!m_budget.canCall(key, cloud, t, job->background, &why)) {
        if (cached)
            return fromCache(*cached,
                QStringLiteral("%1: %2; showing the API's answer from %3 ago.")
                    .arg(source.name, why, ageText(t - cached->fetchedNs)));
        return fallback(why);
    }
    m_budget.recordCall(key, cloud, t);
    ++job->pending;
    QPointer<MetricsProvider> self(this);
    std::shared_ptr<MetricsTransport> transport = remote.transport;
    transport->fetch(text,
        [self, job, source, sub, buckets, sourceKey, text, cached, key, transport](
            const MetricsFetchResult &result) {
            if (!self)
                return;
            MetricsProvider *p = self.data();
            const qint64 at = p->now();
            p->m_budget.recordResult(key, result, at);
            p->saveBudget();
            Q_EMIT p->budgetChanged();
            QString problem;
            if (result.status == 200) {
                MetricsSeries part
                    = MetricsApiQuery::parse(result.body, sub, *buckets, sourceKey, source.name);
                if (part.error.isEmpty()) {
                    p->m_cache->store(source.key, text, result.body, at);
                    p->addPart(job, part, source.name);
                    p->finishPart(job);
                    return;
                }
                problem = part.error;
            } else if (result.status == 404) {
                p->m_noMetricsApi.insert(key);
                problem = QStringLiteral("this Langfuse server has no metrics API v2 (404)");
            } else if (result.status == 429) {
                problem = QStringLiteral("the metrics API is rate limited (429)");
            } else if (result.status == 0) {
                problem = result.error.isEmpty() ? QStringLiteral("no answer from the server") : result.error;
            } else {
                problem = QStringLiteral("the metrics API answered HTTP %1").arg(result.status);
            }
            if (cached) {
                MetricsSeries part
                    = MetricsApiQuery::parse(cached->body, sub, *buckets, sourceKey, source.name);
                part.origin = MetricsOrigin::RemoteCache;
                part.notice = QStringLiteral("%1: %2; showing the API's answer from %3 ago.")
                                  .arg(source.name, problem, ageText(at - cached->fetchedNs));
                p->addPart(job, part, source.name);
            } else {
                p->addLocalPart(job, { source.id }, source.name, MetricsOrigin::LocalFallback,
                    QStringLiteral("%1: %2; showing the local copy.").arg(source.name, problem));
            }
            p->finishPart(job);
        });
}

void MetricsProvider::addLocalPart(const std::shared_ptr<Job> &job, const QList<qint64> &sourceIds,
    const QString &prefix, MetricsOrigin origin, const QString &notice)
{
    MetricsQuery sub = job->query;
    sub.sourceIds = sourceIds;
    ++job->pending;
    std::shared_ptr<ReaderPool> pool = m_pool;
    runInBackground(
        this, [pool, sub]() { return LocalAggregator(pool).run(sub); },
        [this, job, prefix, origin, notice](MetricsSeries part) {
            part.origin = origin;
            if (!notice.isEmpty())
                part.notice = notice;
            addPart(job, std::move(part), prefix);
            finishPart(job);
        });
}

void MetricsProvider::addPart(const std::shared_ptr<Job> &job, MetricsSeries part, const QString &prefix)
{
    job->parts.push_back(std::move(part));
    job->prefixes.append(prefix);
}

void MetricsProvider::finishPart(const std::shared_ptr<Job> &job)
{
    if (--job->pending > 0)
        return;
    std::vector<MetricsSeries> usable;
    QStringList prefixes;
    QStringList errors;
    for (size_t i = 0; i < job->parts.size(); ++i) {
        if (job->parts[i].error.isEmpty()) {
            usable.push_back(job->parts[i]);
            prefixes.append(job->prefixes.value(static_cast<qsizetype>(i)));
        } else {
            errors.append(job->parts[i].error);
        }
    }
    MetricsSeries result;
    if (usable.empty()) {
        result.query = job->query;
        result.error
            = errors.isEmpty() ? QStringLiteral("nothing to show") : errors.join(QStringLiteral("; "));
    } else {
        result = mergeMetricsSeries(usable, prefixes);
        if (!errors.isEmpty())
            result.notice = QString(result.notice + u' ' + errors.join(QStringLiteral("; "))).trimmed();
    }
    job->done(result);
}

QStringList MetricsProvider::budgetSummary(const QList<qint64> &sourceIds) const
{
    QStringList lines;
    QSet<QString> seen;
    const qint64 t = now();
    for (auto it = m_remotes.cbegin(); it != m_remotes.cend(); ++it) {
        if (!sourceIds.isEmpty() && !sourceIds.contains(it.key()))
            continue;
        const QString key = it->transport->budgetKey();
        if (seen.contains(key))
            continue;
        seen.insert(key);
        const QString text = m_budget.describe(key, it->transport->isCloud(), t);
        if (!text.isEmpty())
            lines << QStringLiteral("%1: %2").arg(it->source.name, text);
    }
    lines.sort();
    return lines;
}

void MetricsProvider::saveBudget()
{
    m_cache->writeState(
        QStringLiteral("budget"), QJsonDocument(m_budget.toJson()).toJson(QJsonDocument::Compact));
}

} // namespace tg
