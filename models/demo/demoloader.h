#pragma once

#include "demo/demogenerator.h"

#include <QString>

#include <functional>

namespace tg {

class TraceStore;

/// Fills the store's "Demo data" source with generated traces unless it already has some.
/// Blocking: call it on a worker thread. `progress(batchesDone)` is called after each batch.
/// Returns the source id, or 0 with `error` set.
qint64 loadDemoData(TraceStore &store, DemoOptions options, const std::function<void(int)> &progress = {},
    QString *error = nullptr);

/// The options `--demo` uses: a week of agent traces ending now, with one 100,000-observation run.
DemoOptions defaultDemoOptions();

} // namespace tg
