#include "demoprices.h"

namespace tg {

const std::vector<DemoModelPrice> &demoModelPrices()
{
    static const std::vector<DemoModelPrice> prices {
        { QStringLiteral("gpt-4o"), QStringLiteral("openai"), 2.50, 1.25, 10.00 },
        { QStringLiteral("gpt-4o-mini"), QStringLiteral("openai"), 0.15, 0.075, 0.60 },
        { QStringLiteral("gpt-4.1"), QStringLiteral("openai"), 2.00, 0.50, 8.00 },
        { QStringLiteral("o4-mini"), QStringLiteral("openai"), 1.10, 0.275, 4.40 },
        { QStringLiteral("text-embedding-3-small"), QStringLiteral("openai"), 0.02, 0.0, 0.0 },
        { QStringLiteral("claude-sonnet-4"), QStringLiteral("anthropic"), 3.00, 0.30, 15.00 },
        { QStringLiteral("claude-3-5-haiku"), QStringLiteral("anthropic"), 0.80, 0.08, 4.00 },
        { QStringLiteral("gemini-2.5-flash"), QStringLiteral("google"), 0.30, 0.075, 2.50 },
        { QStringLiteral("gemini-2.5-pro"), QStringLiteral("google"), 1.25, 0.31, 10.00 },
    };
    return prices;
}

const DemoModelPrice *demoPriceFor(QStringView model)
{
    const DemoModelPrice *best = nullptr;
    for (const DemoModelPrice &price : demoModelPrices()) {
        if (model.startsWith(price.model) && (!best || price.model.size() > best->model.size()))
            best = &price;
    }
    return best;
}

CostDetails demoCostFor(QStringView model, const UsageDetails &usage)
{
    CostDetails cost;
    const DemoModelPrice *price = demoPriceFor(model);
    if (!price)
        return cost;
    constexpr double kMillion = 1e6;
    const auto add = [&cost, &usage](const QString &key, double perMillion) {
        const qint64 tokens = usage.value(key);
        if (tokens > 0)
            cost.set(key, static_cast<double>(tokens) * perMillion / kMillion);
    };
    add(QStringLiteral("input"), price->inputPerMillion);
    add(QStringLiteral("input_cached_tokens"), price->cachedInputPerMillion);
    add(QStringLiteral("output"), price->outputPerMillion);
    add(QStringLiteral("output_reasoning_tokens"), price->outputPerMillion);
    double total = 0.0;
    for (const double v : std::as_const(cost.values))
        total += v;
    cost.set(QStringLiteral("total"), total);
    return cost;
}

} // namespace tg
