#include "pricetable.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace tg {

namespace {

QString baseName(QStringView model)
{
    QString name = model.trimmed().toString().toLower();
    const qsizetype slash = name.lastIndexOf(u'/');
    if (slash >= 0)
        name = name.mid(slash + 1);
    return name;
}

} // namespace

PriceTable::PriceTable(std::vector<ModelPrice> prices)
    : m_prices(std::move(prices))
{
}

PriceTable PriceTable::defaults()
{
    // Public list prices (USD per 1M tokens: input, output, cached input); edit them in the app.
    return PriceTable({
        { QStringLiteral("gpt-4o"), 2.50, 10.00, 1.25 },
        { QStringLiteral("gpt-4o-mini"), 0.15, 0.60, 0.075 },
        { QStringLiteral("gpt-4.1"), 2.00, 8.00, 0.50 },
        { QStringLiteral("gpt-4.1-mini"), 0.40, 1.60, 0.10 },
        { QStringLiteral("gpt-4.1-nano"), 0.10, 0.40, 0.025 },
        { QStringLiteral("gpt-5"), 1.25, 10.00, 0.125 },
        { QStringLiteral("gpt-5-mini"), 0.25, 2.00, 0.025 },
        { QStringLiteral("gpt-5-nano"), 0.05, 0.40, 0.005 },
        { QStringLiteral("o3"), 2.00, 8.00, 0.50 },
        { QStringLiteral("o3-mini"), 1.10, 4.40, 0.55 },
        { QStringLiteral("o4-mini"), 1.10, 4.40, 0.275 },
        { QStringLiteral("claude-opus-4"), 15.00, 75.00, 1.50 },
        { QStringLiteral("claude-opus-4-5"), 5.00, 25.00, 0.50 },
        { QStringLiteral("claude-sonnet-4"), 3.00, 15.00, 0.30 },
        { QStringLiteral("claude-3-7-sonnet"), 3.00, 15.00, 0.30 },
        { QStringLiteral("claude-3-5-sonnet"), 3.00, 15.00, 0.30 },
        { QStringLiteral("claude-haiku-4-5"), 1.00, 5.00, 0.10 },
        { QStringLiteral("claude-3-5-haiku"), 0.80, 4.00, 0.08 },
        { QStringLiteral("gemini-2.5-pro"), 1.25, 10.00, 0.31 },
        { QStringLiteral("gemini-2.5-flash"), 0.30, 2.50, 0.075 },
        { QStringLiteral("gemini-2.0-flash"), 0.10, 0.40, 0.025 },
        { QStringLiteral("llama-3.3-70b-versatile"), 0.59, 0.79, -1.0 },
        { QStringLiteral("llama-3.1-8b-instant"), 0.05, 0.08, -1.0 },
    });
}

void PriceTable::set(const ModelPrice &price)
{
    for (ModelPrice &p : m_prices) {
        if (p.model.compare(price.model, Qt::CaseInsensitive) == 0) {
            p = price;
            return;
        }
    }
    m_prices.push_back(price);
}

bool PriceTable::remove(const QString &model)
{
    return std::erase_if(m_prices, [&](const ModelPrice &p) {
        return p.model.compare(model, Qt::CaseInsensitive) == 0;
    }) > 0;
}

const ModelPrice *PriceTable::find(QStringView model) const
{
    const QString full = model.trimmed().toString().toLower();
    const QString name = baseName(model);
    if (name.isEmpty())
        return nullptr;
    const ModelPrice *best = nullptr;
    for (const ModelPrice &p : m_prices) {
        const QString key = p.model.toLower();
        if (key.isEmpty())
            continue;
        if (key == full || key == name)
            return &p;
        if ((name.startsWith(key) || full.startsWith(key)) && (!best || key.size() > best->model.size()))
            best = &p;
    }
    return best;
}

std::optional<CostDetails> PriceTable::cost(QStringView model, const UsageDetails &usage) const
{
    const ModelPrice *price = find(model);
    if (!price)
        return std::nullopt;
    constexpr double kMillion = 1e6;
    CostDetails cost;
    double total = 0.0;
    const auto add = [&](const QString &costKey, qint64 tokens, double perMillion) {
        if (tokens <= 0)
            return;
        const double usd = double(tokens) * perMillion / kMillion;
        cost.set(costKey, cost.value(costKey) + usd);
        total += usd;
    };
    const double cached
        = price->cachedInputPerMillion < 0 ? price->inputPerMillion : price->cachedInputPerMillion;
    add(QStringLiteral("input"), usage.value(QStringLiteral("input")), price->inputPerMillion);
    add(QStringLiteral("input_cache_creation"), usage.value(QStringLiteral("input_cache_creation")),
        price->inputPerMillion);
    add(QStringLiteral("input_cached_tokens"), usage.value(QStringLiteral("input_cached_tokens")), cached);
    add(QStringLiteral("output"), usage.value(QStringLiteral("output")), price->outputPerMillion);
    add(QStringLiteral("output_reasoning_tokens"), usage.value(QStringLiteral("output_reasoning_tokens")),
        price->outputPerMillion);
    cost.set(QStringLiteral("total"), total);
    return cost;
}

QByteArray PriceTable::toJson() const
{
    QJsonArray array;
    for (const ModelPrice &p : m_prices) {
        QJsonObject o { { QStringLiteral("model"), p.model }, { QStringLiteral("input"), p.inputPerMillion },
            { QStringLiteral("output"), p.outputPerMillion } };
        if (p.cachedInputPerMillion >= 0)
            o.insert(QStringLiteral("cachedInput"), p.cachedInputPerMillion);
        array.append(o);
    }
    return QJsonDocument(array).toJson(QJsonDocument::Compact);
}

std::optional<PriceTable> PriceTable::fromJson(const QByteArray &json, QString *error)
{
    const auto fail = [error](const QString &message) -> std::optional<PriceTable> {
        if (error)
            *error = message;
        return std::nullopt;
    };
    const QJsonDocument doc = QJsonDocument::fromJson(json);
    if (!doc.isArray())
        return fail(QCoreApplication::translate("PriceTable", "the price table is not a JSON array"));
    std::vector<ModelPrice> prices;
    for (const QJsonValue &v : doc.array()) {
        const QJsonObject o = v.toObject();
        ModelPrice p;
        p.model = o.value(QStringLiteral("model")).toString().trimmed();
        p.inputPerMillion = o.value(QStringLiteral("input")).toDouble(-1);
        p.outputPerMillion = o.value(QStringLiteral("output")).toDouble(-1);
        p.cachedInputPerMillion = o.value(QStringLiteral("cachedInput")).toDouble(-1);
        if (p.model.isEmpty() || p.inputPerMillion < 0 || p.outputPerMillion < 0)
            return fail(QCoreApplication::translate("PriceTable",
                "a price needs a model and non-negative input "
                "and output prices"));
        prices.push_back(std::move(p));
    }
    return PriceTable(std::move(prices));
}

} // namespace tg
