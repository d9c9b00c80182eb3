import { Router } from 'express';
import swaggerUi from 'swagger-ui-express';
import type { buildOpenApiDocument } from '../openapi.js';

/** /openapi.json and Swagger UI at /docs; the UI's assets come from the installed package, not a CDN. */
export function docsRoutes(document: ReturnType<typeof buildOpenApiDocument>): Router {
  const router = Router();
  router.get('/openapi.json', (_req, res) => {
    res.json(document);
  });
  router.use('/docs', swaggerUi.serveFiles(document), swaggerUi.setup(document, { customSiteTitle: 'Argus API', swaggerOptions: { persistAuthorization: true } }));
  return router;
}
