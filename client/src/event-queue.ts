import type { QueuedEvent } from './prepare-event.js';

/** Which events a full queue gives up: the oldest waiting ones, or the one being added. */
export type DropPolicy = 'oldest' | 'newest';

/**
 * The events waiting to be sent, in tracking order, never more than `capacity`. A full queue drops
 * according to its policy and says which events it dropped, so the caller can report them.
 */
export class EventQueue {
  private events: QueuedEvent[] = [];
  private head = 0;

  constructor(
    private readonly capacity: number,
    private readonly policy: DropPolicy,
  ) {}

  get length(): number {
    return this.events.length - this.head;
  }

  peek(): QueuedEvent | undefined {
    return this.events[this.head];
  }

  /** Adds the event and returns what had to be dropped for it (possibly the event itself). */
  push(event: QueuedEvent): QueuedEvent[] {
    if (this.length < this.capacity) {
      this.events.push(event);
      return [];
    }
    if (this.policy === 'newest') return [event];
    const dropped = this.shift();
    this.events.push(event);
    return dropped ? [dropped] : [];
  }

  shift(): QueuedEvent | undefined {
    const event = this.events[this.head];
    if (!event) return undefined;
    this.head += 1;
    // compact now and then rather than paying Array.shift's O(n) on every event
    if (this.head > 1024 && this.head * 2 > this.events.length) {
      this.events = this.events.slice(this.head);
      this.head = 0;
    }
    return event;
  }
}
