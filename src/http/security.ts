import cors from 'cors';
import type { Express } from 'express';
import helmet from 'helmet';

/**
 * Security headers for every response and CORS for the one frontend origin we trust (FRONTEND_URL).
 * The web app is built by Vite into external scripts and stylesheets only, so its CSP needs no 'unsafe-inline'.
 * Swagger UI's page (/docs) ships an inline <style>, so it alone may use inline styles (never inline scripts).
 */
export function applySecurity(app: Express, options: { frontendUrl: string; publicBaseUrl: string }): void {
  const https = options.publicBaseUrl.startsWith('https://');
  const directives = {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'", 'data:'],
    fontSrc: ["'self'"],
    connectSrc: ["'self'"],
    objectSrc: ["'none'"],
    baseUri: ["'self'"],
    frameAncestors: ["'none'"],
    formAction: ["'self'"],
    // On plain-http development hosts, upgrading would break every request.
    upgradeInsecureRequests: https ? [] : null,
  };
  const strict = helmet({ contentSecurityPolicy: { useDefaults: false, directives }, hsts: https });
  const docs = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: { ...directives, styleSrc: ["'self'", "'unsafe-inline'"] },
    },
    hsts: https,
  });
  app.use((req, res, next) => (req.path === '/docs' || req.path.startsWith('/docs/') ? docs : strict)(req, res, next));

  const origin = new URL(options.frontendUrl).origin;
  app.use(
    '/api',
    cors({
      origin,
      methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
      allowedHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'X-Request-Id', 'X-CSRF-Token'],
      // A web app on another origin signs in with the session cookie.
      credentials: true,
      exposedHeaders: ['Retry-After', 'X-Request-Id', 'Idempotent-Replayed'],
      maxAge: 600,
    }),
  );
}
