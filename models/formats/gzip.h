#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

#include <atomic>
#include <functional>

class QIODevice;

namespace tg {

/// gzip (RFC 1952) of `data`, for request bodies sent with Content-Encoding: gzip.
QByteArray gzipCompress(QByteArrayView data, int level = 6);

/// True when `head` starts the way every gzip stream does (1f 8b, method deflate).
bool hasGzipMagic(QByteArrayView head);
/// True when the file at `path` starts with the gzip magic (whatever its name).
bool isGzipFile(const QString &path);

/// What inflating a .gz file gave.
struct GzipFileInflation
{
    qint64 compressedSize = 0; ///< of the .gz file
    qint64 compressedRead = 0; ///< of it, consumed
    qint64 inflatedBytes = 0; ///< written to the output
    bool cancelled = false;
    /// Why inflating stopped before the end of the data: the file is truncated or corrupt, the
    /// size limit was reached, or the output could not be written. Everything inflated before
    /// that point was written. Empty when the whole file inflated.
    QString problem;
    /// The file could not be read at all (missing, unreadable).
    QString error;
};

struct GzipInflateOptions
{
    /// Inflating stops here (a small file can expand a thousandfold).
    qint64 maxInflatedBytes = 64LL * 1024 * 1024 * 1024;
    qint64 chunkBytes = 1024 * 1024;
    const std::atomic<bool> *cancel = nullptr; ///< polled between chunks
    /// Called between chunks with the compressed bytes consumed so far and the file's size.
    std::function<void(qint64 read, qint64 size)> progress;
};

/// Streams the gzip file at `path` into `out`, chunk by chunk, in constant memory. Files of
/// several gzip members (`cat a.gz b.gz`) inflate to their concatenation; zero padding after the
/// last member is ignored, other trailing bytes are a problem.
GzipFileInflation inflateGzipFile(
    const QString &path, QIODevice &out, const GzipInflateOptions &options = {});

} // namespace tg
