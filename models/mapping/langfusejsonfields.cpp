#include "langfusejsonfields.h"

#include "domain/timeformat.h"
#include "jsontext.h"

#include <QVarLengthArray>

#include <cmath>

namespace tg::langfusejson {

namespace {

void setError(QString *error, const QString &text)
{
    if (error && error->isEmpty())
        *error = text;
}

QString expected(const char *what, const FlatJsonValue &value)
{
    return QStringLiteral("Expected ") + QLatin1String(what) + QStringLiteral(", received ")
        + jsonTypeName(value);
}

QString keyOf(const FlatJsonValue &key)
{
    return key.toString();
}

/// A non-negative integer count. Strict: integral JSON numbers only. Lenient: also fractional
/// numbers (truncated) and decimal strings.
std::optional<qint64> countOf(const FlatJsonValue &value, Strictness mode)
{
    if (const std::optional<qint64> i = value.toInteger())
        return *i >= 0 ? i : std::nullopt;
    if (mode == Strictness::Strict)
        return std::nullopt;
    std::optional<double> d = value.toDouble();
    if (!d && value.isString()) {
        bool ok = false;
        const double parsed = value.toString().trimmed().toDouble(&ok);
        if (ok)
            d = parsed;
    }
    if (!d || !std::isfinite(*d) || *d < 0 || *d >= 9.2e18)
        return std::nullopt;
    return static_cast<qint64>(*d);
}

std::optional<double> usdOf(const FlatJsonValue &value, Strictness mode)
{
    std::optional<double> d = value.toDouble();
    if (!d && mode == Strictness::Lenient && value.isString()) {
        bool ok = false;
        const double parsed = value.toString().trimmed().toDouble(&ok);
        if (ok && std::isfinite(parsed))
            d = parsed;
    }
    if (!d || *d < 0)
        return std::nullopt;
    return d;
}

// One detail object of an OpenAI usage: {cached_tokens: 3, audio_tokens: 0} under `prefix`.
bool readUsageDetailsObject(const FlatJsonValue &details, const QString &prefix, Strictness mode,
    UsageDetails &out, qint64 &subtract, QString *error, const char *path)
{
    if (details.isMissing())
        return true;
    if (!details.isObject()) {
        if (mode == Strictness::Strict) {
            setError(error, QLatin1String(path) + QStringLiteral(": ") + expected("object", details));
            return false;
        }
        return true;
    }
    bool ok = true;
    details.forEachMember([&](const FlatJsonValue &key, const FlatJsonValue &v) {
        if (v.isNull())
            return;
        const std::optional<qint64> count = countOf(v, mode);
        if (!count) {
            if (mode == Strictness::Strict) {
                setError(error,
                    QLatin1String(path) + u'.' + keyOf(key)
                        + QStringLiteral(": Expected a non-negative integer"));
                ok = false;
            }
            return;
        }
        out.set(prefix + keyOf(key), *count);
        subtract += *count;
    });
    return ok;
}

} // namespace

QString defaultEnvironment()
{
    return QStringLiteral("default");
}

QString normalizeEnvironment(QStringView name)
{
    const QString lower = name.trimmed().toString().toLower();
    if (lower.isEmpty() || lower.size() > 40 || lower.startsWith(QLatin1String("langfuse")))
        return defaultEnvironment();
    for (const QChar c : lower) {
        const char16_t u = c.unicode();
        const bool ok = (u >= 'a' && u <= 'z') || (u >= '0' && u <= '9') || u == '-' || u == '_';
        if (!ok)
            return defaultEnvironment();
    }
    return lower;
}

QString jsonTypeName(const FlatJsonValue &value)
{
    if (value.isUndefined())
        return QStringLiteral("undefined");
    switch (value.kind()) {
    case FlatJson::Kind::Null:
        return QStringLiteral("null");
    case FlatJson::Kind::True:
    case FlatJson::Kind::False:
        return QStringLiteral("boolean");
    case FlatJson::Kind::Number:
        return QStringLiteral("number");
    case FlatJson::Kind::String:
        return QStringLiteral("string");
    case FlatJson::Kind::Array:
        return QStringLiteral("array");
    case FlatJson::Kind::Object:
        return QStringLiteral("object");
    }
    return QStringLiteral("unknown");
}

std::optional<qint64> timestampNs(const FlatJsonValue &value)
{
    if (!value.isString())
        return std::nullopt;
    QByteArray scratch;
    const QByteArrayView text = value.stringView(scratch);
    if (text.isEmpty() || text.size() > 64)
        return std::nullopt;
    // Timestamps are ASCII; widen without a QString allocation.
    QVarLengthArray<char16_t, 64> wide(text.size());
    for (qsizetype i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c >= 0x80)
            return std::nullopt;
        wide[i] = c;
    }
    return parseIsoTimestampNs(QStringView(wide.constData(), wide.size()));
}

