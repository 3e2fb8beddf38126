#pragma once

#include "domain/records.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace tg {

/// A WriteBatch (traces and generations, e.g. replays) as a Langfuse ingestion batch for
/// POST /api/public/ingestion: {"batch":[trace-create..., generation-create...]} with envelope ids
/// derived from the entity ids (a re-send updates instead of duplicating). Model parameters that
/// are objects become JSON text (the API takes strings, numbers, booleans and string lists).
QByteArray langfuseIngestionBatch(const WriteBatch &batch, qint64 nowNs);

/// Reads a 207 answer; the failed events as "id: status message" lines (empty = all accepted).
/// `ok` is false when the body is not an ingestion answer.
QStringList langfuseIngestionErrors(const QByteArray &body, bool *ok = nullptr);

} // namespace tg
