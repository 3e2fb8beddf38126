#include "jsondocumenthandlers.h"

#include "formats/tracefilesplitter.h"
#include "mapping/flatjson.h"
#include "mapping/jsontext.h"

#include <algorithm>

namespace tg {

namespace {

class DocumentHandler : public JsonDocumentHandler
{
public:
    explicit DocumentHandler(TraceFileSplitter &splitter)
        : m_splitter(splitter)
    {
    }

protected:
    /// Captured values are only delimited by the scanner; check one before it joins a unit, so a
    /// broken element costs itself and not its neighbours. OTLP decoding refuses invalid UTF-8,
    /// Langfuse mapping replaces it (as a JavaScript server does).
    bool validElement(QByteArrayView raw, qint64 offset, bool strictUtf8)
    {
        if (JsonText::isValid(raw, JsonText::kMaxCheckDepth))
            return true;
        FlatJson doc;
        if (doc.parse(raw.toByteArray(), FlatJson::kDefaultMaxDepth,
                strictUtf8 ? FlatJson::Utf8Policy::Reject : FlatJson::Utf8Policy::Replace))
            return true;
        m_splitter.addProblem(offset + std::max<qsizetype>(doc.errorOffset(), 0),
            QStringLiteral("skipped an element that is not valid JSON: %1").arg(doc.errorString()));
        return false;
    }

    TraceFileSplitter &m_splitter;
};

bool keyIs(const JsonStreamScanner::Step &step, std::initializer_list<const char *> names)
{
    for (const char *name : names) {
        if (step.key == name)
            return true;
    }
    return false;
}

// Streams resourceSpans[].scopeSpans[].spans[] and rewraps the spans, with their resource and
// scope, into requests of about one unit. A span waits until its resource and scope are known
// (they may come after it in the text) or until their containers end without one.
class OtlpDocumentHandler final : public DocumentHandler
{
public:
    using DocumentHandler::DocumentHandler;

    JsonStreamScanner::Action onValue(const JsonStreamScanner::Path &path, char first) override
    {
        using A = JsonStreamScanner::Action;
        const bool container = first == '{' || first == '[';
        switch (path.size()) {
        case 0:
            if (first != '{') {
                m_splitter.addProblem(0, QStringLiteral("an OTLP JSON file holds one object"));
                return A::Skip;
            }
            return A::Descend;
        case 1:
            return keyIs(path[0], { "resourceSpans", "resource_spans" }) && first == '[' ? A::Descend
                                                                                         : A::Skip;
        case 2:
            if (first != '{')
                return A::Skip;
            startResource();
            return A::Descend;
        case 3:
            if (keyIs(path[2], { "resource" }))
                return A::Capture;
            if (container
                && keyIs(path[2],
                    { "scopeSpans", "scope_spans", "instrumentationLibrarySpans",
                        "instrumentation_library_spans" }))
                return A::Descend;
            return A::Skip;
        case 4:
            if (first != '{')
                return A::Skip;
            startScope();
            return A::Descend;
        case 5:
            if (keyIs(path[4], { "scope", "instrumentationLibrary", "instrumentation_library" }))
                return A::Capture;
            return keyIs(path[4], { "spans" }) && first == '[' ? A::Descend : A::Skip;
        case 6:
            return A::Capture;
        default:
            return A::Skip;
        }
    }

    void onCaptured(const JsonStreamScanner::Path &path, QByteArrayView raw, qint64 offset) override
    {
        if (path.size() == 3) {
            m_resource = raw.toByteArray();
            m_resourceKnown = true;
            for (Group &group : m_waiting)
                emitGroup(group);
            m_waiting.clear();
            if (m_current.scopeKnown)
                emitGroup(m_current);
        } else if (path.size() == 5) {
            m_current.scope = raw.toByteArray();
            m_current.scopeKnown = true;
            if (m_resourceKnown)
                emitGroup(m_current);
        } else if (path.size() == 6) {
            if (!validElement(raw, offset, true))
                return;
            m_current.spans.emplace_back(raw.toByteArray(), offset);
            if (m_resourceKnown && m_current.scopeKnown)
                emitGroup(m_current);
        }
    }

