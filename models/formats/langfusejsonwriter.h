#pragma once

#include "store/exportreader.h"

#include <QByteArray>

namespace tg {

/// Writes traces as Langfuse's API returns them (GET /api/public/traces/{id}: TraceWithFullDetails
/// with ObservationsView observations and ScoreV1 scores), which LangfuseApiMapper reads back:
/// payloads are written as the JSON they are, timestamps in ISO-8601 with every digit the store
/// has, missing fields as null. A file is a JSON array with one trace per line.
class LangfuseJsonWriter
{
public:
    static void appendTrace(QByteArray &out, const TraceBundle &bundle);
    static void appendObservation(QByteArray &out, const ObservationRecord &observation);
    static void appendScore(QByteArray &out, const ScoreRecord &score);
};

} // namespace tg
