import type { MongoEngine } from '../../src/db/mongo-engine';

export default async function globalTeardown(): Promise<void> {
  await (globalThis as { __MONGO_ENGINE__?: MongoEngine }).__MONGO_ENGINE__?.stop();
}
