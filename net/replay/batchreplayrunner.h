#pragma once

#include "providers/chatprovider.h"
#include "replay/batchsummarymodel.h"
#include "replay/pricetable.h"
#include "replay/replayrecord.h"

#include <QHash>
#include <QObject>
#include <QPointer>

#include <vector>

namespace tg {

class TraceStore;

/// Replays many generations with one provider: reads them from the store off the GUI thread,
/// applies the overrides (model, system prompt, temperature), runs at most `concurrency` at once,
/// stores every replay under the Replays source, and keeps a BatchSummaryModel up to date.
class BatchReplayRunner : public QObject
{
    Q_OBJECT

public:
    struct Options
    {
        ReplayOverrides overrides;
        int concurrency = 4;
        PriceTable prices;
        bool storeReplays = true;
        QString variant = QStringLiteral("batch");
    };

    /// `store` and `provider` must outlive the runner.
    BatchReplayRunner(TraceStore *store, ChatProvider *provider, Options options, QObject *parent = nullptr);
    ~BatchReplayRunner() override;

    BatchSummaryModel *model() const { return m_model; }
    const Options &options() const { return m_options; }

    /// Replays these GENERATIONs (observation row keys); other observations are skipped.
    void start(const std::vector<qint64> &observationRks);
    /// Replays every GENERATION of these traces.
    void startForTraces(const QList<qint64> &traceRks);
    /// Cancels running requests and skips the rest; finished(true) follows.
    void cancel();

    bool isRunning() const { return m_running; }
    int total() const { return int(m_jobs.size()); }
    int finishedCount() const { return m_finished; }

Q_SIGNALS:
    /// The generations are read; the table has its rows.
    void loaded(int generations);
    void progress(int finished, int total);
    /// The generations could not be read (finished() follows).
    void loadFailed(const QString &message);
    /// One replay was stored (its trace id).
    void replayStored(const QString &traceId);
    void finished(bool cancelled);

private:
    struct Job
    {
        ReplayOrigin origin; ///< payloads dropped after the request was built
        ReplayRequest request;
        QString recordedText;
        QString error; ///< could not be read or is not a valid request
    };
    struct Loaded
    {
        std::vector<Job> jobs;
        QString error;
    };

    void onLoaded(Loaded loaded);
    void pump();
    void onRunFinished(int row, const ReplayResult &result, const QByteArray &body);
    void completeRow(int row);
    void checkDone();

    TraceStore *m_store;
    QPointer<ChatProvider> m_provider;
    Options m_options;
    BatchSummaryModel *m_model;
    std::vector<Job> m_jobs;
    QHash<int, QPointer<ChatRun>> m_active;
    size_t m_next = 0;
    int m_finished = 0;
    int m_storing = 0;
    bool m_running = false;
    bool m_cancelled = false;
};

} // namespace tg
