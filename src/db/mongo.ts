import mongoose from 'mongoose';

// Collections are created explicitly (ensureIndexes) rather than implicitly on first write; this also keeps
// us inside what the jongodb fallback supports.
mongoose.set('autoCreate', false);
mongoose.set('autoIndex', false);
mongoose.set('strictQuery', true);

export async function connectMongo(uri: string, dbName?: string): Promise<typeof mongoose> {
  return mongoose.connect(uri, { dbName, serverSelectionTimeoutMS: 10_000, autoCreate: false, autoIndex: false });
}

/** Creates every registered model's indexes (and so its collection). Idempotent; run at start-up. */
export async function ensureIndexes(): Promise<void> {
  for (const model of Object.values(mongoose.models)) {
    // createIndexes also creates the collection (jongodb has no `create` command, so no createCollection).
    await model.createIndexes();
  }
}

export async function pingMongo(timeoutMs = 2000): Promise<void> {
  const db = mongoose.connection.db;
  if (!db || mongoose.connection.readyState !== 1) throw new Error('MongoDB is not connected');
  await Promise.race([
    db.admin().ping(),
    new Promise((_, reject) => setTimeout(() => reject(new Error('MongoDB ping timed out')), timeoutMs).unref()),
  ]);
}

export async function disconnectMongo(): Promise<void> {
  await mongoose.disconnect();
}
