#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QMap>
#include <QString>

namespace tg {

/// Token counts by free-form key, as Langfuse's usageDetails ("input", "output", "total",
/// "input_cached_tokens", "output_reasoning_tokens", ...).
struct UsageDetails
{
    QMap<QString, qint64> values;

    bool isEmpty() const { return values.isEmpty(); }
    qint64 value(const QString &key) const { return values.value(key, 0); }
    void set(const QString &key, qint64 count) { values.insert(key, count); }

    /// Sum of every key that starts with "input" (Langfuse's input counts exclude cache reads,
    /// which live under input_* keys; together they are what the model read).
    qint64 inputTokens() const;
    /// Sum of every key that starts with "output".
    qint64 outputTokens() const;
    /// The "total" key when given, else input plus output.
    qint64 totalTokens() const;
    /// Cached input tokens (any input_* key mentioning "cache").
    qint64 cachedTokens() const;
    /// Reasoning tokens (any output_* key mentioning "reasoning").
    qint64 reasoningTokens() const;

    /// Keys from `other` replace keys here; keys only here are kept.
    void mergeFrom(const UsageDetails &other);

    QJsonObject toJson() const;
    QByteArray toJsonText() const;
    /// Reads a {key: number} object; non-numeric values are skipped.
    static UsageDetails fromJson(const QJsonObject &object);
    static UsageDetails fromJsonText(const QByteArray &text);

    bool operator==(const UsageDetails &other) const = default;
};

/// Cost in USD by free-form key ("input", "output", "total", ...), as Langfuse's costDetails.
struct CostDetails
{
    QMap<QString, double> values;

    bool isEmpty() const { return values.isEmpty(); }
    double value(const QString &key) const { return values.value(key, 0.0); }
    void set(const QString &key, double usd) { values.insert(key, usd); }

    /// The "total" key when given, else the sum of all keys.
    double total() const;

    void mergeFrom(const CostDetails &other);

    QJsonObject toJson() const;
    QByteArray toJsonText() const;
    /// Reads a {key: number} object; negative and non-numeric values are skipped.
    static CostDetails fromJson(const QJsonObject &object);
    static CostDetails fromJsonText(const QByteArray &text);

    bool operator==(const CostDetails &other) const = default;
};

} // namespace tg
