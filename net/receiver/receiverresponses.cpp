#include "receiverresponses.h"

#include "google/rpc/status.pb.h"
#include "mapping/jsontext.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"
#include "receiver/ingestpipeline.h"

namespace tg {

namespace {

const QByteArray kProtobufType = "application/x-protobuf";
const QByteArray kJsonType = "application/json";

// gRPC status codes used in google.rpc.Status bodies.
constexpr int kInvalidArgument = 3;
constexpr int kResourceExhausted = 8;
constexpr int kUnavailable = 14;

QByteArray serialised(const google::protobuf::MessageLite &message)
{
    std::string bytes;
    message.SerializeToString(&bytes);
    return QByteArray(bytes.data(), static_cast<qsizetype>(bytes.size()));
}

HttpResponse statusResponse(OtlpContentKind kind, int httpStatus, int code, const QString &message)
{
    HttpResponse response;
    response.status = httpStatus;
    if (kind == OtlpContentKind::Protobuf) {
        google::rpc::Status status;
        status.set_code(code);
        status.set_message(message.toStdString());
        response.contentType = kProtobufType;
        response.body = serialised(status);
    } else {
        response.contentType = kJsonType;
        response.body
            = R"({"code":)" + QByteArray::number(code) + R"(,"message":")" + jsonEscaped(message) + R"("})";
    }
    return response;
}

} // namespace

QByteArray jsonEscaped(const QString &text)
{
    const QByteArray quoted = JsonText::quote(text);
    return quoted.mid(1, quoted.size() - 2);
}

HttpResponse otlpErrorResponse(OtlpContentKind kind, int status, const QString &message)
{
    return statusResponse(kind, status, kInvalidArgument, message);
}

HttpResponse otlpTraceOutcomeResponse(OtlpContentKind kind, const IngestOutcome &outcome)
{
    switch (outcome.kind) {
    case IngestOutcome::Kind::Invalid:
        return statusResponse(kind, 400, kInvalidArgument, outcome.message);
    case IngestOutcome::Kind::Overloaded: {
        HttpResponse response = statusResponse(kind, 429, kResourceExhausted, outcome.message);
        response.headers.emplaceBack("Retry-After", "1");
        return response;
    }
    case IngestOutcome::Kind::Failed: {
        HttpResponse response = statusResponse(kind, 503, kUnavailable, outcome.message);
        response.headers.emplaceBack("Retry-After", "5");
        return response;
    }
    case IngestOutcome::Kind::Stored:
        break;
    }
    HttpResponse response;
    response.status = 200;
    if (kind == OtlpContentKind::Protobuf) {
        opentelemetry::proto::collector::trace::v1::ExportTraceServiceResponse message;
        if (outcome.rejected > 0 || !outcome.message.isEmpty()) {
            auto *partial = message.mutable_partial_success();
            partial->set_rejected_spans(outcome.rejected);
            partial->set_error_message(outcome.message.toStdString());
        }
        response.contentType = kProtobufType;
        response.body = serialised(message);
    } else {
        response.contentType = kJsonType;
        if (outcome.rejected > 0 || !outcome.message.isEmpty())
            response.body = R"({"partialSuccess":{"rejectedSpans":")" + QByteArray::number(outcome.rejected)
                + R"(","errorMessage":")" + jsonEscaped(outcome.message) + R"("}})";
        else
            response.body = "{}";
    }
    return response;
}

HttpResponse otlpEmptySuccess(OtlpContentKind kind)
{
    HttpResponse response;
    response.status = 200;
    response.contentType = kind == OtlpContentKind::Protobuf ? kProtobufType : kJsonType;
    response.body = kind == OtlpContentKind::Protobuf ? QByteArray() : QByteArray("{}");
    return response;
}

QByteArray receiverProjectsBody()
{
    return R"({"data":[{"id":"traceglass-local","name":"Traceglass local receiver",)"
           R"("organization":{"id":"traceglass","name":"Traceglass"},"metadata":{}}]})";
}

} // namespace tg
