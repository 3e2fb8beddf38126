#pragma once

#include "opentelemetry/proto/trace/v1/trace.pb.h"
#include "otlpwire.h"

#include <QString>

#include <string_view>

namespace tg {

/// Checks of OTLP span ids, and the mark the OTLP/JSON decoder leaves on a span whose ids it could
/// not decode, so that the mapper rejects that one span and keeps the rest of the request.
class OtlpSpanIds
{
public:
    static constexpr int kTraceIdBytes = 16;
    static constexpr int kSpanIdBytes = 8;
    /// Unknown-field number of the decode mark (a string); no OTLP field uses it.
    static constexpr int kDecodeErrorField = 1000001;

    /// Why the span's ids are unusable, or a null QString if they are fine: a decode mark, a
    /// missing, all-zero or wrong-length traceId or spanId, or a parentSpanId that is neither
    /// empty nor 8 bytes.
    static QString problem(const otlpwire::Span &span);
    /// Marks `span` as undecodable with a reason; its ids are cleared as well.
    static void markUndecodable(opentelemetry::proto::trace::v1::Span &span, const QString &reason);
    static QString decodeMark(const opentelemetry::proto::trace::v1::Span &span);
    /// Lowercase hex of id bytes.
    static QString toHex(std::string_view bytes);
    static bool isAllZero(std::string_view bytes);
};

} // namespace tg
