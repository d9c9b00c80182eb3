import type { RequestHandler } from 'express';
import { ApiError } from './errors.js';

type Documented = { paths?: Record<string, object> };

const methods = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

/**
 * A known path asked with a method it does not take is a 405 with `Allow`, not a 404. The paths
 * and their methods come from the OpenAPI document, which a test keeps equal to the routes served.
 */
export function methodNotAllowed(document: Documented): RequestHandler {
  const routes = Object.entries(document.paths ?? {}).map(([path, item]) => ({
    pattern: new RegExp(`^${path.replace(/[.]/g, '\\.').replace(/\{[^}]+\}/g, '[^/]+')}/?$`),
    methods: Object.keys(item).filter((method) => methods.includes(method)).map((method) => method.toUpperCase()),
  }));
  return (req, res, next) => {
    const allowed = new Set(routes.filter((route) => route.pattern.test(req.path)).flatMap((route) => route.methods));
    if (allowed.size === 0) return next();
    if (allowed.has('GET')) allowed.add('HEAD'); // express answers HEAD with the GET route
    if (allowed.has(req.method)) return next();
    const allow = [...allowed].sort().join(', ');
    res.setHeader('Allow', allow);
    next(new ApiError(405, 'method_not_allowed', `${req.method} is not allowed on ${req.path}; use ${allow}`));
  };
}

