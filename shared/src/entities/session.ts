import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, Unique } from 'typeorm';
import { Application } from './application.js';

/**
 * A visit, as named by the client's session_id. A session belongs to the first application that
 * used it; events reference (session, application) together, so the database refuses an event
 * that would mix two applications in one session, whichever worker inserts it.
 */
@Entity({ name: 'sessions' })
@Unique('sessions_id_application_key', ['id', 'applicationId'])
export class Session {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ type: 'uuid', name: 'application_id' })
  applicationId: string;

  @ManyToOne(() => Application, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'application_id' })
  application: Application;

  @Column({ type: 'timestamptz', name: 'first_seen_at' })
  firstSeenAt: Date;
}
