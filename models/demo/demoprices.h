#pragma once

#include "domain/usage.h"

#include <QString>
#include <QStringView>

#include <vector>

namespace tg {

/// USD per million tokens for one model, as the demo data prices it (public list prices).
struct DemoModelPrice
{
    QString model;
    QString provider; ///< "openai", "anthropic", "google"
    double inputPerMillion = 0.0;
    double cachedInputPerMillion = 0.0;
    double outputPerMillion = 0.0; ///< reasoning tokens are billed as output
};

/// Every model the demo generator uses.
const std::vector<DemoModelPrice> &demoModelPrices();
/// The price of `model` by longest prefix ("claude-sonnet-4-20250514" -> claude-sonnet-4), or null.
const DemoModelPrice *demoPriceFor(QStringView model);
/// Cost details for Langfuse-style usage keys: input, input_cached_tokens, output,
/// output_reasoning_tokens, plus total. Empty for an unknown model.
CostDetails demoCostFor(QStringView model, const UsageDetails &usage);

} // namespace tg
