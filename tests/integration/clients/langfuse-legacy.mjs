// The legacy Langfuse JS SDK (`langfuse` v3) pointed at Traceglass: it batches trace, span,
// generation and event create/update events and POSTs them to /api/public/ingestion (207).
import { Langfuse } from 'langfuse';
import { chat, fail, hexId, report, requireEnv, watchdog } from './common.mjs';

watchdog();
const problems = [];
const langfuse = new Langfuse({
  baseUrl: requireEnv('LANGFUSE_BASE_URL'),
  publicKey: requireEnv('LANGFUSE_PUBLIC_KEY'),
  secretKey: requireEnv('LANGFUSE_SECRET_KEY'),
  flushAt: 100,
  flushInterval: 60_000, // one batch at shutdown, so the test sees a single 207
  requestTimeout: 5000,
  fetchRetryCount: 0,
});
// A failed request or a 207 with errors arrives as "warning" (from flush) or "error".
langfuse.on('warning', (e) => problems.push(e));
langfuse.on('error', (e) => problems.push(e));

const userId = `user-${hexId(3)}`;
const sessionId = `session-${hexId(4)}`;
const tags = ['integration', 'langfuse-legacy'];
const query = { query: chat.question, locale: 'de-CH' };
const documents = [{ id: 'doc-17', score: 0.82 }, { id: 'doc-3', score: 0.61 }];
const llmInput = [
  { role: 'system', content: chat.system },
  { role: 'user', content: `${chat.question}\n\nContext: doc-17, doc-3` },
];
const llmOutput = { role: 'assistant', content: chat.answer };
const finalOutput = { answer: chat.answer, cited: ['doc-17'] };

const trace = langfuse.trace({
  id: `trace-${hexId(8)}`, // Langfuse ingestion ids are free-form strings
  name: 'rag-pipeline',
  userId,
  sessionId,
  tags,
  input: query,
  metadata: { pipeline: 'v2' },
});
const retrieve = trace.span({ name: 'retrieve-docs', input: { k: 4, index: 'timetables' } });
const miss = retrieve.event({ name: 'cache-miss', level: 'WARNING', statusMessage: 'embedding cache cold' });
retrieve.end({ output: { documents } });

const rerank = trace.span({ name: 'rerank', input: { candidates: 4 } });
rerank.end({ level: 'ERROR', statusMessage: 'reranker crashed: CUDA out of memory' });

const answer = trace.generation({
  name: 'answer',
  model: 'gpt-4.1',
  modelParameters: { temperature: 0, max_tokens: 400 },
  input: llmInput,
});
// The update carries output, usage and cost, as an SDK does when the stream ends.
answer.end({
  output: llmOutput,
  usageDetails: { input: 900, input_cached_tokens: 512, output: 120, output_reasoning_tokens: 64, total: 1596 },
  costDetails: { input: 0.0018, input_cached_tokens: 0.000256, output: 0.00096, total: 0.003016 },
});

// The older generation shape: usage with unit and costs in one object.
const summary = answer.generation({
  name: 'summarize',
  model: 'gpt-4.1-mini',
  input: 'Summarise the answer in one line.',
  output: 'Train 07:22, 18 °C.',
  usage: { input: 300, output: 40, total: 340, unit: 'TOKENS', inputCost: 0.00012, outputCost: 0.000064, totalCost: 0.000184 },
});
summary.end();
trace.update({ output: finalOutput });

await langfuse.shutdownAsync();
if (problems.length > 0)
  fail('legacy ingestion', problems[0]);

const traceId = trace.id;
report({
  client: 'langfuse-legacy',
  traces: [{
    id: traceId,
    name: 'rag-pipeline',
    userId,
    sessionId,
    tags,
    input: query,
    output: finalOutput,
    observationCount: 5,
    errorCount: 1,
  }],
  observations: [
    { id: retrieve.id, traceId, parentId: null, name: 'retrieve-docs', type: 'SPAN', level: 'DEFAULT',
      input: { k: 4, index: 'timetables' }, output: { documents } },
    { id: miss.id, traceId, parentId: retrieve.id, name: 'cache-miss', type: 'EVENT', level: 'WARNING',
      statusMessage: 'embedding cache cold' },
    { id: rerank.id, traceId, parentId: null, name: 'rerank', type: 'SPAN', level: 'ERROR',
      statusMessage: 'reranker crashed: CUDA out of memory' },
    { id: answer.id, traceId, parentId: null, name: 'answer', type: 'GENERATION', level: 'DEFAULT',
      model: 'gpt-4.1', modelParameters: { temperature: 0, max_tokens: 400 },
      usage: { input: 900, input_cached_tokens: 512, output: 120, output_reasoning_tokens: 64, total: 1596 },
      cost: { input: 0.0018, input_cached_tokens: 0.000256, output: 0.00096, total: 0.003016 },
      input: llmInput, output: llmOutput },
    { id: summary.id, traceId, parentId: answer.id, name: 'summarize', type: 'GENERATION', level: 'DEFAULT',
      model: 'gpt-4.1-mini', usage: { input: 300, output: 40, total: 340 },
      cost: { input: 0.00012, output: 0.000064, total: 0.000184 },
      input: 'Summarise the answer in one line.', output: 'Train 07:22, 18 °C.' },
  ],
});
