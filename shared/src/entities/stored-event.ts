import { Column, Entity, PrimaryColumn } from 'typeorm';

/** An event that passed validation. Facts: never updated once stored. */
@Entity({ name: 'events' })
export class StoredEvent {
  /** The id the api answered with: the client's event_id, or one the api assigned. */
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ type: 'uuid', name: 'application_id' })
  applicationId: string;

  @Column({ type: 'uuid', name: 'session_id' })
  sessionId: string;

  @Column({ type: 'text' })
  category: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'jsonb' })
  data: Record<string, unknown>;

  /** When it happened, corrected for the client's clock skew when the client sent `sent_at`. */
  @Column({ type: 'timestamptz' })
  timestamp: Date;

  /** The timestamp exactly as the client's clock gave it. */
  @Column({ type: 'timestamptz', name: 'client_timestamp' })
  clientTimestamp: Date;

  @Column({ type: 'timestamptz', name: 'sent_at', nullable: true })
  sentAt: Date | null;

  @Column({ type: 'timestamptz', name: 'received_at' })
  receivedAt: Date;

  @Column({ type: 'timestamptz', name: 'stored_at', default: () => 'now()' })
  storedAt: Date;

  @Column({ type: 'text', name: 'request_id' })
  requestId: string;

  /** The version of the application's JSON Schema for this kind that validated it; null when none applied. */
  @Column({ type: 'int', name: 'schema_version', nullable: true })
  schemaVersion: number | null;

  /** Who acted, as the sending system names them (Segment's userId and anonymousId). */
  @Column({ type: 'text', name: 'user_id', nullable: true })
  userId: string | null;

  @Column({ type: 'text', name: 'anonymous_id', nullable: true })
  anonymousId: string | null;

  /** Segment's context and integrations, kept as sent. */
  @Column({ type: 'jsonb', nullable: true })
  context: Record<string, unknown> | null;

  @Column({ type: 'jsonb', nullable: true })
  integrations: Record<string, unknown> | null;
}
