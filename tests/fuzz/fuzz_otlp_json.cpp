// libFuzzer target: OTLP/HTTP JSON bodies through the decoders and the span mapping.
#include "fuzzotlpchecks.h"
#include "mapping/otlpdecoder.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArrayView body(reinterpret_cast<const char *>(data), qsizetype(size));
    const tg::OtlpDecodeResult decoded = tg::decodeTraceRequest(body, tg::OtlpContentKind::Json);
    if (decoded.ok()) {
        fuzzotlp::checkMapping(decoded.request);
        // What the JSON decoder builds must survive protobuf encoding (the forwarder and the
        // gRPC path speak protobuf): it re-parses to the same message.
        const std::string encoded = decoded.request.SerializeAsString();
        const auto again = tg::decodeTraceRequest(
            QByteArrayView(encoded.data(), qsizetype(encoded.size())), tg::OtlpContentKind::Protobuf);
        fuzzotlp::require(again.ok(), "decoded JSON re-encodes as valid protobuf");
        fuzzotlp::require(again.request.SerializeAsString() == encoded, "protobuf round trip is stable");
    } else {
        fuzzotlp::require(!decoded.error.isEmpty(), "a failed decode says why");
        fuzzotlp::require(
            decoded.request.resource_spans_size() == 0, "a failed decode leaves an empty request");
    }
    const auto logs = tg::OtlpDecoder::decodeLogsRequest(body, tg::OtlpContentKind::Json);
    fuzzotlp::require(logs.ok() || logs.count == 0, "no count on failure");
    const auto metrics = tg::OtlpDecoder::decodeMetricsRequest(body, tg::OtlpContentKind::Json);
    fuzzotlp::require(metrics.ok() || metrics.count == 0, "no count on failure");
    return 0;
}
