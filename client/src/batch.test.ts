import { batchBody, batchBytes, takeBatch } from './batch.js';
import { EventQueue } from './event-queue.js';
import { prepareEvent, type QueuedEvent } from './prepare-event.js';

const event = (seq: number, padding = 0): QueuedEvent =>
  prepareEvent({ sessionId: crypto.randomUUID(), category: 'c', name: 'n', data: { pad: 'x'.repeat(padding) } }, seq, 32 * 1024);

function queueOf(events: QueuedEvent[], capacity = 100) {
  const queue = new EventQueue(capacity, 'oldest');
  events.forEach((queued) => queue.push(queued));
  return queue;
}

describe('batches', () => {
  it('take at most maxEvents from the front of the queue, in order', () => {
    const queue = queueOf([1, 2, 3, 4, 5].map((seq) => event(seq)));
    expect(takeBatch(queue, { maxEvents: 3, maxBodyBytes: 1 << 20 }).map((queued) => queued.seq)).toEqual([1, 2, 3]);
    expect(queue.peek()?.seq).toBe(4);
  });

  it('stop before the body would exceed maxBodyBytes, and the body they make stays under it', () => {
    const events = [1, 2, 3, 4].map((seq) => event(seq, 1000));
    const queue = queueOf(events);
    const maxBodyBytes = 2 * events[0]!.bytes + 200;
    const batch = takeBatch(queue, { maxEvents: 500, maxBodyBytes });
    expect(batch).toHaveLength(2);
    const body = batchBody(batch, new Date());
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(batchBytes(batch));
    expect(batchBytes(batch)).toBeLessThanOrEqual(maxBodyBytes);
    expect(JSON.parse(body)).toEqual({ batch: batch.map((queued) => JSON.parse(queued.json)), sent_at: expect.any(String) });
  });
});

describe('the queue when full', () => {
  it("drops the oldest waiting event under 'oldest', and says which", () => {
    const queue = new EventQueue(2, 'oldest');
    expect(queue.push(event(1))).toEqual([]);
    expect(queue.push(event(2))).toEqual([]);
    expect(queue.push(event(3)).map((queued) => queued.seq)).toEqual([1]);
    expect([queue.shift()?.seq, queue.shift()?.seq]).toEqual([2, 3]);
  });

  it("drops the event being added under 'newest'", () => {
    const queue = new EventQueue(2, 'newest');
    queue.push(event(1));
    queue.push(event(2));
    expect(queue.push(event(3)).map((queued) => queued.seq)).toEqual([3]);
    expect(queue.length).toBe(2);
  });
});
