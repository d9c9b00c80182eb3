import type { RequestHandler } from 'express';

export type RequestOrigin = { method: string; host: string | undefined; secFetchSite: string | undefined; origin: string | undefined };

const readOnlyMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Whether a request that can change something came from a page that is not the panel's own. Browsers
 * say where a request comes from in `Sec-Fetch-Site` (every current one) and, on a POST, `Origin`
 * (older ones too). A page on another port of the same host is `same-site`, which a SameSite cookie
 * does not stop, so only `same-origin` (or `none`: typed in, a bookmark) passes. A request with neither
 * header is not a browser's, so it cannot carry an operator's cookie without them knowing.
 */
export function isCrossSiteWrite(request: RequestOrigin): boolean {
  if (readOnlyMethods.has(request.method.toUpperCase())) return false;
  if (request.secFetchSite !== undefined) return request.secFetchSite !== 'same-origin' && request.secFetchSite !== 'none';
  if (request.origin === undefined) return false;
  try {
    return new URL(request.origin).host !== request.host;
  } catch {
    return true; // `Origin: null` (a sandboxed or privacy-sensitive context) is not the panel
  }
}

/** Refuses, with 403, every write the panel's own pages did not send; nothing in the panel changes state on a GET. */
export function refuseCrossSiteWrites(): RequestHandler {
  return (req, res, next) => {
    const crossSite = isCrossSiteWrite({
      method: req.method,
      host: req.headers.host,
      secFetchSite: req.get('sec-fetch-site'),
      origin: req.get('origin'),
    });
    if (!crossSite) return next();
    res.status(403).json({ error: { code: 'cross_site_request', message: 'this request did not come from the admin panel itself and was refused' } });
  };
}
