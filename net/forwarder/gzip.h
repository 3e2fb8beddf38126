#pragma once

#include <QByteArray>
#include <QByteArrayView>

namespace tg {

/// gzip (RFC 1952) of `data`, for request bodies sent with Content-Encoding: gzip.
QByteArray gzipCompress(QByteArrayView data, int level = 6);

} // namespace tg
