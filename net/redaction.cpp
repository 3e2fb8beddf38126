#include "redaction.h"

#include <QRegularExpression>

#include <array>

namespace tg {

namespace {

// Auth schemes kept in front of a redacted value: they help debugging and are not secret.
constexpr char kSchemes[] = "basic|bearer|digest|token|apikey|negotiate";

// Every rule keeps capture 1 (the label, scheme or prefix) and redacts the rest of its match.
struct Rule
{
    QRegularExpression re;
    const char *suffix = ""; ///< put back after the redaction mark
};

using Rules = std::array<Rule, 7>;

Rules makeRules()
{
    using RE = QRegularExpression;
    constexpr auto ci = RE::CaseInsensitiveOption;
    // A header or field label, as in "Authorization: ", "api_key=", "\"password\": \"". "(?<![A-Za-z0-9])"
    // rather than \b so that LANGFUSE_SECRET_KEY and OPENAI_API_KEY count too.
    const QString label = QStringLiteral(R"((?<![A-Za-z0-9])(?:%1)["']?\s*[:=]\s*["']?)");
    const QString authLabel = label.arg(QStringLiteral("proxy-authorization|authorization"));
    const QString scheme = QStringLiteral(R"((?:%1)\s+)").arg(QLatin1String(kSchemes));
    // Tokens carry no blanks, quotes, commas or semicolons: that is where a value ends.
    const QString value = QStringLiteral(R"([^\s"',;&]+)");
    const QString otherLabels
        = QStringLiteral("x-api-key|x-goog-api-key|x-auth-token|api[-_]?key|secret[-_]?key|"
                         "client[-_]?secret|password|passwd|(?:access|refresh|id|auth)[-_]?token");
    return Rules { {
        // "Authorization: Bearer xyz" keeps the scheme; "Authorization: xyz" has none to keep.
        { RE(u'(' + authLabel + scheme + u')' + value, ci) },
        { RE(u'(' + authLabel + u")(?!" + scheme + u')' + value, ci) },
        // Cookies run to the end of the line.
        { RE(QStringLiteral(R"((\b(?:set-)?cookie\s*:\s*)[^\r\n]+)"), ci) },
        // Other key, secret, password and token fields and headers.
        { RE(u'(' + label.arg(otherLabels) + u')' + value, ci) },
        // A bare "Bearer <token>" anywhere else.
        { RE(QStringLiteral(R"((\bBearer\s+)[A-Za-z0-9._~+/=-]+)"), ci) },
        // Secret keys by their shape. Langfuse and Anthropic prefixes are specific enough to redact
        // at any length; a plain "sk-" needs 16 characters and a digit so that "sk-learn" stays.
        { RE(QStringLiteral(
            R"(\b(sk-lf-|sk-ant-|sk-(?=[A-Za-z0-9_-]*[0-9])(?=[A-Za-z0-9_-]{16}))[A-Za-z0-9_-]+)")) },
        // "scheme://user:password@host".
        { RE(QStringLiteral(R"((\b[A-Za-z][A-Za-z0-9+.-]*://[^\s/:@]+:)[^\s/@]+@)")), "@" },
    } };
}

} // namespace

QString redactSecrets(const QString &text)
{
    QString out = text;
    static const Rules rules = makeRules();
    for (const Rule &rule : rules)
        out.replace(rule.re, QStringLiteral(R"(\1)") + QLatin1String(kRedacted) + QLatin1String(rule.suffix));
    return out;
}

bool isCredentialHeader(QByteArrayView name)
{
    static constexpr std::array<const char *, 8> names {
        "authorization",
        "proxy-authorization",
        "x-api-key",
        "api-key",
        "x-goog-api-key",
        "cookie",
        "set-cookie",
        "x-auth-token",
    };
    const QByteArray lower = name.trimmed().toByteArray().toLower();
    for (const char *candidate : names) {
        if (lower == candidate)
            return true;
    }
    return false;
}

QByteArray redactHeaderValue(QByteArrayView name, QByteArrayView value)
{
    if (!isCredentialHeader(name))
        return redactSecrets(QString::fromUtf8(value)).toUtf8();
    const QString text = QString::fromUtf8(value).trimmed();
    static const QRegularExpression schemeRe(QStringLiteral(R"(^(%1)\s+)").arg(QLatin1String(kSchemes)),
        QRegularExpression::CaseInsensitiveOption);
    const QRegularExpressionMatch scheme = schemeRe.match(text);
    if (scheme.hasMatch())
        return scheme.captured(1).toUtf8() + ' ' + kRedacted;
    return QByteArray(kRedacted);
}

QString headersForLog(const QList<std::pair<QByteArray, QByteArray>> &headers)
{
    QStringList lines;
    lines.reserve(headers.size());
    for (const auto &[name, value] : headers)
        lines.append(QString::fromUtf8(name) + QStringLiteral(": ")
            + QString::fromUtf8(redactHeaderValue(name, value)));
    return lines.join(u'\n');
}

} // namespace tg
