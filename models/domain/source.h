#pragma once

#include <QMetaType>
#include <QString>

namespace tg {

/// Where data came from. Stored as an integer.
enum class SourceKind : quint8 {
    LocalReceiver = 0, ///< the built-in OTLP / Langfuse-compatible receiver
    File = 1, ///< an opened trace file
    Langfuse = 2, ///< one project on one Langfuse host
    Replays = 3, ///< generations re-run from the replay window
    Demo = 4, ///< generated demo data
};

QString sourceKindName(SourceKind kind);

/// A row of the sources table. `key` is unique and stable ("local", "file:/path",
/// "langfuse:<connection-id>/<project-id>", "replays", "demo").
struct Source
{
    qint64 id = 0;
    SourceKind kind = SourceKind::LocalReceiver;
    QString key;
    QString name;
    QString detail; ///< free-form JSON (host, project, file path); never holds secrets
    qint64 traceCount = 0;
    qint64 observationCount = 0;
};

} // namespace tg

Q_DECLARE_METATYPE(tg::Source)
