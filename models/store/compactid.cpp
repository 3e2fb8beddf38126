#include "compactid.h"

#include "sqlite.h"

#include <sqlite3.h>

namespace tg {

namespace {

constexpr char kHexTag = 0x00;
constexpr char kUuidTag = 0x01;

int hexValue(QChar c)
{
    const char16_t u = c.unicode();
    if (u >= '0' && u <= '9')
        return u - '0';
    if (u >= 'a' && u <= 'f')
        return u - 'a' + 10;
    return -1; // upper case stays text so the original spelling survives
}

bool appendHex(QStringView text, QByteArray &out)
{
    if (text.size() % 2 != 0)
        return false;
    for (qsizetype i = 0; i < text.size(); i += 2) {
        const int hi = hexValue(text[i]);
        const int lo = hexValue(text[i + 1]);
        if (hi < 0 || lo < 0)
            return false;
        out.append(static_cast<char>((hi << 4) | lo));
    }
    return true;
}

bool isUuidShape(const QString &id)
{
    if (id.size() != 36)
        return false;
    return id[8] == u'-' && id[13] == u'-' && id[18] == u'-' && id[23] == u'-';
}

void appendHexText(QString &out, const char *data, qsizetype size)
{
    static const char digits[] = "0123456789abcdef";
    for (qsizetype i = 0; i < size; ++i) {
        const auto b = static_cast<unsigned char>(data[i]);
        out.append(QLatin1Char(digits[b >> 4]));
        out.append(QLatin1Char(digits[b & 0x0f]));
    }
}

} // namespace

CompactId::CompactId(const QString &id)
{
    if (id.isNull())
        return;
    if (!id.isEmpty() && id.size() <= 64 && id.size() % 2 == 0) {
        QByteArray blob;
        blob.reserve(1 + id.size() / 2);
        blob.append(kHexTag);
        if (appendHex(id, blob)) {
            m_bytes = std::move(blob);
            m_blob = true;
            return;
        }
    }
    if (isUuidShape(id)) {
        QByteArray blob;
        blob.reserve(17);
        blob.append(kUuidTag);
        const QStringView v(id);
        if (appendHex(v.mid(0, 8), blob) && appendHex(v.mid(9, 4), blob) && appendHex(v.mid(14, 4), blob)
            && appendHex(v.mid(19, 4), blob) && appendHex(v.mid(24, 12), blob)) {
            m_bytes = std::move(blob);
            m_blob = true;
            return;
        }
    }
    m_bytes = id.toUtf8();
    m_blob = false;
}

void CompactId::bindTo(sql::Statement &statement, int index) const
{
    if (m_bytes.isNull())
        statement.bindNull(index);
    else if (m_blob)
        statement.bindBlob(index, m_bytes);
    else
        statement.bindText(index, m_bytes);
}

QString CompactId::readColumn(const sql::Statement &statement, int column)
{
    switch (statement.columnType(column)) {
    case SQLITE_NULL:
        return {};
    case SQLITE_BLOB:
        return decodeBlob(statement.columnRawBytes(column));
    default:
        return statement.columnText(column);
    }
}

QString CompactId::decodeBlob(const QByteArray &blob)
{
    if (blob.isEmpty())
        return {};
    QString out;
    const char *data = blob.constData() + 1;
    const qsizetype size = blob.size() - 1;
    if (blob.at(0) == kUuidTag && size == 16) {
        out.reserve(36);
        appendHexText(out, data, 4);
        out.append(u'-');
        appendHexText(out, data + 4, 2);
        out.append(u'-');
        appendHexText(out, data + 6, 2);
        out.append(u'-');
        appendHexText(out, data + 8, 2);
        out.append(u'-');
        appendHexText(out, data + 10, 6);
        return out;
    }
    out.reserve(size * 2);
    appendHexText(out, data, size);
    return out;
}

} // namespace tg
