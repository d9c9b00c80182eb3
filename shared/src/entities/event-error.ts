import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type Problem = { path: string; message: string };

/** An accepted event that failed validation, kept whole with the reasons so nothing is lost. */
@Entity({ name: 'event_errors' })
export class EventError {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  /** The id the api answered with. Unique per application, so a redelivery adds no second row. */
  @Column({ type: 'uuid', name: 'event_id' })
  eventId: string;

  @Column({ type: 'uuid', name: 'application_id' })
  applicationId: string;

  /** The event as the client sent it. */
  @Column({ type: 'jsonb' })
  raw: unknown;

  @Column({ type: 'jsonb' })
  reasons: Problem[];

  @Column({ type: 'timestamptz', name: 'received_at' })
  receivedAt: Date;

  @Column({ type: 'timestamptz', name: 'stored_at', default: () => 'now()' })
  storedAt: Date;

  @Column({ type: 'text', name: 'request_id' })
  requestId: string;

  /** When an operator last sent it through the worker again; cleared when that replay fails too. */
  @Column({ type: 'timestamptz', name: 'replayed_at', nullable: true })
  replayedAt: Date | null;

  /** When an operator last sent it through the worker again; kept when that replay fails, unlike replayedAt. */
  @Column({ type: 'timestamptz', name: 'replay_requested_at', nullable: true })
  replayRequestedAt: Date | null;
}
