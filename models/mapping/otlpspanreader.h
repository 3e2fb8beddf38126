#pragma once

#include "domain/observationtype.h"
#include "domain/usage.h"
#include "jsontext.h"
#include "otlpattributes.h"
#include "otlpwire.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <optional>

namespace tg {

/// What every span of one resource and instrumentation scope shares, computed once per scope.
struct OtlpScopeContext
{
    const OtlpAttributes *resource = nullptr;
    QByteArray resourceAttributesJson; ///< the resource attributes as one JSON object
    JsonObjectBuilder resourceTraceMetadata; ///< langfuse.trace.metadata[.*] set on the resource
    QByteArray scopeJson; ///< {name, version, attributes}
    int resourceEnvironmentKey = -1; ///< which environment key the resource gives first, if any
    QString resourceEnvironment; ///< that key's normalised value
    QString scopeName;
    QString scopeVersion;
    bool isLangfuseSdk = false; ///< scope name starts with "langfuse-sdk"
    /// The request's bytes when held in a QByteArray: input and output sent as JSON share them.
    const QByteArray *source = nullptr;

    /// Fills every field from a resource and a scope; `resource` must outlive the context.
    void setResource(const OtlpAttributes &resourceAttributes);
    void setScope(const otlpwire::InstrumentationScope &scope);
};

/// Reads the Langfuse fields of one OTel span (langfuse-api.md §6): each accessor applies one row
/// of the attribute table. The span, the bytes it views and the context must outlive the reader.
class OtlpSpanReader
{
public:
    using Span = otlpwire::Span;

    struct Payloads
    {
        QByteArray input; ///< JSON text, empty if not given
        QByteArray output; ///< JSON text, empty if not given
    };

    OtlpSpanReader(const Span &span, const OtlpScopeContext &scope);

    const OtlpAttributes &attributes() const { return m_attributes; }

    /// Start and end in ns; a missing edge takes the other, both missing take "now".
    qint64 startNs() const { return m_startNs; }
    qint64 endNs() const { return m_endNs; }

    /// No parent span, or langfuse.internal.as_root.
    bool isTraceRoot() const;
    /// The span carries trace-level attributes that update its trace.
    bool hasTraceUpdates() const;

    ObservationType observationType() const;
    QString observationName() const;
    Payloads observationPayloads() const;
    /// A payload attribute's JSON (OtlpAttributes::toPayloadJson()); null for no value.
    QByteArray payload(const OtlpAttributes::AnyValue *value) const;
    /// langfuse.trace.input/output, else the observation's payloads (what a root span gives).
    Payloads tracePayloads(const Payloads &observation) const;
    QByteArray observationMetadata() const;
    /// Root spans add observation metadata and leftover attributes to what updates carry.
    QByteArray traceMetadata(bool root) const;

    QString model() const;
    QByteArray modelParameters() const;
    UsageDetails usage() const;
    CostDetails cost() const;
    std::optional<qint64> completionStartNs() const;
    /// The explicit level, else ERROR for status code 2 or an "exception" event, else DEFAULT.
    Level level() const;
    QString statusMessage() const;
    /// The linked prompt; Langfuse links prompts to GENERATION observations only.
    QString promptName() const;
    std::optional<int> promptVersion() const;

    /// Normalised environment; `explicitOnly` gives a null QString when no attribute names one.
    QString environment(bool explicitOnly = false) const;
    QString version() const;
    QString release() const;

    QString traceName() const;
    QString userId() const;
    QString sessionId() const;
    QStringList tags() const;
    std::optional<bool> isPublic() const;

    /// Langfuse's environment rules: lowercase, "langfuse" prefix stripped, at most 40 characters
    /// of [a-z0-9-_], otherwise "default".
    static QString normaliseEnvironment(const QString &raw);
    /// Langfuse's metadata extraction: the JSON object in langfuse.{observation|trace}.metadata
    /// (or langfuse.metadata), then each langfuse.{observation|trace}.metadata.<k>,
    /// langfuse.metadata.<k> and ai.telemetry.metadata.<k> as key k.
    static JsonObjectBuilder metadataFor(const OtlpAttributes &attributes, bool traceDomain);

private:
    QByteArray leftoverAttributesJson() const;
    /// leftoverAttributesJson(), appended to `out`.
    void appendLeftoverAttributes(QByteArray &out) const;
    Payloads frameworkPayloads() const;
    Payloads eventPayloads() const;
    QByteArray withSystemInstructions(QByteArray messages) const;
    std::optional<otlpwire::Event> lastExceptionEvent() const;

    const Span &m_span;
    const OtlpScopeContext &m_scope;
    OtlpAttributes m_attributes;
    qint64 m_startNs = 0;
    qint64 m_endNs = 0;
};

} // namespace tg
