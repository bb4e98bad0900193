// @vitest-environment node
import { describe, expect, it } from 'vitest';
import config from '../../vite.config.mjs';

describe('npm run dev: the Vite proxy', () => {
  it('when the app runs under Vite, then every path the API serves outside the web app reaches the API, /metrics too', () => {
    const proxy = config.server?.proxy ?? {};
    expect(Object.keys(proxy).sort()).toEqual(['/api', '/docs', '/healthz', '/metrics', '/openapi.json', '/readyz']);
  });
});
