#include "contentdecoding.h"

#include <zlib.h>

namespace tg {

std::optional<ContentEncoding> contentEncodingFromHeader(QByteArrayView value)
{
    const QByteArray v = value.toByteArray().trimmed().toLower();
    if (v.isEmpty() || v == "identity" || v == "none")
        return ContentEncoding::Identity;
    if (v == "gzip" || v == "x-gzip")
        return ContentEncoding::Gzip;
    if (v == "deflate")
        return ContentEncoding::Deflate;
    return std::nullopt;
}

namespace {

DecodedBody inflateWith(const QByteArray &body, int windowBits, qsizetype limit)
{
    DecodedBody result;
    z_stream stream {};
    if (inflateInit2(&stream, windowBits) != Z_OK) {
        result.status = DecodedBody::Status::Corrupt;
        result.error = QStringLiteral("cannot start decompression");
        return result;
    }
    stream.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(body.constData()));
    stream.avail_in = static_cast<uInt>(body.size());
    constexpr qsizetype kStep = 256 * 1024;
    int rc = Z_OK;
    while (rc != Z_STREAM_END) {
        if (result.data.size() >= limit + 1) {
            result.status = DecodedBody::Status::TooLarge;
            result.error
                = QStringLiteral("the decompressed body is larger than the limit of %1 bytes").arg(limit);
            result.data.clear();
            inflateEnd(&stream);
            return result;
        }
        const qsizetype before = result.data.size();
        // Never let one step take the output past limit + 1 bytes.
        const qsizetype step = std::min<qsizetype>(kStep, limit + 1 - before);
        result.data.resize(before + step);
        stream.next_out = reinterpret_cast<Bytef *>(result.data.data() + before);
        stream.avail_out = static_cast<uInt>(step);
        rc = inflate(&stream, Z_NO_FLUSH);
        result.data.resize(before + step - static_cast<qsizetype>(stream.avail_out));
        if (rc == Z_STREAM_END) {
            // Concatenated gzip members (allowed by RFC 1952) continue with another member.
            if (windowBits > 15 && stream.avail_in > 0) {
                inflateReset(&stream);
                rc = Z_OK;
            }
            continue;
        }
        if (rc == Z_BUF_ERROR && stream.avail_in == 0) {
            result.status = DecodedBody::Status::Corrupt;
            result.error = QStringLiteral("the compressed body is truncated");
            result.data.clear();
            inflateEnd(&stream);
            return result;
        }
        if (rc != Z_OK && rc != Z_BUF_ERROR) {
            result.status = DecodedBody::Status::Corrupt;
            result.error = QStringLiteral("the body is not valid compressed data (%1)")
                               .arg(QString::fromLatin1(stream.msg ? stream.msg : "corrupt stream"));
            result.data.clear();
            inflateEnd(&stream);
            return result;
        }
    }
    inflateEnd(&stream);
    if (result.data.size() > limit) {
        result.status = DecodedBody::Status::TooLarge;
        result.error
            = QStringLiteral("the decompressed body is larger than the limit of %1 bytes").arg(limit);
        result.data.clear();
    }
    return result;
}

} // namespace

DecodedBody decodeContent(const QByteArray &body, ContentEncoding encoding, qsizetype limit)
{
    switch (encoding) {
    case ContentEncoding::Identity: {
        DecodedBody result;
        if (body.size() > limit) {
            result.status = DecodedBody::Status::TooLarge;
            result.error = QStringLiteral("the body is larger than the limit of %1 bytes").arg(limit);
            return result;
        }
        result.data = body;
        return result;
    }
    case ContentEncoding::Gzip:
        return inflateWith(body, 15 + 16, limit);
    case ContentEncoding::Deflate: {
        // "deflate" means zlib-wrapped data, but clients also send raw deflate: try both.
        DecodedBody zlib = inflateWith(body, 15, limit);
        if (zlib.status != DecodedBody::Status::Corrupt)
            return zlib;
        DecodedBody raw = inflateWith(body, -15, limit);
        return raw.status == DecodedBody::Status::Corrupt ? zlib : raw;
    }
    }
    return {};
}

} // namespace tg
