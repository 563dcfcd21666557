// GET /api/openapi.json (the OpenAPI 3.1 document) and GET /api/docs (the interactive reference),
// mounted under /api. The reference works offline: the Scalar browser bundle is served from
// node_modules (/api/docs/assets/standalone.js) when `@scalar/api-reference` is installed; without it
// (and with ?ui=basic) /api/docs is a self-contained HTML rendering of the document.
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import express, { Router } from 'express';
import type { Services } from '../../domain/context.ts';
import { buildOpenApiDocument, type OpenApiDocument } from './build-openapi.ts';
import { basicReferenceHtml, SCALAR_INIT_JS, scalarReferenceHtml } from './docs-html.ts';
import { mountedRouteDocs } from './registry.ts';

/** Folder of Scalar's standalone browser bundle, when the package is installed. */
export function findScalarBundleDir(): string | null {
  const dir = fileURLToPath(new URL('../../../node_modules/@scalar/api-reference/dist/browser/', import.meta.url));
  return fs.existsSync(`${dir}standalone.js`) ? dir : null;
}

export type OpenApiRouteOptions = {
  /** Where Scalar's `standalone.js` is (default: node_modules); null forces the basic reference. */
  scalarDir?: string | null;
};

export function openApiRoutes(services: Services, options: OpenApiRouteOptions = {}): Router {
  const r = Router();
  const scalarDir = options.scalarDir === undefined ? findScalarBundleDir() : options.scalarDir;
  let built: { doc: OpenApiDocument; json: string } | undefined;
  // Built on first use: the routes an app with this configuration mounts, with PUBLIC_URL as server.
  const document = () => {
    if (!built) {
      const doc = buildOpenApiDocument({ routes: mountedRouteDocs(services.config, services), publicUrl: services.config.publicUrl });
      built = { doc, json: JSON.stringify(doc) };
    }
    return built;
  };

  r.get('/openapi.json', (_req, res) => {
    res.setHeader('Cache-Control', 'no-cache');
    res.type('application/json').send(document().json);
  });

  r.get('/docs', (req, res) => {
    res.setHeader('Cache-Control', 'no-cache');
    const basic = req.query.ui === 'basic' || !scalarDir;
    res.type('text/html').send(basic ? basicReferenceHtml(document().doc) : scalarReferenceHtml(document().doc.info.title));
  });

  // Static files of the reference (middleware, not routes: they are not API operations).
  r.use('/docs/assets', (req, res, next) => {
    if ((req.method === 'GET' || req.method === 'HEAD') && req.path === '/init.js' && scalarDir) {
      res.setHeader('Cache-Control', 'no-cache');
      res.type('text/javascript').send(SCALAR_INIT_JS);
      return;
    }
    next();
  });
  if (scalarDir) r.use('/docs/assets', express.static(scalarDir, { index: false, maxAge: '1d', fallthrough: true }));

  return r;
}
