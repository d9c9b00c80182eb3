import helmet from 'helmet';

/**
 * helmet's headers, with a Content Security Policy the panel can live with: AdminJS boots from an
 * inline script (its state and bundle entry) and styles its components with inline styles, so both
 * are allowed from this origin and inline. Nothing comes from another host, fonts included (the
 * panel serves Roboto itself: http/local-fonts.ts).
 */
export function securityHeaders() {
  return helmet({
    contentSecurityPolicy: {
      directives: {
        'script-src': ["'self'", "'unsafe-inline'"],
        'style-src': ["'self'", "'unsafe-inline'"],
        'font-src': ["'self'", 'data:'],
        'img-src': ["'self'", 'data:'],
        // the panel is also reached over plain HTTP (localhost, the compose setup): upgrading its requests would break it
        'upgrade-insecure-requests': null,
      },
    },
  });
}
