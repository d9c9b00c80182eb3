import { z } from 'zod';

/** How many origins an application may list. */
export const maxAllowedOrigins = 100;

/**
 * An origin as browsers send it in `Origin`: scheme, host and port, nothing more. The api's
 * `PUT /applications/{id}/allowed-origins` and the admin panel's field check it alike. A function,
 * not a constant, so that the api's documented copy is made after it extended zod (see event-kind.ts).
 */
export const allowedOrigin = () =>
  z
    .string()
    .max(300)
    .refine((text) => {
      try {
        const url = new URL(text);
        return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === text;
      } catch {
        return false;
      }
    }, 'must be an origin such as https://shop.example.com (scheme, host and port if not the default; no path, no trailing slash)');

/** The origins whose pages may send with an application's keys (null, kept beside it: any origin). */
export const allowedOriginList = () => z.array(allowedOrigin()).max(maxAllowedOrigins, `an application may list at most ${maxAllowedOrigins} origins`);
