import { createServer } from 'node:http';

/**
 * The receiver of the delivery benchmark: reads each webhook whole and answers 204, counting them;
 * `GET /count` tells how many came. It prints its port on the first line. A first argument makes
 * it answer that many milliseconds late (a slow receiver).
 */
const answerAfterMs = Number(process.argv[2] ?? 0);
let received = 0;
const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/count') {
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ received }));
    return;
  }
  req.resume();
  req.on('end', () => {
    received += 1;
    if (answerAfterMs > 0) setTimeout(() => res.writeHead(204).end(), answerAfterMs);
    else res.writeHead(204).end();
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`${typeof address === 'object' && address ? address.port : 0}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
