#pragma once

#include "formats/jsonstreamscanner.h"
#include "formats/tracefileformat.h"

#include <memory>

namespace tg {

class TraceFileSplitter;

/// Reads one JSON document trace file (OTLP JSON, a Langfuse export) as the stream scanner walks
/// it, and hands its elements to the splitter as units of about unitBytes(), rewrapped in the
/// document's own shape.
class JsonDocumentHandler : public JsonStreamScanner::Handler
{
public:
    /// The document ended (or broke off): hand out what is complete.
    virtual void finish() = 0;
};

/// The handler for a JSON document format, or null for formats that are not one.
std::unique_ptr<JsonDocumentHandler> makeJsonDocumentHandler(
    TraceFileFormat format, TraceFileSplitter &splitter);

} // namespace tg
