#include "openaicompatibleprovider.h"

#include "responseassembler.h"

namespace tg {

OpenAiCompatibleProvider::OpenAiCompatibleProvider(
    ProviderConfig config, QString apiKey, QNetworkAccessManager *nam, QObject *parent)
    : ChatProvider(std::move(config), std::move(apiKey), nam, parent)
{
}

ProviderBody OpenAiCompatibleProvider::body(const ReplayRequest &request, bool stream) const
{
    return openAiChatBody(request, stream);
}

void OpenAiCompatibleProvider::authorize(QNetworkRequest &request) const
{
    if (!apiKey().isEmpty())
        request.setRawHeader("Authorization", "Bearer " + apiKey().toUtf8());
}

QNetworkRequest OpenAiCompatibleProvider::chatRequest(bool stream) const
{
    QNetworkRequest request = baseRequest(config().baseUrl + QStringLiteral("/chat/completions"), stream);
    authorize(request);
    return request;
}

QNetworkRequest OpenAiCompatibleProvider::modelsRequest() const
{
    QNetworkRequest request = baseRequest(config().baseUrl + QStringLiteral("/models"), false);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QVariant());
    authorize(request);
    return request;
}

std::unique_ptr<ResponseAssembler> OpenAiCompatibleProvider::assembler() const
{
    return std::make_unique<OpenAiAssembler>();
}

} // namespace tg
