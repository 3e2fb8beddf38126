#include "syncoperation.h"

#include "store/tracestore.h"

#include <QCoreApplication>
#include <QMutex>
#include <QWaitCondition>

#include <algorithm>
#include <iterator>

namespace tg {

namespace {

constexpr int kMaxPagesInFlight = 3; ///< pages handed to the store and not yet committed
constexpr size_t kMaxPendingRows = 150'000; ///< leave the store's own limit to the receiver

} // namespace

struct StoreTasks::State
{
    QMutex mutex;
    QWaitCondition idle;
    int running = 0;
};

StoreTasks::StoreTasks()
    : m_state(std::make_shared<State>())
{
}

StoreTasks::~StoreTasks()
{
    waitForAll();
}

void StoreTasks::begin()
{
    QMutexLocker lock(&m_state->mutex);
    ++m_state->running;
}

void StoreTasks::end(const std::shared_ptr<State> &state)
{
    QMutexLocker lock(&state->mutex);
    if (--state->running == 0)
        state->idle.wakeAll();
}

void StoreTasks::waitForAll()
{
    QMutexLocker lock(&m_state->mutex);
    while (m_state->running > 0)
        m_state->idle.wait(&m_state->mutex);
}

/// Lets the store's writer thread reach the operation only while it exists, and lets the
/// operation wait for its own submit tasks before it goes (they use the store pointer).
struct SyncOperation::Gate
{
    QMutex mutex;
    QWaitCondition idle;
    SyncOperation *target = nullptr;
    int submitting = 0;
};

SyncOperation::SyncOperation(TraceStore *store, qint64 sourceId, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_sourceId(sourceId)
    , m_requests(new QObject(this))
    , m_gate(std::make_shared<Gate>())
{
    m_gate->target = this;
}

SyncOperation::~SyncOperation()
{
    QMutexLocker lock(&m_gate->mutex);
    m_gate->target = nullptr;
    while (m_gate->submitting > 0)
        m_gate->idle.wait(&m_gate->mutex);
}

void SyncOperation::addStep(Step step)
{
    const int laneId = step.lane;
    m_steps.push_back(std::move(step));
    Lane &lane = m_lanes[laneId];
    lane.steps.push_back(m_steps.size() - 1);
    // A step added (by the page hook) to a lane that already finished starts that lane again.
    if (m_started && !m_finished && lane.done) {
        lane.done = false;
        lane.current = lane.steps.size() - 1;
        m_walkDone = false;
        startLane(lane);
    } else if (m_started && !m_finished && !lane.running) {
        startLane(lane);
    }
}

double SyncOperation::progress() const
{
    if (m_finished)
        return 1.0;
    if (m_steps.empty())
        return 0.0;
    double done = 0;
    for (const auto &entry : m_lanes) {
        const Lane &lane = entry.second;
        done += lane.done ? double(lane.steps.size()) : double(lane.current) + lane.coverage;
    }
    return std::clamp(done / double(m_steps.size()), 0.0, 1.0);
}

void SyncOperation::start()
{
    if (m_started)
        return;
    m_started = true;
    if (m_steps.empty()) {
        m_walkDone = true;
        QMetaObject::invokeMethod(this, &SyncOperation::maybeFinish, Qt::QueuedConnection);
        return;
    }
    for (auto &entry : m_lanes)
        startLane(entry.second);
}

void SyncOperation::startLane(Lane &lane)
{
    if (lane.current >= lane.steps.size())
        return;
    lane.running = true;
    for (auto &entry : m_lanes) {
        if (&entry.second == &lane) {
            runStep(entry.first, m_steps[lane.steps[lane.current]].start);
            return;
        }
    }
}

void SyncOperation::runStep(int laneId, const PageToken &token)
{
    if (m_finished || !m_error.ok())
        return;
    Lane &lane = m_lanes[laneId];
    if (m_outstanding >= kMaxPagesInFlight || m_store->pendingRows() > kMaxPendingRows) {
        // The store is behind: fetch the next page once a write committed.
        lane.deferred = token;
        lane.hasDeferred = true;
        return;
    }
    lane.sentCursor = token.cursor;
    m_steps[lane.steps[lane.current]].fetch(
        token, m_requests, [this, laneId](LangfusePage page) { onPage(laneId, std::move(page)); });
}

void SyncOperation::onPage(int laneId, LangfusePage page)
{
    if (m_finished)
        return;
    if (!page.ok()) {
        fail(page.error);
        return;
    }
    if (m_hook)
        m_hook(*this, page);
    Lane &lane = m_lanes[laneId];
    ++m_counts.pages;
    ++lane.pagesInStep;
    m_counts.traces += qint64(page.batch.traces.size());
    m_counts.observations += qint64(page.batch.observations.size());
    m_counts.scores += qint64(page.batch.scores.size());
    m_counts.skipped += page.skippedCount;
    m_counts.sawLegacy = m_counts.sawLegacy || page.legacy;
    // A listing that stops making progress ends here: a page without items, or the cursor we
    // just sent coming back, would otherwise page forever.
    const bool progressing
        = page.itemCount > 0 && (page.next.cursor.isEmpty() || page.next.cursor != lane.sentCursor);
    m_lastToken = page.next;
    m_lastHasMore = page.hasMore && progressing;

    const Step &step = m_steps[lane.steps[lane.current]];
    if (step.window.isValid() && page.oldestNs >= 0) {
        const double to = double(step.window.to.toMSecsSinceEpoch());
        const double span = to - double(step.window.from.toMSecsSinceEpoch());
        const double covered = (to - double(page.oldestNs / 1'000'000)) / span;
        lane.coverage = std::max(lane.coverage, std::clamp(covered, 0.0, 1.0));
    }
    const bool more = m_lastHasMore && (step.maxPages == 0 || lane.pagesInStep < step.maxPages);

    if (m_accumulate) {
        auto append = [](auto &into, auto &from) {
            into.insert(
                into.end(), std::make_move_iterator(from.begin()), std::make_move_iterator(from.end()));
        };
        append(m_accumulated.traces, page.batch.traces);
        append(m_accumulated.observations, page.batch.observations);
        append(m_accumulated.scores, page.batch.scores);
    } else {
        submit(std::move(page.batch));
    }
    if (!more)
        lane.coverage = 1.0; // the listing ended: the step's window is covered
    emit progressed();
    if (more) {
        runStep(laneId, page.next);
        return;
    }
    if (lane.current + 1 < lane.steps.size()) {
        ++lane.current;
        lane.pagesInStep = 0;
        lane.coverage = 0;
        runStep(laneId, m_steps[lane.steps[lane.current]].start);
        return;
    }
    lane.done = true;
    lane.running = false;
    for (const auto &entry : m_lanes) {
        if (!entry.second.done)
            return;
    }
    m_walkDone = true;
    if (m_accumulate) {
        WriteBatch all = std::move(m_accumulated);
        m_accumulated = {};
        submit(std::move(all));
    }
    maybeFinish();
}

void SyncOperation::submit(WriteBatch batch)
{
    if (batch.isEmpty())
        return;
    batch.sourceId = m_sourceId;
    ++m_outstanding;
    {
        QMutexLocker lock(&m_gate->mutex);
        ++m_gate->submitting;
    }
    std::shared_ptr<Gate> gate = m_gate;
    TraceStore *store = m_store;
    // Preparing a batch for the writer costs real time for 1,000 observations: not on this thread.
    runInBackground(
        this,
        [gate, store, batch = std::move(batch)]() mutable {
            auto notify = [gate](bool ok, const QString &error) {
                QMutexLocker lock(&gate->mutex);
                if (SyncOperation *op = gate->target)
                    QMetaObject::invokeMethod(
                        op, [op, ok, error] { op->onCommitted(ok, error); }, Qt::QueuedConnection);
            };
            const SubmitStatus status
                = store->submit(std::move(batch), [notify](const CommitResult &r) { notify(r.ok, r.error); });
            if (status != SubmitStatus::Queued)
                notify(false,
                    status == SubmitStatus::Overloaded
                        ? tr("the local store is overloaded; the next sync fills the gap")
                        : tr("the local store is closed"));
            QMutexLocker lock(&gate->mutex);
            if (--gate->submitting == 0)
                gate->idle.wakeAll();
            return 0;
        },
        [](int) {});
}

void SyncOperation::onCommitted(bool ok, const QString &error)
{
    --m_outstanding;
    if (!ok && m_error.ok())
        m_error = LangfuseError::make(
            LangfuseError::Kind::InvalidResponse, tr("Writing to the local store failed: %1").arg(error));
    if (m_error.ok() && !m_finished) {
        for (auto &entry : m_lanes) {
            if (entry.second.hasDeferred) {
                entry.second.hasDeferred = false;
                runStep(entry.first, entry.second.deferred);
            }
        }
    }
    maybeFinish();
}

void SyncOperation::fail(const LangfuseError &error)
{
    if (m_error.ok())
        m_error = error;
    delete m_requests; // nothing more goes out
    m_requests = new QObject(this);
    m_walkDone = true;
    maybeFinish();
}

void SyncOperation::maybeFinish()
{
    if (m_finished || !m_walkDone || m_outstanding > 0)
        return;
    m_finished = true;
    emit finished(m_error.ok(), m_error);
}

} // namespace tg
