#pragma once
// Small helpers shared by the WriteContext sources (writecontext.cpp, writecontext_records.cpp).

#include "store/sqlite.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QString>
#include <QStringList>

#include <optional>

namespace tg::writecontext {

/// Entries an id cache holds before it is cleared.
constexpr int kMaxCachedIds = 500'000;

inline QStringList parseTags(const QString &json)
{
    QStringList tags;
    if (json.isEmpty())
        return tags;
    const QJsonArray array = QJsonDocument::fromJson(json.toUtf8()).array();
    for (const QJsonValue &v : array) {
        if (v.isString())
            tags.append(v.toString());
    }
    return tags;
}

inline QString tagsToJson(const QStringList &tags)
{
    if (tags.isEmpty())
        return {};
    return QString::fromUtf8(QJsonDocument(QJsonArray::fromStringList(tags)).toJson(QJsonDocument::Compact));
}

inline const QString &pick(const QString &incoming, const QString &stored)
{
    return incoming.isNull() ? stored : incoming;
}

inline std::optional<qint64> optionalColumn(const sql::Statement &st, int column)
{
    if (st.isNull(column))
        return std::nullopt;
    return st.columnInt(column);
}

inline void bindOptionalText(sql::Statement &st, int index, const QString &value)
{
    if (value.isNull())
        st.bindNull(index);
    else
        st.bind(index, value);
}

/// True when a trace or observation record sets any part of its payload.
template<typename Record> inline bool givesPayload(const Record &record)
{
    return !record.input.isNull() || !record.output.isNull() || !record.metadata.isNull();
}

} // namespace tg::writecontext
