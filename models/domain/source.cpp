#include "source.h"

namespace tg {

QString sourceKindName(SourceKind kind)
{
    switch (kind) {
    case SourceKind::LocalReceiver:
        return QStringLiteral("Local receiver");
    case SourceKind::File:
        return QStringLiteral("File");
    case SourceKind::Langfuse:
        return QStringLiteral("Langfuse");
    case SourceKind::Replays:
        return QStringLiteral("Replays");
    case SourceKind::Demo:
        return QStringLiteral("Demo");
    }
    return QStringLiteral("Unknown");
}

} // namespace tg
