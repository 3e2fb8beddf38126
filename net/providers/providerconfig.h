#pragma once

#include <QList>
#include <QMetaType>
#include <QString>

namespace tg {

/// The two wire protocols replays speak.
enum class ProviderKind : quint8 {
    OpenAiCompatible = 0, ///< Chat Completions: OpenAI, OpenRouter, LiteLLM, Groq, vLLM, Ollama, llama.cpp
    Anthropic = 1, ///< Anthropic Messages
};

QString providerKindName(ProviderKind kind);
/// Stable settings key ("openai-compatible", "anthropic").
QString providerKindKey(ProviderKind kind);
ProviderKind providerKindFromKey(const QString &key);

/// One LLM endpoint the user set up for replays. Holds no secret: the API key lives in the
/// keychain under CredentialStore::providerAccount(id).
struct ProviderConfig
{
    QString id; ///< stable, generated once
    QString name; ///< "OpenAI", "local Ollama"
    ProviderKind kind = ProviderKind::OpenAiCompatible;
    QString baseUrl; ///< normalised; OpenAI-compatible ones include the /v1 path
    QString defaultModel;
    bool streaming = true; ///< ask for SSE; off for servers that stream badly
    int timeoutSeconds = 120; ///< longest wait for the first byte and longest silence in a stream

    bool isValid() const { return !id.isEmpty() && !name.isEmpty() && !baseUrl.isEmpty(); }
    QString account() const;
    bool operator==(const ProviderConfig &other) const = default;
};

/// A starting point in the provider dialog.
struct ProviderPreset
{
    QString label;
    ProviderKind kind = ProviderKind::OpenAiCompatible;
    QString baseUrl;
    QString defaultModel;
    bool needsKey = true; ///< local servers usually take none
};

/// OpenAI, Anthropic, OpenRouter, Groq, a LiteLLM proxy, vLLM, Ollama, llama.cpp server.
const QList<ProviderPreset> &providerPresets();

/// Trims, adds "http://" for localhost and "https://" otherwise when no scheme is given, drops a
/// trailing slash, query and fragment, and for Anthropic a trailing "/v1" (the client adds it).
/// Empty and `error` when it is not an http(s) URL with a host.
QString normalizeProviderUrl(const QString &input, ProviderKind kind, QString *error = nullptr);

} // namespace tg

Q_DECLARE_METATYPE(tg::ProviderConfig)
