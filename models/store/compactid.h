#pragma once

#include <QByteArray>
#include <QString>

namespace tg {

namespace sql {
class Statement;
}

/// Ids stored compactly: lowercase hex (OTLP span and trace ids) and canonical lowercase UUIDs
/// (Langfuse ids) become short blobs; any other spelling stays text, byte for byte. Index keys
/// shrink from 16-36 characters of UTF-8 to 9-17 bytes.
class CompactId
{
public:
    CompactId() = default;
    explicit CompactId(const QString &id);

    bool isNull() const { return m_bytes.isNull(); }
    bool isBlob() const { return m_blob; }
    const QByteArray &bytes() const { return m_bytes; }

    /// Binds as BLOB or TEXT (or NULL for a null id). The CompactId must outlive the step.
    void bindTo(sql::Statement &statement, int index) const;

    /// Reads a column written by bindTo back into the original string.
    static QString readColumn(const sql::Statement &statement, int column);
    static QString decodeBlob(const QByteArray &blob);

private:
    QByteArray m_bytes;
    bool m_blob = false;
};

} // namespace tg
