// libFuzzer target: OTLP/HTTP protobuf bodies through the decoders and the span mapping.
#include "fuzzotlpchecks.h"
#include "mapping/otlpdecoder.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArrayView body(reinterpret_cast<const char *>(data), qsizetype(size));
    const tg::OtlpDecodeResult decoded = tg::decodeTraceRequest(body, tg::OtlpContentKind::Protobuf);
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
