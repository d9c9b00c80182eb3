import { createSessionLanes } from './session-lanes.js';

/** A task that finishes when told to, recording when it ran. */
function gate(log: string[], name: string) {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, task: async () => { log.push(`start ${name}`); await opened; log.push(`end ${name}`); } };
}

describe('session lanes', () => {
  it('runs one task at a time per session, in the order given, while other sessions go on', async () => {
    const log: string[] = [];
    const lanes = createSessionLanes(4);
    const a1 = gate(log, 'a1');
    const a2 = gate(log, 'a2');
    const b1 = gate(log, 'b1');
    const done = [lanes.run('a', a1.task), lanes.run('a', a2.task), lanes.run('b', b1.task)];
    await new Promise((resolve) => setImmediate(resolve));
    expect(log).toEqual(['start a1', 'start b1']);
    b1.open();
    a1.open();
    a2.open();
    await Promise.all(done);
    expect(log.indexOf('start a2')).toBeGreaterThan(log.indexOf('end a1'));
    await lanes.idle(); // every session's tail is forgotten once done, or this would not resolve
  });

  it('runs at most the limit at once across sessions, and goes on after a failure', async () => {
    const log: string[] = [];
    const lanes = createSessionLanes(1);
    const first = gate(log, 's1');
    const running = lanes.run('s1', first.task);
    const failing = lanes.run('s2', async () => { throw new Error('boom'); });
    const after = lanes.run('s2', async () => { log.push('s2 after failure'); });
    await new Promise((resolve) => setImmediate(resolve));
    expect(log).toEqual(['start s1']);
    first.open();
    await running;
    await expect(failing).rejects.toThrow('boom');
    await after;
    await lanes.idle();
    expect(log).toEqual(['start s1', 'end s1', 's2 after failure']);
  });
});
