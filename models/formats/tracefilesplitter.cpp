#include "tracefilesplitter.h"

#include "formats/jsondocumenthandlers.h"

#include <QFileInfo>

#include <algorithm>
#include <cstring>

namespace tg {

namespace {

constexpr qint64 kDetectBytes = 256 * 1024;

void appendVarint(QByteArray &out, quint64 value)
{
    while (value >= 0x80) {
        out.append(char((value & 0x7f) | 0x80));
        value >>= 7;
    }
    out.append(char(value));
}

void appendLengthDelimited(QByteArray &out, quint8 tag, QByteArrayView bytes)
{
    out.append(char(tag));
    appendVarint(out, quint64(bytes.size()));
    out.append(bytes);
}

} // namespace

QString FileProblem::toString() const
{
    QString where;
    if (line > 0 && column > 0)
        where = QStringLiteral("line %1, column %2 (byte %3)").arg(line).arg(column).arg(offset);
    else if (line > 0)
        where = QStringLiteral("line %1").arg(line);
    else if (offset >= 0)
        where = QStringLiteral("byte %1").arg(offset);
    return where.isEmpty() ? message : where + QStringLiteral(": ") + message;
}

TraceFileSplitter::TraceFileSplitter(qint64 unitBytes, qint64 readChunkBytes)
    : m_reader(readChunkBytes)
    , m_unitBytes(std::max<qint64>(unitBytes, 256))
{
}

TraceFileSplitter::~TraceFileSplitter() = default;

void TraceFileSplitter::addProblem(qint64 offset, const QString &message)
{
    FileProblem problem;
    problem.offset = offset;
    problem.message = message;
    m_problems.push_back(std::move(problem));
}

bool TraceFileSplitter::open(const QString &path, QString *error, TraceFileFormat format)
{
    if (!m_reader.open(path, error))
        return false;
    if (m_reader.fileSize() == 0) {
        if (error)
            *error = QStringLiteral("the file is empty");
        return false;
    }
    while (m_reader.bufferEnd() < std::min(kDetectBytes, m_reader.fileSize()) && m_reader.readMore(0)) { }
    if (format == TraceFileFormat::Unknown) {
        format = detectTraceFileFormat(
            m_reader.view(0, m_reader.bufferEnd()), m_reader.fileSize(), QFileInfo(path).fileName());
    }
    m_format = format;
    if (format == TraceFileFormat::Unknown) {
        if (error)
            *error
                = QStringLiteral("not a trace file Traceglass knows (OTLP JSON, JSON Lines or protobuf, or a "
                                 "Langfuse export)");
        return false;
    }
    m_handler = makeJsonDocumentHandler(format, *this);
    if (m_handler)
        m_scanner = std::make_unique<JsonStreamScanner>(*m_handler);
    if (m_reader.view(0, std::min<qint64>(3, m_reader.bufferEnd())) == "\xEF\xBB\xBF") {
        m_pos = 3;
        if (m_scanner)
            m_scanner->setStart(3);
    }
    return true;
}

bool TraceFileSplitter::next(FileUnit &unit)
{
    for (;;) {
        if (!m_ready.empty()) {
            unit = std::move(m_ready.front());
            m_ready.pop_front();
            return true;
        }
        if (m_done)
            return false;
        switch (m_format) {
        case TraceFileFormat::OtlpJsonLines:
        case TraceFileFormat::LangfuseJsonLines:
            if (!nextLines(unit))
                m_done = true;
            else
                return true;
            break;
        case TraceFileFormat::OtlpJson:
        case TraceFileFormat::LangfuseJson:
            if (!nextJsonDocument())
                m_done = true;
            break;
        case TraceFileFormat::OtlpProtobuf:
        case TraceFileFormat::OtlpProtobufDelimited:
        case TraceFileFormat::OtlpProtobufFramed:
            if (!nextProtobuf())
                m_done = true;
            break;
        case TraceFileFormat::Unknown:
            m_done = true;
            break;
        }
        if (m_done && !m_reader.error().isEmpty())
            addProblem(m_reader.bytesRead(), QStringLiteral("read error: %1").arg(m_reader.error()));
    }
}

bool TraceFileSplitter::nextLines(FileUnit &unit)
{
    const qint64 start = m_pos;
    while (m_reader.bufferEnd() - start < m_unitBytes && !m_reader.atEnd())
        m_reader.readMore(start);
    if (start >= m_reader.bufferEnd())
        return false;
    qint64 searchFrom = start;
    qint64 cut = -1;
    for (;;) {
        const qint64 limit = std::min(m_reader.bufferEnd(), std::max(start + m_unitBytes, searchFrom));
        const QByteArrayView window = m_reader.view(searchFrom, limit);
        const qsizetype nl = window.lastIndexOf('\n');
        if (nl >= 0) {
            cut = searchFrom + nl + 1;
            break;
        }
        // A line longer than a unit: read on until it ends.
        const QByteArrayView rest = m_reader.view(limit, m_reader.bufferEnd());
        const qsizetype later = rest.indexOf('\n');
        if (later >= 0) {
            cut = limit + later + 1;
            break;
        }
        if (m_reader.atEnd()) {
            cut = m_reader.bufferEnd();
            break;
        }
        searchFrom = m_reader.bufferEnd();
        m_reader.readMore(start);
    }
    unit = FileUnit();
    unit.format = m_format;
    unit.offset = start;
    unit.firstLine = m_line;
    unit.data = m_reader.view(start, cut).toByteArray();
    unit.endOffset = cut;
    m_line += std::count(unit.data.cbegin(), unit.data.cend(), '\n');
    m_pos = cut;
    return true;
}

bool TraceFileSplitter::nextJsonDocument()
{
    JsonDocumentHandler *handler = m_handler.get();
    while (m_ready.empty()) {
        const auto status = m_scanner->scan(
            m_reader.data(), m_reader.bufferStart(), m_reader.bufferEnd(), m_reader.atEnd());
        if (status == JsonStreamScanner::Status::NeedMore) {
            m_reader.readMore(m_scanner->keepFrom());
            continue;
        }
        if (status == JsonStreamScanner::Status::Error)
            addProblem(m_scanner->errorOffset(), m_scanner->error());
        handler->finish();
        m_done = true;
        return !m_ready.empty();
    }
    return true;
}

bool TraceFileSplitter::ensure(qint64 from, qint64 to)
{
    while (m_reader.bufferEnd() < to) {
        if (!m_reader.readMore(from))
            return m_reader.bufferEnd() >= to;
    }
    if (m_reader.bufferStart() > from)
        return false; // cannot happen: readMore keeps `from`
    return true;
}

bool TraceFileSplitter::readVarintAt(qint64 &pos, quint64 &value)
{
    if (!ensure(pos, std::min(pos + 10, m_reader.fileSize())))
        return false;
    value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        if (pos >= m_reader.bufferEnd())
            return false;
        const auto byte = static_cast<quint8>(*m_reader.view(pos, pos + 1).data());
        ++pos;
        value |= quint64(byte & 0x7f) << shift;
        if ((byte & 0x80) == 0)
            return true;
    }
    return false;
}

