import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { Application } from './application.js';

/**
 * One version of the JSON Schema an application declared for the `data` of one kind of its events.
 * Versions are immutable: a change is a new version. At most one version of a kind is active (a
 * partial unique index holds that); events that name no version are checked against it.
 */
@Entity({ name: 'event_schemas' })
@Unique('event_schemas_kind_version_key', ['applicationId', 'category', 'name', 'version'])
export class EventSchema {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Column({ type: 'uuid', name: 'application_id' })
  applicationId: string;

  @ManyToOne(() => Application, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'application_id' })
  application: Application;

  @Column({ type: 'text' })
  category: string;

  @Column({ type: 'text' })
  name: string;

  /** 1, 2, … within the kind, in the order the versions were registered. */
  @Column({ type: 'int' })
  version: number;

  /** A draft 2020-12 JSON Schema for the event's `data`. */
  @Column({ type: 'jsonb' })
  schema: Record<string, unknown>;

  @Column({ type: 'boolean', default: false })
  active: boolean;

  /** Set by a worker when a check against this version ran over its budget: its events are then refused with the reason. */
  @Column({ type: 'timestamptz', name: 'suspended_at', nullable: true })
  suspendedAt: Date | null;

  @Column({ type: 'text', name: 'suspended_reason', nullable: true })
  suspendedReason: string | null;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt: Date;
}
