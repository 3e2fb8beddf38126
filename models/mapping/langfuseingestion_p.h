#pragma once
// Shared by the Langfuse ingestion parser and its record readers; not part of the interface.

#include "domain/observationtype.h"
#include "domain/records.h"
#include "flatjson.h"
#include "langfusejsonfields.h"

#include <QString>
#include <QStringList>

#include <optional>
#include <variant>

namespace tg::langfuseingestion {

using namespace langfusejson;

enum class Target : quint8 { None, Trace, Observation, Score, SdkLog, DatasetRunItem };

struct EventTypeInfo
{
    const char *name;
    Target target;
    std::optional<ObservationType> observationType; ///< empty: taken from body.type
    bool isUpdate;
    bool generationFields; ///< completionStartTime, model, modelParameters, usage*, cost*, prompt*
    bool endTime;
    bool idRequired;
    bool promptPairRule; ///< promptName and promptVersion must come together
};

/// The event type named by an envelope's "type", or null for one Langfuse does not know.
const EventTypeInfo *findEventType(const FlatJsonValue &type);
/// "Expected <what>, received <type of value>", as Langfuse's zod errors say.
QString expected(const char *what, const FlatJsonValue &value);

/// Strict field reads: a wrong type adds an issue ("body.name: Expected string, received number").
class Reader
{
public:
    QStringList issues;

    void add(const char *path, const QString &problem)
    {
        issues << QLatin1String(path) + QStringLiteral(": ") + problem;
    }
    void add(const QString &problem) { issues << problem; }

    QString string(const FlatJsonValue &v, const char *path)
    {
        if (v.isMissing())
            return {};
        if (!v.isString()) {
            add(path, expected("string", v));
            return {};
        }
        return v.toString();
    }

    QString id(const FlatJsonValue &v, const char *path, bool required)
    {
        if (v.isMissing()) {
            if (required)
                add(path, v.isNull() ? expected("string", v) : QStringLiteral("Required"));
            return {};
        }
        if (!v.isString()) {
            add(path, expected("string", v));
            return {};
        }
        QString s = v.toString();
        if (s.isEmpty())
            add(path, QStringLiteral("String must contain at least 1 character(s)"));
        else if (s.size() > 800)
            add(path, QStringLiteral("String must contain at most 800 character(s)"));
        else if (s.contains(u'\r'))
            add(path, QStringLiteral("ID cannot contain carriage return characters"));
        else
            return s;
        return {};
    }

    std::optional<qint64> time(const FlatJsonValue &v, const char *path)
    {
        if (v.isMissing())
            return std::nullopt;
        if (!v.isString()) {
            add(path, expected("string", v));
            return std::nullopt;
        }
        const std::optional<qint64> ns = timestampNs(v);
        if (!ns)
            add(path, QStringLiteral("Invalid datetime"));
        return ns;
    }

    std::optional<bool> boolean(const FlatJsonValue &v, const char *path)
    {
        if (v.isMissing())
            return std::nullopt;
        if (!v.isBool()) {
            add(path, expected("boolean", v));
            return std::nullopt;
        }
        return v.toBool();
    }

    std::optional<int> integer(const FlatJsonValue &v, const char *path)
    {
        if (v.isMissing())
            return std::nullopt;
        const std::optional<qint64> n = v.toInteger();
        if (!n || *n < std::numeric_limits<int>::min() || *n > std::numeric_limits<int>::max()) {
            add(path,
                v.isNumber() ? QStringLiteral("Expected integer, received float") : expected("number", v));
            return std::nullopt;
        }
        return static_cast<int>(*n);
    }

    QStringList stringArray(const FlatJsonValue &v, const char *path)
    {
        QStringList out;
        if (v.isMissing())
            return out;
        if (!v.isArray()) {
            add(path, expected("array", v));
            return out;
        }
        bool bad = false;
        v.forEachElement([&](const FlatJsonValue &e) {
            if (e.isString())
                out << e.toString();
            else
                bad = true;
        });
        if (bad)
            add(path, QStringLiteral("Expected an array of strings"));
        return out;
    }

    std::optional<Level> level(const FlatJsonValue &v, const char *path)
    {
        if (v.isMissing())
            return std::nullopt;
        const std::optional<Level> level = v.isString() ? levelFromString(v.toString()) : std::nullopt;
        if (!level)
            add(path,
                QStringLiteral("Invalid enum value. Expected 'DEBUG' | 'DEFAULT' | 'WARNING' | 'ERROR'"));
        return level;
    }

    QString environment(const FlatJsonValue &v, const char *path)
    {
        const QString name = string(v, path);
        return v.isString() ? normalizeEnvironment(name) : QString();
    }

    void check(bool ok, const QString &error)
    {
        if (!ok)
            add(QStringLiteral("body.") + error);
    }
};

using Record = std::variant<std::monostate, TraceRecord, ObservationRecord, ScoreRecord>;

Record readTrace(const FlatJsonValue &body, qint64 envelopeNs, Reader &r);
Record readObservation(const FlatJsonValue &body, const EventTypeInfo &info, qint64 envelopeNs, Reader &r);
Record readScore(const FlatJsonValue &body, qint64 envelopeNs, Reader &r);

} // namespace tg::langfuseingestion
