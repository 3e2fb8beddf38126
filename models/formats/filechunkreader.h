#pragma once

#include <QByteArray>
#include <QFile>
#include <QString>

namespace tg {

/// Reads a file forward in large chunks into one sliding buffer addressed by absolute file
/// offsets. The caller says which bytes it still needs (keepFrom); everything before is dropped
/// when the next chunk comes in, so memory stays at one chunk plus whatever the caller holds on to
/// (an element that is still being read).
class FileChunkReader
{
public:
    static constexpr qint64 kDefaultChunkBytes = 4 * 1024 * 1024;

    explicit FileChunkReader(qint64 chunkBytes = kDefaultChunkBytes);

    bool open(const QString &path, QString *error);
    qint64 fileSize() const { return m_size; }

    /// Drops the bytes before `keepFrom` and appends the next chunk. False at the end of the file
    /// (or on a read error: see error()).
    bool readMore(qint64 keepFrom);
    bool atEnd() const { return m_eof; }
    QString error() const { return m_error; }

    const char *data() const { return m_buffer.constData(); }
    /// Absolute offset of data()[0].
    qint64 bufferStart() const { return m_start; }
    /// Absolute offset one past the last byte in the buffer.
    qint64 bufferEnd() const { return m_start + m_buffer.size(); }
    /// The bytes [from, to) as a view; both must lie in the buffer.
    QByteArrayView view(qint64 from, qint64 to) const
    {
        return QByteArrayView(m_buffer.constData() + (from - m_start), to - from);
    }
    /// Bytes handed out so far (for progress): the end of the buffer.
    qint64 bytesRead() const { return bufferEnd(); }

private:
    QFile m_file;
    QByteArray m_buffer;
    qint64 m_start = 0;
    qint64 m_size = 0;
    qint64 m_chunk;
    bool m_eof = false;
    QString m_error;
};

} // namespace tg
