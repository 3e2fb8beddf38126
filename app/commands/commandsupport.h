#pragma once

#include "store/tracequery.h"

#include <QCommandLineOption>
#include <QCommandLineParser>
#include <QDateTime>
#include <QString>

#include <atomic>
#include <memory>
#include <optional>

namespace tg {

class StoreReader;
class TraceStore;

namespace cli {

/// A line to stdout / stderr (flushed).
void out(const QString &line);
void err(const QString &line);
/// True when stderr is a terminal (progress lines are worth drawing).
bool stderrIsTerminal();

/// The --db option every store command takes.
QCommandLineOption dbOption();
/// Parses the command line with --help; returns an exit code to stop with, or nullopt to go on.
std::optional<int> parse(QCommandLineParser &parser, const QString &command);

/// Opens the store of --db (or the default); nullptr after printing why.
std::unique_ptr<TraceStore> openStore(
    const QCommandLineParser &parser, const QString &command, bool fullTextIndex, int cacheSizeMiB = 64);

/// "90s", "30m", "24h", "7d", "2w" as milliseconds; nullopt for anything else.
std::optional<qint64> parseDurationMs(const QString &text);
/// An ISO-8601 time, or a duration meaning "that long ago"; invalid QDateTime when neither.
QDateTime parseTimeOrAgo(const QString &text);

/// Narrows `filter` by a query in the filter bar's language (name:x user:y tag:z env:prod
/// level:error latency:>2s cost:>0.01 and free text); false and a located `error` when it is wrong.
bool applyQuery(const QString &text, TraceFilter *filter, QString *error);
/// Waits until the full-text index covers every stored payload (a --query with free text needs
/// it); false when `cancel` was set first.
bool waitForSearchIndex(TraceStore &store, const std::atomic<bool> &cancel);

/// Source ids for --source values (a numeric id, a key, or a name, case-insensitive); prints
/// and returns false for one that matches nothing.
bool resolveSources(
    StoreReader &reader, const QStringList &values, QList<qint64> *ids, const QString &command);

} // namespace cli
} // namespace tg
