#include "batchreplayrunner.h"

#include "itemmodels/backgroundtask.h"
#include "store/readerpool.h"
#include "store/storereader.h"
#include "store/tracestore.h"

#include <QUuid>

namespace tg {

BatchReplayRunner::BatchReplayRunner(
    TraceStore *store, ChatProvider *provider, Options options, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_provider(provider)
    , m_options(std::move(options))
    , m_model(new BatchSummaryModel(this))
{
    m_options.concurrency = std::clamp(m_options.concurrency, 1, 32);
}

BatchReplayRunner::~BatchReplayRunner()
{
    for (const QPointer<ChatRun> &run : std::as_const(m_active)) {
        if (run)
            run->disconnect(this);
    }
}

void BatchReplayRunner::startForTraces(const QList<qint64> &traceRks)
{
    if (m_running)
        return;
    m_running = true;
    std::shared_ptr<ReaderPool> pool = m_store->readerPool();
    runInBackground(
        this,
        [pool, traceRks] {
            ReaderLease reader = pool->lease();
            return reader ? ReplayOrigin::generationsOf(*reader, traceRks) : std::vector<qint64>();
        },
        [this](std::vector<qint64> rks) {
            m_running = false;
            start(rks);
        });
}

void BatchReplayRunner::start(const std::vector<qint64> &observationRks)
{
    if (m_running && !m_jobs.empty())
        return;
    m_running = true;
    m_cancelled = false;
    std::shared_ptr<ReaderPool> pool = m_store->readerPool();
    const ReplayOverrides overrides = m_options.overrides;
    runInBackground(
        this,
        [pool, observationRks, overrides] {
            Loaded loaded;
            ReaderLease reader = pool->lease();
            if (!reader) {
                loaded.error = tr("The store cannot be read.");
                return loaded;
            }
            for (const qint64 rk : observationRks) {
                Job job;
                QString error;
                std::optional<ReplayOrigin> origin = ReplayOrigin::load(*reader, rk, &error);
                if (!origin)
                    continue; // not a generation: nothing to replay
                job.request = origin->request();
                overrides.apply(job.request);
                job.recordedText = origin->recordedText();
                job.error = job.request.validate();
                // The payloads are in the request now; the rows keep only what the table shows.
                origin->input.clear();
                origin->output.clear();
                job.origin = std::move(*origin);
                loaded.jobs.push_back(std::move(job));
            }
            return loaded;
        },
        [this](Loaded loaded) { onLoaded(std::move(loaded)); });
}

void BatchReplayRunner::onLoaded(Loaded result)
{
    m_jobs = std::move(result.jobs);
    if (!result.error.isEmpty())
        Q_EMIT loadFailed(result.error);
    std::vector<BatchReplayRow> rows;
    rows.reserve(m_jobs.size());
    for (const Job &job : m_jobs) {
        BatchReplayRow row = BatchReplayRow::fromOrigin(job.origin);
        row.model = job.request.model;
        if (!job.error.isEmpty()) {
            row.state = BatchReplayRow::State::Failed;
            row.error = job.error;
        }
        rows.push_back(std::move(row));
    }
    m_model->setRows(std::move(rows));
    m_next = 0;
    m_finished = 0;
    Q_EMIT loaded(int(m_jobs.size()));
    Q_EMIT progress(0, int(m_jobs.size()));
    pump();
    checkDone();
}

void BatchReplayRunner::pump()
{
    while (!m_cancelled && m_provider && m_active.size() < m_options.concurrency && m_next < m_jobs.size()) {
        const int row = int(m_next++);
        const Job &job = m_jobs[size_t(row)];
        if (!job.error.isEmpty()) {
            completeRow(row);
            continue;
        }
        BatchReplayRow r = m_model->row(row);
        r.state = BatchReplayRow::State::Running;
        m_model->updateRow(row, r);
        ChatRun *run = m_provider->start(job.request, m_provider->defaultOptions(), this);
        m_active.insert(row, run);
        connect(run, &ChatRun::finished, this, [this, row, run](const ReplayResult &result) {
            m_active.remove(row);
            onRunFinished(row, result, run->requestBody());
            run->deleteLater();
        });
    }
    if (!m_provider && m_next < m_jobs.size())
        cancel();
}

void BatchReplayRunner::onRunFinished(int row, const ReplayResult &result, const QByteArray &body)
{
    const Job &job = m_jobs[size_t(row)];
    QString costSource;
    const QString model = result.model.isEmpty() ? job.request.model : result.model;
    const CostDetails cost = replayCost(result, model, m_options.prices, &costSource);
    const bool store = m_options.storeReplays && !result.cancelled;
    ReplayRecord record;
    if (store) {
        record.origin = job.origin;
        record.request = job.request;
        record.sentBody = body;
        record.result = result;
        record.providerName = m_provider ? m_provider->config().name : QString();
        record.variant = m_options.variant;
        record.cost = cost;
        record.costSource = costSource;
        record.traceId = QStringLiteral("replay-") + QUuid::createUuid().toString(QUuid::WithoutBraces);
    }
    // The diff and the store write run off the GUI thread; the next request starts meanwhile.
    struct Outcome
    {
        WordDiff diff;
        QString storedTraceId;
    };
    ++m_storing;
    TraceStore *storePtr = m_store;
    runInBackground(
        this,
        [storePtr, record, store, recorded = job.recordedText, replayed = result.comparableText(),
            ok = result.ok]() mutable {
            Outcome out;
            if (ok)
                out.diff = diffWords(recorded.trimmed(), replayed.trimmed());
            QString error;
            if (store && submitReplay(*storePtr, record, &error))
                out.storedTraceId = record.traceId;
            return out;
        },
        [this, row, result, cost](const Outcome &out) {
            --m_storing;
            BatchReplayRow r = m_model->row(row);
            r.setResult(result, cost);
            if (result.ok)
                r.setComparison(out.diff);
            r.replayTraceId = out.storedTraceId;
            m_model->updateRow(row, r);
            if (!out.storedTraceId.isEmpty())
                Q_EMIT replayStored(out.storedTraceId);
            ++m_finished;
            Q_EMIT progress(m_finished, int(m_jobs.size()));
            checkDone();
        });
    pump();
}

void BatchReplayRunner::completeRow(int row)
{
    Q_UNUSED(row);
    ++m_finished;
    Q_EMIT progress(m_finished, int(m_jobs.size()));
}

void BatchReplayRunner::cancel()
{
    if (!m_running)
        return;
    m_cancelled = true;
    for (size_t i = m_next; i < m_jobs.size(); ++i) {
        BatchReplayRow r = m_model->row(int(i));
        if (r.state == BatchReplayRow::State::Pending) {
            r.state = BatchReplayRow::State::Cancelled;
            m_model->updateRow(int(i), r);
        }
    }
    m_next = m_jobs.size();
    const QList<QPointer<ChatRun>> active = m_active.values();
    for (const QPointer<ChatRun> &run : active) {
        if (run)
            run->cancel();
    }
    checkDone();
}

void BatchReplayRunner::checkDone()
{
    if (!m_running || !m_active.isEmpty() || m_storing > 0 || m_next < m_jobs.size())
        return;
    m_running = false;
    Q_EMIT finished(m_cancelled);
}

} // namespace tg
