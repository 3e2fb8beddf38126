#include "tracefileunitdecoder.h"

#include "formats/otlpfilemapper.h"
#include "mapping/langfuseapimapper.h"
#include "mapping/otlpdecoder.h"
#include "mapping/otlpwire.h"

#include <QRegularExpression>

#include <algorithm>

namespace tg {

namespace {

void append(WriteBatch &into, WriteBatch &&from)
{
    if (into.isEmpty()) {
        into = std::move(from);
        return;
    }
    std::move(from.traces.begin(), from.traces.end(), std::back_inserter(into.traces));
    std::move(from.observations.begin(), from.observations.end(), std::back_inserter(into.observations));
    std::move(from.scores.begin(), from.scores.end(), std::back_inserter(into.scores));
}

FileProblem problemAt(qint64 offset, qint64 line, const QString &message)
{
    FileProblem problem;
    problem.offset = offset;
    problem.line = line;
    problem.message = message;
    return problem;
}

// A JSON error inside one line ("invalid JSON at line 1, column 12 (byte 11): why") is located in
// the file instead: the line's column and the absolute byte.
FileProblem lineProblem(qint64 lineOffset, qint64 line, const QString &message)
{
    static const QRegularExpression where(
        QStringLiteral("^(.*) at line 1, column (\\d+) \\(byte (\\d+)\\)(: .*)?$"),
        QRegularExpression::DotMatchesEverythingOption);
    FileProblem problem = problemAt(lineOffset, line, message);
    const QRegularExpressionMatch match = where.match(message);
    if (match.hasMatch()) {
        problem.column = match.captured(2).toLongLong();
        problem.offset = lineOffset + match.captured(3).toLongLong();
        problem.message = match.captured(1) + match.captured(4);
    }
    return problem;
}

void takeMapping(FileUnitResult &out, OtlpMappingResult &&mapped)
{
    out.spans += mapped.acceptedSpans + mapped.rejectedSpans;
    out.rejected += mapped.rejectedSpans;
    append(out.batch, std::move(mapped.batch));
}

// "resourceSpans[r].scopeSpans[s].spans[i]..." of a rewrapped JSON document back to the file
// offset of that span.
qint64 spanOffset(const FileUnit &unit, const QString &error)
{
    static const QRegularExpression path(
        QStringLiteral("resourceSpans\\[(\\d+)\\]\\.scopeSpans\\[(\\d+)\\]\\.spans\\[(\\d+)\\]"));
    const QRegularExpressionMatch match = path.match(error);
    if (!match.hasMatch())
        return unit.offset;
    const qint64 key = (match.captured(1).toLongLong() << 42) | (match.captured(2).toLongLong() << 21)
        | match.captured(3).toLongLong();
    for (const auto &[pieceKey, offset] : unit.pieces) {
        if (pieceKey == key)
            return offset;
    }
    return unit.offset;
}

void decodeOtlpJsonLines(const FileUnit &unit, FileUnitResult &out)
{
    qsizetype start = 0;
    qint64 line = unit.firstLine;
    const QByteArray &data = unit.data;
    while (start < data.size()) {
        qsizetype end = data.indexOf('\n', start);
        if (end < 0)
            end = data.size();
        QByteArrayView text(data.constData() + start, end - start);
        const qint64 offset = unit.offset + start;
        start = end + 1;
        const qint64 thisLine = line++;
        if (!text.isEmpty() && text.back() == '\r')
            text.chop(1);
        if (text.trimmed().isEmpty())
            continue;
        const OtlpDecodeResult decoded = OtlpDecoder::decodeTraceRequest(text, OtlpContentKind::Json);
        if (!decoded.ok()) {
            out.problems.push_back(lineProblem(offset, thisLine, decoded.error));
            continue;
        }
        OtlpMappingResult mapped = OtlpFileMapper::map(decoded.request);
        if (mapped.rejectedSpans > 0)
            out.problems.push_back(problemAt(offset, thisLine, mapped.errorMessage()));
        takeMapping(out, std::move(mapped));
    }
}

void decodeOtlpJsonDocument(const FileUnit &unit, FileUnitResult &out)
{
    const OtlpDecodeResult decoded = OtlpDecoder::decodeTraceRequest(unit.data, OtlpContentKind::Json);
    if (!decoded.ok()) {
        out.spans += qint64(unit.pieces.size());
        out.rejected += qint64(unit.pieces.size());
        out.problems.push_back(problemAt(unit.offset, 0,
            QStringLiteral("%1 span(s) skipped: %2").arg(unit.pieces.size()).arg(decoded.error)));
        return;
    }
    OtlpMappingResult mapped = OtlpFileMapper::map(decoded.request);
    for (const QString &error : std::as_const(mapped.errors))
        out.problems.push_back(problemAt(spanOffset(unit, error), 0, error));
    if (mapped.rejectedSpans > mapped.errors.size())
        out.problems.push_back(problemAt(unit.offset, 0,
            QStringLiteral("and %1 more rejected span(s)").arg(mapped.rejectedSpans - mapped.errors.size())));
    takeMapping(out, std::move(mapped));
}

/// A protobuf unit (or piece of one) checked and mapped straight from its bytes, as the
/// receiver does; false and `error` when it would not parse.
bool mapProtobuf(QByteArrayView bytes, OtlpMappingResult *mapped, QString *error)
{
    const std::string_view view(bytes.data(), size_t(bytes.size()));
    if (!otlpwire::validateTraceRequest(view, error))
        return false;
    *mapped = OtlpFileMapper::map(otlpwire::TraceRequest(view));
    return true;
}

void decodeProtobuf(const FileUnit &unit, FileUnitResult &out)
{
    OtlpMappingResult mapped;
    QString error;
    if (mapProtobuf(unit.data, &mapped, &error)) {
        if (mapped.rejectedSpans > 0)
            out.problems.push_back(problemAt(unit.offset, 0, mapped.errorMessage()));
        takeMapping(out, std::move(mapped));
        return;
    }
    // Something in the unit is broken: decode its messages one by one to keep the good ones.
    for (size_t i = 0; i < unit.pieces.size(); ++i) {
        const qint64 from = unit.pieces[i].first;
        const qint64 to = i + 1 < unit.pieces.size() ? unit.pieces[i + 1].first : unit.data.size();
        QString pieceError;
        if (!mapProtobuf(QByteArrayView(unit.data.constData() + from, to - from), &mapped, &pieceError)) {
            out.problems.push_back(problemAt(unit.pieces[i].second, 0, pieceError));
            continue;
        }
        if (mapped.rejectedSpans > 0)
            out.problems.push_back(problemAt(unit.pieces[i].second, 0, mapped.errorMessage()));
        takeMapping(out, std::move(mapped));
    }
    if (unit.pieces.empty())
        out.problems.push_back(problemAt(unit.offset, 0, error));
}

void takeLangfuse(FileUnitResult &out, LangfuseApiResult &&mapped)
{
    out.spans += mapped.itemCount;
    out.rejected += mapped.skippedCount;
    append(out.batch, std::move(mapped.batch));
}

void decodeLangfuseLines(const FileUnit &unit, FileUnitResult &out)
{
    qsizetype start = 0;
    qint64 line = unit.firstLine;
    const QByteArray &data = unit.data;
    while (start < data.size()) {
        qsizetype end = data.indexOf('\n', start);
        if (end < 0)
            end = data.size();
        const QByteArray text = data.mid(start, end - start).trimmed();
        const qint64 offset = unit.offset + start;
        start = end + 1;
        const qint64 thisLine = line++;
        if (text.isEmpty())
            continue;
        LangfuseApiResult mapped = LangfuseApiMapper::mapDocument(text);
        if (!mapped.ok) {
            out.problems.push_back(problemAt(offset, thisLine, mapped.error));
            ++out.spans;
            ++out.rejected;
            continue;
        }
        if (mapped.skippedCount > 0)
            out.problems.push_back(problemAt(offset, thisLine,
                QStringLiteral("%1 of %2 object(s) skipped (not a Langfuse trace, observation or score, or "
                               "without an id)")
                    .arg(mapped.skippedCount)
                    .arg(mapped.itemCount)));
        takeLangfuse(out, std::move(mapped));
    }
}

void decodeLangfuseDocument(const FileUnit &unit, FileUnitResult &out)
{
    LangfuseApiResult mapped = LangfuseApiMapper::mapDocument(unit.data);
    if (!mapped.ok) {
        out.problems.push_back(problemAt(unit.offset, 0, mapped.error));
        return;
    }
    if (mapped.skippedCount > 0)
        out.problems.push_back(problemAt(unit.offset, 0,
            QStringLiteral(
                "%1 of %2 object(s) skipped (not a Langfuse trace, observation or score, or without "
                "an id)")
                .arg(mapped.skippedCount)
                .arg(mapped.itemCount)));
    takeLangfuse(out, std::move(mapped));
}

} // namespace

FileUnitResult decodeTraceFileUnit(const FileUnit &unit)
{
    FileUnitResult out;
    switch (unit.format) {
    case TraceFileFormat::OtlpJsonLines:
        decodeOtlpJsonLines(unit, out);
        break;
    case TraceFileFormat::OtlpJson:
        decodeOtlpJsonDocument(unit, out);
        break;
    case TraceFileFormat::OtlpProtobuf:
    case TraceFileFormat::OtlpProtobufDelimited:
    case TraceFileFormat::OtlpProtobufFramed:
        decodeProtobuf(unit, out);
        break;
    case TraceFileFormat::LangfuseJsonLines:
        decodeLangfuseLines(unit, out);
        break;
    case TraceFileFormat::LangfuseJson:
        decodeLangfuseDocument(unit, out);
        break;
    case TraceFileFormat::Unknown:
        break;
    }
    return out;
}

} // namespace tg
