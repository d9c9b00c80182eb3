import { createServer, type IncomingMessage, type RequestListener, type Server } from 'node:http';
import type { ApiConfig } from './config.js';

export type HttpServer = { server: Server; close(): Promise<void> };

/**
 * The api's HTTP server, with the connection limits of config.ts (see HTTP_HEADERS_TIMEOUT_MS):
 * a client that opens sockets and sends nothing cannot run the process out of file descriptors.
 */
export function createHttpServer(config: ApiConfig, listener: RequestListener): HttpServer {
  const server = createServer(
    {
      headersTimeout: config.HTTP_HEADERS_TIMEOUT_MS,
      requestTimeout: config.HTTP_REQUEST_TIMEOUT_MS,
      keepAliveTimeout: config.HTTP_KEEP_ALIVE_TIMEOUT_MS,
      // node checks those timeouts every 30 s by default: a socket would outlive its timeout by that much
      connectionsCheckingInterval: Math.min(1000, config.HTTP_HEADERS_TIMEOUT_MS),
    },
    (req, res) => {
      toOriginForm(req);
      listener(req, res);
    },
  );
  server.timeout = config.HTTP_IDLE_TIMEOUT_MS;
  server.maxConnections = config.MAX_CONNECTIONS;

  let inFlight = 0;
  let whenNoneInFlight: (() => void) | undefined;
  server.on('request', (_req, res) => {
    inFlight += 1;
    res.once('close', () => {
      inFlight -= 1;
      if (inFlight === 0) whenNoneInFlight?.();
    });
  });

  return {
    server,
    /**
     * Stops listening, lets the requests in flight finish, then closes every connection left. node's
     * own close waits for each connection to end by itself, and one that never sent a byte never does.
     */
    close() {
      return new Promise((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        whenNoneInFlight = () => server.closeAllConnections();
        if (inFlight === 0) whenNoneInFlight();
      });
    },
  };
}

/**
 * HTTP/1.1 servers must accept a request line in absolute form (`POST http://host/events`), which
 * proxies send; routing reads the path, so keep only that (and the query).
 */
function toOriginForm(req: IncomingMessage): void {
  if (!req.url || req.url.startsWith('/')) return;
  try {
    const url = new URL(req.url);
    if (url.protocol === 'http:' || url.protocol === 'https:') req.url = `${url.pathname}${url.search}`;
  } catch {
    // not a URL: routing answers it as the path it is
  }
}
