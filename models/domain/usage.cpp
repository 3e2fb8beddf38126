#include "usage.h"

#include <QJsonDocument>
#include <QJsonValue>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>

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

// Usage and cost maps are written on every observation insert: they are serialised by hand into
// one buffer sized for the worst case (every key byte escaped), an order of magnitude cheaper
// than building a QJsonObject and several times cheaper than appending byte by byte.
char *writeEscapedByte(char *w, char ch)
{
    const auto u = static_cast<unsigned char>(ch);
    if (u == '"' || u == '\\') {
        *w++ = '\\';
        *w++ = ch;
    } else if (u < 0x20) {
        std::memcpy(w, "\\u00", 4);
        w[4] = "0123456789abcdef"[u >> 4];
        w[5] = "0123456789abcdef"[u & 0xf];
        w += 6;
    } else {
        *w++ = ch;
    }
    return w;
}

char *writeNumber(char *w, qint64 value)
{
    return std::to_chars(w, w + 24, value).ptr;
}

char *writeNumber(char *w, double value)
{
    if (!std::isfinite(value)) {
        *w++ = '0';
        return w;
    }
    return std::to_chars(w, w + 32, value).ptr; // shortest round-trip form
}

template<typename Map> QByteArray serialiseMap(const Map &values)
{
    qsizetype bound = 2;
    for (auto it = values.cbegin(); it != values.cend(); ++it)
        bound += 6 * 3 * it.key().size() + 4
            + 32; // UTF-8 (3 bytes per UTF-16 unit) escaped, quotes, colon, comma, number
    QByteArray out(bound, Qt::Uninitialized);
    char *w = out.data();
    *w++ = '{';
    bool first = true;
    for (auto it = values.cbegin(); it != values.cend(); ++it) {
        if (!first)
            *w++ = ',';
        first = false;
        *w++ = '"';
        const QString &key = it.key();
        const bool ascii = std::all_of(key.cbegin(), key.cend(), [](QChar c) { return c.unicode() < 0x80; });
        if (ascii) {
            for (const QChar c : key)
                w = writeEscapedByte(w, static_cast<char>(c.unicode()));
        } else {
            for (const char ch : key.toUtf8())
                w = writeEscapedByte(w, ch);
        }
        *w++ = '"';
        *w++ = ':';
        w = writeNumber(w, it.value());
    }
    *w++ = '}';
    out.truncate(w - out.constData());
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
