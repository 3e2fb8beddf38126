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
/// their begin/end signals must not nest inside a view's call into them. Callable from any
/// thread while `context` is alive.
template<typename Work, typename Done> void runInBackground(QObject *context, Work &&work, Done &&done)
{
    using Result = std::invoke_result_t<std::decay_t<Work>>;
    // A watcher in the context's thread delivers the result through a connection with the
    // context as receiver, which Qt drops when the context dies (QFuture::then(context, ...)
    // asserts then in Qt 6.4). Its finished signal is always posted, even for a finished future.
    auto *watcher = new QFutureWatcher<Result>;
    auto callback = std::make_shared<std::decay_t<Done>>(std::forward<Done>(done));
    QObject::connect(watcher, &QFutureWatcherBase::finished, context, [watcher, callback] {
        watcher->deleteLater();
        QFuture<Result> future = watcher->future();
        (*callback)(future.takeResult());
    });
    QObject::connect(context, &QObject::destroyed, watcher, &QObject::deleteLater);
    watcher->setFuture(QtConcurrent::run(std::forward<Work>(work)));
    watcher->moveToThread(context->thread()); // with any result event already posted to it
}

} // namespace tg