std::optional<qint64> secondsToNs(const FlatJsonValue &value)
{
    const std::optional<double> seconds = value.toDouble();
    if (!seconds || *seconds < 0 || *seconds > 9.2e9)
        return std::nullopt;
    return static_cast<qint64>(std::llround(*seconds * 1e9));
}

QByteArray payloadText(const FlatJsonValue &value)
{
    if (value.isMissing())
        return {};
    return value.compactText();
}

QByteArray metadataText(const FlatJsonValue &value)
{
    if (value.isMissing())
        return {};
    if (value.isObject())
        return value.compactText();
    QByteArray out = QByteArrayLiteral("{\"metadata\":");
    out += value.compactText();
    out += '}';
    return out;
}

void appendJsonString(QByteArray &out, QByteArrayView utf8)
{
    JsonText::appendQuoted(out, std::string_view(utf8.data(), static_cast<size_t>(utf8.size())));
}

bool modelParametersText(const FlatJsonValue &value, Strictness mode, QByteArray &out, QString *error)
{
    out.clear();
    if (value.isMissing())
        return true;
    FlatJson inner;
    FlatJsonValue object = value;
    if (!value.isObject()) {
        if (mode == Strictness::Lenient && value.isString() && inner.parse(value.toUtf8(), 64)
            && inner.root().isObject()) {
            object = inner.root();
        } else {
            if (mode == Strictness::Strict) {
                setError(error, QStringLiteral("modelParameters: ") + expected("object", value));
                return false;
            }
            return true;
        }
    }
    auto plain = [](const FlatJsonValue &v) {
        if (!v.isArray())
            return !v.isObject();
        bool strings = true;
        v.forEachElement([&](const FlatJsonValue &e) { strings = strings && e.isString(); });
        return strings;
    };
    bool allPlain = true;
    object.forEachMember(
        [&](const FlatJsonValue &, const FlatJsonValue &v) { allPlain = allPlain && plain(v); });
    if (allPlain) {
        out = object.compactText();
        return true;
    }
    out.reserve(object.rawText().size());
    out += '{';
    bool first = true;
    object.forEachMember([&](const FlatJsonValue &key, const FlatJsonValue &v) {
        if (!first)
            out += ',';
        first = false;
        out += key.rawText();
        out += ':';
        if (plain(v))
            out += v.compactText();
        else
            appendJsonString(out, v.compactText());
    });
    out += '}';
    return true;
}

