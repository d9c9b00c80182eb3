import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { StoredEventMessage } from '../stored-events.js';

/** An event a destination never accepted: attempts ran out, or the receiver said not to retry. Kept, never deleted. */
@Entity({ name: 'destination_dead_letters' })
export class DestinationDeadLetter {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Column({ type: 'uuid', name: 'destination_id' })
  destinationId: string;

  @Column({ type: 'uuid', name: 'event_id' })
  eventId: string;

  @Column({ type: 'uuid', name: 'session_id' })
  sessionId: string;

  /** The stored event as it was to be delivered. */
  @Column({ type: 'jsonb' })
  event: StoredEventMessage;

  @Column({ type: 'integer' })
  attempts: number;

  @Column({ type: 'integer', name: 'last_status', nullable: true })
  lastStatus: number | null;

  @Column({ type: 'text', name: 'last_error', nullable: true })
  lastError: string | null;

  /** The receiver answered `Argus-No-Retry: true`. */
  @Column({ type: 'boolean', name: 'refused_by_receiver', default: false })
  refusedByReceiver: boolean;

  @Column({ type: 'timestamptz', name: 'dead_lettered_at', default: () => 'now()' })
  deadLetteredAt: Date;

  /** When an operator last sent it to the destination's queue again. */
  @Column({ type: 'timestamptz', name: 'replayed_at', nullable: true })
  replayedAt: Date | null;
}