    void onContainerEnd(const JsonStreamScanner::Path &path) override
    {
        if (path.size() == 4) { // a scopeSpans element
            m_current.scopeKnown = true;
            if (m_resourceKnown)
                emitGroup(m_current);
            else if (!m_current.spans.empty())
                m_waiting.push_back(std::move(m_current));
            m_current = Group();
        } else if (path.size() == 2) { // a resourceSpans element
            m_resourceKnown = true;
            for (Group &group : m_waiting)
                emitGroup(group);
            m_waiting.clear();
        }
    }

    void finish() override
    {
        // Whatever is still waiting goes out with what is known.
        m_resourceKnown = true;
        for (Group &group : m_waiting)
            emitGroup(group);
        m_waiting.clear();
        m_current.scopeKnown = true;
        emitGroup(m_current);
        flushUnit();
    }

private:
    struct Group
    {
        QByteArray scope;
        bool scopeKnown = false;
        int scopeSerial = 0;
        std::vector<std::pair<QByteArray, qint64>> spans; // raw, offset
    };

    void startResource()
    {
        m_resource.clear();
        m_resourceKnown = false;
        ++m_resourceSerial;
        m_waiting.clear();
    }

    void startScope()
    {
        m_current = Group();
        m_current.scopeSerial = ++m_scopeSerial;
    }

    void emitGroup(Group &group)
    {
        if (group.spans.empty())
            return;
        if (m_unit.data.isEmpty()) {
            m_unit.data = "{\"resourceSpans\":[";
            m_unit.offset = group.spans.front().second;
            m_rs = -1;
        }
        if (m_rs < 0 || m_openResource != m_resourceSerial) {
            if (m_rs >= 0)
                m_unit.data.append("]}]},");
            ++m_rs;
            m_ss = -1;
            m_unit.data.append('{');
            if (!m_resource.isEmpty()) {
                m_unit.data.append("\"resource\":");
                m_unit.data.append(m_resource);
                m_unit.data.append(',');
            }
            m_unit.data.append("\"scopeSpans\":[");
            m_openResource = m_resourceSerial;
            m_openScope = -1;
        }
        if (m_ss < 0 || m_openScope != group.scopeSerial) {
            if (m_ss >= 0)
                m_unit.data.append("]},");
            ++m_ss;
            m_span = 0;
            m_unit.data.append('{');
            if (!group.scope.isEmpty()) {
                m_unit.data.append("\"scope\":");
                m_unit.data.append(group.scope);
                m_unit.data.append(',');
            }
            m_unit.data.append("\"spans\":[");
            m_openScope = group.scopeSerial;
        } else {
            m_unit.data.append(',');
        }
        bool first = true;
        for (auto &[raw, offset] : group.spans) {
            if (!first)
                m_unit.data.append(',');
            first = false;
            m_unit.data.append(raw);
            m_unit.pieces.emplace_back((qint64(m_rs) << 42) | (qint64(m_ss) << 21) | qint64(m_span), offset);
            ++m_span;
        }
        group.spans.clear();
        if (m_unit.data.size() >= m_splitter.unitBytes())
            flushUnit();
    }

    void flushUnit()
    {
        if (m_unit.data.isEmpty())
            return;
        m_unit.data.append("]}]}]}");
        m_unit.format = TraceFileFormat::OtlpJson;
        m_unit.endOffset = m_unit.pieces.empty() ? m_unit.offset : m_unit.pieces.back().second;
        m_splitter.pushUnit(std::move(m_unit));
        m_unit = FileUnit();
        m_openResource = -1;
        m_openScope = -1;
    }

    QByteArray m_resource;
    bool m_resourceKnown = false;
    int m_resourceSerial = 0;
    int m_scopeSerial = 0;
    Group m_current;
    std::vector<Group> m_waiting;

    FileUnit m_unit;
    int m_openResource = -1;
    int m_openScope = -1;
    int m_rs = -1;
    int m_ss = -1;
    int m_span = 0;
};

// A Langfuse document: an array of objects, an object with a `data` page or an ingestion `batch`
// (both streamed element by element), or any other object (read whole).
class LangfuseDocumentHandler final : public DocumentHandler
{
public:
    using DocumentHandler::DocumentHandler;

