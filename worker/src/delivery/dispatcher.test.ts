import type { Logger, StoredEventMessage } from '@argus/shared';
import { createDispatcher, type DeliveryResult } from './dispatcher.js';
import { delivered, manualClock, memoryBacklog, recordedWakeUps, refused, scriptedReceiver, storedEvent } from './fakes.js';
import { createDeliveryProgress } from './progress.js';
import { createReceiverGate, newHealthHolder } from './receiver-gate.js';
import { recentIds } from './recent-ids.js';
import type { DeliveryOutcome } from './webhook.js';

const silent = { warn() {}, error() {}, info() {}, debug() {} } as unknown as Logger;
const policy = { downAfterFailures: 3, probeInitialMs: 1000, probeMaxMs: 4000 };
/** Lets every promise that can settle settle. */
const settle = async () => {
  for (let round = 0; round < 20; round += 1) await new Promise((resolve) => setImmediate(resolve));
};

/** A destination's dispatcher with the database, the broker and the receiver in memory, and a clock that moves when told. */
function setUp(answer: (event: StoredEventMessage) => DeliveryOutcome | Promise<DeliveryOutcome>) {
  const clock = manualClock();
  const backlog = memoryBacklog();
  const wakeUps = recordedWakeUps();
  const receiver = scriptedReceiver(answer);
  const holder = newHealthHolder();
  const results: DeliveryResult[] = [];
  const dispatcher = createDispatcher({
    destination: { id: 'd', filter: { applicationId: null, category: null, name: null } },
    send: receiver.send,
    backlog,
    wakeUps,
    gate: createReceiverGate(holder, policy, clock),
    progress: createDeliveryProgress('d', { transaction: () => Promise.reject(new Error('no database here')) } as never),
    settings: { concurrency: 4, maxAttempts: 5, retryDelayMs: (attempts) => attempts * 100, wakeUpGraceMs: 30_000 },
    observe: (result) => results.push(result),
    recentlyDelivered: recentIds(100),
    log: silent,
    now: clock.now,
  });
  const acked: string[] = [];
  const dispatchEvent = (event: StoredEventMessage) => dispatcher.dispatch({ kind: 'event', event }).then(() => void acked.push(event.id));
  return { clock, backlog, wakeUps, receiver, holder, results, dispatcher, acked, dispatchEvent };
}

