#pragma once

#include "chatprovider.h"

namespace tg {

/// Chat Completions over HTTP: POST {base}/chat/completions with "Authorization: Bearer <key>"
/// (no header when there is no key, as local servers want), GET {base}/models. Works with OpenAI,
/// OpenRouter (its usage.cost becomes the replay's cost), a LiteLLM proxy, Groq, vLLM, Ollama
/// and llama.cpp's server.
class OpenAiCompatibleProvider : public ChatProvider
{
    Q_OBJECT

public:
    OpenAiCompatibleProvider(ProviderConfig config, QString apiKey, QNetworkAccessManager *nam = nullptr,
        QObject *parent = nullptr);

    ProviderBody body(const ReplayRequest &request, bool stream) const override;

protected:
    QNetworkRequest chatRequest(bool stream) const override;
    QNetworkRequest modelsRequest() const override;
    std::unique_ptr<ResponseAssembler> assembler() const override;

private:
    void authorize(QNetworkRequest &request) const;
};

} // namespace tg