    JsonStreamScanner::Action onValue(const JsonStreamScanner::Path &path, char first) override
    {
        using A = JsonStreamScanner::Action;
        if (path.empty()) {
            if (first == '[') {
                m_wrap = Wrap::Array;
                return A::Descend;
            }
            if (first == '{')
                return A::Descend;
            m_splitter.addProblem(0, QStringLiteral("a Langfuse file holds an object or an array"));
            return A::Skip;
        }
        if (path.size() == 1) {
            if (m_wrap == Wrap::Array)
                return A::Capture;
            if (first == '[' && m_wrap == Wrap::None && keyIs(path[0], { "batch", "data" })) {
                m_wrap = path[0].key == "batch" ? Wrap::Batch : Wrap::Data;
                return A::Descend;
            }
            return A::Capture;
        }
        return path.size() == 2 ? A::Capture : A::Skip;
    }

    void onCaptured(const JsonStreamScanner::Path &path, QByteArrayView raw, qint64 offset) override
    {
        const bool element = (path.size() == 1 && m_wrap == Wrap::Array) || path.size() == 2;
        if (!element) {
            m_members.emplace_back(path[0].key, raw.toByteArray());
            if (m_firstOffset < 0)
                m_firstOffset = offset;
            return;
        }
        if (!validElement(raw, offset, false))
            return;
        if (m_unit.data.isEmpty()) {
            m_unit.offset = offset;
            m_unit.data = m_wrap == Wrap::Batch ? "{\"batch\":[" : m_wrap == Wrap::Data ? "{\"data\":[" : "[";
        } else {
            m_unit.data.append(',');
        }
        m_unit.data.append(raw);
        m_unit.pieces.emplace_back(qint64(m_unit.pieces.size()), offset);
        if (m_unit.data.size() >= m_splitter.unitBytes())
            flushUnit();
    }

    void finish() override
    {
        flushUnit();
        if (m_wrap == Wrap::None && !m_members.empty()) {
            // One object read whole: a trace with its observations, a UI download, a single page.
            FileUnit unit;
            unit.format = TraceFileFormat::LangfuseJson;
            unit.offset = m_firstOffset;
            unit.data = "{";
            for (size_t i = 0; i < m_members.size(); ++i) {
                if (i > 0)
                    unit.data.append(',');
                unit.data.append(JsonText::quote(
                    std::string_view(m_members[i].first.constData(), size_t(m_members[i].first.size()))));
                unit.data.append(':');
                unit.data.append(m_members[i].second);
            }
            unit.data.append('}');
            unit.endOffset = m_firstOffset;
            m_members.clear();
            m_splitter.pushUnit(std::move(unit));
        }
    }

private:
    enum class Wrap : quint8 { None, Array, Batch, Data };

    void flushUnit()
    {
        if (m_unit.data.isEmpty())
            return;
        m_unit.data.append(m_wrap == Wrap::Array ? "]" : "]}");
        m_unit.format = TraceFileFormat::LangfuseJson;
        m_unit.endOffset = m_unit.pieces.empty() ? m_unit.offset : m_unit.pieces.back().second;
        m_splitter.pushUnit(std::move(m_unit));
        m_unit = FileUnit();
    }

    Wrap m_wrap = Wrap::None;
    FileUnit m_unit;
    std::vector<std::pair<QByteArray, QByteArray>> m_members;
    qint64 m_firstOffset = -1;
};

} // namespace

std::unique_ptr<JsonDocumentHandler> makeJsonDocumentHandler(
    TraceFileFormat format, TraceFileSplitter &splitter)
{
    if (format == TraceFileFormat::OtlpJson)
        return std::make_unique<OtlpDocumentHandler>(splitter);
    if (format == TraceFileFormat::LangfuseJson)
        return std::make_unique<LangfuseDocumentHandler>(splitter);
    return nullptr;
}

} // namespace tg
