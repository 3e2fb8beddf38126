#include "exportredactor.h"

#include "mapping/flatjson.h"
#include "mapping/jsontext.h"

namespace tg {

namespace {

constexpr int kMaxDepth = 256;

void writeMasked(const FlatJsonValue &value, const ExportRedactor &redactor, QByteArray &out, int depth)
{
    switch (value.kind()) {
    case FlatJson::Kind::String: {
        const QString text = value.toString();
        const QString masked = redactor.maskText(text);
        if (masked == text)
            out.append(value.rawText());
        else
            out.append(JsonText::quote(masked));
        return;
    }
    case FlatJson::Kind::Array: {
        if (depth > kMaxDepth) {
            out.append(redactor.maskText(QString::fromUtf8(value.compactText())).toUtf8());
            return;
        }
        out.append('[');
        bool first = true;
        value.forEachElement([&](const FlatJsonValue &element) {
            if (!first)
                out.append(',');
            first = false;
            writeMasked(element, redactor, out, depth + 1);
        });
        out.append(']');
        return;
    }
    case FlatJson::Kind::Object: {
        if (depth > kMaxDepth) {
            out.append(redactor.maskText(QString::fromUtf8(value.compactText())).toUtf8());
            return;
        }
        out.append('{');
        bool first = true;
        value.forEachMember([&](const FlatJsonValue &key, const FlatJsonValue &member) {
            if (!first)
                out.append(',');
            first = false;
            out.append(key.rawText());
            out.append(':');
            writeMasked(member, redactor, out, depth + 1);
        });
        out.append('}');
        return;
    }
    default:
        out.append(value.rawText());
        return;
    }
}

} // namespace

ExportRedactor::ExportRedactor(const RedactionOptions &options)
    : m_options(options)
{
    if (options.maskEmails) {
        m_rules.push_back(
            Rule { QRegularExpression(QStringLiteral("[A-Za-z0-9._%+-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-"
                                                     "9])?(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}")),
                QStringLiteral("[email]") });
    }
    if (options.maskApiKeys) {
        const char *patterns[] = {
            "(?i)\\bbearer\\s+[A-Za-z0-9._~+/=-]{12,}", // Authorization values
            "\\bsk-lf-[A-Za-z0-9-]{8,}", // Langfuse secret keys
            "\\bsk-(?:proj-|ant-(?:api\\d+-)?|or-v1-)?[A-Za-z0-9_-]{16,}", // OpenAI, Anthropic, OpenRouter
            "\\bAKIA[0-9A-Z]{16}\\b", // AWS access key ids
            "\\bAIza[0-9A-Za-z_-]{35}", // Google API keys
            "\\bgh[pousr]_[A-Za-z0-9]{30,}", // GitHub tokens
            "\\bxox[abprs]-[A-Za-z0-9-]{10,}", // Slack tokens
            "\\beyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}", // JWTs
        };
        for (const char *pattern : patterns)
            m_rules.push_back(
                Rule { QRegularExpression(QString::fromLatin1(pattern)), QStringLiteral("[api-key]") });
    }
    for (const QString &pattern : options.customPatterns) {
        QRegularExpression re(pattern);
        if (!re.isValid() && m_error.isEmpty())
            m_error = QStringLiteral("the pattern \"%1\" is not a valid regular expression: %2")
                          .arg(pattern, re.errorString());
        m_rules.push_back(Rule { std::move(re), QStringLiteral("[redacted]") });
    }
    for (Rule &rule : m_rules)
        rule.pattern.optimize();
}

bool ExportRedactor::isValid(QString *error) const
{
    if (error)
        *error = m_error;
    return m_error.isEmpty();
}

QString ExportRedactor::maskText(const QString &text) const
{
    if (text.isEmpty())
        return text;
    QString out = text;
    for (const Rule &rule : m_rules) {
        if (rule.pattern.isValid())
            out.replace(rule.pattern, rule.replacement);
    }
    return out;
}

bool ExportRedactor::mayMatch(QByteArrayView rawUtf8) const
{
    // Without escapes the raw text reads as its strings do: no match there means none inside.
    if (rawUtf8.contains('\\'))
        return true;
    const QString text = QString::fromUtf8(rawUtf8);
    for (const Rule &rule : m_rules) {
        if (rule.pattern.isValid() && rule.pattern.match(text).hasMatch())
            return true;
    }
    return false;
}

QByteArray ExportRedactor::maskJson(const QByteArray &json) const
{
    if (json.isEmpty() || m_rules.empty() || !mayMatch(json))
        return json;
    FlatJson doc;
    if (!doc.parse(json, FlatJson::kDefaultMaxDepth, FlatJson::Utf8Policy::Replace))
        return maskText(QString::fromUtf8(json)).toUtf8();
    QByteArray out;
    out.reserve(json.size());
    writeMasked(doc.root(), *this, out, 0);
    return out;
}

void ExportRedactor::apply(TraceRecord &t) const
{
    if (m_options.dropInputOutput) {
        t.input.clear();
        t.output.clear();
    }
    if (m_rules.empty())
        return;
    t.input = maskJson(t.input);
    t.output = maskJson(t.output);
    t.metadata = maskJson(t.metadata);
    t.userId = maskText(t.userId);
    t.sessionId = maskText(t.sessionId);
}

void ExportRedactor::apply(ObservationRecord &o) const
{
    if (m_options.dropInputOutput) {
        o.input.clear();
        o.output.clear();
    }
    if (m_rules.empty())
        return;
    o.input = maskJson(o.input);
    o.output = maskJson(o.output);
    o.metadata = maskJson(o.metadata);
    o.modelParameters = maskJson(o.modelParameters);
    o.statusMessage = maskText(o.statusMessage);
}

void ExportRedactor::apply(TraceBundle &bundle) const
{
    if (!isActive())
        return;
    apply(bundle.trace);
    bundle.row.userId = bundle.trace.userId;
    bundle.row.sessionId = bundle.trace.sessionId;
    for (ObservationRecord &o : bundle.observations)
        apply(o);
    if (m_rules.empty())
        return;
    for (ScoreRecord &s : bundle.scores) {
        s.comment = maskText(s.comment);
        s.stringValue = maskText(s.stringValue);
        s.metadata = maskJson(s.metadata);
        s.sessionId = maskText(s.sessionId);
    }
}

} // namespace tg
