import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import AdminJSExpress from '@adminjs/express';
import { authenticateOperator, createDataSource, createSchemaCompiler, topologyFor, type Logger } from '@argus/shared';
import AdminJS, { type ActionRequest } from 'adminjs';
import connectPgSimple from 'connect-pg-simple';
import express from 'express';
import session from 'express-session';
import pg from 'pg';
import { discardStaleComponentBundle, loadComponents } from './components.js';
import type { AdminConfig } from './config.js';
import { dashboardQuery, dashboardStats } from './dashboard.js';
import { refuseCrossSiteWrites } from './http/cross-site.js';
import { answerErrors } from './http/errors.js';
import { serveFontsLocally } from './http/local-fonts.js';
import { createLoginThrottle, throttleLogins } from './http/login-throttle.js';
import { latestEvents, liveQuery } from './live-events.js';
import { apiTokensResource, applicationsResource } from './resources/applications.js';
import { deadLettersResource } from './resources/destination-dead-letters.js';
import { destinationsResource } from './resources/destinations.js';
import { eventErrorsResource } from './resources/event-errors.js';
import { eventSchemasResource } from './resources/event-schemas.js';
import { eventsResource } from './resources/events.js';
import { sessionsResource } from './resources/sessions.js';
import { securityHeaders } from './security-headers.js';
import { triagePage } from './triage-page.js';

export type AdminProcess = { start(): Promise<AddressInfo>; stop(): Promise<void> };

export const adminRootPath = '/admin';
/** The panel's own files (logo, favicon, stylesheet, fonts), served before login: the login page uses them. */
const assetsPath = `${adminRootPath}/argus`;
const publicFolder = new URL('../src/public/', import.meta.url).pathname;
const robotoFolder = dirname(createRequire(import.meta.url).resolve('@fontsource/roboto/package.json'));

export function createAdmin(config: AdminConfig, log: Logger): AdminProcess {
  const stops: (() => Promise<void> | void)[] = [];

  return {
    async start() {
      const db = createDataSource({ url: config.DATABASE_URL, poolSize: 4, applicationName: 'argus-admin' });
      await db.initialize();
      stops.push(() => db.destroy());
      const sessionPool = new pg.Pool({ connectionString: config.DATABASE_URL, max: 2, application_name: 'argus-admin-sessions' });
      stops.push(() => sessionPool.end());
      const loginThrottle = createLoginThrottle(sessionPool);
      stops.push(() => loginThrottle.stop());

      const broker = { db, amqpUrls: config.AMQP_URL, topology: topologyFor(config) };
      if (config.NODE_ENV !== 'production') discardStaleComponentBundle();
      const { loader, components } = loadComponents();
      const admin = new AdminJS({
        rootPath: adminRootPath,
        componentLoader: loader,
        branding: {
          companyName: 'Argus',
          logo: `${assetsPath}/logo.svg`,
          favicon: `${assetsPath}/favicon.svg`,
          withMadeWithLove: false,
        },
        assets: { styles: [`${assetsPath}/argus.css`] },
        dashboard: {
          component: components.Dashboard,
          handler: (request: ActionRequest) => dashboardStats(broker, dashboardQuery.parse(request.query ?? {})),
        },
        pages: {
          live: {
            icon: 'Radio',
            component: components.LiveEvents,
            handler: async (request: ActionRequest) => ({ events: await latestEvents(db, liveQuery.parse(request.query ?? {})) }),
          },
          triage: { icon: 'AlertTriangle', component: components.ErrorTriage, handler: triagePage(broker) },
        },
        resources: [
          eventsResource(db, components),
          sessionsResource(db, components),
          eventErrorsResource(broker, components),
          applicationsResource({ db, jwtSecret: config.JWT_SECRET }, components),
          apiTokensResource(db, components),
          eventSchemasResource({ db, compiler: createSchemaCompiler() }, components),
          destinationsResource(broker, components),
          deadLettersResource(broker, components),
        ],
        locale: {
          language: 'en',
          translations: {
            en: {
              labels: { event_schemas: 'Schemas', event_errors: 'Event errors', api_tokens: 'API tokens', destination_dead_letters: 'Dead letters' },
              pages: { live: 'Live events', triage: 'Error triage' },
              properties: {
                applicationId: 'Application',
                filterApplicationId: 'Only the events of',
                replayOutcome: 'Last replay',
                destinationId: 'Destination',
                suspendedReason: 'Suspended (a check ran over its budget)',
                allowedOrigins: 'Allowed origins',
                userId: 'User id',
                anonymousId: 'Anonymous id',
              },
              actions: { allowedOrigins: 'Allowed origins' },
              // short column names, so a destination's list fits 1400 px
              resources: {
                destinations: {
                  properties: {
                    url: 'URL',
                    deliveredCount: 'Delivered',
                    failedAttemptCount: 'Failed attempts',
                    deadLetterCount: 'Dead letters',
                    lastSuccessAt: 'Last success',
                    lastFailureAt: 'Last failure',
                  },
                },
              },
              components: {
                Login: {
                  welcomeHeader: 'Argus',
                  welcomeMessage: 'Operator console: what arrived, what was refused and why, where events are delivered, and who may send.',
                },
              },
              messages: {
                loginThrottled: 'Too many login attempts from this address or for this account. Wait a few minutes, then try again.',
              },
            },
          },
        },
      });

      const PgSessionStore = connectPgSimple(session);
      // the table comes from a migration; pruning expired sessions is the store's job
      const store = new PgSessionStore({ pool: sessionPool, tableName: 'admin_sessions', createTableIfMissing: false });
      stops.push(() => store.close());

      // what runs before AdminJS's own routes: no write from another page, and no unthrottled login
      const guards = express.Router();
      guards.use(refuseCrossSiteWrites());
      guards.post(
        '/login',
        throttleLogins(loginThrottle, () => admin.renderLogin({ action: admin.options.loginPath, errorMessage: 'loginThrottled' })),
      );
      const router = AdminJSExpress.buildAuthenticatedRouter(
        admin,
        {
          cookieName: 'argus_admin',
          cookiePassword: config.SESSION_SECRET,
          authenticate: async (email: string, password: string) => {
            const operator = await authenticateOperator(db, email, password);
            if (!operator) log.warn({ email }, 'failed admin login');
            else await loginThrottle.succeeded(email);
            return operator ? { id: operator.id, email: operator.email } : null;
          },
        },
        guards,
        {
          store,
          secret: config.SESSION_SECRET,
          name: 'argus_admin',
          resave: false,
          saveUninitialized: false,
          // Strict keeps the cookie off requests started by other sites; another port of the same host
          // is the same site, which is why every write is also checked for its origin (guards above)
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
      app.use(`${assetsPath}/roboto`, express.static(robotoFolder, { maxAge: '7d', index: false }));
      app.use(assetsPath, express.static(publicFolder, { maxAge: '1h', index: false }));
      app.use(adminRootPath, serveFontsLocally([300, 400, 500, 700].map((weight) => `${assetsPath}/roboto/${weight}.css`)));
      app.use(admin.options.rootPath, router);
      app.use(adminRootPath, answerErrors(log));

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
