#include "anthropicprovider.h"

#include "responseassembler.h"

namespace tg {

AnthropicProvider::AnthropicProvider(
    ProviderConfig config, QString apiKey, QNetworkAccessManager *nam, QObject *parent)
    : ChatProvider(std::move(config), std::move(apiKey), nam, parent)
{
}

ProviderBody AnthropicProvider::body(const ReplayRequest &request, bool stream) const
{
    return anthropicMessagesBody(request, stream);
}

void AnthropicProvider::authorize(QNetworkRequest &request) const
{
    if (!apiKey().isEmpty())
        request.setRawHeader("x-api-key", apiKey().toUtf8());
    request.setRawHeader("anthropic-version", kApiVersion);
}

QNetworkRequest AnthropicProvider::chatRequest(bool stream) const
{
    QNetworkRequest request = baseRequest(config().baseUrl + QStringLiteral("/v1/messages"), stream);
    authorize(request);
    return request;
}

QNetworkRequest AnthropicProvider::modelsRequest() const
{
    QNetworkRequest request = baseRequest(config().baseUrl + QStringLiteral("/v1/models?limit=1000"), false);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QVariant());
    authorize(request);
    return request;
}

std::unique_ptr<ResponseAssembler> AnthropicProvider::assembler() const
{
    return std::make_unique<AnthropicAssembler>();
}

} // namespace tg
