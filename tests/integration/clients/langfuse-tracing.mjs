// A Langfuse JS SDK (v4+: @langfuse/tracing + @langfuse/otel) app pointed at Traceglass as its
// Langfuse host: LANGFUSE_BASE_URL, LANGFUSE_PUBLIC_KEY, LANGFUSE_SECRET_KEY. The SDK sends
// OTLP/HTTP JSON to $LANGFUSE_BASE_URL/api/public/otel/v1/traces with Basic auth.
import { LangfuseSpanProcessor } from '@langfuse/otel';
import { propagateAttributes, startActiveObservation } from '@langfuse/tracing';
import { setGlobalErrorHandler } from '@opentelemetry/core';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { chat, fail, hexId, report, requireEnv, watchdog } from './common.mjs';

watchdog();
const exportErrors = [];
// The span processors report failed exports here (and log them nowhere else by default).
setGlobalErrorHandler((error) => exportErrors.push(error));

const processor = new LangfuseSpanProcessor({
  baseUrl: requireEnv('LANGFUSE_BASE_URL'),
  publicKey: requireEnv('LANGFUSE_PUBLIC_KEY'),
  secretKey: requireEnv('LANGFUSE_SECRET_KEY'),
  environment: 'integration',
  release: 'it-1.0',
  timeout: 5,
});
const provider = new NodeTracerProvider({ spanProcessors: [processor] });
provider.register();

const userId = `user-${hexId(3)}`;
const sessionId = `session-${hexId(4)}`;
const tags = ['integration', 'langfuse-tracing'];
const question = { question: chat.question };
const finalAnswer = { answer: chat.answer, sources: ['sbb.ch', 'meteoswiss'] };
const llmInput = [
  { role: 'system', content: chat.system },
  { role: 'user', content: chat.question },
];
const llmOutput = { role: 'assistant', content: chat.answer };
const ids = {};

await propagateAttributes({ userId, sessionId, tags, traceName: 'support-agent' }, async () => {
  await startActiveObservation('support-agent', async (agent) => {
    ids.trace = agent.traceId;
    ids.agent = agent.id;
    agent.update({ input: question, metadata: { tenant: 'acme' } });

    await startActiveObservation('lookup-booking', async (tool) => {
      ids.tool = tool.id;
      tool.update({ input: { bookingRef: 'ZRH-4471' }, output: { status: 'confirmed', seats: 2 } });
    }, { asType: 'tool' });

    await startActiveObservation('fetch-delays', async (tool) => {
      ids.failing = tool.id;
      const error = new Error('delay feed timed out after 3000 ms');
      tool.otelSpan.recordException(error);
      tool.update({ level: 'ERROR', statusMessage: error.message, input: { line: 'TGV Lyria 9203' } });
    }, { asType: 'tool' });

    await startActiveObservation('compose-answer', async (generation) => {
      ids.generation = generation.id;
      generation.update({
        model: 'claude-sonnet-4-5',
        modelParameters: { temperature: 0.3, max_tokens: 800 },
        input: llmInput,
      });
      generation.update({
        output: llmOutput,
        usageDetails: { input: 840, input_cached_tokens: 2048, output: 96, output_reasoning_tokens: 310 },
        costDetails: { input: 0.00252, input_cached_tokens: 0.000614, output: 0.00609, total: 0.009224 },
      });
    }, { asType: 'generation' });

    const note = agent.startObservation('handoff-note', { input: { reason: 'VIP customer' } }, { asType: 'event' });
    ids.event = note.id;
    agent.update({ output: finalAnswer });
  }, { asType: 'agent' });
});

try {
  await provider.forceFlush();
  await provider.shutdown();
} catch (error) {
  exportErrors.push(error);
}
if (exportErrors.length > 0)
  fail('Langfuse span processor', exportErrors[0]);

const traceId = ids.trace;
report({
  client: 'langfuse-tracing',
  traces: [{
    id: traceId,
    name: 'support-agent',
    userId,
    sessionId,
    tags,
    input: question,
    output: finalAnswer,
    observationCount: 5,
    errorCount: 1,
  }],
  observations: [
    { id: ids.agent, traceId, parentId: null, name: 'support-agent', type: 'AGENT', level: 'DEFAULT',
      input: question, output: finalAnswer },
    { id: ids.tool, traceId, parentId: ids.agent, name: 'lookup-booking', type: 'TOOL', level: 'DEFAULT',
      input: { bookingRef: 'ZRH-4471' }, output: { status: 'confirmed', seats: 2 } },
    { id: ids.failing, traceId, parentId: ids.agent, name: 'fetch-delays', type: 'TOOL', level: 'ERROR',
      statusMessage: 'delay feed timed out after 3000 ms', input: { line: 'TGV Lyria 9203' } },
    { id: ids.generation, traceId, parentId: ids.agent, name: 'compose-answer', type: 'GENERATION',
      level: 'DEFAULT', model: 'claude-sonnet-4-5',
      modelParameters: { temperature: 0.3, max_tokens: 800 },
      usage: { input: 840, input_cached_tokens: 2048, output: 96, output_reasoning_tokens: 310 },
      cost: { input: 0.00252, input_cached_tokens: 0.000614, output: 0.00609, total: 0.009224 },
      input: llmInput, output: llmOutput },
    { id: ids.event, traceId, parentId: ids.agent, name: 'handoff-note', type: 'EVENT', level: 'DEFAULT',
      input: { reason: 'VIP customer' } },
  ],
});
