#include "filechunkreader.h"

#include <algorithm>
#include <cstring>

namespace tg {

FileChunkReader::FileChunkReader(qint64 chunkBytes)
    : m_chunk(std::max<qint64>(chunkBytes, 1))
{
}

bool FileChunkReader::open(const QString &path, QString *error)
{
    m_file.setFileName(path);
    if (!m_file.open(QIODevice::ReadOnly)) {
        if (error)
            *error = m_file.errorString();
        return false;
    }
    m_size = m_file.size();
    m_buffer.clear();
    m_start = 0;
    m_eof = false;
    return true;
}

bool FileChunkReader::readMore(qint64 keepFrom)
{
    if (m_eof)
        return false;
    keepFrom = std::clamp(keepFrom, m_start, bufferEnd());
    const qint64 drop = keepFrom - m_start;
    if (drop > 0) {
        const qint64 kept = m_buffer.size() - drop;
        std::memmove(m_buffer.data(), m_buffer.constData() + drop, size_t(kept));
        m_buffer.resize(kept);
        m_start = keepFrom;
    }
    // Keep the allocation when the buffer shrinks back after a large element.
    const qint64 old = m_buffer.size();
    m_buffer.resize(old + m_chunk);
    const qint64 got = m_file.read(m_buffer.data() + old, m_chunk);
    if (got < 0) {
        m_buffer.resize(old);
        m_error = m_file.errorString();
        m_eof = true;
        return false;
    }
    m_buffer.resize(old + got);
    if (got == 0) {
        m_eof = true;
        return false;
    }
    if (m_file.atEnd())
        m_eof = true;
    return true;
}

} // namespace tg
