#include "demotext.h"

#include <array>
#include <vector>

namespace tg::demotext {

namespace {

const std::array<const char *, 12> kSupportQuestions {
    "Where is my order %1? It was supposed to arrive on Tuesday.",
    "I was charged twice for order %1, can you refund one of the payments?",
    "How do I change the shipping address for order %1?",
    "The blender I received with order %1 is broken. Can I get a replacement?",
    "Can I return the shoes from order %1 if I already wore them once?",
    "My discount code SPRING25 did not apply to order %1.",
    "Why was my account locked after I reset my password?",
    "Do you ship to Zürich? The checkout page says my address is invalid.",
    "I need an invoice with my company VAT number for order %1.",
    "The tracking link for order %1 says 'label created' for five days now.",
    "Can you cancel order %1? I ordered the wrong size.",
    "Mon colis %1 n'est toujours pas arrivé, pouvez-vous vérifier ?",
};

const std::array<const char *, 10> kCodeQuestions {
    "The tests in test_parser.py fail since the last refactor, can you fix them?",
    "Add retry with exponential backoff to the HTTP client in src/net/client.ts.",
    "Why does the build fail with 'undefined reference to vtable for Worker'?",
    "Refactor the payment module so the Stripe calls can be mocked in tests.",
    "Find where we leak file descriptors in the upload handler.",
    "Write a migration that adds an index on orders(customer_id, created_at).",
    "The CI job times out on the integration tests; make them run in parallel.",
    "Rename the config key 'timeout' to 'request_timeout_ms' everywhere.",
    "Explain what the function merge_intervals in utils.py does and add type hints.",
    "Upgrade the project from Python 3.10 to 3.12 and fix the deprecation warnings.",
};

const std::array<const char *, 10> kResearchQuestions {
    "Compare the battery chemistries used in grid-scale storage deployed since 2020.",
    "What are the main arguments for and against a four-day work week, with sources?",
    "Summarise recent research on retrieval-augmented generation evaluation methods.",
    "How did the price of lithium carbonate develop over the last three years?",
    "Write a brief on heat pump adoption in Nordic countries and what drove it.",
    "Which open-source vector databases support hybrid search, and how do they differ?",
    "What is known about the health effects of ultra-processed food? Cite studies.",
    "Give me an overview of EU AI Act obligations for providers of general-purpose models.",
    "Find the most cited papers on speculative decoding and explain the core idea.",
    "How do São Paulo and Mexico City compare on public transport ridership?",
};

const std::array<const char *, 10> kDocsQuestions {
    "How do I rotate the API keys without downtime?",
    "What is the rate limit for the ingestion endpoint?",
    "Can I self-host the server behind a reverse proxy with a path prefix?",
    "How do I export all traces of a project as CSV?",
    "Which SDK versions support OpenTelemetry export?",
    "How are costs calculated for models with cached input tokens?",
    "Is there a way to mask PII before traces are sent?",
    "How do I configure SSO with Okta?",
    "What happens to data when a project is deleted?",
    "How do I link a prompt version to a generation?",
};

const std::array<const char *, 6> kBatchQuestions {
    "Summarise the following support ticket in two sentences and classify its urgency.",
    "Extract the product names and quantities from this email as JSON.",
    "Translate the release notes below into German, keep the Markdown formatting.",
    "Classify the sentiment of each review below as positive, neutral or negative.",
    "Write a short title for this conversation.",
    "Detect the language of the following text and return its ISO code.",
};

const std::array<const char *, 24> kSentences {
    "The order was packed at the warehouse in Rotterdam and handed to the carrier the next morning.",
    "According to the knowledge base, refunds are processed within five business days.",
    "The function returns early when the input list is empty, which hides the real error.",
    "Several studies report a measurable effect, although sample sizes were small.",
    "The retry policy honours the Retry-After header and adds jitter between attempts.",
    "Customers in the EU can return items within thirty days without giving a reason.",
    "The stack trace points to a null pointer in the cache eviction path.",
    "A 2023 survey of 1,200 companies found adoption concentrated in large firms.",
    "The migration must run before the new index is used by the query planner.",
    "We verified the address against the postal database and found a typo in the street name.",
    "The evaluation compares exact match, F1 and an LLM judge on the same held-out set.",
    "Tokens from the cached prefix are billed at a lower rate than fresh input tokens.",
    "The carrier reported a delay because of a strike at the sorting centre.",
    "Each worker processes one partition, so the total runtime depends on the largest shard.",
    "The report distinguishes between installed capacity and actual generation.",
    "Your replacement has been scheduled and you will receive a confirmation e-mail shortly.",
    "The test fixture creates a temporary directory that is never cleaned up.",
    "Prices rose sharply in 2022 before falling back as new mines came online.",
    "The integration uses OAuth 2.0 with short-lived access tokens and refresh tokens.",
    "Le remboursement sera visible sur votre relevé dans un délai de cinq jours ouvrés.",
    "The benchmark was run three times and the median is reported.",
    "Hybrid search combines BM25 scores with dense vector similarity before reranking.",
    "The logs show the request was retried twice before the timeout was reached.",
    "Die Bestellung wurde bereits versandt und sollte morgen zugestellt werden.",
};

const std::array<const char *, 5> kSystemPrompts {
    "You are a friendly customer support agent for Northwind Outfitters. Use the tools to look up orders, "
    "shipping status and refunds. Never promise a refund before checking the order. Answer in the customer's "
    "language.",
    "You are an expert software engineer working in the user's repository. Read files before editing them, "
    "run "
    "the tests after every change, and explain what you changed.",
    "You are a research assistant. Search the web, read the sources, and write a balanced summary with "
    "citations in [n] form. Say when the evidence is weak.",
    "Answer questions about the product using only the documentation excerpts provided. If the answer is not "
    "in "
    "the excerpts, say so.",
    "You are a precise assistant for batch text processing. Follow the output format exactly.",
};

} // namespace

QByteArray quoted(QStringView text)
{
    const QByteArray utf8 = text.toUtf8();
    QByteArray out;
    out.reserve(utf8.size() + 8);
    out += '"';
    for (const char c : utf8) {
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\t':
            out += "\\t";
            break;
        case '\r':
            out += "\\r";
            break;
        default:
            if (static_cast<unsigned char>(c) < 0x20) {
                static const char digits[] = "0123456789abcdef";
                out += "\\u00";
                out += digits[(c >> 4) & 0xf];
                out += digits[c & 0xf];
            } else {
                out += c;
            }
        }
    }
    out += '"';
    return out;
}

