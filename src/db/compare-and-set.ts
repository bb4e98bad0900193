import type { Model } from 'mongoose';

/**
 * Applies `update` to the one document matching `filter` and says whether this caller won. A plain updateOne is a
 * compare-and-set on MongoDB; we use it for every claim/lease instead of findOneAndUpdate because the jongodb
 * fallback does not make findOneAndUpdate atomic between concurrent clients (several "win").
 */
export async function compareAndSet<T>(
  model: Model<T>,
  filter: Record<string, unknown>,
  update: Record<string, unknown>,
): Promise<boolean> {
  const result = await model.updateOne(filter, update);
  return result.modifiedCount === 1;
}
