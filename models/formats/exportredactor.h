#pragma once

#include "store/exportreader.h"

#include <QByteArray>
#include <QRegularExpression>
#include <QString>
#include <QStringList>

#include <vector>

namespace tg {

/// What to take out of traces before they leave the machine.
struct RedactionOptions
{
    bool dropInputOutput = false; ///< remove every input and output
    bool maskEmails = false; ///< e-mail addresses become "[email]"
    bool maskApiKeys = false; ///< API keys and bearer tokens become "[api-key]"
    QStringList customPatterns; ///< regular expressions; matches become "[redacted]"

    bool isActive() const
    {
        return dropInputOutput || maskEmails || maskApiKeys || !customPatterns.isEmpty();
    }
};

/// Applies RedactionOptions to traces on their way out (export, forwarding). Masks work inside JSON
/// string values, so payloads stay valid JSON whatever a custom pattern matches; user ids, session
/// ids, status messages and score comments are masked as text.
class ExportRedactor
{
public:
    explicit ExportRedactor(const RedactionOptions &options = {});

    /// False (and why) when a custom pattern is not a valid regular expression.
    bool isValid(QString *error = nullptr) const;
    bool isActive() const { return m_options.isActive(); }

    void apply(TraceBundle &bundle) const;
    void apply(TraceRecord &trace) const;
    void apply(ObservationRecord &observation) const;
    /// JSON text with every string value masked; text that is not JSON is masked as text.
    QByteArray maskJson(const QByteArray &json) const;
    QString maskText(const QString &text) const;

private:
    struct Rule
    {
        QRegularExpression pattern;
        QString replacement;
    };
    bool mayMatch(QByteArrayView rawUtf8) const;

    RedactionOptions m_options;
    std::vector<Rule> m_rules;
    QString m_error;
};

} // namespace tg
