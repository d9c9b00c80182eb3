import helmet from 'helmet';

/**
 * helmet's headers, with a Content Security Policy the panel can live with: AdminJS boots from an
 * inline script (its state and bundle entry) and styles its components with inline styles, so both
 * are allowed from this origin and inline. The one thing from elsewhere is its font (Roboto, from
 * Google Fonts); where that cannot be reached the panel falls back to a system font.
 */
export function securityHeaders() {
  return helmet({
    contentSecurityPolicy: {
      directives: {
        'script-src': ["'self'", "'unsafe-inline'"],
        'style-src': ["'self'", "'unsafe-inline'", 'https://fonts.googleapis.com'],
        'font-src': ["'self'", 'data:', 'https://fonts.gstatic.com'],
        'img-src': ["'self'", 'data:'],
        // the panel is also reached over plain HTTP (localhost, the compose setup): upgrading its requests would break it
        'upgrade-insecure-requests': null,
      },
    },
  });
}
