/**
 * The delivery benchmark's baseline: the same receiver hit directly by `concurrency` loops of
 * fetch (the HTTP client the worker delivers with), each posting a webhook-sized body and awaiting
 * the answer, for `seconds`. Prints `{ "requestsPerSecond": … }`.
 */
const { url, concurrency, seconds, body } = JSON.parse(process.argv[2]!) as { url: string; concurrency: number; seconds: number; body: string };
const deadline = performance.now() + seconds * 1000;
let answered = 0;

async function loop(): Promise<void> {
  while (performance.now() < deadline) {
    const response = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', 'webhook-id': 'msg_baseline' }, body });
    await response.body?.cancel();
    answered += 1;
  }
}

const started = performance.now();
await Promise.all(Array.from({ length: concurrency }, loop));
process.stdout.write(`${JSON.stringify({ requestsPerSecond: answered / ((performance.now() - started) / 1000) })}\n`);
