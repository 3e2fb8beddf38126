#pragma once

#include <QFutureWatcher>
#include <QObject>
#include <QtConcurrent/QtConcurrentRun>

#include <memory>
#include <type_traits>
#include <utility>

namespace tg {

/// Runs `work` on the global thread pool and hands its result to `done` on `context`'s thread.
/// `done` always runs from the event loop, never inside the calling function (even when the
/// work finishes at once), and not at all once `context` is destroyed. Models rely on this:
/// their begin/end signals must not nest inside a view's call into them. Call it on `context`'s
/// thread.
template<typename Work, typename Done> void runInBackground(QObject *context, Work &&work, Done &&done)
{
    using Result = std::invoke_result_t<std::decay_t<Work>>;
    // A watcher owned by the context: it dies with the context, so a late result is dropped
    // instead of being delivered to a destroyed object (QFuture::then(context, ...) asserts
    // then in Qt 6.4). Its finished signal is always posted, even for a finished future.
    auto *watcher = new QFutureWatcher<Result>(context);
    auto callback = std::make_shared<std::decay_t<Done>>(std::forward<Done>(done));
    QObject::connect(watcher, &QFutureWatcherBase::finished, watcher, [watcher, callback] {
        watcher->deleteLater();
        QFuture<Result> future = watcher->future();
        (*callback)(future.takeResult());
    });
    watcher->setFuture(QtConcurrent::run(std::forward<Work>(work)));
}

} // namespace tg