QByteArray quotedJson(const QByteArray &json)
{
    return quoted(QString::fromUtf8(json));
}

QString question(DemoRandom &rng, Topic topic)
{
    switch (topic) {
    case Topic::Support: {
        QString text = QString::fromUtf8(rng.pick(kSupportQuestions));
        return text.replace(QStringLiteral("%1"), QString::number(rng.range(100000, 999999)));
    }
    case Topic::Code:
        return QString::fromUtf8(rng.pick(kCodeQuestions));
    case Topic::Research:
        return QString::fromUtf8(rng.pick(kResearchQuestions));
    case Topic::Docs:
        return QString::fromUtf8(rng.pick(kDocsQuestions));
    case Topic::Batch:
        return QString::fromUtf8(rng.pick(kBatchQuestions));
    }
    return {};
}

QString prose(DemoRandom &rng, int chars)
{
    static const std::vector<QString> sentences = [] {
        std::vector<QString> list;
        for (const char *s : kSentences)
            list.push_back(QString::fromUtf8(s));
        return list;
    }();
    QString text;
    text.reserve(chars + 128);
    do {
        if (!text.isEmpty())
            text += u' ';
        text += rng.pick(sentences);
    } while (text.size() < chars);
    return text;
}

QString systemPrompt(Topic topic)
{
    switch (topic) {
    case Topic::Support:
        return QString::fromUtf8(kSystemPrompts[0]);
    case Topic::Code:
        return QString::fromUtf8(kSystemPrompts[1]);
    case Topic::Research:
        return QString::fromUtf8(kSystemPrompts[2]);
    case Topic::Docs:
        return QString::fromUtf8(kSystemPrompts[3]);
    case Topic::Batch:
        return QString::fromUtf8(kSystemPrompts[4]);
    }
    return {};
}

} // namespace tg::demotext
