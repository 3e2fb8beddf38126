#pragma once

#include <QMetaObject>
#include <QObject>
#include <QtConcurrent/QtConcurrentRun>

#include <type_traits>
#include <utility>

namespace tg {

/// Runs `work` on the global thread pool and hands its result to `done` on `context`'s thread.
/// `done` always runs from the event loop, never inside the calling function (even when the
/// work finishes at once), and not at all once `context` is destroyed. Models rely on this:
/// their begin/end signals must not nest inside a view's call into them.
template<typename Work, typename Done> void runInBackground(QObject *context, Work &&work, Done &&done)
{
    using Result = std::invoke_result_t<std::decay_t<Work>>;
    QtConcurrent::run(std::forward<Work>(work))
        .then(context, [context, done = std::forward<Done>(done)](Result result) mutable {
            QMetaObject::invokeMethod(
                context,
                [done = std::move(done), result = std::move(result)]() mutable { done(std::move(result)); },
                Qt::QueuedConnection);
        });
}

} // namespace tg
