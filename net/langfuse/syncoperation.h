#pragma once

#include "itemmodels/backgroundtask.h"
#include "langfuseclient.h"

#include <QObject>
#include <QPointer>

#include <functional>
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
/// either complete in the store or not there). At most a few pages wait for the store at a time.
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
    /// The token after the last page of the last step run, and whether more pages were left.
    PageToken lastToken() const { return m_lastToken; }
    bool lastHasMore() const { return m_lastHasMore; }
    int stepCount() const { return int(m_steps.size()); }

Q_SIGNALS:
    void progressed();
    void finished(bool ok, const tg::LangfuseError &error);

private:
    struct Gate;
    void runStep(const PageToken &token);
    void onPage(LangfusePage page);
    void submit(WriteBatch batch);
    void onCommitted(bool ok, const QString &error);
    void fail(const LangfuseError &error);
    void maybeFinish();

    TraceStore *m_store;
    qint64 m_sourceId;
    std::vector<Step> m_steps;
    size_t m_step = 0;
    int m_pagesInStep = 0;
    double m_stepCoverage = 0;
    bool m_accumulate = false;
    WriteBatch m_accumulated;
    std::function<void(SyncOperation &, LangfusePage &)> m_hook;
    QObject *m_requests; ///< context of the requests in flight; deleting it cancels them
    std::shared_ptr<Gate> m_gate;
    int m_outstanding = 0; ///< batches submitted, not yet committed
    bool m_waitingForStore = false;
    QString m_sentCursor; ///< the cursor of the request in flight
    PageToken m_deferred;
    bool m_hasDeferred = false;
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
