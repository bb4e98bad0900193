import { existsSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';

/**
 * The image installs production dependencies only (Dockerfile): whatever `node dist/server.js`,
 * `node dist/scripts/doctor.js` and `node dist/scripts/create-admin.js` load must be in `dependencies` (or
 * `optionalDependencies`). Follows every runtime import from those entry points through our own source.
 */
const root = path.join(__dirname, '..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as Record<string, Record<string, string>>;
const production = new Set([...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.optionalDependencies ?? {})]);
/** Loaded with `await import()` inside a try, with a fallback when absent (README "Tests": the engine order). */
const OPTIONAL_AT_RUNTIME = new Set(['mongodb-memory-server']);

const IMPORT = /(?:^|\n)\s*(import|export)\s+(type\s+)?([^'";]*?)\s*from\s*'([^']+)'|(?:^|\n)\s*import\s+'([^']+)'/g;
const DYNAMIC = /(?:import|require)\(\s*'([^']+)'\s*\)/g;

function resolveLocal(from: string, spec: string): string {
  const base = path.resolve(path.dirname(from), spec.replace(/\.js$/, ''));
  for (const candidate of [`${base}.ts`, path.join(base, 'index.ts')]) if (existsSync(candidate)) return candidate;
  throw new Error(`cannot resolve ${spec} from ${from}`);
}

const packageOf = (spec: string) =>
  spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;

function runtimePackages(entries: string[]): Map<string, { from: string; dynamic: boolean }> {
  const seen = new Set<string>();
  const packages = new Map<string, { from: string; dynamic: boolean }>();
  const queue = [...entries];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const source = readFileSync(file, 'utf8');
    const found: Array<{ spec: string; dynamic: boolean }> = [];
    for (const m of source.matchAll(IMPORT)) {
      const [, , typeOnly, clause, spec, bare] = m;
      if (bare) found.push({ spec: bare, dynamic: false });
      else if (!typeOnly && !allTypes(clause!)) found.push({ spec: spec!, dynamic: false });
    }
    for (const m of source.matchAll(DYNAMIC)) found.push({ spec: m[1]!, dynamic: true });
    for (const { spec, dynamic } of found) {
      if (spec.startsWith('.')) queue.push(resolveLocal(file, spec));
      else if (!spec.startsWith('node:') && !builtinModules.includes(spec)) {
        const name = packageOf(spec);
        if (!packages.has(name) || !dynamic) packages.set(name, { from: path.relative(root, file), dynamic });
      }
    }
  }
  return packages;
}

/** `{ type A, type B }`: TypeScript drops the whole import. */
function allTypes(clause: string): boolean {
  const names = clause
    .trim()
    .replace(/^\{|\}$/g, '')
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean);
  return names.length > 0 && names.every((n) => n.startsWith('type '));
}

describe('what the production image needs', () => {
  it('when the server, the go-live check and create-admin run from dist/, then they load production dependencies only', () => {
    const entries = ['src/server.ts', 'src/scripts/doctor.ts', 'src/scripts/create-admin.ts'];
    const packages = runtimePackages(entries.map((e) => path.join(root, e)));
    expect([...packages.keys()]).toEqual(expect.arrayContaining(['express', 'mongoose', 'prom-client', 'nodemailer']));
    const missing = [...packages]
      .filter(([name, use]) => !production.has(name) && !(use.dynamic && OPTIONAL_AT_RUNTIME.has(name)))
      .map(([name, use]) => `${name} (imported by ${use.from})`);
    expect(missing).toEqual([]);
  });

  it('when the image installs from the lock with --omit=dev, then no package the server loads is marked dev there', () => {
    const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { dev?: boolean; devDependencies?: Record<string, string> }>;
    };
    const entries = ['src/server.ts', 'src/scripts/doctor.ts', 'src/scripts/create-admin.ts'];
    const loaded = [...runtimePackages(entries.map((e) => path.join(root, e))).keys()].filter((n) => production.has(n));
    // A package listed in both sections is locked as dev (npm ci --omit=dev leaves it out): it must be in one only.
    const listedTwice = Object.keys(pkg.devDependencies ?? {}).filter((n) => production.has(n));
    expect(listedTwice).toEqual([]);
    expect(loaded.filter((n) => lock.packages[`node_modules/${n}`]?.dev === true)).toEqual([]);
  });
});
