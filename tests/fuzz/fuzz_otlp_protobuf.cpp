// libFuzzer target: OTLP/HTTP protobuf bodies through the decoders and the span mapping.
#include "fuzzotlpchecks.h"
#include "mapping/otlpdecoder.h"
#include "mapping/otlpwire.h"

#include <cstddef>
#include <cstdint>
#include <memory>

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
        // As the receiver does: from a body it owns, whose payloads the records then share.
        auto owned = std::make_unique<QByteArray>(body.toByteArray());
        const tg::OtlpMappingResult fromBody = tg::mapTraceRequest(tg::otlpwire::TraceRequest(*owned));
        owned.reset();
        const tg::OtlpMappingResult fromMessage = tg::mapTraceRequest(decoded.request);
        fuzzotlp::require(fromBody.acceptedSpans == fromMessage.acceptedSpans
                && fromBody.rejectedSpans == fromMessage.rejectedSpans,
            "the body and the parsed message map the same spans");
        const auto &a = fromBody.batch.observations;
        const auto &b = fromMessage.batch.observations;
        fuzzotlp::require(a.size() == b.size(), "the same observations");
        for (size_t i = 0; i < a.size() && i < b.size(); ++i)
            fuzzotlp::require(a[i].input == b[i].input && a[i].output == b[i].output,
                "shared payloads outlive the body and equal copied ones");
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
