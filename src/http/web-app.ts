import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { type Express } from 'express';

// Server paths the single-page app must never shadow: unknown URLs under them stay JSON 404s.
const SERVER_PREFIXES = ['/api', '/docs', '/openapi.json', '/healthz', '/readyz'];
const isServerPath = (p: string) => SERVER_PREFIXES.some((prefix) => p === prefix || p.startsWith(`${prefix}/`));

/**
 * Serves the built web app (npm run build:web) at `/`, with a history fallback so deep links such as
 * /specialist/profile?zoom=connected (where Zoom's callback sends the browser) load the app.
 * Returns false when the app is not built, so the API still runs on its own.
 */
export function serveWebApp(app: Express, distDir: string): boolean {
  const indexHtml = path.join(distDir, 'index.html');
  if (!existsSync(indexHtml)) return false;
  // Vite puts content-hashed files under /assets: cache them for good; index.html must always be revalidated.
  app.use(
    '/assets',
    express.static(path.join(distDir, 'assets'), { immutable: true, maxAge: '1y', fallthrough: true }),
  );
  app.use(express.static(distDir, { index: false, maxAge: '1h' }));
  app.use((req, res, next) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || isServerPath(req.path) || req.path.startsWith('/assets/')) {
      return next();
    }
    if (!req.accepts('html')) return next();
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(indexHtml);
  });
  return true;
}
