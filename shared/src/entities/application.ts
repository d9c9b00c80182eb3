import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A system that sends events, identified by the tokens it holds. */
@Entity({ name: 'applications' })
export class Application {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text', unique: true })
  name: string;

  /** Whom to contact about this application. */
  @Column({ type: 'text' })
  email: string;

  /** Origins whose pages may send with this application's keys (CORS); null: any origin. */
  @Column({ type: 'text', name: 'allowed_origins', array: true, nullable: true })
  allowedOrigins: string[] | null;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt: Date;

  /** When an operator disabled it (every token revoked at once); null while it may send. */
  @Column({ type: 'timestamptz', name: 'disabled_at', nullable: true })
  disabledAt: Date | null;
}
