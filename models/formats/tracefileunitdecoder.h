#pragma once

#include "domain/records.h"
#include "formats/tracefilesplitter.h"

#include <vector>

namespace tg {

/// What one unit of a file gave.
struct FileUnitResult
{
    WriteBatch batch; ///< sourceId 0
    std::vector<FileProblem> problems;
    qint64 spans = 0; ///< OTLP spans (or Langfuse objects) read
    qint64 rejected = 0; ///< of those, ones that could not be used
};

/// Decodes and maps one unit; pure, so units decode on any thread. A bad line, message or element
/// costs itself: the rest of the unit is kept and the problem is located by line or byte offset.
FileUnitResult decodeTraceFileUnit(const FileUnit &unit);

} // namespace tg
