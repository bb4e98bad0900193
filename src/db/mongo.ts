import mongoose from 'mongoose';

// Collections are created explicitly (ensureIndexes) rather than implicitly on first write; this also keeps
// us inside what the jongodb fallback supports.
mongoose.set('autoCreate', false);
mongoose.set('autoIndex', false);
mongoose.set('strictQuery', true);

export async function connectMongo(uri: string, dbName?: string): Promise<typeof mongoose> {
  // With MongoDB unreachable a request fails (503) after about two server selections (a retryable read retries
  // once), so the selection time-out bounds how long a caller waits.
  // A socket that goes silent (a network partition, not a refused connection) fails after socketTimeoutMS instead of
  // holding a request, a job or the shutdown forever; nothing here legitimately runs that long.
  return mongoose.connect(uri, {
    dbName,
    serverSelectionTimeoutMS: 5000,
    connectTimeoutMS: 5000,
    socketTimeoutMS: 30_000,
    autoCreate: false,
    autoIndex: false,
  });
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
