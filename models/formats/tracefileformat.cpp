#include "tracefileformat.h"

#include <optional>

namespace tg {

namespace {

bool isJsonSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

std::optional<quint64> readVarint(QByteArrayView bytes, qsizetype &pos)
{
    quint64 value = 0;
    for (int shift = 0; shift < 64 && pos < bytes.size(); shift += 7) {
        const auto byte = static_cast<quint8>(bytes[pos++]);
        value |= quint64(byte & 0x7f) << shift;
        if ((byte & 0x80) == 0)
            return value;
    }
    return std::nullopt;
}

// Walks the top-level fields of an ExportTraceServiceRequest encoding: each must be field 1
// (resource_spans) with a length that fits the file. True when nothing contradicts that.
bool plausibleRequest(QByteArrayView head, qsizetype pos, qint64 end, qint64 fileSize)
{
    int fields = 0;
    while (pos < head.size() && pos < end && fields < 64) {
        if (static_cast<quint8>(head[pos]) != 0x0a)
            return false;
        ++pos;
        const auto length = readVarint(head, pos);
        if (!length)
            return pos >= head.size(); // cut off by the head, not wrong
        if (pos + qint64(*length) > std::min(end, fileSize))
            return false;
        pos += qsizetype(*length);
        ++fields;
    }
    return true;
}

// Messages each behind a length (a varint, or 4 bytes big-endian).
bool plausibleStream(QByteArrayView head, qint64 fileSize, bool framed)
{
    qsizetype pos = 0;
    int messages = 0;
    while (pos < head.size() && messages < 64) {
        quint64 length = 0;
        if (framed) {
            if (pos + 4 > head.size())
                return messages > 0;
            for (int i = 0; i < 4; ++i)
                length = (length << 8) | static_cast<quint8>(head[pos + i]);
            pos += 4;
        } else {
            const auto varint = readVarint(head, pos);
            if (!varint)
                return messages > 0;
            length = *varint;
        }
        if (pos + qint64(length) > fileSize)
            return messages > 0; // cut short: reported when read, the messages before are good
        if (length > 0 && pos < head.size() && static_cast<quint8>(head[pos]) != 0x0a)
            return false;
        if (!plausibleRequest(head, pos, pos + qint64(length), fileSize))
            return false;
        pos += qsizetype(length);
        ++messages;
    }
    return messages > 0;
}

struct JsonShape
{
    bool firstValueEnds = false;
    bool moreValuesFollow = false;
    bool otlpKey = false;
};

// Depth-tracking look at the start of a JSON text: where the first value ends, whether another
// follows, and whether the first object has a resourceSpans key.
JsonShape jsonShape(QByteArrayView head, qsizetype start)
{
    JsonShape shape;
    int depth = 0;
    bool inString = false;
    bool escape = false;
    qsizetype stringStart = -1;
    qsizetype pos = start;
    for (; pos < head.size(); ++pos) {
        const char c = head[pos];
        if (inString) {
            if (escape) {
                escape = false;
            } else if (c == '\\') {
                escape = true;
            } else if (c == '"') {
                inString = false;
                if (depth == 1 && stringStart >= 0) {
                    qsizetype after = pos + 1;
                    while (after < head.size() && isJsonSpace(head[after]))
                        ++after;
                    if (after < head.size() && head[after] == ':') {
                        const QByteArrayView key = head.sliced(stringStart + 1, pos - stringStart - 1);
                        if (key == "resourceSpans" || key == "resource_spans")
                            shape.otlpKey = true;
                    }
                }
            }
            continue;
        }
        if (c == '"') {
            inString = true;
            stringStart = pos;
        } else if (c == '{' || c == '[') {
            ++depth;
        } else if (c == '}' || c == ']') {
            if (--depth == 0) {
                shape.firstValueEnds = true;
                ++pos;
                break;
            }
        }
    }
    if (shape.firstValueEnds) {
        // JSON Lines put the next value on a later line; anything on the same line is a broken
        // document, not a second value.
        bool newline = false;
        for (; pos < head.size(); ++pos) {
            if (head[pos] == '\n')
                newline = true;
            else if (!isJsonSpace(head[pos])) {
                shape.moreValuesFollow = newline;
                break;
            }
        }
    }
    return shape;
}

} // namespace

QString traceFileFormatName(TraceFileFormat format)
{
    switch (format) {
    case TraceFileFormat::Unknown:
        return QStringLiteral("unknown");
    case TraceFileFormat::OtlpJson:
        return QStringLiteral("OTLP JSON");
    case TraceFileFormat::OtlpJsonLines:
        return QStringLiteral("OTLP JSON Lines");
    case TraceFileFormat::OtlpProtobuf:
        return QStringLiteral("OTLP protobuf");
    case TraceFileFormat::OtlpProtobufDelimited:
        return QStringLiteral("OTLP protobuf (length-delimited stream)");
    case TraceFileFormat::OtlpProtobufFramed:
        return QStringLiteral("OTLP protobuf (Collector file exporter)");
    case TraceFileFormat::LangfuseJson:
        return QStringLiteral("Langfuse JSON");
    case TraceFileFormat::LangfuseJsonLines:
        return QStringLiteral("Langfuse JSON Lines");
    }
    return QString();
}

bool isOtlpFormat(TraceFileFormat format)
{
    return format == TraceFileFormat::OtlpJson || format == TraceFileFormat::OtlpJsonLines
        || isProtobufFormat(format);
}

bool isProtobufFormat(TraceFileFormat format)
{
    return format == TraceFileFormat::OtlpProtobuf || format == TraceFileFormat::OtlpProtobufDelimited
        || format == TraceFileFormat::OtlpProtobufFramed;
}

TraceFileFormat detectTraceFileFormat(QByteArrayView head, qint64 fileSize, const QString &fileName)
{
    if (head.isEmpty() || fileSize <= 0)
        return TraceFileFormat::Unknown;
    qsizetype start = 0;
    if (head.startsWith("\xEF\xBB\xBF"))
        start = 3;
    while (start < head.size() && isJsonSpace(head[start]))
        ++start;
    const QString lower = fileName.toLower();
    const bool linesName = lower.endsWith(u".jsonl") || lower.endsWith(u".ndjson");
    if (start < head.size() && (head[start] == '{' || head[start] == '[')) {
        const JsonShape shape = jsonShape(head, start);
        bool lines = shape.moreValuesFollow;
        if (!shape.firstValueEnds || !shape.moreValuesFollow)
            lines = linesName && (shape.firstValueEnds || fileSize > head.size());
        if (shape.otlpKey)
            return lines ? TraceFileFormat::OtlpJsonLines : TraceFileFormat::OtlpJson;
        return lines ? TraceFileFormat::LangfuseJsonLines : TraceFileFormat::LangfuseJson;
    }
    // Protobuf. A 4-byte big-endian length starts with 0 for messages under 16 MiB, which no
    // varint length or field tag of a request can.
    if (plausibleStream(head, fileSize, true))
        return TraceFileFormat::OtlpProtobufFramed;
    if (plausibleRequest(head, 0, fileSize, fileSize))
        return TraceFileFormat::OtlpProtobuf;
    if (plausibleStream(head, fileSize, false))
        return TraceFileFormat::OtlpProtobufDelimited;
    return TraceFileFormat::Unknown;
}

} // namespace tg