bool usageDetailsFrom(const FlatJsonValue &value, Strictness mode, UsageDetails &out, QString *error)
{
    if (value.isMissing())
        return true;
    if (!value.isObject()) {
        if (mode == Strictness::Strict) {
            setError(error, QStringLiteral("usageDetails: ") + expected("object", value));
            return false;
        }
        return true;
    }

    const bool completionForm = !value.value("prompt_tokens").isUndefined()
        || !value.value("completion_tokens").isUndefined()
        || !value.value("prompt_tokens_details").isUndefined()
        || !value.value("completion_tokens_details").isUndefined();
    const bool responseForm = !completionForm
        && (!value.value("input_tokens_details").isUndefined()
            || !value.value("output_tokens_details").isUndefined()
            || (!value.value("input_tokens").isUndefined() && !value.value("output_tokens").isUndefined()));

    if (!completionForm && !responseForm) {
        bool ok = true;
        value.forEachMember([&](const FlatJsonValue &key, const FlatJsonValue &v) {
            if (v.isNull())
                return;
            const std::optional<qint64> count = countOf(v, mode);
            if (count) {
                out.set(keyOf(key), *count);
            } else if (mode == Strictness::Strict) {
                setError(error,
                    QStringLiteral("usageDetails.") + keyOf(key)
                        + QStringLiteral(": Expected a non-negative integer"));
                ok = false;
            }
        });
        return ok;
    }

    const char *inKey = completionForm ? "prompt_tokens" : "input_tokens";
    const char *outKey = completionForm ? "completion_tokens" : "output_tokens";
    const char *inDetails = completionForm ? "prompt_tokens_details" : "input_tokens_details";
    const char *outDetails = completionForm ? "completion_tokens_details" : "output_tokens_details";

    bool ok = true;
    std::optional<qint64> input, output, total;
    UsageDetails result;
    value.forEachMember([&](const FlatJsonValue &keyValue, const FlatJsonValue &v) {
        QByteArray scratch;
        const QByteArrayView key = keyValue.stringView(scratch);
        if (key == inDetails || key == outDetails || v.isNull())
            return;
        const std::optional<qint64> count = countOf(v, mode);
        const bool known = key == inKey || key == outKey || key == "total_tokens";
        if (!count) {
            // Extra members an OpenAI-compatible provider adds (costs, nested objects) are skipped.
            if (known && mode == Strictness::Strict) {
                setError(error,
                    QStringLiteral("usageDetails.") + QString::fromUtf8(key)
                        + QStringLiteral(": Expected a non-negative integer"));
                ok = false;
            }
            return;
        }
        if (key == inKey)
            input = count;
        else if (key == outKey)
            output = count;
        else if (key == "total_tokens")
            total = count;
        else
            result.set(QString::fromUtf8(key), *count);
    });
    qint64 inputSubtract = 0;
    qint64 outputSubtract = 0;
    ok = readUsageDetailsObject(
             value.value(inDetails), QStringLiteral("input_"), mode, result, inputSubtract, error, inDetails)
        && ok;
    ok = readUsageDetailsObject(value.value(outDetails), QStringLiteral("output_"), mode, result,
             outputSubtract, error, outDetails)
        && ok;
    if (!ok)
        return false;
    if (input)
        result.set(QStringLiteral("input"), std::max<qint64>(*input - inputSubtract, 0));
    if (output)
        result.set(QStringLiteral("output"), std::max<qint64>(*output - outputSubtract, 0));
    if (total)
        result.set(QStringLiteral("total"), *total);
    out.mergeFrom(result);
    return true;
}

bool costDetailsFrom(const FlatJsonValue &value, Strictness mode, CostDetails &out, QString *error)
{
    if (value.isMissing())
        return true;
    if (!value.isObject()) {
        if (mode == Strictness::Strict) {
            setError(error, QStringLiteral("costDetails: ") + expected("object", value));
            return false;
        }
        return true;
    }
    bool ok = true;
    value.forEachMember([&](const FlatJsonValue &key, const FlatJsonValue &v) {
        if (v.isNull())
            return;
        const std::optional<double> usd = usdOf(v, mode);
        if (usd) {
            out.set(keyOf(key), *usd);
        } else if (mode == Strictness::Strict) {
            setError(error,
                QStringLiteral("costDetails.") + keyOf(key)
                    + QStringLiteral(": Expected a non-negative number"));
            ok = false;
        }
    });
    return ok;
}

