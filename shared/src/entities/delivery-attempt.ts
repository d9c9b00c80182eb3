import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One attempt to deliver an event to a destination; only the latest few of each destination are kept. */
@Entity({ name: 'delivery_attempts' })
export class DeliveryAttempt {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Column({ type: 'uuid', name: 'destination_id' })
  destinationId: string;

  @Column({ type: 'timestamptz', name: 'attempted_at' })
  attemptedAt: Date;

  @Column({ type: 'uuid', name: 'event_id' })
  eventId: string;

  /** The HTTP status; null when no answer came (network error, timeout, refused address). */
  @Column({ type: 'integer', nullable: true })
  status: number | null;

  @Column({ type: 'integer', name: 'duration_ms' })
  durationMs: number;

  /** What went wrong: the start of the receiver's answer, or the network error. Null for a success. */
  @Column({ type: 'text', nullable: true })
  answer: string | null;
}
