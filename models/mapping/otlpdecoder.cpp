#include "otlpdecoder.h"

#include "opentelemetry/proto/collector/logs/v1/logs_service.pb.h"
#include "opentelemetry/proto/collector/metrics/v1/metrics_service.pb.h"
#include "otlpjsondecoder.h"

#include <google/protobuf/stubs/logging.h>
#include <limits>
#include <mutex>

namespace tg {

namespace {

// libprotobuf reports why a parse failed only through its log. While one of our parses runs on a
// thread, its messages go to that parse's error text instead of stderr; all other logging is
// passed on to the handler that was installed before.
thread_local QString *t_protobufLogCapture = nullptr;
google::protobuf::LogHandler *g_previousLogHandler = nullptr;

void captureProtobufLog(
    google::protobuf::LogLevel level, const char *filename, int line, const std::string &message)
{
    if (t_protobufLogCapture) {
        if (t_protobufLogCapture->isEmpty())
            *t_protobufLogCapture = QString::fromStdString(message);
        return;
    }
    if (g_previousLogHandler)
        g_previousLogHandler(level, filename, line, message);
}

void installLogCapture()
{
    static std::once_flag once;
    std::call_once(once, [] { g_previousLogHandler = google::protobuf::SetLogHandler(captureProtobufLog); });
}

qint64 countDataPoints(
    const opentelemetry::proto::collector::metrics::v1::ExportMetricsServiceRequest &request)
{
    using Metric = opentelemetry::proto::metrics::v1::Metric;
    qint64 count = 0;
    for (const auto &resource : request.resource_metrics()) {
        for (const auto &scope : resource.scope_metrics()) {
            for (const Metric &metric : scope.metrics()) {
                switch (metric.data_case()) {
                case Metric::kGauge:
                    count += metric.gauge().data_points_size();
                    break;
                case Metric::kSum:
                    count += metric.sum().data_points_size();
                    break;
                case Metric::kHistogram:
                    count += metric.histogram().data_points_size();
                    break;
                case Metric::kExponentialHistogram:
                    count += metric.exponential_histogram().data_points_size();
                    break;
                case Metric::kSummary:
                    count += metric.summary().data_points_size();
                    break;
                case Metric::DATA_NOT_SET:
                    break;
                }
            }
        }
    }
    return count;
}

} // namespace

std::optional<OtlpContentKind> otlpContentKindFromMimeType(QByteArrayView contentType)
{
    const qsizetype semicolon = contentType.indexOf(';');
    const QByteArray type
        = (semicolon < 0 ? contentType : contentType.first(semicolon)).trimmed().toByteArray().toLower();
    if (type == "application/x-protobuf" || type == "application/protobuf")
        return OtlpContentKind::Protobuf;
    if (type == "application/json")
        return OtlpContentKind::Json;
    return std::nullopt;
}

bool OtlpDecoder::parseProtobuf(QByteArrayView bytes, google::protobuf::Message &message, QString *error)
{
    message.Clear();
    if (bytes.size() > std::numeric_limits<int>::max()) {
        if (error)
            *error = QStringLiteral("protobuf message of %1 bytes is too large").arg(bytes.size());
        return false;
    }
    installLogCapture();
    QString detail;
    t_protobufLogCapture = &detail;
    const bool ok = message.ParseFromArray(bytes.data(), int(bytes.size()));
    t_protobufLogCapture = nullptr;
    if (ok)
        return true;
    message.Clear();
    if (error) {
        *error = QStringLiteral("invalid OTLP protobuf %1 (%2 bytes): %3")
                     .arg(QString::fromStdString(message.GetDescriptor()->name()))
                     .arg(bytes.size())
                     .arg(detail.isEmpty() ? QStringLiteral("truncated or malformed message") : detail);
    }
    return false;
}

struct OtlpArenaBlock
{
    // A 512-span export of LLM spans needs about 1 MiB of messages (their strings are separate).
    static constexpr size_t kSize = 2 * 1024 * 1024;
    std::unique_ptr<char[]> bytes { new char[kSize] };
    bool lent = false; ///< only ever touched by the thread that owns the block
};

namespace {

thread_local std::shared_ptr<OtlpArenaBlock> t_arenaBlock;

/// The calling thread's block, unless a result decoded earlier on this thread still uses it.
std::shared_ptr<OtlpArenaBlock> borrowArenaBlock()
{
    if (!t_arenaBlock)
        t_arenaBlock = std::make_shared<OtlpArenaBlock>();
    if (t_arenaBlock->lent)
        return {};
    t_arenaBlock->lent = true;
    return t_arenaBlock;
}

google::protobuf::ArenaOptions arenaOptions(OtlpArenaBlock *block)
{
    google::protobuf::ArenaOptions options;
    if (block) {
        options.initial_block = block->bytes.get();
        options.initial_block_size = OtlpArenaBlock::kSize;
    }
    options.start_block_size = 16 * 1024;
    options.max_block_size = 64 * 1024; // under malloc's mmap threshold: no fresh pages per request
    return options;
}
} // namespace

OtlpDecodeResult::OtlpDecodeResult()
    : block(borrowArenaBlock())
    , arena(std::make_unique<google::protobuf::Arena>(arenaOptions(block.get())))
    , request(*google::protobuf::Arena::CreateMessage<
              opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest>(arena.get()))
{
}

OtlpDecodeResult::OtlpDecodeResult(OtlpDecodeResult &&other) noexcept
    : block(std::move(other.block))
    , arena(std::move(other.arena))
    , request(other.request)
    , error(std::move(other.error))
{
}

OtlpDecodeResult::~OtlpDecodeResult()
{
    arena.reset(); // the messages go before the block they live in is lent again
    // A result destroyed on another thread keeps the block (the shared pointer) alive but does
    // not hand it back: `lent` belongs to the owning thread.
    if (block && block == t_arenaBlock)
        block->lent = false;
}

OtlpDecodeResult OtlpDecoder::decodeTraceRequest(QByteArrayView body, OtlpContentKind kind)
{
    OtlpDecodeResult result;
    QString error;
    const bool ok = kind == OtlpContentKind::Protobuf
        ? parseProtobuf(body, result.request, &error)
        : OtlpJsonDecoder::decodeTraces(body, result.request, &error);
    if (!ok)
        result.error = error.isEmpty() ? QStringLiteral("invalid OTLP trace request") : error;
    return result;
}

OtlpCountResult OtlpDecoder::decodeLogsRequest(QByteArrayView body, OtlpContentKind kind)
{
    OtlpCountResult result;
    QString error;
    if (kind == OtlpContentKind::Protobuf) {
        opentelemetry::proto::collector::logs::v1::ExportLogsServiceRequest request;
        if (parseProtobuf(body, request, &error)) {
            for (const auto &resource : request.resource_logs()) {
                for (const auto &scope : resource.scope_logs())
                    result.count += scope.log_records_size();
            }
            return result;
        }
    } else if (const auto count = OtlpJsonDecoder::countLogRecords(body, &error)) {
        result.count = *count;
        return result;
    }
    result.error = error.isEmpty() ? QStringLiteral("invalid OTLP logs request") : error;
    return result;
}

OtlpCountResult OtlpDecoder::decodeMetricsRequest(QByteArrayView body, OtlpContentKind kind)
{
    OtlpCountResult result;
    QString error;
    if (kind == OtlpContentKind::Protobuf) {
        opentelemetry::proto::collector::metrics::v1::ExportMetricsServiceRequest request;
        if (parseProtobuf(body, request, &error)) {
            result.count = countDataPoints(request);
            return result;
        }
    } else if (const auto count = OtlpJsonDecoder::countMetricDataPoints(body, &error)) {
        result.count = *count;
        return result;
    }
    result.error = error.isEmpty() ? QStringLiteral("invalid OTLP metrics request") : error;
    return result;
}

} // namespace tg
