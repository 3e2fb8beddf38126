// OtlpJsonDecoder: counting log records and metric data points, which the receiver only counts.
#include "otlpjsondecoder.h"
#include "otlpjsonsupport.h"

#include <QJsonArray>

namespace tg {

namespace {

using namespace otlpjson;

// Walks resource -> scope -> item arrays for the signals the receiver only counts.
class Counter
{
public:
    QString error;

    // Sums `count(item)` over object[level0][*][level1][*][items][*].
    template<typename Count>
    std::optional<qint64> walk(const QJsonObject &top,
        std::initializer_list<std::pair<const char *, const char *>> levels, Count count)
    {
        qint64 total = 0;
        if (!walkLevel(top, levels.begin(), levels.end(), QString(), count, total))
            return std::nullopt;
        return total;
    }

    std::optional<QJsonArray> array(
        const QJsonObject &object, std::pair<const char *, const char *> names, const QString &path)
    {
        QJsonValue value = field(object, QLatin1String(names.first), QLatin1String(names.second));
        if (isAbsent(value))
            return QJsonArray();
        if (!value.isArray()) {
            error = path + QLatin1String(names.first) + u": must be an array";
            return std::nullopt;
        }
        return value.toArray();
    }

private:
    template<typename Count>
    bool walkLevel(const QJsonObject &object, const std::pair<const char *, const char *> *level,
        const std::pair<const char *, const char *> *end, const QString &path, Count count, qint64 &total)
    {
        const auto items = array(object, *level, path);
        if (!items)
            return false;
        for (int i = 0; i < items->size(); ++i) {
            const QString itemPath = path + QLatin1String(level->first) + u'[' + QString::number(i) + u']';
            if (!items->at(i).isObject()) {
                error = itemPath + u": must be an object";
                return false;
            }
            const QJsonObject item = items->at(i).toObject();
            if (level + 1 == end) {
                const auto n = count(item, itemPath + u'.');
                if (!n)
                    return false;
                total += *n;
            } else if (!walkLevel(item, level + 1, end, itemPath + u'.', count, total)) {
                return false;
            }
        }
        return true;
    }
};

} // namespace

std::optional<qint64> OtlpJsonDecoder::countLogRecords(QByteArrayView json, QString *error)
{
    const auto object = parseDocument(json, error);
    if (!object)
        return std::nullopt;
    Counter counter;
    // Pre-1.0 exporters wrote instrumentationLibraryLogs; it counts the same.
    const auto total = counter.walk(*object, { { "resourceLogs", "resource_logs" } },
        [&counter](const QJsonObject &resource, const QString &path) -> std::optional<qint64> {
            qint64 sum = 0;
            for (const auto &names : { std::pair { "scopeLogs", "scope_logs" },
                     { "instrumentationLibraryLogs", "instrumentation_library_logs" } }) {
                const auto scopes = counter.array(resource, names, path);
                if (!scopes)
                    return std::nullopt;
                for (int i = 0; i < scopes->size(); ++i) {
                    const QString scopePath
                        = path + QLatin1String(names.first) + u'[' + QString::number(i) + u"].";
                    const auto records
                        = counter.array(scopes->at(i).toObject(), { "logRecords", "log_records" }, scopePath);
                    if (!records)
                        return std::nullopt;
                    sum += records->size();
                }
            }
            return sum;
        });
    if (!total && error)
        *error = QStringLiteral("invalid OTLP JSON logs request: ") + counter.error;
    return total;
}

std::optional<qint64> OtlpJsonDecoder::countMetricDataPoints(QByteArrayView json, QString *error)
{
    const auto object = parseDocument(json, error);
    if (!object)
        return std::nullopt;
    Counter counter;
    const auto total = counter.walk(*object,
        { { "resourceMetrics", "resource_metrics" }, { "scopeMetrics", "scope_metrics" }, { "metrics", "" } },
        [&counter](const QJsonObject &metric, const QString &path) -> std::optional<qint64> {
            qint64 sum = 0;
            for (const auto &names : { std::pair { "gauge", "" }, { "sum", "" }, { "histogram", "" },
                     { "exponentialHistogram", "exponential_histogram" }, { "summary", "" } }) {
                const QJsonValue data
                    = field(metric, QLatin1String(names.first), QLatin1String(names.second));
                if (isAbsent(data))
                    continue;
                if (!data.isObject()) {
                    counter.error = path + QLatin1String(names.first) + u": must be an object";
                    return std::nullopt;
                }
                const auto points = counter.array(data.toObject(), { "dataPoints", "data_points" },
                    path + QLatin1String(names.first) + u'.');
                if (!points)
                    return std::nullopt;
                sum += points->size();
            }
            return sum;
        });
    if (!total && error)
        *error = QStringLiteral("invalid OTLP JSON metrics request: ") + counter.error;
    return total;
}

} // namespace tg
