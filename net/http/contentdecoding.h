#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

#include <optional>

namespace tg {

enum class ContentEncoding { Identity, Gzip, Deflate };

/// The encoding named by a Content-Encoding header value (empty, "identity", "none", "gzip",
/// "x-gzip", "deflate"), or nullopt for anything else.
std::optional<ContentEncoding> contentEncodingFromHeader(QByteArrayView value);

struct DecodedBody
{
    enum class Status { Ok, TooLarge, Corrupt };
    Status status = Status::Ok;
    QByteArray data;
    QString error;
};

/// Inflates a gzip or zlib/raw-deflate body in bounded steps. Stops as soon as the output
/// would pass `limit` bytes, so a small "zip bomb" never allocates more than the limit.
DecodedBody decodeContent(const QByteArray &body, ContentEncoding encoding, qsizetype limit);

} // namespace tg
