#pragma once

#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"

#include <QByteArrayView>
#include <QString>

#include <google/protobuf/arena.h>
#include <memory>
#include <optional>

namespace google::protobuf {
class Message;
}

namespace tg {

/// The two OTLP/HTTP body encodings.
enum class OtlpContentKind { Protobuf, Json };

/// The kind for a Content-Type value ("application/x-protobuf", "application/json; charset=utf-8"),
/// or nullopt for anything else.
std::optional<OtlpContentKind> otlpContentKindFromMimeType(QByteArrayView contentType);

/// The first block of a decode arena, kept by each thread and lent to one decode at a time.
struct OtlpArenaBlock;

/// A decoded trace export, or why the body could not be decoded (a 400 for the receiver). The
/// request lives on its own arena: parsing a 512-span export otherwise makes thousands of
/// allocations (one per attribute value) and as many frees. The arena starts in a block its
/// thread keeps from one decode to the next, so a typical export allocates no arena memory.
struct OtlpDecodeResult
{
    OtlpDecodeResult();
    ~OtlpDecodeResult();
    OtlpDecodeResult(OtlpDecodeResult &&other) noexcept;
    OtlpDecodeResult &operator=(OtlpDecodeResult &&) = delete;

    std::shared_ptr<OtlpArenaBlock> block; ///< the lent first block (null when it was in use)
    std::unique_ptr<google::protobuf::Arena> arena;
    opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest &request;
    QString error; ///< null on success

    bool ok() const { return error.isNull(); }
};

/// The number of log records or metric data points in an export, or why it could not be decoded.
struct OtlpCountResult
{
    qint64 count = 0;
    QString error; ///< null on success

    bool ok() const { return error.isNull(); }
};

/// Entry points for OTLP request bodies (already decompressed). Truncated or garbage protobuf,
/// invalid JSON and invalid UTF-8 give an error, never a crash; an empty protobuf body is an
/// empty, valid request.
class OtlpDecoder
{
public:
    static OtlpDecodeResult decodeTraceRequest(QByteArrayView body, OtlpContentKind kind);
    static OtlpCountResult decodeLogsRequest(QByteArrayView body, OtlpContentKind kind);
    static OtlpCountResult decodeMetricsRequest(QByteArrayView body, OtlpContentKind kind);
    /// Parses protobuf bytes into `message`; on failure says why, with libprotobuf's own
    /// complaint (such as invalid UTF-8 in a string field) when it gave one.
    static bool parseProtobuf(QByteArrayView bytes, google::protobuf::Message &message, QString *error);
};

inline OtlpDecodeResult decodeTraceRequest(QByteArrayView body, OtlpContentKind kind)
{
    return OtlpDecoder::decodeTraceRequest(body, kind);
}

} // namespace tg
