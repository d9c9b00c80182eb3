import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { StoredEventMessage } from '@argus/shared';

export type ReceivedDelivery = { headers: IncomingHttpHeaders; body: string; event: StoredEventMessage };

/** How the receiver answers a delivery: a status and headers (after a while, if told), or hanging up without an answer. */
export type Answer = { status: number; headers?: Record<string, string>; afterMs?: number } | 'hang-up';

export type Receiver = {
  url: string;
  /** Every delivery that reached it, whatever it answered, in arrival order. */
  received: ReceivedDelivery[];
  /** The deliveries it accepted (2xx). */
  accepted(): ReceivedDelivery[];
  answerWith(answer: (delivery: ReceivedDelivery) => Answer): void;
  /** Stops listening (deliveries get "connection refused") until `up`, on the same port. */
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
};

/** A webhook receiver on a free local port, as a customer would run one. */
export async function startReceiver(): Promise<Receiver> {
  const received: ReceivedDelivery[] = [];
  const statuses: number[] = [];
  let answer: (delivery: ReceivedDelivery) => Answer = () => ({ status: 204 });
  let server: Server | undefined;
  let port = 0;

  const listen = async () => {
    const created = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const delivery = { headers: req.headers, body, event: (JSON.parse(body) as { data: StoredEventMessage }).data };
        const given = answer(delivery);
        received.push(delivery);
        if (given === 'hang-up') {
          statuses.push(0);
          req.socket.destroy();
          return;
        }
        statuses.push(given.status);
        const respond = () => res.writeHead(given.status, given.headers).end(given.status >= 300 ? 'receiver says no' : '');
        if (given.afterMs) setTimeout(respond, given.afterMs);
        else respond();
      });
    });
    await new Promise<void>((resolve, reject) => {
      created.once('error', reject);
      created.listen(port, '127.0.0.1', resolve);
    });
    port = (created.address() as AddressInfo).port;
    server = created;
  };
  const stopListening = async () => {
    const closing = server;
    server = undefined;
    if (!closing) return;
    closing.closeAllConnections();
    await new Promise<void>((resolve) => closing.close(() => resolve()));
  };

  await listen();
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    accepted: () => received.filter((_, index) => statuses[index]! >= 200 && statuses[index]! < 300),
    answerWith(next) {
      answer = next;
    },
    down: stopListening,
    up: listen,
    close: stopListening,
  };
}
