#include "observationtype.h"

namespace tg {

namespace {
constexpr std::array<const char *, kObservationTypeCount> kTypeNames {
    "SPAN",
    "GENERATION",
    "EVENT",
    "AGENT",
    "TOOL",
    "CHAIN",
    "RETRIEVER",
    "EVALUATOR",
    "EMBEDDING",
    "GUARDRAIL",
};
} // namespace

QString observationTypeName(ObservationType type)
{
    return QString::fromLatin1(kTypeNames.at(static_cast<size_t>(type)));
}

std::optional<ObservationType> observationTypeFromString(QStringView text)
{
    const QStringView trimmed = text.trimmed();
    for (size_t i = 0; i < kTypeNames.size(); ++i) {
        if (trimmed.compare(QLatin1String(kTypeNames[i]), Qt::CaseInsensitive) == 0)
            return static_cast<ObservationType>(i);
    }
    return std::nullopt;
}

std::optional<ObservationType> observationTypeFromInt(int value)
{
    if (value < 0 || value >= kObservationTypeCount)
        return std::nullopt;
    return static_cast<ObservationType>(value);
}

QString levelName(Level level)
{
    switch (level) {
    case Level::Debug:
        return QStringLiteral("DEBUG");
    case Level::Default:
        return QStringLiteral("DEFAULT");
    case Level::Warning:
        return QStringLiteral("WARNING");
    case Level::Error:
        return QStringLiteral("ERROR");
    }
    return QStringLiteral("DEFAULT");
}

std::optional<Level> levelFromString(QStringView text)
{
    const QString upper = text.trimmed().toString().toUpper();
    if (upper == u"DEBUG" || upper == u"TRACE")
        return Level::Debug;
    if (upper == u"DEFAULT" || upper == u"INFO")
        return Level::Default;
    if (upper == u"WARNING" || upper == u"WARN")
        return Level::Warning;
    if (upper == u"ERROR" || upper == u"FATAL" || upper == u"CRITICAL")
        return Level::Error;
    return std::nullopt;
}

std::optional<Level> levelFromInt(int value)
{
    if (value < 0 || value > static_cast<int>(Level::Error))
        return std::nullopt;
    return static_cast<Level>(value);
}

} // namespace tg