bool legacyUsageFrom(
    const FlatJsonValue &value, Strictness mode, UsageDetails &usage, CostDetails &cost, QString *error)
{
    if (value.isMissing())
        return true;
    if (!value.isObject()) {
        if (mode == Strictness::Strict) {
            setError(error, QStringLiteral("usage: ") + expected("object", value));
            return false;
        }
        return true;
    }
    static const JsonFieldTable table { "input", "output", "total", "unit", "inputCost", "outputCost",
        "totalCost", "promptTokens", "completionTokens", "totalTokens" };
    FlatJsonValue f[10];
    table.collect(value, f);
    enum { Input, Output, Total, Unit, InputCost, OutputCost, TotalCost, Prompt, Completion, TotalTokens };
    static const char *const names[] = { "input", "output", "total", "unit", "inputCost", "outputCost",
        "totalCost", "promptTokens", "completionTokens", "totalTokens" };

    bool ok = true;
    auto count = [&](int i) -> std::optional<qint64> {
        if (f[i].isMissing())
            return std::nullopt;
        if (mode == Strictness::Strict) {
            const std::optional<qint64> n = f[i].toInteger();
            if (!n) {
                setError(error,
                    QStringLiteral("usage.") + QLatin1String(names[i]) + QStringLiteral(": ")
                        + expected("integer", f[i]));
                ok = false;
                return std::nullopt;
            }
            return *n >= 0 ? n : std::nullopt;
        }
        const std::optional<qint64> n = countOf(f[i], mode);
        return (n && *n > 0) ? n : std::nullopt;
    };
    auto usd = [&](int i) -> std::optional<double> {
        if (f[i].isMissing())
            return std::nullopt;
        const std::optional<double> d = usdOf(f[i], mode);
        if (!f[i].isNumber() && mode == Strictness::Strict) {
            setError(error,
                QStringLiteral("usage.") + QLatin1String(names[i]) + QStringLiteral(": ")
                    + expected("number", f[i]));
            ok = false;
        }
        return d;
    };

    if (mode == Strictness::Strict && !f[Unit].isMissing()) {
        static const char *const units[]
            = { "CHARACTERS", "TOKENS", "MILLISECONDS", "SECONDS", "IMAGES", "REQUESTS" };
        bool known = false;
        for (const char *u : units)
            known = known || f[Unit].stringEquals(u);
        if (!known) {
            setError(error,
                QStringLiteral("usage.unit: Invalid enum value. Expected 'CHARACTERS' | 'TOKENS' | "
                               "'MILLISECONDS' | 'SECONDS' | 'IMAGES' | 'REQUESTS'"));
            ok = false;
        }
    }

    // The OpenAI-style names win when present, as in Langfuse's transform.
    const bool openAi
        = !f[Prompt].isUndefined() || !f[Completion].isUndefined() || !f[TotalTokens].isUndefined();
    const std::optional<qint64> in = count(openAi ? Prompt : Input);
    const std::optional<qint64> out = count(openAi ? Completion : Output);
    const std::optional<qint64> total = count(openAi ? TotalTokens : Total);
    const std::optional<double> inCost = usd(InputCost);
    const std::optional<double> outCost = usd(OutputCost);
    const std::optional<double> totalCost = usd(TotalCost);
    if (!ok)
        return false;
    if (in)
        usage.set(QStringLiteral("input"), *in);
    if (out)
        usage.set(QStringLiteral("output"), *out);
    if (total)
        usage.set(QStringLiteral("total"), *total);
    if (inCost)
        cost.set(QStringLiteral("input"), *inCost);
    if (outCost)
        cost.set(QStringLiteral("output"), *outCost);
    if (totalCost)
        cost.set(QStringLiteral("total"), *totalCost);
    return true;
}

} // namespace tg::langfusejson