describe('the dispatcher, with the receiver down', () => {
  it('stops sending after a few failures across sessions, writes nothing per event, probes with the oldest waiting event, and delivers in order once it answers', async () => {
    let up = false;
    const { clock, backlog, wakeUps, receiver, holder, acked, dispatchEvent } = setUp(() => (up ? delivered : refused(null)));
    const sessions = ['a', 'b', 'c', 'd', 'e', 'f'];
    const events = Array.from({ length: 60 }, (_, index) => storedEvent(sessions[index % sessions.length]!));
    const done = events.map(dispatchEvent);
    await settle();

    expect(holder.health.kind).toBe('down');
    const sentBeforeDown = receiver.sent.length;
    // the attempts in flight when it went down (four at a time) at most: nothing else was tried
    expect(sentBeforeDown).toBeLessThanOrEqual(4 + policy.downAfterFailures);
    const writesBeforeDown = backlog.writes;
    // only the failures before it counted as down were held, each a session's
    expect(acked.length).toBeLessThan(policy.downAfterFailures);
    expect(backlog.rows.length).toBe(acked.length);

    const oldestWaiting = events.find((event) => !acked.includes(event.id))!;
    // probes, one at a time, backing off: 1 s, then 2 s, then 4 s
    for (const wait of [1000, 2000, 4000]) {
      clock.advance(wait - 1);
      await settle();
      const before = receiver.sent.length;
      clock.advance(1);
      await settle();
      expect(receiver.sent.length).toBe(before + 1);
      expect(receiver.sent.at(-1)).toBe(oldestWaiting.id);
    }
    expect(backlog.writes).toBe(writesBeforeDown);
    expect(wakeUps.scheduled.length).toBeLessThanOrEqual(policy.downAfterFailures);

    up = true;
    clock.advance(4000);
    await Promise.all(done);
    expect(holder.health.kind).toBe('up');
    expect(new Set(acked)).toEqual(new Set(events.map((event) => event.id)));
    const afterRecovery = receiver.sent.slice(receiver.sent.lastIndexOf(oldestWaiting.id));
    const sessionOf = (id: string) => events.find((event) => event.id === id)!.session_id;
    for (const sessionId of sessions) {
      const sent = afterRecovery.filter((id) => sessionOf(id) === sessionId);
      expect(sent).toEqual(events.filter((event) => sent.includes(event.id)).map((event) => event.id));
    }
    // a session held before the outage keeps its later events behind the held one, for its wake-up
    const held = new Set(backlog.rows.map((row) => row.event.id));
    for (const event of events) expect(afterRecovery.includes(event.id) || held.has(event.id)).toBe(true);
  });

  it('resumes at once when an attempt sent before the receiver went down succeeds while a probe is awaited', async () => {
    const answers = new Map<string, (outcome: DeliveryOutcome) => void>();
    const { clock, receiver, holder, acked, dispatchEvent } = setUp((event) => new Promise((resolve) => answers.set(event.id, resolve)));
    const events = ['a', 'b', 'c', 'd', 'e'].map((session) => storedEvent(session));
    const done = events.map(dispatchEvent);
    await settle();
    expect(receiver.sent).toEqual(events.slice(0, 4).map((event) => event.id));
    for (const event of events.slice(0, 3)) answers.get(event.id)!(refused(502));
    await settle();
    expect(holder.health.kind).toBe('down');

    // the fourth, slow to answer, was sent while the receiver was up: its success shows it is back
    answers.get(events[3]!.id)!(delivered);
    await settle();
    expect(holder.health.kind).toBe('up');
    for (const event of events) answers.get(event.id)?.(delivered);
    await settle();
    for (const event of events) answers.get(event.id)!(delivered);
    await Promise.all(done);
    expect(new Set(acked)).toEqual(new Set(events.map((event) => event.id)));
    expect(clock.pending()).toBe(0);
  });

  it('keeps a session that was held before the outage held through it, and delivers its backlog in order after', async () => {
    let answer: (event: StoredEventMessage) => DeliveryOutcome = () => refused(500);
    const { clock, backlog, wakeUps, receiver, holder, dispatcher, dispatchEvent } = setUp((event) => answer(event));
    const first = storedEvent('held');
    await dispatchEvent(first);
    expect(backlog.rows.map((row) => row.event.id)).toEqual([first.id]);
    expect(wakeUps.scheduled).toEqual([{ destinationId: 'd', sessionId: 'held', level: 1, delayMs: 100 }]);

    // other sessions fail too: the receiver is down
    const others = ['x', 'y', 'z'].map((session) => storedEvent(session));
    const othersDone = others.map(dispatchEvent);
    await settle();
    expect(holder.health.kind).toBe('down');
    const heldWhenDown = backlog.rows.map((row) => row.event.id);

    // the session's wake-up and its next event arrive during the outage: they wait, unwritten
    const second = storedEvent('held');
    clock.advance(100);
    const wakeUpDone = dispatcher.dispatch({ kind: 'wake-up', sessionId: 'held' });
    const secondDone = dispatchEvent(second);
    await settle();
    const sentDuringOutage = receiver.sent.length;
    expect(backlog.rows.map((row) => row.event.id)).toEqual(heldWhenDown);

    answer = () => delivered;
    clock.advance(1000);
    await Promise.all([...othersDone, wakeUpDone, secondDone]);
    const afterOutage = receiver.sent.slice(sentDuringOutage - 1);
    expect(afterOutage.indexOf(first.id)).toBeLessThan(afterOutage.indexOf(second.id));
    // what is left is the other sessions' own, which their wake-ups deliver
    expect(backlog.rows.filter((row) => row.event.session_id === 'held')).toEqual([]);
  });
});

