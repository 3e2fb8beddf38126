#include "gzip.h"

#include <QFile>
#include <QLocale>

#include <algorithm>
#include <zlib.h>

namespace tg {

QByteArray gzipCompress(QByteArrayView data, int level)
{
    z_stream stream {};
    // windowBits 15 + 16 asks zlib for a gzip header and trailer.
    if (deflateInit2(&stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return QByteArray();
    QByteArray out;
    out.resize(qsizetype(deflateBound(&stream, uLong(data.size()))) + 32);
    stream.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(data.data()));
    stream.avail_in = uInt(data.size());
    stream.next_out = reinterpret_cast<Bytef *>(out.data());
    stream.avail_out = uInt(out.size());
    const int result = deflate(&stream, Z_FINISH);
    const qsizetype written = qsizetype(stream.total_out);
    deflateEnd(&stream);
    if (result != Z_STREAM_END)
        return QByteArray();
    out.resize(written);
    return out;
}

bool hasGzipMagic(QByteArrayView head)
{
    return head.size() >= 3 && quint8(head[0]) == 0x1f && quint8(head[1]) == 0x8b && quint8(head[2]) == 8;
}

bool isGzipFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) && hasGzipMagic(file.read(3));
}

namespace {

QString sizeText(qint64 bytes)
{
    return QLocale::c().formattedDataSize(bytes, 1, QLocale::DataSizeTraditionalFormat);
}

/// One inflate pass over a file, member after member.
class Inflater
{
public:
    Inflater(QFile &in, QIODevice &out, const GzipInflateOptions &options, GzipFileInflation &result)
        : m_in(in)
        , m_out(out)
        , m_options(options)
        , m_result(result)
        , m_input(qsizetype(std::max<qint64>(options.chunkBytes, 64)), Qt::Uninitialized)
        , m_output(qsizetype(std::max<qint64>(options.chunkBytes, 64)), Qt::Uninitialized)
    {
        // windowBits 15 + 16: gzip only (a zlib or raw stream is not a .gz file).
        m_ready = inflateInit2(&m_stream, 15 + 16) == Z_OK;
    }
    ~Inflater()
    {
        if (m_ready)
            inflateEnd(&m_stream);
    }

    void run()
    {
        if (!m_ready) {
            m_result.problem = QStringLiteral("cannot start decompressing (out of memory?)");
            return;
        }
        bool inMember = true;
        while (true) {
            if (m_options.cancel && m_options.cancel->load()) {
                m_result.cancelled = true;
                return;
            }
            if (m_stream.avail_in == 0 && !fill())
                break;
            if (!inMember) {
                if (!startNextMember())
                    return;
                inMember = true;
                continue;
            }
            m_stream.next_out = reinterpret_cast<Bytef *>(m_output.data());
            m_stream.avail_out = uInt(m_output.size());
            const int rc = inflate(&m_stream, Z_NO_FLUSH);
            if (!write(m_output.size() - qsizetype(m_stream.avail_out)))
                return;
            if (rc == Z_STREAM_END) {
                inMember = false;
            } else if (rc == Z_DATA_ERROR || rc == Z_NEED_DICT || rc == Z_MEM_ERROR) {
                m_result.problem = QStringLiteral("the gzip data is corrupt at byte %1 of the file (%2)")
                                       .arg(consumed())
                                       .arg(QString::fromUtf8(m_stream.msg ? m_stream.msg : "bad data"));
                return;
            }
            if (m_options.progress)
                m_options.progress(consumed(), m_result.compressedSize);
        }
        if (!m_in.atEnd() && m_in.error() != QFileDevice::NoError)
            m_result.problem = QStringLiteral("cannot read the file: %1").arg(m_in.errorString());
        else if (inMember)
            m_result.problem
                = QStringLiteral("the gzip data ends early, at the end of the file's %1 (is it truncated?); "
                                 "%2 decompressed")
                      .arg(sizeText(m_result.compressedSize), sizeText(m_result.inflatedBytes));
    }

private:
    qint64 consumed() const { return m_result.compressedRead - qint64(m_stream.avail_in); }

    bool fill()
    {
        const qint64 got = m_in.read(m_input.data(), m_input.size());
        if (got <= 0)
            return false;
        m_result.compressedRead += got;
        m_stream.next_in = reinterpret_cast<Bytef *>(m_input.data());
        m_stream.avail_in = uInt(got);
        return true;
    }

    /// After a member's trailer: another member, zero padding (ignored) or garbage (a problem).
    bool startNextMember()
    {
        const auto *next = reinterpret_cast<const char *>(m_stream.next_in);
        if (quint8(next[0]) == 0x1f) {
            if (inflateReset(&m_stream) != Z_OK) {
                m_result.problem = QStringLiteral("cannot decompress the next gzip member");
                return false;
            }
            return true;
        }
        while (true) {
            const auto *end = next + m_stream.avail_in;
            if (std::any_of(next, end, [](char c) { return c != 0; })) {
                m_result.problem
                    = QStringLiteral("the bytes after the gzip data (from byte %1) are not gzip; "
                                     "they were ignored")
                          .arg(consumed());
                return false;
            }
            m_stream.avail_in = 0;
            if (!fill())
                return false;
            next = reinterpret_cast<const char *>(m_stream.next_in);
        }
    }

    bool write(qsizetype bytes)
    {
        if (bytes <= 0)
            return true;
        const qint64 room = m_options.maxInflatedBytes - m_result.inflatedBytes;
        const qint64 take = std::min<qint64>(bytes, room);
        if (take > 0 && m_out.write(m_output.constData(), take) != take) {
            m_result.problem
                = QStringLiteral("cannot write the decompressed data: %1").arg(m_out.errorString());
            return false;
        }
        m_result.inflatedBytes += take;
        if (take < bytes) {
            m_result.problem = QStringLiteral("stopped decompressing at %1, the limit for one file")
                                   .arg(sizeText(m_options.maxInflatedBytes));
            return false;
        }
        return true;
    }

    QFile &m_in;
    QIODevice &m_out;
    const GzipInflateOptions &m_options;
    GzipFileInflation &m_result;
    QByteArray m_input;
    QByteArray m_output;
    z_stream m_stream {};
    bool m_ready = false;
};

} // namespace

GzipFileInflation inflateGzipFile(const QString &path, QIODevice &out, const GzipInflateOptions &options)
{
    GzipFileInflation result;
    QFile in(path);
    if (!in.open(QIODevice::ReadOnly)) {
        result.error = in.errorString();
        return result;
    }
    result.compressedSize = in.size();
    Inflater(in, out, options, result).run();
    return result;
}

} // namespace tg