void TraceFileSplitter::flushProtobuf()
{
    if (m_protobufUnit.data.isEmpty())
        return;
    m_protobufUnit.format = TraceFileFormat::OtlpProtobuf;
    m_ready.push_back(std::move(m_protobufUnit));
    m_protobufUnit = FileUnit();
}

bool TraceFileSplitter::nextProtobuf()
{
    const qint64 size = m_reader.fileSize();
    if (m_pos >= size) {
        flushProtobuf();
        return !m_ready.empty();
    }
    if (m_format == TraceFileFormat::OtlpProtobuf) {
        // One message: read whole when it is small, else walked field by field.
        if (size <= m_maxWholeMessage && ensure(0, size)) {
            FileUnit unit;
            unit.format = TraceFileFormat::OtlpProtobuf;
            unit.data = m_reader.view(0, size).toByteArray();
            unit.pieces.emplace_back(0, 0);
            unit.endOffset = size;
            m_ready.push_back(std::move(unit));
        } else {
            walkMessage(0, size);
            flushProtobuf();
        }
        m_pos = size;
        return !m_ready.empty();
    }
    while (m_ready.empty() && m_pos < size) {
        const qint64 prefixAt = m_pos;
        quint64 length = 0;
        if (m_format == TraceFileFormat::OtlpProtobufFramed) {
            if (!ensure(m_pos, m_pos + 4)) {
                addProblem(prefixAt, QStringLiteral("the file ends inside a message length"));
                m_pos = size;
                break;
            }
            const QByteArrayView prefix = m_reader.view(m_pos, m_pos + 4);
            for (int i = 0; i < 4; ++i)
                length = (length << 8) | static_cast<quint8>(prefix[i]);
            m_pos += 4;
        } else if (!readVarintAt(m_pos, length)) {
            addProblem(prefixAt, QStringLiteral("bad message length"));
            m_pos = size;
            break;
        }
        const qint64 start = m_pos;
        const qint64 end = start + qint64(length);
        if (end > size || end < start) {
            addProblem(prefixAt,
                QStringLiteral("a message of %1 bytes runs past the end of the file (%2 bytes are left)")
                    .arg(length)
                    .arg(size - start));
            m_pos = size;
            break;
        }
        if (qint64(length) <= m_maxWholeMessage) {
            if (!ensure(start, end)) {
                addProblem(start, QStringLiteral("read error"));
                m_pos = size;
                break;
            }
            if (m_protobufUnit.data.isEmpty())
                m_protobufUnit.offset = start;
            m_protobufUnit.pieces.emplace_back(m_protobufUnit.data.size(), start);
            m_protobufUnit.data.append(m_reader.view(start, end));
            m_protobufUnit.endOffset = end;
            if (m_protobufUnit.data.size() >= m_unitBytes)
                flushProtobuf();
        } else {
            flushProtobuf();
            walkMessage(start, end);
            flushProtobuf();
        }
        m_pos = end;
    }
    if (m_pos >= size)
        flushProtobuf();
    return !m_ready.empty();
}

