import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react-swc';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));
// `npm run dev`: Vite serves the app on 5173 and forwards every server path to the API (API_PORT, default 3000).
const api = `http://localhost:${process.env.API_PORT ?? '3000'}`;
const proxied = ['/api', '/docs', '/openapi.json', '/healthz', '/readyz', '/metrics'];

export default defineConfig({
  root,
  // Fast Refresh in `npm run dev` (components reload in place, their state kept) and the automatic JSX runtime. The
  // SWC plugin needs no Babel peer (the one that blocked @vitejs/plugin-react here); its "try plugin-react" notice is
  // silenced because that choice was made on purpose (README "Development loop").
  plugins: [react({ disableOxcRecommendation: true })],
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
