import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));
// `npm run dev`: Vite serves the app on 5173 and forwards every server path to the API (API_PORT, default 3000).
const api = `http://localhost:${process.env.API_PORT ?? '3000'}`;
const proxied = ['/api', '/docs', '/openapi.json', '/healthz', '/readyz'];

export default defineConfig({
  root,
  // React 17+ JSX runtime without @vitejs/plugin-react (its babel peer range does not resolve here); no Fast Refresh.
  oxc: { jsx: { runtime: 'automatic' } },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 300 },
  server: {
    port: 5173,
    strictPort: true,
    proxy: Object.fromEntries(proxied.map((p) => [p, { target: api, changeOrigin: false, xfwd: true }])),
  },
  test: {
    root,
    environment: 'happy-dom',
    include: ['src/**/*.test.{ts,tsx}'],
  },
});
