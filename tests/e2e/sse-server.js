// A local OpenAI-compatible streaming server for the end-to-end tests and the benchmark. The
// request's `model` picks the script, so one server serves every scenario:
//   transcript:NAME[:bytes][:DELAY]  tests/fixtures/streams/NAME.sse, one event per write (or one byte
//                                    per write), DELAY ms apart (default 15)
//   stall:TEXT                        TEXT as two deltas, then silence until the client hangs up
//   cutoff:TEXT                       TEXT as deltas, then the body ends without [DONE]
//   status:CODE                       an OpenAI-style error body with that status
//   reasoning:FORM[:DELAY]            REASONING then ANSWER, DELAY ms apart (default 40); FORM is
//                                    `field` (reasoning_content), `openrouter` (reasoning), `think`
//                                    (inline <think>…</think>) or `closeonly` (only </think>)
// It records every request (model, Authorization, body, arrival time, hang-up time).
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDriver, openApp } from './harness.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'streams');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function transcript(name) {
  return {
    sse: readFileSync(join(FIXTURES, `${name}.sse`)),
    expected: readFileSync(join(FIXTURES, `${name}.expected.txt`), 'utf8'),
  };
}

/** What the `reasoning:*` scripts think and answer (the window must keep them apart). */
export const REASONING = 'Okay, the user dreamt of a pig entering the house. In Korean tradition a pig means wealth…';
export const ANSWER = '돼지꿈은 재물이 들어올 길몽입니다.\n집으로 들어왔다면 더욱 좋아요.';

/** The pieces of `text`, about `n` characters each (code points, never half a character). */
function pieces(text, n) {
  const chars = [...text];
  const out = [];
  for (let i = 0; i < chars.length; i += n) out.push(chars.slice(i, i + n).join(''));
  return out;
}

function reasoningEvents(form) {
  const think = pieces(REASONING, 6);
  const answer = pieces(ANSWER, 4);
  const delta = (d) => `data: ${JSON.stringify({ choices: [{ index: 0, delta: d, finish_reason: null }] })}\n\n`;
  if (form === 'field' || form === 'openrouter') {
    const key = form === 'field' ? 'reasoning_content' : 'reasoning';
    return [...think.map((t) => delta({ content: '', [key]: t })), ...answer.map((a) => delta({ content: a }))];
  }
  // Inline: the tags split across deltas, as tokenizers do.
  const inline = form === 'think' ? ['<th', 'ink>', ...think, '</thi', 'nk>\n\n', ...answer] : [...think, '</think>', '\n\n', ...answer];
  return inline.map((c) => delta({ content: c }));
}

/** What `answerFollowUps` answers each follow-up question with, numbered from 1. */
export const followUpAnswer = (n) => `${n}번째 답: 뱀은 당신 안의 힘이에요.\nNo fear means you are ready for a change.`;

/**
 * An `onRequest` that answers follow-up questions (a request with more than the system prompt and
 * the dream) with `followUpAnswer(n)` in small pieces, `delay` ms apart, and leaves the first
 * reading to the model's script.
 */
export function answerFollowUps({ delay = 40 } = {}) {
  let n = 0;
  return async (seen, res) => {
    if ((seen.body.messages?.length ?? 0) <= 2) return false;
    n += 1;
    streamHead(res);
    for (const p of pieces(followUpAnswer(n), 5)) {
      if (res.destroyed) return true;
      res.write(chunk(p));
      await sleep(delay);
    }
    res.write(chunk(null, 'stop'));
    res.end('data: [DONE]\n\n');
    return true;
  };
}

export function chunk(content, finish = null) {
  return `data: ${JSON.stringify({ object: 'chat.completion.chunk', choices: [{ index: 0, delta: content === null ? {} : { content }, finish_reason: finish }] })}\n\n`;
}

/** Splits an SSE body into its events (each with its blank line). */
function events(buf) {
  const text = buf.toString('utf8');
  return text.split(/(?<=\n\n)/).filter(Boolean).map((e) => Buffer.from(e, 'utf8'));
}

export async function startSseServer({ onRequest } = {}) {
  const requests = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d) => { body += d; });
    req.on('end', async () => {
      let json = {};
      try { json = JSON.parse(body); } catch { /* recorded as is */ }
      const seen = { at: performance.now(), url: req.url, auth: req.headers.authorization ?? '', model: json.model ?? '', body: json, hungUpAt: null };
      requests.push(seen);
      res.on('close', () => { if (!res.writableFinished) seen.hungUpAt = performance.now(); });
      if (onRequest && await onRequest(seen, res)) return;
      await serve(seen.model, res);
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${server.address().port}/v1`,
    requests,
    close: () => new Promise((r) => { server.closeAllConnections?.(); server.close(() => r()); }),
  };
}

function streamHead(res) {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  res.flushHeaders();
}

async function serve(model, res) {
  const [kind, ...rest] = model.split(':');
  if (kind === 'transcript') {
    const [name, ...opts] = rest;
    const bytewise = opts.includes('bytes');
    const delay = Number(opts.find((o) => /^\d+$/.test(o)) ?? 15);
    const { sse } = transcript(name);
    const pieces = bytewise ? [...sse].map((b) => Buffer.from([b])) : events(sse);
    streamHead(res);
    for (const p of pieces) {
      if (res.destroyed) return;
      res.write(p);
      if (delay && !bytewise) await sleep(delay);
    }
    res.end();
  } else if (kind === 'stall' || kind === 'cutoff') {
    const text = rest.join(':') || 'The dream';
    const half = Math.ceil(text.length / 2);
    streamHead(res);
    res.write(': OPENROUTER PROCESSING\n\n');
    res.write(chunk(text.slice(0, half)));
    await sleep(50);
    res.write(chunk(text.slice(half)));
    if (kind === 'cutoff') res.end(); // never says it was finished
    // stall: nothing more; the client's stop closes the socket.
  } else if (kind === 'reasoning') {
    const [form, delayOpt] = rest;
    const delay = Number(delayOpt ?? 40);
    streamHead(res);
    for (const e of [...reasoningEvents(form), chunk(null, 'stop'), 'data: [DONE]\n\n']) {
      if (res.destroyed) return;
      res.write(e);
      await sleep(delay);
    }
    res.end();
  } else if (kind === 'status') {
    const code = Number(rest[0]) || 500;
    res.writeHead(code, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { message: 'Incorrect API key provided: sk-e2e***', code: code === 401 ? 'invalid_api_key' : 'error' } }));
  } else {
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { code: 'model_not_found' } }));
  }
}

/**
 * The app in a fresh home, pointed at nothing yet, beside a local server of its own; everything
 * `open` started is stopped by `cleanup()` (call it in `after`).
 */
export function appRig() {
  const drivers = [];
  const servers = [];
  return {
    async open({ lang = 'en_US.UTF-8', onRequest } = {}) {
      const server = await startSseServer({ onRequest });
      servers.push(server);
      const driver = await startDriver({ lang });
      drivers.push(driver);
      return { server, driver, s: await openApp(driver) };
    },
    async cleanup() {
      drivers.forEach((d) => d.stop());
      await Promise.all(servers.map((s) => s.close()));
    },
  };
}
