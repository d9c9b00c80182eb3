import type { RequestHandler } from 'express';

/** The one thing AdminJS's page templates load from elsewhere; their markup is fixed, so it is rewritten on the way out. */
const googleFontsLink = '<link rel="stylesheet" href="https://fonts.googleapis.com/css?family=Roboto:300,400,500,700" type="text/css">';

/**
 * Points the panel's pages at stylesheets it serves itself instead of Google Fonts: the panel then
 * works on a closed network and operators' visits are not announced to a font host.
 */
export function serveFontsLocally(stylesheets: readonly string[]): RequestHandler {
  const local = stylesheets.map((href) => `<link rel="stylesheet" href="${href}" type="text/css">`).join('\n');
  return (_req, res, next) => {
    const send = res.send.bind(res);
    res.send = (body?: unknown) => send(typeof body === 'string' ? body.replace(googleFontsLink, local) : body);
    next();
  };
}
