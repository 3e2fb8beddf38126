#pragma once

#include "domain/source.h"

#include <QUrl>

namespace tg {

/// Where a Langfuse source lives: read from the source's detail JSON ("host" or "baseUrl", and
/// "projectId"; the project id also comes from the key "langfuse:<connection>/<project>").
struct LangfuseLocation
{
    QUrl host;
    QString projectId;
    bool isValid() const { return host.isValid() && !host.isEmpty() && !projectId.isEmpty(); }
};

LangfuseLocation langfuseLocation(const Source &source);
/// The Langfuse web page of a trace (and an observation in it); invalid for non-Langfuse sources.
QUrl langfuseTraceUrl(const Source &source, const QString &traceId, const QString &observationId = {});
/// The Langfuse web page of a session.
QUrl langfuseSessionUrl(const Source &source, const QString &sessionId);

} // namespace tg
