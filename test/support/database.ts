import { randomBytes } from 'node:crypto';
import mongoose from 'mongoose';
import { connectMongo, ensureIndexes } from '../../src/db/mongo';

/** Connects this test file to a database of its own on the run's MongoDB, and drops it afterwards. */
export async function useTestDatabase(): Promise<{ name: string; drop(): Promise<void> }> {
  const uri = process.env.TEST_MONGODB_URI;
  if (!uri) throw new Error('TEST_MONGODB_URI is not set: run the tests through jest (global setup starts MongoDB)');
  const name = `test_${randomBytes(6).toString('hex')}`;
  await connectMongo(uri, name);
  await ensureIndexes();
  return {
    name,
    async drop() {
      await mongoose.connection.db?.dropDatabase().catch(() => {});
      await mongoose.disconnect();
    },
  };
}
