import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Application } from './application.js';

/** write: send events; read: read them back; schema: declare JSON Schemas for event kinds; admin: all of it, for every application. */
export const tokenScopes = ['write', 'read', 'admin', 'schema'] as const;
export type TokenScope = (typeof tokenScopes)[number];

/**
 * The record of an issued JWT: its `jti` is this id. The token itself is never stored; revoking
 * sets `revokedAt`, which the api picks up within its refresh interval.
 */
@Entity({ name: 'api_tokens' })
export class ApiToken {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid', name: 'application_id' })
  applicationId: string;

  @ManyToOne(() => Application, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'application_id' })
  application: Application;

  @Column({ type: 'text', array: true, default: () => "'{write}'" })
  scopes: TokenScope[];

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt: Date;

  @Column({ type: 'timestamptz', name: 'expires_at', nullable: true })
  expiresAt: Date | null;

  @Column({ type: 'timestamptz', name: 'revoked_at', nullable: true })
  revokedAt: Date | null;
}
