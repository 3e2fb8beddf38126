#include "otlpspanids.h"

#include <QByteArray>

#include <algorithm>

namespace tg {

namespace {

QString idProblem(const char *field, std::string_view bytes, int expected)
{
    if (bytes.empty())
        return QStringLiteral("%1 is missing").arg(QLatin1String(field));
    if (int(bytes.size()) != expected) {
        return QStringLiteral("%1 has %2 bytes, expected %3")
            .arg(QLatin1String(field))
            .arg(bytes.size())
            .arg(expected);
    }
    if (OtlpSpanIds::isAllZero(bytes))
        return QStringLiteral("%1 is all zeros").arg(QLatin1String(field));
    return QString();
}

} // namespace

QString OtlpSpanIds::problem(const otlpwire::Span &span)
{
    if (!span.decodeMark.empty())
        return QString::fromUtf8(span.decodeMark);
    QString problem = idProblem("traceId", span.trace_id, kTraceIdBytes);
    if (problem.isNull())
        problem = idProblem("spanId", span.span_id, kSpanIdBytes);
    if (problem.isNull() && !span.parent_span_id.empty() && int(span.parent_span_id.size()) != kSpanIdBytes)
        problem
            = QStringLiteral("parentSpanId has %1 bytes, expected 8 or none").arg(span.parent_span_id.size());
    return problem;
}

void OtlpSpanIds::markUndecodable(opentelemetry::proto::trace::v1::Span &span, const QString &reason)
{
    span.clear_trace_id();
    span.clear_span_id();
    span.clear_parent_span_id();
    auto *unknown = span.GetReflection()->MutableUnknownFields(&span);
    // Keep the first reason: it names the field that broke first.
    for (int i = 0; i < unknown->field_count(); ++i) {
        if (unknown->field(i).number() == kDecodeErrorField)
            return;
    }
    unknown->AddLengthDelimited(kDecodeErrorField, reason.toStdString());
}

QString OtlpSpanIds::decodeMark(const opentelemetry::proto::trace::v1::Span &span)
{
    const auto &unknown = span.GetReflection()->GetUnknownFields(span);
    for (int i = 0; i < unknown.field_count(); ++i) {
        const auto &field = unknown.field(i);
        if (field.number() == kDecodeErrorField
            && field.type() == google::protobuf::UnknownField::TYPE_LENGTH_DELIMITED)
            return QString::fromUtf8(
                field.length_delimited().data(), qsizetype(field.length_delimited().size()));
    }
    return QString();
}

QString OtlpSpanIds::toHex(std::string_view bytes)
{
    static constexpr char16_t kDigits[] = u"0123456789abcdef";
    QString hex(qsizetype(bytes.size() * 2), Qt::Uninitialized);
    char16_t *out = reinterpret_cast<char16_t *>(hex.data());
    for (const char c : bytes) {
        const auto byte = static_cast<unsigned char>(c);
        *out++ = kDigits[byte >> 4];
        *out++ = kDigits[byte & 15];
    }
    return hex;
}

bool OtlpSpanIds::isAllZero(std::string_view bytes)
{
    return std::all_of(bytes.begin(), bytes.end(), [](char c) { return c == 0; });
}

} // namespace tg