describe('the dispatcher, with the receiver up', () => {
  it('delivers a held session on its due wake-up only: an early one and a duplicate send nothing', async () => {
    let answer: DeliveryOutcome = refused(503);
    const { clock, backlog, receiver, dispatcher, dispatchEvent } = setUp(() => answer);
    const [first, second] = [storedEvent('s'), storedEvent('s')];
    await dispatchEvent(first!);
    await dispatchEvent(second!);
    expect(backlog.rows.map((row) => row.event.id)).toEqual([first!.id, second!.id]);
    expect(receiver.sent).toEqual([first!.id]);

    answer = delivered;
    clock.advance(100 - 1500); // the clock is at 1.4 s before the retry is due: beyond the tolerance
    await dispatcher.dispatch({ kind: 'wake-up', sessionId: 's' });
    expect(receiver.sent).toEqual([first!.id]);

    clock.advance(1500);
    await dispatcher.dispatch({ kind: 'wake-up', sessionId: 's' });
    expect(receiver.sent).toEqual([first!.id, first!.id, second!.id]);
    expect(backlog.rows).toEqual([]);

    await dispatcher.dispatch({ kind: 'wake-up', sessionId: 's' }); // the duplicate
    expect(receiver.sent).toEqual([first!.id, first!.id, second!.id]);
  });

  it('dead-letters an event refused for good and goes on with its session, the receiver counted up', async () => {
    const { backlog, receiver, holder, dispatchEvent } = setUp((event) => (event.data.n === refusedOne.data.n ? refused(422, true) : delivered));
    const refusedOne = storedEvent('s');
    const next = storedEvent('s');
    await dispatchEvent(refusedOne);
    await dispatchEvent(next);
    expect(receiver.sent).toEqual([refusedOne.id, next.id]);
    expect(backlog.deadLetters.map((letter) => letter.event.id)).toEqual([refusedOne.id]);
    expect(holder.health.kind).toBe('up');
  });

  it('sends a held session whose wake-up is long overdue a fresh one through the queue, once per grace', async () => {
    const { clock, wakeUps, dispatcher, dispatchEvent } = setUp(() => refused(503));
    await dispatchEvent(storedEvent('lost'));
    wakeUps.scheduled.length = 0;
    clock.advance(30_100);
    await dispatcher.sweep();
    await dispatcher.sweep();
    expect(wakeUps.scheduled).toEqual([{ destinationId: 'd', sessionId: 'lost', level: 1, delayMs: 0 }]);
  });
});

describe('the dispatcher, handing its destination over', () => {
  it('finishes the deliveries under way and gives back, in order, every event that has not started', async () => {
    const answers: ((outcome: DeliveryOutcome) => void)[] = [];
    const { dispatcher, receiver, acked, dispatchEvent } = setUp(() => new Promise<DeliveryOutcome>((resolve) => answers.push(resolve)));
    // two sessions of three events each: one of each session under way, the rest behind them
    const events = ['a', 'b', 'a', 'b', 'a', 'b'].map((session) => storedEvent(session));
    const outcomes = events.map((event) => dispatchEvent(event).then(() => 'acked', (error: Error) => error.name));
    await settle();
    expect(receiver.sent).toEqual([events[0]!.id, events[1]!.id]);

    dispatcher.release();
    for (const answer of answers.splice(0)) answer(delivered);
    await dispatcher.idle();

    expect(receiver.sent).toEqual([events[0]!.id, events[1]!.id]);
    expect(acked).toEqual([events[0]!.id, events[1]!.id]);
    expect(await Promise.all(outcomes)).toEqual(['acked', 'acked', 'Abandoned', 'Abandoned', 'Abandoned', 'Abandoned']);
    await expect(dispatchEvent(storedEvent('c'))).rejects.toMatchObject({ name: 'Abandoned' });
  });
});

describe('the dispatcher, given the same event twice', () => {
  it('acks a copy of an event it delivered without sending it again, and keeps a copy of one it could not deliver', async () => {
    let up = true;
    const { dispatcher, receiver, results, dispatchEvent } = setUp(() => (up ? delivered : refused(500)));
    const first = storedEvent('a');
    await dispatchEvent(first);
    await dispatchEvent({ ...first });
    expect(receiver.sent).toEqual([first.id]);
    expect(results).toEqual(['delivered', 'duplicate']);

    up = false;
    const failed = storedEvent('b');
    await dispatchEvent(failed);
    up = true;
    await dispatchEvent({ ...failed });
    // held behind the original, whose retry is scheduled: delivered when its session's turn comes
    expect(results.slice(2)).toEqual(['retry_scheduled', 'held']);

    // an operator's replay is sent again, delivered lately or not
    await dispatcher.dispatch({ kind: 'event', event: { ...first }, resent: true });
    expect(receiver.sent.filter((id) => id === first.id)).toHaveLength(2);
  });
});
