#pragma once

#include "domain/usage.h"

#include <QByteArray>
#include <QString>
#include <QStringView>

#include <optional>
#include <vector>

namespace tg {

/// USD per million tokens for one model (a name or a name prefix: "claude-sonnet-4" prices
/// "claude-sonnet-4-20250514").
struct ModelPrice
{
    QString model;
    double inputPerMillion = 0.0;
    double outputPerMillion = 0.0; ///< reasoning tokens are billed as output
    double cachedInputPerMillion = -1.0; ///< cache reads; < 0 = the input price

    bool operator==(const ModelPrice &other) const = default;
};

/// Prices for computing the cost of a replay when the provider does not report one. Seeded with
/// public list prices of common models; the user edits it (the UI keeps it in QSettings as JSON).
class PriceTable
{
public:
    PriceTable() = default;
    explicit PriceTable(std::vector<ModelPrice> prices);

    /// Common OpenAI, Anthropic, Google and Groq models.
    static PriceTable defaults();

    const std::vector<ModelPrice> &prices() const { return m_prices; }
    bool isEmpty() const { return m_prices.empty(); }
    /// Adds or replaces the entry for price.model (case-insensitive).
    void set(const ModelPrice &price);
    bool remove(const QString &model);

    /// The entry for `model`: case-insensitive, a provider prefix ("openai/", "models/") ignored,
    /// the longest entry that the name starts with; nullptr when none fits.
    const ModelPrice *find(QStringView model) const;
    /// Cost by Langfuse usage keys (input, input_cached_tokens, input_cache_creation, output,
    /// output_reasoning_tokens) plus "total"; empty when the model has no price.
    std::optional<CostDetails> cost(QStringView model, const UsageDetails &usage) const;

    /// [{"model","input","output","cachedInput"}]
    QByteArray toJson() const;
    /// Reads toJson()'s format; nullopt and `error` when it is not that (negative prices included).
    static std::optional<PriceTable> fromJson(const QByteArray &json, QString *error = nullptr);

    bool operator==(const PriceTable &other) const = default;

private:
    std::vector<ModelPrice> m_prices;
};

} // namespace tg
