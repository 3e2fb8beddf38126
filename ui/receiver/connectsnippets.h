#pragma once

#include <QList>
#include <QString>

namespace tg {

/// Where a client should send its data, as the Connect dialog shows it.
struct ConnectEndpoints
{
    QString http; ///< "http://127.0.0.1:4318" (OTLP/HTTP and the Langfuse API); empty when stopped
    QString grpc; ///< "http://127.0.0.1:4317"; empty when gRPC is off
    QString publicKey; ///< receiver keys in force; empty = the receiver takes any keys
};

/// One copy-paste block.
struct ConnectSnippet
{
    enum class Group { OpenTelemetry, Langfuse, LiteLlm };
    Group group = Group::OpenTelemetry;
    QString title;
    QString language; ///< "bash", "python", "javascript", "yaml"
    QString text;
};

/// The snippets for OTel SDKs (env vars, Python, JS), the Langfuse SDKs (Python v3, JS v4) and
/// LiteLLM (both callbacks), filled in with `endpoints`. The secret key is never filled in.
QList<ConnectSnippet> connectSnippets(const ConnectEndpoints &endpoints);

} // namespace tg
