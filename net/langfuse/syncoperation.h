#pragma once

#include "itemmodels/backgroundtask.h"
#include "langfuseclient.h"

#include <QObject>
#include <QPointer>

#include <functional>
#include <map>
#include <memory>
#include <vector>

namespace tg {

class TraceStore;

/// Runs store work (ensureSource, setSyncState: they wait for the writer) on the thread pool,
/// and lets the owner wait for what is still running before the store may go away.
class StoreTasks
{
public:
    StoreTasks();
    ~StoreTasks(); ///< waits for running tasks

    /// `work` runs on the pool; `done` later on `context`'s thread unless it is destroyed.
    template<typename Work, typename Done> void run(QObject *context, Work work, Done done);
    void waitForAll();

private:
    struct State;
    std::shared_ptr<State> m_state;
    void begin();
    static void end(const std::shared_ptr<State> &state);
};

/// One run through one or more Langfuse listings (steps), writing each page into the store as
/// it arrives, or everything in one batch at the end (setAccumulate: a trace the user opened is
/// either complete in the store or not there). Steps of one lane run one after the other; lanes
/// run side by side (observations and scores of a window are independent listings). At most a
/// few pages wait for the store at a time.
/// finished() comes after every write committed. Deleting the operation cancels it: its requests
/// are dropped or aborted, and what was already committed stays.
class SyncOperation : public QObject
{
    Q_OBJECT

public:
    using Fetch
        = std::function<void(const PageToken &token, QObject *context, LangfuseClient::PageCallback done)>;

    struct Step
    {
        Fetch fetch;
        TimeWindow window; ///< when valid, progress follows the pages' oldest times through it
        int maxPages = 0; ///< 0 = until the listing ends
        PageToken start;
        int lane = 0; ///< steps of different lanes run concurrently
    };

    struct Counts
    {
        int pages = 0;
        qint64 traces = 0;
        qint64 observations = 0;
        qint64 scores = 0;
        qint64 skipped = 0;
        bool sawLegacy = false;
    };

    SyncOperation(TraceStore *store, qint64 sourceId, QObject *parent = nullptr);
    ~SyncOperation() override;

    void addStep(Step step);
    void setAccumulate(bool accumulate) { m_accumulate = accumulate; }
    /// Runs for every page before it is written; may change it or add steps.
    void setPageHook(std::function<void(SyncOperation &, LangfusePage &)> hook) { m_hook = std::move(hook); }
    void start();

    const Counts &counts() const { return m_counts; }
    /// 0..1 through the steps (and through a step's window by the pages' times).
    double progress() const;
    bool isRunning() const { return m_started && !m_finished; }
    /// The token after the last page seen, and whether that listing had more pages left.
    PageToken lastToken() const { return m_lastToken; }
    bool lastHasMore() const { return m_lastHasMore; }
    int stepCount() const { return int(m_steps.size()); }

Q_SIGNALS:
    void progressed();
    void finished(bool ok, const tg::LangfuseError &error);

private:
    struct Gate;
    struct Lane
    {
        std::vector<size_t> steps; ///< indexes into m_steps, in order
        size_t current = 0; ///< position in `steps`
        int pagesInStep = 0;
        double coverage = 0; ///< of the current step's window
        QString sentCursor; ///< the cursor of the request in flight
        bool running = false;
        bool done = false;
        bool hasDeferred = false;
        PageToken deferred;
    };
    void startLane(Lane &lane);
    void runStep(int lane, const PageToken &token);
    void onPage(int lane, LangfusePage page);
    void submit(WriteBatch batch);
    void onCommitted(bool ok, const QString &error);
    void fail(const LangfuseError &error);
    void maybeFinish();

    TraceStore *m_store;
    qint64 m_sourceId;
    std::vector<Step> m_steps;
    std::map<int, Lane> m_lanes;
    bool m_accumulate = false;
    WriteBatch m_accumulated;
    std::function<void(SyncOperation &, LangfusePage &)> m_hook;
    QObject *m_requests; ///< context of the requests in flight; deleting it cancels them
    std::shared_ptr<Gate> m_gate;
    int m_outstanding = 0; ///< batches submitted, not yet committed
    Counts m_counts;
    PageToken m_lastToken;
    bool m_lastHasMore = false;
    bool m_started = false;
    bool m_walkDone = false;
    bool m_finished = false;
    LangfuseError m_error;
};

template<typename Work, typename Done> void StoreTasks::run(QObject *context, Work work, Done done)
{
    begin();
    runInBackground(
        context,
        [state = m_state, work = std::move(work)]() mutable {
            auto result = work();
            end(state);
            return result;
        },
        std::move(done));
}

} // namespace tg
