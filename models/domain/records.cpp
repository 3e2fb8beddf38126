#include "records.h"

namespace tg {

QString scoreDataTypeName(ScoreDataType type)
{
    switch (type) {
    case ScoreDataType::Numeric:
        return QStringLiteral("NUMERIC");
    case ScoreDataType::Categorical:
        return QStringLiteral("CATEGORICAL");
    case ScoreDataType::Boolean:
        return QStringLiteral("BOOLEAN");
    case ScoreDataType::Text:
        return QStringLiteral("TEXT");
    case ScoreDataType::Correction:
        return QStringLiteral("CORRECTION");
    }
    return QStringLiteral("NUMERIC");
}

std::optional<ScoreDataType> scoreDataTypeFromString(QStringView text)
{
    const QString upper = text.trimmed().toString().toUpper();
    if (upper == u"NUMERIC")
        return ScoreDataType::Numeric;
    if (upper == u"CATEGORICAL")
        return ScoreDataType::Categorical;
    if (upper == u"BOOLEAN")
        return ScoreDataType::Boolean;
    if (upper == u"TEXT")
        return ScoreDataType::Text;
    if (upper == u"CORRECTION")
        return ScoreDataType::Correction;
    return std::nullopt;
}

} // namespace tg
