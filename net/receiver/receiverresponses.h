#pragma once

#include "http/httpmessage.h"
#include "mapping/otlpdecoder.h"

#include <QString>

namespace tg {

struct IngestOutcome;

/// 400/413/... with a google.rpc.Status body in the request's encoding, as OTLP/HTTP prescribes.
HttpResponse otlpErrorResponse(OtlpContentKind kind, int status, const QString &message);
/// The answer to a trace export once its fate is known: 200 with an ExportTraceServiceResponse
/// (partial_success when spans were rejected), 429 or 503 with Retry-After when the store is busy.
HttpResponse otlpTraceOutcomeResponse(OtlpContentKind kind, const IngestOutcome &outcome);
/// 200 with an empty Export*ServiceResponse (logs, metrics).
HttpResponse otlpEmptySuccess(OtlpContentKind kind);
/// GET /api/public/projects as Langfuse answers it, for SDK start-up checks.
QByteArray receiverProjectsBody();
/// Escapes text for a JSON string value (without the quotes).
QByteArray jsonEscaped(const QString &text);

} // namespace tg
