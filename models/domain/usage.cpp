#include "usage.h"

#include <QJsonDocument>
#include <QJsonValue>

#include <charconv>
#include <cmath>

namespace tg {

namespace {

qint64 sumWithPrefix(const QMap<QString, qint64> &values, QLatin1String prefix)
{
    qint64 sum = 0;
    for (auto it = values.cbegin(); it != values.cend(); ++it) {
        if (it.key().startsWith(prefix))
            sum += it.value();
    }
    return sum;
}

// Usage and cost maps are written on every observation insert: serialising them by hand is an
// order of magnitude cheaper than building a QJsonObject.
void appendEscapedByte(QByteArray &out, char ch)
{
    const auto u = static_cast<unsigned char>(ch);
    if (u == '"' || u == '\\') {
        out += '\\';
        out += ch;
    } else if (u < 0x20) {
        out += "\\u00";
        out += "0123456789abcdef"[u >> 4];
        out += "0123456789abcdef"[u & 0xf];
    } else {
        out += ch;
    }
}

void appendJsonKey(QByteArray &out, const QString &key)
{
    out += '"';
    bool ascii = true;
    for (const QChar c : key) {
        if (c.unicode() >= 0x80) {
            ascii = false;
            break;
        }
    }
    if (ascii) {
        for (const QChar c : key)
            appendEscapedByte(out, static_cast<char>(c.unicode()));
    } else {
        for (const char ch : key.toUtf8())
            appendEscapedByte(out, ch);
    }
    out += "\":";
}

void appendNumber(QByteArray &out, qint64 value)
{
    char buffer[24];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
    out.append(buffer, result.ptr - buffer);
}

void appendNumber(QByteArray &out, double value)
{
    if (!std::isfinite(value)) {
        out += '0';
        return;
    }
    char buffer[32];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value); // shortest round-trip form
    out.append(buffer, result.ptr - buffer);
}

template<typename Map> QByteArray serialiseMap(const Map &values)
{
    QByteArray out;
    out.reserve(32 * values.size() + 2);
    out += '{';
    bool first = true;
    for (auto it = values.cbegin(); it != values.cend(); ++it) {
        if (!first)
            out += ',';
        first = false;
        appendJsonKey(out, it.key());
        appendNumber(out, it.value());
    }
    out += '}';
    return out;
}

QJsonObject parseObject(const QByteArray &text)
{
    if (text.isEmpty())
        return {};
    const QJsonDocument doc = QJsonDocument::fromJson(text);
    return doc.isObject() ? doc.object() : QJsonObject {};
}

} // namespace

qint64 UsageDetails::inputTokens() const
{
    return sumWithPrefix(values, QLatin1String("input"));
}

qint64 UsageDetails::outputTokens() const
{
    return sumWithPrefix(values, QLatin1String("output"));
}

qint64 UsageDetails::totalTokens() const
{
    const auto it = values.constFind(QStringLiteral("total"));
    if (it != values.cend())
        return it.value();
    return inputTokens() + outputTokens();
}

qint64 UsageDetails::cachedTokens() const
{
    qint64 sum = 0;
    for (auto it = values.cbegin(); it != values.cend(); ++it) {
        if (it.key().startsWith(QLatin1String("input")) && it.key().contains(QLatin1String("cache")))
            sum += it.value();
    }
    return sum;
}

qint64 UsageDetails::reasoningTokens() const
{
    qint64 sum = 0;
    for (auto it = values.cbegin(); it != values.cend(); ++it) {
        if (it.key().startsWith(QLatin1String("output")) && it.key().contains(QLatin1String("reasoning")))
            sum += it.value();
    }
    return sum;
}

void UsageDetails::mergeFrom(const UsageDetails &other)
{
    for (auto it = other.values.cbegin(); it != other.values.cend(); ++it)
        values.insert(it.key(), it.value());
}

QJsonObject UsageDetails::toJson() const
{
    QJsonObject object;
    for (auto it = values.cbegin(); it != values.cend(); ++it)
        object.insert(it.key(), static_cast<double>(it.value()));
    return object;
}

QByteArray UsageDetails::toJsonText() const
{
    if (values.isEmpty())
        return {};
    return serialiseMap(values);
}

UsageDetails UsageDetails::fromJson(const QJsonObject &object)
{
    UsageDetails usage;
    for (auto it = object.constBegin(); it != object.constEnd(); ++it) {
        const QJsonValue value = it.value();
        if (value.isDouble())
            usage.values.insert(it.key(), static_cast<qint64>(value.toDouble()));
        else if (value.isString()) {
            bool ok = false;
            const qint64 parsed = value.toString().toLongLong(&ok);
            if (ok)
                usage.values.insert(it.key(), parsed);
        }
    }
    return usage;
}

UsageDetails UsageDetails::fromJsonText(const QByteArray &text)
{
    return fromJson(parseObject(text));
}

double CostDetails::total() const
{
    const auto it = values.constFind(QStringLiteral("total"));
    if (it != values.cend())
        return it.value();
    double sum = 0.0;
    for (const double v : values)
        sum += v;
    return sum;
}

void CostDetails::mergeFrom(const CostDetails &other)
{
    for (auto it = other.values.cbegin(); it != other.values.cend(); ++it)
        values.insert(it.key(), it.value());
}

QJsonObject CostDetails::toJson() const
{
    QJsonObject object;
    for (auto it = values.cbegin(); it != values.cend(); ++it)
        object.insert(it.key(), it.value());
    return object;
}

QByteArray CostDetails::toJsonText() const
{
    if (values.isEmpty())
        return {};
    return serialiseMap(values);
}

CostDetails CostDetails::fromJson(const QJsonObject &object)
{
    CostDetails cost;
    for (auto it = object.constBegin(); it != object.constEnd(); ++it) {
        const QJsonValue value = it.value();
        double number = -1.0;
        if (value.isDouble())
            number = value.toDouble();
        else if (value.isString()) {
            bool ok = false;
            number = value.toString().toDouble(&ok);
            if (!ok)
                number = -1.0;
        }
        if (number >= 0.0)
            cost.values.insert(it.key(), number);
    }
    return cost;
}

CostDetails CostDetails::fromJsonText(const QByteArray &text)
{
    return fromJson(parseObject(text));
}

} // namespace tg
