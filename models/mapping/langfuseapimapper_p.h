#pragma once

// Internals shared by langfuseapimapper.cpp and langfuseapimapper_pages.cpp.

#include "flatjson.h"
#include "langfuseapimapper.h"

namespace tg::lfapi {

/// How input/output strings are read.
enum class IoMode : quint8 {
    Json, ///< v1 API: the value is the payload, strings are strings
    RawString, ///< v2 API: strings hold the payload's text; JSON text becomes that JSON
    Unstringify, ///< UI downloads: strings holding an object or array become that JSON
};

QString str(const FlatJsonValue &v);
QStringList stringList(const FlatJsonValue &v, bool *given = nullptr);
std::optional<bool> boolean(const FlatJsonValue &v);
std::optional<int> smallInt(const FlatJsonValue &v);
QByteArray ioText(const FlatJsonValue &v, IoMode mode, FlatJson &scratch);
QByteArray metadata(const FlatJsonValue &v, FlatJson &scratch);

std::optional<TraceRecord> mapTrace(const FlatJsonValue &o, IoMode io, FlatJson &scratch);
std::optional<LangfuseObservationV2> mapObservation(const FlatJsonValue &o, IoMode io, FlatJson &scratch);
std::optional<ScoreRecord> mapScore(const FlatJsonValue &o, FlatJson &scratch);
/// Trace + embedded observations + scores; false without a trace id. Embedded objects are
/// counted in counts->itemCount / skippedCount when counts is given.
bool appendFullTrace(
    const FlatJsonValue &object, IoMode io, WriteBatch &out, FlatJson &scratch, LangfuseApiResult *counts);

} // namespace tg::lfapi
