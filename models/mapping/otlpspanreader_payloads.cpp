// OtlpSpanReader: input, output and the leftover attributes (the payload rows of §6.3).
#include "otlpspanreader.h"

#include <QHash>

#include <algorithm>
#include <array>

namespace tg {

namespace {

using AnyValue = OtlpAttributes::AnyValue;

QByteArrayView bytesOf(std::string_view text)
{
    return QByteArrayView(text.data(), qsizetype(text.size()));
}

bool isDigits(QByteArrayView text)
{
    return !text.isEmpty() && text.size() <= 9
        && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Keys whose values become input or output, so they are not repeated under metadata.attributes.
constexpr std::string_view kPayloadKeys[] = {
    "langfuse.trace.input",
    "langfuse.trace.output",
    "langfuse.observation.input",
    "langfuse.observation.output",
    "ai.prompt.messages",
    "ai.prompt",
    "ai.toolCall.args",
    "ai.response.text",
    "ai.result.text",
    "ai.toolCall.result",
    "ai.response.object",
    "ai.result.object",
    "ai.response.toolCalls",
    "ai.result.toolCalls",
    "gcp.vertex.agent.llm_request",
    "gcp.vertex.agent.llm_response",
    "gcp.vertex.agent.tool_call_args",
    "gcp.vertex.agent.tool_response",
    "prompt",
    "all_messages_events",
    "events",
    "lk.input_text",
    "lk.user_transcript",
    "lk.chat_ctx",
    "lk.user_input",
    "lk.function_tool.output",
    "lk.response.text",
    "mlflow.spanInputs",
    "mlflow.spanOutputs",
    "traceloop.entity.input",
    "traceloop.entity.output",
    "input.value",
    "output.value",
    "final_result",
    "pydantic_ai.all_messages",
    "input",
    "output",
    "gen_ai.input.messages",
    "gen_ai.output.messages",
    "gen_ai.system_instructions",
    "gen_ai.tool.call.arguments",
    "gen_ai.tool.call.result",
};
// Attribute keys are unique within OtlpAttributes, so leftovers can be appended unchecked.
const std::vector<std::string_view> kSortedPayloadKeys = [] {
    std::vector<std::string_view> keys(std::begin(kPayloadKeys), std::end(kPayloadKeys));
    std::sort(keys.begin(), keys.end());
    return keys;
}();

constexpr std::string_view kPayloadPrefixes[] = {
    "gen_ai.prompt",
    "gen_ai.completion",
    "llm.input_messages",
    "llm.output_messages",
};

// Rebuilds nested JSON from flattened keys ("0.role", "0.content", "1.message.content", ...).
// Nodes live in one vector, so neither building nor destroying recurses; paths are cut to
// kMaxDepth segments, so writing recurses at most that deep.
class FlatTree
{
public:
    static constexpr int kMaxDepth = 16;

    void set(std::string_view path, QByteArray leaf)
    {
        int node = 0;
        int depth = 0;
        while (!path.empty()) {
            size_t dot = path.find('.');
            if (++depth >= kMaxDepth)
                dot = std::string_view::npos; // the rest of the path is one key
            const std::string_view segment = path.substr(0, dot);
            path = dot == std::string_view::npos ? std::string_view() : path.substr(dot + 1);
            node = child(node, bytesOf(segment));
        }
        Node &target = m_nodes[size_t(node)];
        target.children.clear();
        target.index.clear();
        target.leaf = std::move(leaf);
    }

    QByteArray toJson() const
    {
        QByteArray out;
        write(out, 0);
        return out;
    }

private:
    struct Node
    {
        QByteArray leaf; // JSON text when the node is a leaf
        std::vector<std::pair<QByteArray, int>> children;
        QHash<QByteArray, int> index; // once a node has many children
    };

    int child(int parent, QByteArrayView key)
    {
        Node &node = m_nodes[size_t(parent)];
        node.leaf.clear(); // a value that gains children becomes an object, as in Langfuse
        if (!node.children.empty() && node.children.back().first == key)
            return node.children.back().second; // sorted input: the usual case
        if (!node.index.isEmpty()) {
            const auto it = node.index.constFind(key.toByteArray());
            if (it != node.index.constEnd())
                return *it;
        } else {
            for (const auto &[childKey, childNode] : node.children) {
                if (childKey == key)
                    return childNode;
            }
        }
        const int created = int(m_nodes.size());
        Node &owner = m_nodes[size_t(parent)];
        owner.children.emplace_back(key.toByteArray(), created);
        if (!owner.index.isEmpty()) {
            owner.index.insert(key.toByteArray(), created);
        } else if (owner.children.size() > 16) {
            for (const auto &[childKey, childNode] : owner.children)
                owner.index.insert(childKey, childNode);
        }
        m_nodes.emplace_back();
        return created;
    }

    void write(QByteArray &out, int index) const
    {
        const Node &node = m_nodes[size_t(index)];
        if (node.children.empty()) {
            out.append(node.leaf.isEmpty() ? QByteArrayLiteral("{}") : node.leaf);
            return;
        }
        const bool array = std::all_of(
            node.children.begin(), node.children.end(), [](const auto &c) { return isDigits(c.first); });
        if (array) {
            std::vector<std::pair<int, int>> order; // (index, node)
            order.reserve(node.children.size());
            for (const auto &[key, childNode] : node.children)
                order.emplace_back(key.toInt(), childNode);
            std::stable_sort(order.begin(), order.end());
            out.append('[');
            for (size_t i = 0; i < order.size(); ++i) {
                if (i > 0)
                    out.append(',');
                write(out, order[i].second);
            }
            out.append(']');
            return;
        }
        out.append('{');
        for (size_t i = 0; i < node.children.size(); ++i) {
            if (i > 0)
                out.append(',');
            const QByteArray &key = node.children[i].first;
            JsonText::appendQuoted(out, std::string_view(key.constData(), size_t(key.size())));
            out.append(':');
            write(out, node.children[i].second);
        }
        out.append('}');
    }

    std::vector<Node> m_nodes { Node {} };
};

// gen_ai.prompt as one value, or rebuilt from gen_ai.prompt.<i>.<field> keys.
QByteArray flattenedPayload(const OtlpAttributes &attributes, std::string_view prefix)
{
    if (const AnyValue *exact = attributes.given(prefix))
        return OtlpAttributes::toPayloadJson(*exact);
    const auto [begin, end] = attributes.withDottedPrefix(prefix);
    if (begin == end)
        return QByteArray();
    const size_t dotted = prefix.size() + 1;
    bool useArray = false;
    for (auto it = begin; it != end && !useArray; ++it) {
        const std::string_view rest = it->key.substr(dotted);
        const size_t dot = rest.find('.');
        useArray = dot != std::string_view::npos && isDigits(bytesOf(rest.substr(0, dot)));
    }
    FlatTree tree;
    for (auto it = begin; it != end; ++it) {
        const std::string_view rest = it->key.substr(dotted);
        if (useArray && !isDigits(bytesOf(rest.substr(0, rest.find('.')))))
            continue;
        tree.set(rest, OtlpAttributes::toJson(it->value));
    }
    return tree.toJson();
}

std::optional<QByteArray> stringMember(const std::vector<JsonText::Member> &members, QByteArrayView key)
{
    for (const auto &member : members) {
        if (member.key == key)
            return JsonText::unquote(member.value);
    }
    return std::nullopt;
}

bool hasMember(const std::vector<JsonText::Member> &members, QByteArrayView key)
{
    return std::any_of(members.begin(), members.end(), [key](const auto &m) { return m.key == key; });
}

QByteArray systemMessage(const QByteArray &text)
{
    JsonObjectBuilder message;
    message.set("role", QByteArrayLiteral("\"system\""));
    message.set("content", JsonText::quote(std::string_view(text.constData(), size_t(text.size()))));
    return message.toJson();
}

// gen_ai.system_instructions as a list of system messages: structured messages ({role, parts})
// are kept one by one; text parts and strings are joined into one {role: system, content}.
std::vector<QByteArray> systemMessages(const AnyValue &instructions)
{
    QByteArray json;
    if (instructions.value_case() == AnyValue::kStringValue) {
        const QByteArray raw = QByteArrayView(instructions.string_value()).toByteArray();
        if (!JsonText::isValid(raw))
            return { systemMessage(raw) };
        json = JsonText::trimmed(raw).toByteArray();
    } else {
        json = OtlpAttributes::toJson(instructions);
    }
    if (auto text = JsonText::unquote(json))
        return text->isEmpty() ? std::vector<QByteArray>() : std::vector<QByteArray> { systemMessage(*text) };
    std::vector<QByteArrayView> elements;
    if (auto array = JsonText::arrayElements(json))
        elements = std::move(*array);
    else if (JsonText::objectMembers(json))
        elements.push_back(json);
    if (elements.empty())
        return {};

    std::vector<std::vector<JsonText::Member>> objects;
    for (const QByteArrayView element : elements) {
        auto members = JsonText::objectMembers(element);
        if (!members || (!hasMember(*members, "role") && !hasMember(*members, "parts")))
            break;
        objects.push_back(std::move(*members));
    }
    if (objects.size() == elements.size()) {
        std::vector<QByteArray> messages;
        for (size_t i = 0; i < elements.size(); ++i) {
            if (hasMember(objects[i], "role")) {
                messages.push_back(elements[i].toByteArray());
                continue;
            }
            JsonObjectBuilder message;
            message.set("role", QByteArrayLiteral("\"system\""));
            message.merge(elements[i]);
            messages.push_back(message.toJson());
        }
        return messages;
    }

    QByteArrayList texts;
    for (const QByteArrayView element : elements) {
        if (auto text = JsonText::unquote(element)) {
            texts.append(*text);
            continue;
        }
        const auto members = JsonText::objectMembers(element);
        if (!members)
            continue;
        if (auto content = stringMember(*members, "content")) {
            texts.append(*content);
            continue;
        }
        for (const auto &member : *members) {
            if (member.key != "parts")
                continue;
            for (const QByteArrayView part :
                JsonText::arrayElements(member.value).value_or(std::vector<QByteArrayView>())) {
                if (const auto partMembers = JsonText::objectMembers(part)) {
                    if (auto content = stringMember(*partMembers, "content"))
                        texts.append(*content);
                }
            }
        }
    }
    const QByteArray joined = texts.join('\n');
    if (joined.isEmpty())
        return {};
    return { systemMessage(joined) };
}

} // namespace

QByteArray OtlpSpanReader::leftoverAttributesJson() const
{
    QByteArray out;
    out.reserve(256);
    appendLeftoverAttributes(out);
    return out;
}

void OtlpSpanReader::appendLeftoverAttributes(QByteArray &out) const
{
    // Written straight into one buffer (the same text a JsonObjectBuilder of appended members
    // gives): this runs for every span, and building members first cost an allocation each.
    const qsizetype open = out.size();
    out.append('{');
    QByteArray nonString;
    for (const OtlpAttributes::Entry &entry : m_attributes.entries()) {
        if (std::binary_search(kSortedPayloadKeys.begin(), kSortedPayloadKeys.end(), entry.key))
            continue;
        if (std::any_of(std::begin(kPayloadPrefixes), std::end(kPayloadPrefixes),
                [&entry](std::string_view prefix) { return entry.key.substr(0, prefix.size()) == prefix; }))
            continue;
        if (out.size() > open + 1)
            out.append(',');
        JsonText::appendQuoted(out, entry.key);
        out.append(':');
        // Langfuse keeps these as strings: non-string values are stored as their JSON text.
        if (entry.value.value_case() == AnyValue::kStringValue) {
            OtlpAttributes::appendJson(out, entry.value);
        } else {
            nonString.clear();
            OtlpAttributes::appendJson(nonString, entry.value);
            JsonText::appendQuoted(out, std::string_view(nonString.constData(), size_t(nonString.size())));
        }
    }
    out.append('}');
}

QByteArray OtlpSpanReader::withSystemInstructions(QByteArray messages) const
{
    const AnyValue *instructions = m_attributes.given("gen_ai.system_instructions");
    if (!instructions)
        return messages;
    std::vector<QByteArray> system = systemMessages(*instructions);
    if (system.empty())
        return messages;
    std::vector<QByteArrayView> existing;
    if (!messages.isEmpty()) {
        auto elements = JsonText::arrayElements(messages);
        if (!elements)
            return messages; // not a message list: nothing to put the instructions in front of
        existing = std::move(*elements);
    }
    for (const QByteArrayView element : existing) {
        const auto members = JsonText::objectMembers(element);
        if (members && stringMember(*members, "role") == QByteArray("system"))
            return messages; // the input already has its system message
    }
    QByteArray out = "[";
    for (const QByteArray &message : system) {
        if (out.size() > 1)
            out.append(',');
        out.append(message);
    }
    for (const QByteArrayView element : existing) {
        out.append(',');
        out.append(element);
    }
    out.append(']');
    return out;
}

OtlpSpanReader::Payloads OtlpSpanReader::eventPayloads() const
{
    QByteArrayList inputs;
    QByteArrayList outputs;
    for (const otlpwire::Event &event : m_span.events) {
        const std::string_view name = event.name;
        const bool isInput = name == "gen_ai.system.message" || name == "gen_ai.user.message"
            || name == "gen_ai.assistant.message" || name == "gen_ai.tool.message";
        if (!isInput && name != "gen_ai.choice")
            continue;
        JsonObjectBuilder message;
        if (isInput) {
            // "gen_ai.user.message" -> "user"
            const std::string_view role = name.substr(7, name.size() - 7 - 8);
            message.set("role", JsonText::quote(role));
        }
        const OtlpAttributes attributes(event.attributes);
        for (const OtlpAttributes::Entry &entry : attributes.entries())
            message.set(bytesOf(entry.key), OtlpAttributes::toJson(entry.value));
        (isInput ? inputs : outputs).append(message.toJson());
    }
    Payloads payloads;
    if (!inputs.isEmpty())
        payloads.input = '[' + inputs.join(',') + ']';
    if (outputs.size() == 1)
        payloads.output = outputs.front();
    else if (!outputs.isEmpty())
        payloads.output = '[' + outputs.join(',') + ']';
    return payloads;
}

OtlpSpanReader::Payloads OtlpSpanReader::frameworkPayloads() const
{
    const OtlpAttributes &a = m_attributes;
    auto given = [&a](std::string_view key) { return a.given(key); };
    auto pair = [this](const AnyValue *in, const AnyValue *out) {
        return Payloads { payload(in), payload(out) };
    };

    // Vercel AI SDK.
    if (m_scope.scopeName == u"ai") {
        Payloads p;
        p.input = payload(a.find("ai.prompt.messages") ? a.find("ai.prompt.messages")
                : a.find("ai.prompt")                    ? a.find("ai.prompt")
                                                         : a.find("ai.toolCall.args"));
        if (a.find("ai.response.text") && a.find("ai.response.toolCalls")) {
            JsonObjectBuilder message;
            message.set("role", QByteArrayLiteral("\"assistant\""));
            message.set("content", OtlpAttributes::toJson(*a.find("ai.response.text")));
            message.set("tool_calls", OtlpAttributes::toPayloadJson(*a.find("ai.response.toolCalls")));
            p.output = message.toJson();
        } else {
            const AnyValue *out = given("ai.response.text");
            for (const std::string_view key : { "ai.result.text", "ai.toolCall.result", "ai.response.object",
                     "ai.result.object", "ai.response.toolCalls", "ai.result.toolCalls" }) {
                if (!out)
                    out = a.find(key);
            }
            p.output = payload(out);
        }
        return p;
    }

    Payloads p = eventPayloads();
    if (!p.input.isEmpty() || !p.output.isEmpty())
        return p;

    // Google ADK sets llm_request/llm_response to "{}" on tool calls.
    const AnyValue *in = given("gcp.vertex.agent.llm_request");
    const AnyValue *out = given("gcp.vertex.agent.llm_response");
    if (!in || OtlpAttributes::stringView(*in) == "{}")
        in = given("gcp.vertex.agent.tool_call_args");
    if (!out || OtlpAttributes::stringView(*out) == "{}")
        out = given("gcp.vertex.agent.tool_response");
    if (in || out)
        return pair(in, out);

    struct KeyPair
    {
        std::array<std::string_view, 3> in;
        std::array<std::string_view, 2> out;
    };
    static constexpr KeyPair kPairs[] = {
        { { "prompt" }, { "all_messages_events" } }, // Logfire
        { { "lk.input_text", "lk.user_transcript", "lk.chat_ctx" },
            { "lk.function_tool.output", "lk.response.text" } },
        { { "mlflow.spanInputs" }, { "mlflow.spanOutputs" } },
        { { "traceloop.entity.input" }, { "traceloop.entity.output" } },
        { { "input.value" }, { "output.value" } }, // OpenInference, SmolAgents
        { { "input" }, { "output" } }, // Pydantic, Pipecat
    };
    auto firstOf = [&a](const auto &keys) -> const AnyValue * {
        for (const std::string_view key : keys) {
            if (key.empty())
                break;
            if (const AnyValue *value = a.given(key))
                return value;
        }
        return nullptr;
    };
    for (const KeyPair &keys : kPairs) {
        in = firstOf(keys.in);
        out = firstOf(keys.out);
        if (in || out)
            return pair(in, out);
    }
    if (m_scope.scopeName == u"pydantic-ai") {
        in = given("pydantic_ai.all_messages");
        out = given("final_result");
        if (in || out)
            return Payloads { withSystemInstructions(payload(in)), payload(out) };
    }
    in = given("tool_arguments");
    out = given("tool_response");
    if (in || out)
        return pair(in, out);

    for (const auto &[inPrefix, outPrefix] : { std::pair { "gen_ai.prompt", "gen_ai.completion" },
             { "llm.input_messages", "llm.output_messages" } }) {
        p.input = flattenedPayload(a, inPrefix);
        p.output = flattenedPayload(a, outPrefix);
        if (!p.input.isEmpty() || !p.output.isEmpty())
            return p;
    }

    in = given("gen_ai.input.messages");
    out = given("gen_ai.output.messages");
    if (in || out)
        return Payloads { withSystemInstructions(payload(in)), payload(out) };

    return pair(given("gen_ai.tool.call.arguments"), given("gen_ai.tool.call.result"));
}

QByteArray OtlpSpanReader::payload(const AnyValue *value) const
{
    return value ? OtlpAttributes::toPayloadJson(*value, m_scope.source) : QByteArray();
}

OtlpSpanReader::Payloads OtlpSpanReader::observationPayloads() const
{
    const AnyValue *in = m_attributes.given("langfuse.observation.input");
    const AnyValue *out = m_attributes.given("langfuse.observation.output");
    if (in || out)
        return Payloads { payload(in), payload(out) };
    return frameworkPayloads();
}

OtlpSpanReader::Payloads OtlpSpanReader::tracePayloads(const Payloads &observation) const
{
    const AnyValue *in = m_attributes.given("langfuse.trace.input");
    const AnyValue *out = m_attributes.given("langfuse.trace.output");
    if (in || out) {
        return Payloads { payload(in ? in : m_attributes.given("langfuse.observation.input")),
            payload(out ? out : m_attributes.given("langfuse.observation.output")) };
    }
    return observation;
}

} // namespace tg
