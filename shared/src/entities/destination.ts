import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export const destinationStates = ['running', 'stopped', 'paused'] as const;
export type DestinationState = (typeof destinationStates)[number];

/**
 * A webhook that receives stored events. Its broker queue (`<prefix>.destination.<id>`) holds what
 * is still to be delivered; the counters and last outcomes here are what the worker reports back.
 */
@Entity({ name: 'destinations' })
export class Destination {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text' })
  url: string;

  /** The filter: only this application's events (exact id), when set. */
  @Column({ type: 'uuid', name: 'filter_application_id', nullable: true })
  filterApplicationId: string | null;

  /** Only events of this exact category, when set. */
  @Column({ type: 'text', name: 'filter_category', nullable: true })
  filterCategory: string | null;

  /** Only events of this exact name, when set. */
  @Column({ type: 'text', name: 'filter_name', nullable: true })
  filterName: string | null;

  /** `whsec_…` (Standard Webhooks): shown once at creation, then only used to sign. */
  @Column({ type: 'text', name: 'signing_secret', select: false })
  signingSecret: string;

  @Column({ type: 'text', default: 'running' })
  state: DestinationState;

  /** Why the circuit breaker paused it. */
  @Column({ type: 'text', name: 'paused_reason', nullable: true })
  pausedReason: string | null;

  /** The first failure since the last success; cleared by a success. */
  @Column({ type: 'timestamptz', name: 'failing_since', nullable: true })
  failingSince: Date | null;

  @Column({ type: 'bigint', name: 'delivered_count', default: 0 })
  deliveredCount: string;

  /** Attempts that failed (each retry counts). */
  @Column({ type: 'bigint', name: 'failed_attempt_count', default: 0 })
  failedAttemptCount: string;

  @Column({ type: 'bigint', name: 'dead_letter_count', default: 0 })
  deadLetterCount: string;

  @Column({ type: 'timestamptz', name: 'last_success_at', nullable: true })
  lastSuccessAt: Date | null;

  @Column({ type: 'timestamptz', name: 'last_failure_at', nullable: true })
  lastFailureAt: Date | null;

  /** The HTTP status of the last failure; null for a network error or timeout. */
  @Column({ type: 'integer', name: 'last_failure_status', nullable: true })
  lastFailureStatus: number | null;

  @Column({ type: 'text', name: 'last_failure_error', nullable: true })
  lastFailureError: string | null;

  /** Since when the worker delivering it finds its receiver down (no answer, 5xx): it then sends only probes. */
  @Column({ type: 'timestamptz', name: 'receiver_down_since', nullable: true })
  receiverDownSince: Date | null;

  @Column({ type: 'timestamptz', name: 'next_probe_at', nullable: true })
  nextProbeAt: Date | null;

  /** When the oldest event the worker holds undelivered was received (null when it holds none). */
  @Column({ type: 'timestamptz', name: 'oldest_waiting_at', nullable: true })
  oldestWaitingAt: Date | null;

  /** The worker (`delivery_workers.id`) that delivered it last, written when one becomes its active consumer. */
  @Column({ type: 'uuid', name: 'delivering_worker_id', nullable: true })
  deliveringWorkerId: string | null;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt: Date;
}
