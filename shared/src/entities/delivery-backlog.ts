import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { StoredEventMessage } from '../stored-events.js';

/**
 * Events of a session held back because an earlier one of that session failed: delivered in `seq`
 * order once the receiver takes the first, so a session's events reach it in order.
 */
@Entity({ name: 'delivery_backlog' })
export class DeliveryBacklogEntry {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  seq: string;

  @Column({ type: 'uuid', name: 'destination_id' })
  destinationId: string;

  @Column({ type: 'uuid', name: 'session_id' })
  sessionId: string;

  @Column({ type: 'uuid', name: 'event_id' })
  eventId: string;

  @Column({ type: 'jsonb' })
  event: StoredEventMessage;

  /** Failed attempts so far (0 for an event that only waits behind an earlier one). */
  @Column({ type: 'integer', default: 0 })
  attempts: number;

  /** When the wake-up for this session is due (meaningful on the session's first row). */
  @Column({ type: 'timestamptz', name: 'next_attempt_at' })
  nextAttemptAt: Date;

  @Column({ type: 'integer', name: 'last_status', nullable: true })
  lastStatus: number | null;

  @Column({ type: 'text', name: 'last_error', nullable: true })
  lastError: string | null;
}
