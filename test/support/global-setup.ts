import { loadConfig } from '../../src/config';
import { startMongoEngine, type MongoEngine } from '../../src/db/mongo-engine';

/** One MongoDB for the whole run, in the documented order; each test file then uses its own database. */
export default async function globalSetup(): Promise<void> {
  const { mongo } = loadConfig(process.env);
  const engine: MongoEngine = await startMongoEngine({ uri: mongo.uri });
  process.stdout.write(
    `\n[test harness] MongoDB engine: ${engine.name} (${engine.uri.replace(/\/\/[^@]*@/, '//***@')})\n`,
  );
  process.env.TEST_MONGODB_URI = engine.uri;
  (globalThis as { __MONGO_ENGINE__?: MongoEngine }).__MONGO_ENGINE__ = engine;
}
