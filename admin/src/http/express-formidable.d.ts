// express-formidable ships no types; the panel uses it only as the middleware AdminJS's router also uses
declare module 'express-formidable' {
  import type { RequestHandler } from 'express';
  export default function formidable(options?: Record<string, unknown>): RequestHandler;
}