namespace {

struct WireField
{
    quint32 number = 0;
    quint8 wireType = 0;
    qint64 tagStart = 0;
    qint64 valueStart = 0;
    qint64 valueEnd = 0;
};

} // namespace

// Walks an ExportTraceServiceRequest encoding in [start, end) without holding it whole: small
// resource_spans go out as they are; a large one is cut into its scope_spans, and a large
// scope_spans into runs of spans, each rewrapped with its resource and scope.
bool TraceFileSplitter::walkMessage(qint64 start, qint64 end)
{
    auto readField = [&](qint64 &pos, qint64 limit, WireField &field) -> bool {
        field.tagStart = pos;
        quint64 tag = 0;
        if (!readVarintAt(pos, tag) || pos > limit) {
            addProblem(field.tagStart, QStringLiteral("bad field tag"));
            return false;
        }
        field.number = quint32(tag >> 3);
        field.wireType = quint8(tag & 7);
        quint64 length = 0;
        switch (field.wireType) {
        case 0:
            if (!readVarintAt(pos, length)) {
                addProblem(field.tagStart, QStringLiteral("bad varint"));
                return false;
            }
            field.valueStart = field.valueEnd = pos;
            break;
        case 1:
            field.valueStart = pos;
            pos += 8;
            field.valueEnd = pos;
            break;
        case 5:
            field.valueStart = pos;
            pos += 4;
            field.valueEnd = pos;
            break;
        case 2:
            if (!readVarintAt(pos, length)) {
                addProblem(field.tagStart, QStringLiteral("bad length"));
                return false;
            }
            field.valueStart = pos;
            field.valueEnd = pos + qint64(length);
            pos = field.valueEnd;
            break;
        default:
            addProblem(field.tagStart, QStringLiteral("unsupported wire type %1").arg(field.wireType));
            return false;
        }
        if (field.valueEnd > limit || field.valueEnd < field.valueStart) {
            addProblem(field.tagStart,
                QStringLiteral("a field of %1 bytes runs past the end of its message")
                    .arg(field.valueEnd - field.valueStart));
            return false;
        }
        return true;
    };
    auto copy = [&](qint64 from, qint64 to) -> QByteArray {
        if (!ensure(from, to))
            return QByteArray();
        return m_reader.view(from, to).toByteArray();
    };
    auto addPiece = [&](const QByteArray &bytes, qint64 fileOffset) {
        if (m_protobufUnit.data.isEmpty())
            m_protobufUnit.offset = fileOffset;
        m_protobufUnit.pieces.emplace_back(m_protobufUnit.data.size(), fileOffset);
        m_protobufUnit.data.append(bytes);
        m_protobufUnit.endOffset = std::max(m_protobufUnit.endOffset, fileOffset + bytes.size());
        if (m_protobufUnit.data.size() >= m_unitBytes)
            flushProtobuf();
    };
    // resource_spans { resource, scope_spans { scope, spans... } } as a request field.
    auto wrap = [](const QByteArray &resource, const QByteArray &scopeSpansBody) {
        QByteArray rs;
        if (!resource.isNull())
            appendLengthDelimited(rs, 0x0a, resource);
        appendLengthDelimited(rs, 0x12, scopeSpansBody);
        QByteArray field;
        appendLengthDelimited(field, 0x0a, rs);
        return field;
    };

    qint64 pos = start;
    WireField top;
    while (pos < end) {
        if (!readField(pos, end, top))
            return false;
        if (top.number != 1 || top.wireType != 2)
            continue; // unknown field
        if (top.valueEnd - top.tagStart <= std::min(m_unitBytes * 4, m_maxWholeMessage)) {
            const QByteArray bytes = copy(top.tagStart, top.valueEnd);
            if (bytes.isNull())
                return false;
            addPiece(bytes, top.tagStart);
            continue;
        }
        // A large resource_spans.
        QByteArray resource;
        qint64 rpos = top.valueStart;
        WireField rf;
        while (rpos < top.valueEnd) {
            if (!readField(rpos, top.valueEnd, rf))
                return false;
            if (rf.wireType != 2)
                continue;
            if (rf.number == 1) {
                resource = copy(rf.valueStart, rf.valueEnd);
                if (resource.isNull())
                    resource = QByteArray("");
                continue;
            }
            if (rf.number != 2)
                continue;
            if (rf.valueEnd - rf.valueStart <= std::min(m_unitBytes * 4, m_maxWholeMessage)) {
                const QByteArray body = copy(rf.valueStart, rf.valueEnd);
                addPiece(wrap(resource, body), rf.tagStart);
                continue;
            }
            // A large scope_spans: runs of spans.
            QByteArray scopeField;
            QByteArray spans;
            qint64 runOffset = -1;
            qint64 spos = rf.valueStart;
            WireField sf;
            auto flushRun = [&] {
                if (spans.isEmpty())
                    return;
                addPiece(wrap(resource, scopeField + spans), runOffset);
                spans.clear();
                runOffset = -1;
            };
            while (spos < rf.valueEnd) {
                if (!readField(spos, rf.valueEnd, sf)) {
                    flushRun();
                    return false;
                }
                if (sf.wireType != 2)
                    continue;
                if (sf.number == 1) {
                    scopeField = copy(sf.tagStart, sf.valueEnd);
                } else if (sf.number == 2) {
                    if (runOffset < 0)
                        runOffset = sf.tagStart;
                    spans.append(copy(sf.tagStart, sf.valueEnd));
                    if (spans.size() >= m_unitBytes)
                        flushRun();
                }
            }
            flushRun();
        }
    }
    return true;
}

} // namespace tg
