import { spawnSync } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(__dirname, '..');

function startServer(env: Record<string, string>) {
  return spawnSync(process.execPath, [path.join(root, 'node_modules/tsx/dist/cli.mjs'), 'src/server.ts'], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DOTENV_CONFIG_PATH: '/nonexistent', ...env },
    encoding: 'utf8',
    timeout: 20_000,
  });
}

describe('start-up configuration checks', () => {
  it('when variables are bad, then the process exits 1 listing every problem at once', () => {
    const result = startServer({ PORT: 'eighty', MONGODB_URI: 'postgres://x', LOG_LEVEL: 'loud' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('Invalid configuration:');
    expect(result.stderr).toMatch(/PORT: /);
    expect(result.stderr).toMatch(/MONGODB_URI: must start with mongodb:\/\//);
    expect(result.stderr).toMatch(/LOG_LEVEL: /);
  });

  it('when production runs without https URLs and real secrets, then start-up refuses and says why', () => {
    const result = startServer({ NODE_ENV: 'production', ZOOM_REDIRECT_URI: 'http://insecure.example/cb' });
    expect(result.status).toBe(1);
    for (const name of ['ZOOM_REDIRECT_URI: must be an https:// URL', 'FRONTEND_URL: must be an https:// URL', 'TOKEN_ENCRYPTION_KEY: is required', 'JWT_SECRET: is required']) {
      expect(result.stderr).toContain(name);
    }
  });
});
