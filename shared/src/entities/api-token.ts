import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { z } from 'zod';
import { Application } from './application.js';

/** write: send events; read: read them back; schema: declare JSON Schemas for event kinds; admin: all of it, for every application. */
export const tokenScopes = ['write', 'read', 'admin', 'schema'] as const;
export type TokenScope = (typeof tokenScopes)[number];

/**
 * Scopes as people type them (`read, write`): comma separated, repeats dropped, none given meaning
 * write. A mistyped scope is refused by name rather than dropped, which would issue a weaker token.
 */
export const tokenScopeList = z
  .string()
  .default('write')
  .transform((scopes) => [...new Set(scopes.split(',').map((scope) => scope.trim()))])
  .pipe(z.array(z.enum(tokenScopes, { error: (issue) => `unknown scope "${String(issue.input)}" (known: ${tokenScopes.join(', ')})` })).min(1));

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
