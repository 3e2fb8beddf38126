#pragma once

#include "chatprovider.h"

namespace tg {

/// Anthropic Messages: POST {base}/v1/messages with x-api-key and anthropic-version headers,
/// GET {base}/v1/models. Streams the Messages event types (message_start ... message_stop).
class AnthropicProvider : public ChatProvider
{
    Q_OBJECT

public:
    static constexpr const char *kApiVersion = "2023-06-01";

    AnthropicProvider(ProviderConfig config, QString apiKey, QNetworkAccessManager *nam = nullptr,
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
