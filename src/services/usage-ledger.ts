import { isDuplicateKeyError, ServiceUnavailableError } from '../lib/errors';
import { UsageCounterModel } from '../models/usage-counter.model';

/**
 * Takes one use of `key` in `window` (ending at `resetAt`) if fewer than `limit` were taken; says whether it did.
 * A conditional `$inc` is a compare-and-set on MongoDB and on the jongodb fallback (no findOneAndUpdate); the first
 * use of a window inserts the document, and a loser of that insert race (or of a concurrent `$inc`) tries again.
 */
export async function takeUse(o: { key: string; window: string; resetAt: Date; limit: number }): Promise<boolean> {
  const window = { key: o.key, window: o.window };
  // A write that lost to a concurrent one matches nothing: look at the window and try again.
  for (let i = 0; i < 25; i += 1) {
    const taken = await UsageCounterModel.updateOne({ ...window, count: { $lt: o.limit } }, { $inc: { count: 1 } });
    if (taken.modifiedCount === 1) return true;
    const current = await UsageCounterModel.findOne(window, { count: 1 }).lean();
    if (current && current.count >= o.limit) return false;
    if (!current) {
      try {
        await UsageCounterModel.create({ ...window, count: 1, resetAt: o.resetAt });
        return true;
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error; // another instance opened the window first: take from it
      }
    }
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * (i + 1)));
  }
  throw new ServiceUnavailableError('The usage ledger is too busy; try again', 'LEDGER_BUSY');
}

/** Gives back a use taken for work that was then not done (e.g. a booking refused after its rate check). */
export async function returnUse(o: { key: string; window: string }): Promise<void> {
  await UsageCounterModel.updateOne({ key: o.key, window: o.window, count: { $gt: 0 } }, { $inc: { count: -1 } });
}

export const utcDay = (t: Date) => t.toISOString().slice(0, 10);
export const nextUtcMidnight = (t: Date) => new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), t.getUTCDate() + 1));
