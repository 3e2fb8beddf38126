#include "connectsnippets.h"

namespace tg {

namespace {

// SDKs insist on keys even when the receiver takes anything; these make that obvious.
constexpr auto kAnyPublicKey = "pk-lf-local";
constexpr auto kAnySecretKey = "sk-lf-local";
constexpr auto kSecretPlaceholder = "<receiver secret key>";

QString fill(QString text, const QString &http, const QString &pk, const QString &sk)
{
    return text.replace(QStringLiteral("{HTTP}"), http)
        .replace(QStringLiteral("{PK}"), pk)
        .replace(QStringLiteral("{SK}"), sk);
}

} // namespace

QList<ConnectSnippet> connectSnippets(const ConnectEndpoints &endpoints)
{
    const QString http = endpoints.http.isEmpty() ? QStringLiteral("http://127.0.0.1:4318") : endpoints.http;
    const bool keys = !endpoints.publicKey.isEmpty();
    const QString pk = keys ? endpoints.publicKey : QString::fromLatin1(kAnyPublicKey);
    const QString sk = QString::fromLatin1(keys ? kSecretPlaceholder : kAnySecretKey);
    const QString keyNote = keys
        ? QStringLiteral("# The receiver checks keys: use its public and secret key.\n")
        : QStringLiteral("# Any keys work: the local receiver does not check them.\n");
    using Group = ConnectSnippet::Group;
    QList<ConnectSnippet> out;
    const auto add = [&](Group group, const QString &title, const char *language, const QString &text) {
        out.append({ group, title, QString::fromLatin1(language), fill(text, http, pk, sk) });
    };

    QString env = QStringLiteral("export OTEL_EXPORTER_OTLP_ENDPOINT={HTTP}\n"
                                 "export OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf\n");
    if (!endpoints.grpc.isEmpty())
        env += QStringLiteral("# or OTLP/gRPC:\n# export OTEL_EXPORTER_OTLP_ENDPOINT=%1\n"
                              "# export OTEL_EXPORTER_OTLP_PROTOCOL=grpc\n")
                   .arg(endpoints.grpc);
    if (keys)
        env += QStringLiteral("export OTEL_EXPORTER_OTLP_HEADERS=\"Authorization=Basic $(printf '%s' "
                              "'{PK}:{SK}' | base64 -w0)\"\n");
    add(Group::OpenTelemetry, QStringLiteral("Environment variables (any OpenTelemetry SDK)"), "bash", env);

    QString python = QStringLiteral(
        "# pip install opentelemetry-sdk opentelemetry-exporter-otlp-proto-http\n"
        "from opentelemetry import trace\n"
        "from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter\n"
        "from opentelemetry.sdk.resources import Resource\n"
        "from opentelemetry.sdk.trace import TracerProvider\n"
        "from opentelemetry.sdk.trace.export import BatchSpanProcessor\n"
        "\n"
        "provider = TracerProvider(resource=Resource.create({\"service.name\": \"my-agent\"}))\n");
    python += keys ? QStringLiteral("exporter = OTLPSpanExporter(endpoint=\"{HTTP}/v1/traces\",\n"
                                    "    headers={\"Authorization\": \"Basic <base64 of {PK}:{SK}>\"})\n")
                   : QStringLiteral("exporter = OTLPSpanExporter(endpoint=\"{HTTP}/v1/traces\")\n");
    python += QStringLiteral("provider.add_span_processor(BatchSpanProcessor(exporter))\n"
                             "trace.set_tracer_provider(provider)\n");
    add(Group::OpenTelemetry, QStringLiteral("Python"), "python", python);

    QString js = QStringLiteral(
        "// npm install @opentelemetry/sdk-trace-node @opentelemetry/exporter-trace-otlp-proto\n"
        "import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';\n"
        "import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';\n"
        "\n");
    js += keys ? QStringLiteral("const exporter = new OTLPTraceExporter({\n"
                                "  url: '{HTTP}/v1/traces',\n"
                                "  headers: { Authorization: 'Basic ' + btoa('{PK}:{SK}') },\n"
                                "});\n")
               : QStringLiteral("const exporter = new OTLPTraceExporter({ url: '{HTTP}/v1/traces' });\n");
    js += QStringLiteral(
        "const provider = new NodeTracerProvider({ spanProcessors: [new BatchSpanProcessor(exporter)] });\n"
        "provider.register();\n");
    add(Group::OpenTelemetry, QStringLiteral("JavaScript / TypeScript (Node.js)"), "javascript", js);

    add(Group::Langfuse, QStringLiteral("Python SDK v3"), "python",
        QStringLiteral("# pip install \"langfuse>=3\"\n"
                       "import os\n"
                       "\n"
                       "os.environ[\"LANGFUSE_HOST\"] = \"{HTTP}\"\n"
                       "os.environ[\"LANGFUSE_PUBLIC_KEY\"] = \"{PK}\"\n"
                       "os.environ[\"LANGFUSE_SECRET_KEY\"] = \"{SK}\"\n"
                       "\n"
                       "from langfuse import get_client, observe\n"
                       "\n"
                       "@observe()\n"
                       "def answer(question: str) -> str:\n"
                       "    return \"...\"\n"
                       "\n"
                       "answer(\"Hello\")\n"
                       "get_client().flush()\n"));

    add(Group::Langfuse, QStringLiteral("JavaScript / TypeScript SDK v4"), "javascript",
        QStringLiteral("// npm install @langfuse/tracing @langfuse/otel @opentelemetry/sdk-node\n"
                       "import { NodeSDK } from '@opentelemetry/sdk-node';\n"
                       "import { LangfuseSpanProcessor } from '@langfuse/otel';\n"
                       "import { startActiveObservation } from '@langfuse/tracing';\n"
                       "\n"
                       "// Or set LANGFUSE_BASE_URL, LANGFUSE_PUBLIC_KEY and LANGFUSE_SECRET_KEY.\n"
                       "const sdk = new NodeSDK({\n"
                       "  spanProcessors: [new LangfuseSpanProcessor({\n"
                       "    baseUrl: '{HTTP}',\n"
                       "    publicKey: '{PK}',\n"
                       "    secretKey: '{SK}',\n"
                       "  })],\n"
                       "});\n"
                       "sdk.start();\n"
                       "\n"
                       "await startActiveObservation('my-agent', async (span) => {\n"
                       "  span.update({ input: { question: 'Hello' } });\n"
                       "});\n"
                       "await sdk.shutdown();\n"));

    add(Group::Langfuse, QStringLiteral("Environment variables (any Langfuse SDK)"), "bash",
        keyNote
            + QStringLiteral("export LANGFUSE_HOST={HTTP}       # Python SDK, LiteLLM\n"
                             "export LANGFUSE_BASE_URL={HTTP}   # JS/TS SDK v4\n"
                             "export LANGFUSE_PUBLIC_KEY={PK}\n"
                             "export LANGFUSE_SECRET_KEY={SK}\n"));

    add(Group::LiteLlm, QStringLiteral("LiteLLM with the langfuse_otel callback (OpenTelemetry)"), "python",
        QStringLiteral(
            "# pip install litellm opentelemetry-api opentelemetry-sdk opentelemetry-exporter-otlp\n"
            "import os\n"
            "import litellm\n"
            "\n"
            "os.environ[\"LANGFUSE_OTEL_HOST\"] = \"{HTTP}\"\n"
            "os.environ[\"LANGFUSE_PUBLIC_KEY\"] = \"{PK}\"\n"
            "os.environ[\"LANGFUSE_SECRET_KEY\"] = \"{SK}\"\n"
            "litellm.callbacks = [\"langfuse_otel\"]\n"
            "\n"
            "litellm.completion(model=\"gpt-4o-mini\", messages=[{\"role\": \"user\", \"content\": "
            "\"Hi\"}])\n"));

    add(Group::LiteLlm, QStringLiteral("LiteLLM with the langfuse callback (Langfuse SDK)"), "python",
        QStringLiteral("# pip install litellm langfuse\n"
                       "import os\n"
                       "import litellm\n"
                       "\n"
                       "os.environ[\"LANGFUSE_HOST\"] = \"{HTTP}\"\n"
                       "os.environ[\"LANGFUSE_PUBLIC_KEY\"] = \"{PK}\"\n"
                       "os.environ[\"LANGFUSE_SECRET_KEY\"] = \"{SK}\"\n"
                       "litellm.success_callback = [\"langfuse\"]\n"
                       "litellm.failure_callback = [\"langfuse\"]\n"));

    add(Group::LiteLlm, QStringLiteral("LiteLLM proxy (config.yaml)"), "yaml",
        QStringLiteral("# Start the proxy with:\n"
                       "#   export LANGFUSE_OTEL_HOST={HTTP}\n"
                       "#   export LANGFUSE_PUBLIC_KEY={PK}\n"
                       "#   export LANGFUSE_SECRET_KEY={SK}\n"
                       "litellm_settings:\n"
                       "  callbacks: [\"langfuse_otel\"]\n"));
    return out;
}

} // namespace tg
