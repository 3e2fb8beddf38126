// libFuzzer target: OTLP/HTTP protobuf bodies through the decoders and the span mapping.
#include "fuzzotlpchecks.h"
#include "mapping/otlpdecoder.h"
#include "mapping/otlpwire.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArrayView body(reinterpret_cast<const char *>(data), qsizetype(size));
    const tg::OtlpDecodeResult decoded = tg::decodeTraceRequest(body, tg::OtlpContentKind::Protobuf);
    // The receiver maps protobuf straight from the body: its validation must agree with
    // libprotobuf's parser, and the views must see the same spans.
    const std::string_view bytes(reinterpret_cast<const char *>(data), size);
    const bool wireOk = tg::otlpwire::validateTraceRequest(bytes, nullptr);
    fuzzotlp::require(wireOk == decoded.ok(), "wire validation agrees with libprotobuf");
    if (wireOk) {
        const tg::OtlpMappingResult fromBody = tg::mapTraceRequest(tg::otlpwire::TraceRequest(bytes));
        const tg::OtlpMappingResult fromMessage = tg::mapTraceRequest(decoded.request);
        fuzzotlp::require(fromBody.acceptedSpans == fromMessage.acceptedSpans
                && fromBody.rejectedSpans == fromMessage.rejectedSpans,
            "the body and the parsed message map the same spans");
    }
    if (decoded.ok())
        fuzzotlp::checkMapping(decoded.request);
    else
        fuzzotlp::require(
            decoded.request.resource_spans_size() == 0, "a failed decode leaves an empty request");
    // The receiver runs the same bytes through the logs and metrics decoders on other paths.
    const auto logs = tg::OtlpDecoder::decodeLogsRequest(body, tg::OtlpContentKind::Protobuf);
    fuzzotlp::require(logs.ok() || logs.count == 0, "no count on failure");
    const auto metrics = tg::OtlpDecoder::decodeMetricsRequest(body, tg::OtlpContentKind::Protobuf);
    fuzzotlp::require(metrics.ok() || metrics.count == 0, "no count on failure");
    return 0;
}
