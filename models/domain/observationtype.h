#pragma once

#include <QString>
#include <QStringView>

#include <array>
#include <optional>

namespace tg {

/// The ten Langfuse observation types; the numeric values are stored in the database.
enum class ObservationType : quint8 {
    Span = 0,
    Generation = 1,
    Event = 2,
    Agent = 3,
    Tool = 4,
    Chain = 5,
    Retriever = 6,
    Evaluator = 7,
    Embedding = 8,
    Guardrail = 9,
};
inline constexpr int kObservationTypeCount = 10;

/// All types in their numeric order, for menus and loops.
inline constexpr std::array<ObservationType, kObservationTypeCount> kAllObservationTypes {
    ObservationType::Span,
    ObservationType::Generation,
    ObservationType::Event,
    ObservationType::Agent,
    ObservationType::Tool,
    ObservationType::Chain,
    ObservationType::Retriever,
    ObservationType::Evaluator,
    ObservationType::Embedding,
    ObservationType::Guardrail,
};

/// Upper-case name as Langfuse writes it ("GENERATION").
QString observationTypeName(ObservationType type);
/// Parses a type name case-insensitively ("generation", "GENERATION").
std::optional<ObservationType> observationTypeFromString(QStringView text);
/// Converts a stored integer, rejecting values out of range.
std::optional<ObservationType> observationTypeFromInt(int value);

/// Langfuse observation levels, ordered by severity.
enum class Level : quint8 {
    Debug = 0,
    Default = 1,
    Warning = 2,
    Error = 3,
};

QString levelName(Level level);
/// Parses a level with the aliases Langfuse accepts (INFO, WARN, FATAL, CRITICAL, TRACE).
std::optional<Level> levelFromString(QStringView text);
std::optional<Level> levelFromInt(int value);

} // namespace tg
