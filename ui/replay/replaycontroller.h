#pragma once

#include <QObject>
#include <QPointer>

class QAction;

namespace tg {

class BatchReplayDialog;
class MainWindow;
class ReplayContext;
class ReplayWindow;
class TraceStore;

/// Puts replay into the main window without the window knowing it: "Replay Generation…" (R) and
/// "Batch Replay…" (Shift+R) in the Trace menu (and so in the command palette), "Replay
/// Generation…" in the span tree's context menu, replay windows for generations, and the batch
/// dialog over the selected traces, the filtered list, the current session or the open trace.
class ReplayController : public QObject
{
    Q_OBJECT

public:
    /// `credentialService`: see ReplayContext (tests use their own).
    explicit ReplayController(
        TraceStore *store, QObject *parent = nullptr, const QString &credentialService = {});
    ~ReplayController() override;

    /// Adds the actions to `window`'s Trace menu and span tree; call after setConnections().
    void install(MainWindow *window);
    ReplayContext *context() const { return m_context; }
    QAction *replayAction() const { return m_replay; }
    QAction *batchAction() const { return m_batch; }

    /// Opens a replay window for a GENERATION (observation row key).
    ReplayWindow *openReplay(qint64 observationRk);
    /// Opens the batch dialog with the scopes the window offers now.
    BatchReplayDialog *openBatch();

private:
    void replayCurrent();
    void updateEnabled();

    TraceStore *m_store;
    ReplayContext *m_context;
    QPointer<MainWindow> m_window;
    QAction *m_replay = nullptr;
    QAction *m_batch = nullptr;
};

} // namespace tg
