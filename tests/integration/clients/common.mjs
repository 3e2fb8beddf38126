// Shared by the client scripts that tests/integration/tst_realclients.cpp runs against an
// in-process Traceglass receiver. Each script sends one realistic agent trace with a real SDK,
// then prints what the store must now hold as one line: "TRACEGLASS_SENT <json>".
//
//   sent = { client, traces: [{ id, name?, userId?, sessionId?, tags?, input?, output?, observations }],
//            observations: [{ id, traceId, parentId, name, type, level?, statusMessage?, model?,
//                             usage?, cost?, input?, output? }] }
//
// Fields left out are not checked. A script exits non-zero when an export fails, so a failing
// client shows up as a failed test even before the store is compared.
import { randomBytes } from 'node:crypto';

export function requireEnv(name) {
  const value = process.env[name];
  if (!value) {
    console.error(`${name} is not set (the test driver sets it)`);
    process.exit(2);
  }
  return value;
}

export function hexId(bytes) {
  return randomBytes(bytes).toString('hex');
}

export function report(sent) {
  process.stdout.write(`TRACEGLASS_SENT ${JSON.stringify(sent)}\n`);
}

export function fail(message, error) {
  console.error(`export failed: ${message}${error ? `: ${error.stack || error}` : ''}`);
  process.exit(1);
}

// A conversation the generations of every client share, so the payload checks compare real
// chat-shaped JSON (nested arrays, unicode, numbers) and not toy strings.
export const chat = {
  system: 'You are a travel agent. Answer briefly.',
  question: 'Find me a train from Paris to Zürich on Friday morning — and the weather there?',
  answer: 'The 07:22 TGV Lyria arrives 11:26 (CHF 89). Zürich: 18 °C, light rain.',
};

// Never let a stuck client hang the test: the driver waits ~20 s.
export function watchdog(seconds = 15) {
  const timer = setTimeout(() => fail(`no result after ${seconds} s`), seconds * 1000);
  timer.unref();
}
