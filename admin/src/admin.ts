import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import AdminJSExpress from '@adminjs/express';
import { authenticateOperator, createDataSource, createSchemaCompiler, topologyFor, type Logger } from '@argus/shared';
import AdminJS from 'adminjs';
import connectPgSimple from 'connect-pg-simple';
import express from 'express';
import session from 'express-session';
import pg from 'pg';
import { discardStaleComponentBundle, loadComponents } from './components.js';
import type { AdminConfig } from './config.js';
import { dashboardStats } from './dashboard.js';
import { apiTokensResource, applicationsResource } from './resources/applications.js';
import { deadLettersResource } from './resources/destination-dead-letters.js';
import { destinationsResource } from './resources/destinations.js';
import { eventErrorsResource } from './resources/event-errors.js';
import { eventSchemasResource } from './resources/event-schemas.js';
import { eventsResource } from './resources/events.js';
import { sessionsResource } from './resources/sessions.js';
import { securityHeaders } from './security-headers.js';

export type AdminProcess = { start(): Promise<AddressInfo>; stop(): Promise<void> };

export const adminRootPath = '/admin';

export function createAdmin(config: AdminConfig, log: Logger): AdminProcess {
  const stops: (() => Promise<void> | void)[] = [];

  return {
    async start() {
      const db = createDataSource({ url: config.DATABASE_URL, poolSize: 4, applicationName: 'argus-admin' });
      await db.initialize();
      stops.push(() => db.destroy());
      const sessionPool = new pg.Pool({ connectionString: config.DATABASE_URL, max: 2, application_name: 'argus-admin-sessions' });
      stops.push(() => sessionPool.end());

      const broker = { db, amqpUrl: config.AMQP_URL, topology: topologyFor(config) };
      if (config.NODE_ENV !== 'production') discardStaleComponentBundle();
      const { loader, components } = loadComponents();
      const admin = new AdminJS({
        rootPath: adminRootPath,
        componentLoader: loader,
        branding: { companyName: 'Argus', withMadeWithLove: false },
        dashboard: { component: components.Dashboard, handler: () => dashboardStats(broker) },
        resources: [
          eventsResource(db, components),
          sessionsResource(db),
          eventErrorsResource(broker, components),
          applicationsResource({ db, jwtSecret: config.JWT_SECRET }, components),
          apiTokensResource(db),
          eventSchemasResource({ db, compiler: createSchemaCompiler() }, components),
          destinationsResource(broker, components),
          deadLettersResource(broker, components),
        ],
        locale: { language: 'en', translations: { en: { labels: { event_schemas: 'Schemas' } } } },
      });

      const PgSessionStore = connectPgSimple(session);
      // the table comes from a migration; pruning expired sessions is the store's job
      const store = new PgSessionStore({ pool: sessionPool, tableName: 'admin_sessions', createTableIfMissing: false });
      stops.push(() => store.close());
      const router = AdminJSExpress.buildAuthenticatedRouter(
        admin,
        {
          cookieName: 'argus_admin',
          cookiePassword: config.SESSION_SECRET,
          authenticate: async (email: string, password: string) => {
            const operator = await authenticateOperator(db, email, password);
            if (!operator) log.warn({ email }, 'failed admin login');
            return operator ? { id: operator.id, email: operator.email } : null;
          },
        },
        null,
        {
          store,
          secret: config.SESSION_SECRET,
          name: 'argus_admin',
          resave: false,
          saveUninitialized: false,
          // Strict rather than Lax: AdminJS runs button actions (replay, revoke) as GET requests,
          // which a Lax cookie would still carry on a link followed from another site
          // 'auto': Secure whenever the request came over HTTPS (directly or, in production, through a trusted
          // proxy); a plain `true` would make login impossible on http://localhost:8001 of the compose setup
          cookie: { httpOnly: true, sameSite: 'strict', secure: 'auto', maxAge: 8 * 60 * 60 * 1000 },
        },
      );

      const app = express();
      app.disable('x-powered-by');
      app.use(securityHeaders());
      if (config.NODE_ENV === 'production') app.set('trust proxy', 1);
      app.get('/', (_req, res) => res.redirect(adminRootPath));
      app.use(admin.options.rootPath, router);

      const http: Server = createServer(app);
      await new Promise<void>((resolve, reject) => {
        http.once('error', reject);
        http.listen(config.ADMIN_PORT, config.ADMIN_HOST, resolve);
      });
      stops.push(() => new Promise<void>((resolve) => http.close(() => resolve())));
      stops.push(() => http.closeAllConnections());
      const address = http.address() as AddressInfo;
      log.info({ port: address.port, path: adminRootPath }, 'admin listening');
      return address;
    },

    async stop() {
      for (const stop of stops.splice(0).reverse()) await stop();
    },
  };
}
