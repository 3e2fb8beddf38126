#pragma once

#include "formats/filechunkreader.h"
#include "formats/jsondocumenthandlers.h"
#include "formats/jsonstreamscanner.h"
#include "formats/tracefileformat.h"

#include <QByteArray>
#include <QString>

#include <deque>
#include <memory>
#include <vector>

namespace tg {

/// Something wrong in a file, located by byte offset and (for text files) line.
struct FileProblem
{
    qint64 offset = -1; ///< absolute byte offset; -1 when unknown
    qint64 line = 0; ///< 1-based; 0 when not known yet (filled in at the end for JSON documents)
    qint64 column = 0; ///< 1-based byte column; 0 when unknown
    QString message;

    /// "line 12, column 4 (byte 5120): message", or "byte 5120: message" for binary files.
    QString toString() const;
};

/// A piece of a trace file small enough to decode on its own: whole lines, whole protobuf
/// messages, or the elements of a JSON document rewrapped as a document of the same shape.
struct FileUnit
{
    TraceFileFormat format = TraceFileFormat::Unknown;
    QByteArray data;
    qint64 offset = 0; ///< file offset of data[0] (lines, protobuf) or of the first element (JSON)
    qint64 firstLine = 1; ///< JSON Lines: the number of the first line in data
    qint64 endOffset = 0; ///< how far into the file this unit reaches (for progress)
    /// Protobuf: start of each message within data, and its offset in the file; JSON documents:
    /// the file offset of each element in order (data positions unused).
    std::vector<std::pair<qint64, qint64>> pieces;
};

/// Cuts a trace file into FileUnits while reading it as a stream: at no point does more than one
/// unit (a few MiB), one read chunk and one element in flight sit in memory, whatever the size of
/// the file. Structural problems (a JSON document cut short, a protobuf length past the end) are
/// recorded with their offset; everything before them is still handed out.
class TraceFileSplitter
{
public:
    static constexpr qint64 kDefaultUnitBytes = 4 * 1024 * 1024;
    /// A protobuf message larger than this is walked field by field instead of read whole.
    static constexpr qint64 kMaxWholeMessageBytes = 64 * 1024 * 1024;

    explicit TraceFileSplitter(
        qint64 unitBytes = kDefaultUnitBytes, qint64 readChunkBytes = FileChunkReader::kDefaultChunkBytes);
    ~TraceFileSplitter();

    /// Opens the file and detects its format (or uses `format` when it is not Unknown).
    bool open(const QString &path, QString *error, TraceFileFormat format = TraceFileFormat::Unknown);
    TraceFileFormat format() const { return m_format; }
    qint64 fileSize() const { return m_reader.fileSize(); }
    /// Bytes read so far.
    qint64 bytesRead() const { return m_reader.bytesRead(); }

    /// The next unit; false when the file is done (or cannot be read further: see problems()).
    bool next(FileUnit &unit);
    const std::vector<FileProblem> &problems() const { return m_problems; }

    // Internal: used by the document handlers.
    void pushUnit(FileUnit unit) { m_ready.push_back(std::move(unit)); }
    void addProblem(qint64 offset, const QString &message);
    qint64 unitBytes() const { return m_unitBytes; }
    /// Protobuf messages larger than this are walked field by field (tests lower it).
    void setMaxWholeMessageBytes(qint64 bytes) { m_maxWholeMessage = bytes; }

private:
    bool nextLines(FileUnit &unit);
    bool nextJsonDocument();
    bool nextProtobuf();
    bool walkMessage(qint64 start, qint64 end);
    bool readVarintAt(qint64 &pos, quint64 &value);
    bool ensure(qint64 from, qint64 to);
    void flushProtobuf();

    FileChunkReader m_reader;
    TraceFileFormat m_format = TraceFileFormat::Unknown;
    qint64 m_unitBytes;
    qint64 m_maxWholeMessage = kMaxWholeMessageBytes;
    qint64 m_pos = 0;
    qint64 m_line = 1;
    bool m_done = false;
    std::deque<FileUnit> m_ready;
    std::vector<FileProblem> m_problems;

    std::unique_ptr<JsonDocumentHandler> m_handler;
    std::unique_ptr<JsonStreamScanner> m_scanner;

    FileUnit m_protobufUnit; ///< messages gathered for the next protobuf unit
};

} // namespace tg
