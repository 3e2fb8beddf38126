// An OpenTelemetry JS SDK app exporting a nested agent trace with the official OTLP exporters:
//   node clients/otel-sdk.mjs proto|json|grpc
// proto: @opentelemetry/exporter-trace-otlp-proto (gzip) to $TRACEGLASS_OTLP_HTTP/v1/traces
// json:  @opentelemetry/exporter-trace-otlp-http (OTLP/JSON) to the same path
// grpc:  @opentelemetry/exporter-trace-otlp-grpc to $TRACEGLASS_OTLP_GRPC
// Spans carry the gen_ai.* semantic conventions; the exporter's own result decides the exit code.
import { SpanStatusCode, context, trace } from '@opentelemetry/api';
import { ExportResultCode } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { chat, fail, hexId, report, requireEnv, watchdog } from './common.mjs';

const protocol = process.argv[2];
watchdog();

async function makeExporter() {
  switch (protocol) {
  case 'proto': {
    const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-proto');
    return new OTLPTraceExporter({
      url: `${requireEnv('TRACEGLASS_OTLP_HTTP')}/v1/traces`,
      compression: 'gzip',
    });
  }
  case 'json': {
    const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-http');
    return new OTLPTraceExporter({ url: `${requireEnv('TRACEGLASS_OTLP_HTTP')}/v1/traces` });
  }
  case 'grpc': {
    const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-grpc');
    return new OTLPTraceExporter({ url: requireEnv('TRACEGLASS_OTLP_GRPC') });
  }
  default:
    console.error('usage: otel-sdk.mjs proto|json|grpc');
    process.exit(2);
  }
}

const exporter = await makeExporter();
// Spans are collected in memory and then handed to the real exporter, so its result callback
// (not a log line) tells whether the receiver accepted them.
const memory = new InMemorySpanExporter();
const provider = new BasicTracerProvider({
  resource: resourceFromAttributes({
    'service.name': `traceglass-it-${protocol}`,
    'service.version': '1.4.2',
  }),
  spanProcessors: [new SimpleSpanProcessor(memory)],
});
const tracer = provider.getTracer('traceglass-integration', '1.0.0');
const under = (span) => trace.setSpan(context.active(), span);
const messages = (role, text, extra = {}) => [{ role, parts: [{ type: 'text', content: text }], ...extra }];

const userId = `user-${hexId(3)}`;
const sessionId = `session-${hexId(4)}`;
const tags = ['integration', `otel-${protocol}`];
const agentInput = messages('user', chat.question);
const agentOutput = messages('assistant', chat.answer, { finish_reason: 'stop' });

const agent = tracer.startSpan('trip-planner', {
  attributes: {
    'gen_ai.operation.name': 'invoke_agent',
    'gen_ai.agent.name': 'trip-planner',
    'user.id': userId,
    'session.id': sessionId,
    'langfuse.trace.tags': tags,
    'gen_ai.input.messages': JSON.stringify(agentInput),
  },
});

const weatherArgs = { city: 'Zürich', unit: 'celsius' };
const weatherResult = { temp_c: 18, sky: 'light rain', hourly: [17.5, 18, 18.5] };
const weather = tracer.startSpan('execute_tool get_weather', {
  attributes: {
    'gen_ai.operation.name': 'execute_tool',
    'gen_ai.tool.name': 'get_weather',
    'gen_ai.tool.call.id': `call_${hexId(6)}`,
    'gen_ai.tool.call.arguments': JSON.stringify(weatherArgs),
    'gen_ai.tool.call.result': JSON.stringify(weatherResult),
  },
}, under(agent));
weather.end();

const trains = tracer.startSpan('execute_tool search_trains', {
  attributes: {
    'gen_ai.operation.name': 'execute_tool',
    'gen_ai.tool.name': 'search_trains',
    'gen_ai.tool.call.arguments': JSON.stringify({ from: 'Paris', to: 'Zürich', day: 'friday' }),
  },
}, under(agent));
const trainsError = new Error('SBB timetable API returned 503');
trainsError.name = 'UpstreamError';
trains.recordException(trainsError);
trains.setStatus({ code: SpanStatusCode.ERROR, message: 'SBB timetable API returned 503' });
trains.end();

const plan = tracer.startSpan('plan-route', { attributes: { 'route.legs': 2 } }, under(agent));
const llmInput = [
  { role: 'system', parts: [{ type: 'text', content: chat.system }] },
  ...messages('user', chat.question),
];
const llmOutput = messages('assistant', chat.answer, { finish_reason: 'stop' });
const generation = tracer.startSpan('chat gpt-4o-mini', {
  attributes: {
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': 'openai',
    'gen_ai.request.model': 'gpt-4o-mini',
    'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
    'gen_ai.request.temperature': 0.2,
    'gen_ai.request.max_tokens': 512,
    'gen_ai.usage.input_tokens': 1250,
    'gen_ai.usage.cache_read.input_tokens': 1024,
    'gen_ai.usage.output_tokens': 310,
    'gen_ai.usage.reasoning.output_tokens': 128,
    'gen_ai.usage.cost': 0.004215,
    'gen_ai.input.messages': JSON.stringify(llmInput),
    'gen_ai.output.messages': JSON.stringify(llmOutput),
  },
}, under(plan));
generation.end();
plan.end();
agent.setAttribute('gen_ai.output.messages', JSON.stringify(agentOutput));
agent.end();

function exportSpans(spans) {
  return new Promise((resolve) => exporter.export(spans, resolve));
}

// Two exports, children first, as a batching SDK sends a long-running agent: the receiver must
// link the tree across requests.
const ended = memory.getFinishedSpans();
const agentSpanId = agent.spanContext().spanId;
const batches = [ended.filter((s) => s.spanContext().spanId !== agentSpanId),
  ended.filter((s) => s.spanContext().spanId === agentSpanId)];
for (const batch of batches) {
  const result = await exportSpans(batch);
  if (result.code !== ExportResultCode.SUCCESS)
    fail(`${protocol} export of ${batch.length} spans`, result.error);
}
await exporter.shutdown();

const traceId = agent.spanContext().traceId;
const id = (span) => span.spanContext().spanId;
report({
  client: `otel-${protocol}`,
  traces: [{
    id: traceId,
    name: 'trip-planner',
    userId,
    sessionId,
    tags,
    input: agentInput,
    output: agentOutput,
    observationCount: 5,
    errorCount: 1,
  }],
  observations: [
    { id: id(agent), traceId, parentId: null, name: 'trip-planner', type: 'AGENT', level: 'DEFAULT',
      input: agentInput, output: agentOutput },
    { id: id(weather), traceId, parentId: id(agent), name: 'get_weather', type: 'TOOL', level: 'DEFAULT',
      input: weatherArgs, output: weatherResult },
    { id: id(trains), traceId, parentId: id(agent), name: 'search_trains', type: 'TOOL', level: 'ERROR',
      statusMessage: 'SBB timetable API returned 503' },
    { id: id(plan), traceId, parentId: id(agent), name: 'plan-route', type: 'SPAN', level: 'DEFAULT' },
    { id: id(generation), traceId, parentId: id(plan), name: 'chat gpt-4o-mini', type: 'GENERATION',
      level: 'DEFAULT', model: 'gpt-4o-mini-2024-07-18',
      usage: { input: 226, input_cached_tokens: 1024, output: 182, output_reasoning_tokens: 128 },
      cost: { total: 0.004215 },
      modelParameters: { temperature: 0.2, max_tokens: 512 },
      input: llmInput, output: llmOutput },
  ],
});
