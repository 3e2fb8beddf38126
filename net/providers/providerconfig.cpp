#include "providerconfig.h"

#include "credentialstore.h"

#include <QCoreApplication>
#include <QUrl>

namespace tg {

QString providerKindName(ProviderKind kind)
{
    switch (kind) {
    case ProviderKind::OpenAiCompatible:
        return QCoreApplication::translate("ProviderConfig", "OpenAI-compatible");
    case ProviderKind::Anthropic:
        return QStringLiteral("Anthropic");
    }
    return {};
}

QString providerKindKey(ProviderKind kind)
{
    return kind == ProviderKind::Anthropic ? QStringLiteral("anthropic")
                                           : QStringLiteral("openai-compatible");
}

ProviderKind providerKindFromKey(const QString &key)
{
    return key == u"anthropic" ? ProviderKind::Anthropic : ProviderKind::OpenAiCompatible;
}

QString ProviderConfig::account() const
{
    return CredentialStore::providerAccount(id);
}

const QList<ProviderPreset> &providerPresets()
{
    static const QList<ProviderPreset> presets {
        { QStringLiteral("OpenAI"), ProviderKind::OpenAiCompatible,
            QStringLiteral("https://api.openai.com/v1"), QStringLiteral("gpt-4o-mini"), true },
        { QStringLiteral("Anthropic"), ProviderKind::Anthropic, QStringLiteral("https://api.anthropic.com"),
            QStringLiteral("claude-sonnet-4-20250514"), true },
        { QStringLiteral("OpenRouter"), ProviderKind::OpenAiCompatible,
            QStringLiteral("https://openrouter.ai/api/v1"), QStringLiteral("openai/gpt-4o-mini"), true },
        { QStringLiteral("Groq"), ProviderKind::OpenAiCompatible,
            QStringLiteral("https://api.groq.com/openai/v1"), QStringLiteral("llama-3.3-70b-versatile"),
            true },
        { QStringLiteral("LiteLLM proxy"), ProviderKind::OpenAiCompatible,
            QStringLiteral("http://localhost:4000"), QString(), true },
        { QStringLiteral("vLLM"), ProviderKind::OpenAiCompatible, QStringLiteral("http://localhost:8000/v1"),
            QString(), false },
        { QStringLiteral("Ollama"), ProviderKind::OpenAiCompatible,
            QStringLiteral("http://localhost:11434/v1"), QStringLiteral("llama3.2"), false },
        { QStringLiteral("llama.cpp server"), ProviderKind::OpenAiCompatible,
            QStringLiteral("http://localhost:8080/v1"), QString(), false },
    };
    return presets;
}

QString normalizeProviderUrl(const QString &input, ProviderKind kind, QString *error)
{
    const auto fail = [error](const QString &message) {
        if (error)
            *error = message;
        return QString();
    };
    QString text = input.trimmed();
    if (text.isEmpty())
        return fail(QCoreApplication::translate("ProviderConfig", "Enter the provider's base URL."));
    if (!text.contains(QStringLiteral("://"))) {
        const bool local
            = text.startsWith(u"localhost") || text.startsWith(u"127.") || text.startsWith(u"[::1]");
        text = (local ? QStringLiteral("http://") : QStringLiteral("https://")) + text;
    }
    QUrl url(text, QUrl::StrictMode);
    const QString scheme = url.scheme().toLower();
    if (!url.isValid() || url.host().isEmpty() || (scheme != u"http" && scheme != u"https"))
        return fail(QCoreApplication::translate("ProviderConfig", "\"%1\" is not an http(s) URL.")
                        .arg(input.trimmed()));
    url.setScheme(scheme);
    url.setHost(url.host().toLower());
    url.setQuery(QString());
    url.setFragment(QString());
    url.setUserInfo(QString());
    QString path = url.path();
    while (path.endsWith(u'/'))
        path.chop(1);
    if (kind == ProviderKind::Anthropic && path.endsWith(u"/v1"))
        path.chop(3);
    url.setPath(path);
    return url.toString(QUrl::FullyEncoded);
}

} // namespace tg
