// Registers every model the server registers, so the index check covers what ensureIndexes creates at start-up.
import '../../container';
import type { AppConfig } from '../../config';
import { startMongoEngine } from '../../db/mongo-engine';
import { checkEncryptionKey, checkIndexes, checkVersionAndTopology, connectForChecks } from './mongo.checks';
import { fail, formatResult, messageOf, ok, summarize, warn, type CheckResult } from './report';
import { checkRedis, checkSmtp, checkUrls } from './services.checks';
import { zoomChecks } from './zoom.checks';

async function mongoChecks(config: AppConfig): Promise<CheckResult[]> {
  let engine: Awaited<ReturnType<typeof startMongoEngine>> | undefined;
  let uri = config.mongo.uri;
  if (!uri) {
    try {
      // What the server would do without MONGODB_URI, in a throw-away database of the doctor's own.
      engine = await startMongoEngine({});
      uri = `${engine.uri}go-live-check`;
    } catch (error) {
      return [
        fail('MongoDB reachable', `no MONGODB_URI and no embedded engine: ${messageOf(error)}`, 'set MONGODB_URI'),
      ];
    }
  }
  const embedded = engine ? `${engine.name}${engine.persistent ? '' : ', data in memory'}` : undefined;
  const [conn, reachable] = await connectForChecks(uri, embedded);
  try {
    if (!conn) return [reachable];
    return [
      reachable,
      ...(await checkVersionAndTopology(conn)),
      await checkIndexes(conn, Boolean(engine)),
      await checkEncryptionKey(conn, config),
    ];
  } finally {
    await conn?.close().catch(() => {});
    await engine?.stop().catch(() => {});
  }
}

/**
 * The go-live check (README "Go-live check"): the server's configuration against the real services, one line per
 * check. Returns the exit code: 1 when anything is ✗.
 */
export async function runDoctor(config: AppConfig, write: (line: string) => void): Promise<number> {
  const results: CheckResult[] = [];
  const report = (found: CheckResult[]) => {
    for (const result of found) write(formatResult(result));
    results.push(...found);
  };
  report([
    config.isProduction
      ? ok('Configuration', `loaded (NODE_ENV=production, MEETING_PROVIDER=${config.meetingProvider})`)
      : warn(
          'Configuration',
          `loaded with NODE_ENV=${config.env}: production's required settings are not enforced`,
          'run with NODE_ENV=production to check what the production server will refuse',
        ),
  ]);
  // Each group reports as soon as it is done; none depends on another.
  const groups = [mongoChecks(config), Promise.all([checkRedis(config), checkSmtp(config)]), zoomChecks(config)];
  for (const group of groups) report((await group).flat());
  report(await checkUrls(config));
  write(summarize(results));
  return results.some((r) => r.status === 'fail') ? 1 : 0;
}
