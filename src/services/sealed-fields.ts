import type { Types } from 'mongoose';
import type { TokenCipher } from '../lib/token-cipher';

/**
 * Documents holding a sealed value in any of `fields` that the current key did not seal (v1, or v2 of another key):
 * what a key rotation still has to rewrite before TOKEN_ENCRYPTION_KEY_PREVIOUS can go. An unindexed scan, run only
 * while a rotation is under way.
 */
export function sealedUnderOtherKey(cipher: TokenCipher, fields: readonly string[]): Record<string, unknown> {
  const other = { $regex: `^(?!v2\\.${cipher.keyId}\\.)` };
  return { $or: fields.map((f) => ({ [f]: other })) };
}

export interface ResealReport {
  /** Values opened and written again under the current key. */
  resealed: number;
  /** Ids of records whose value did not open (another key, tampered): named in the log, never retried in a run. */
  failed: string[];
}

/**
 * Walks `page` (documents after an `_id`, in `_id` order, a batch at a time) and reseals each; a record that fails
 * is counted and passed, so one bad value cannot hold the others back.
 */
export async function resealEach<T extends { _id: Types.ObjectId }>(
  page: (after: Types.ObjectId | undefined) => Promise<T[]>,
  reseal: (doc: T) => Promise<unknown>,
  max = 1000,
): Promise<ResealReport> {
  const report: ResealReport = { resealed: 0, failed: [] };
  let after: Types.ObjectId | undefined;
  while (report.resealed + report.failed.length < max) {
    const docs = await page(after);
    if (docs.length === 0) break;
    for (const doc of docs) {
      try {
        await reseal(doc);
        report.resealed += 1;
      } catch {
        report.failed.push(doc._id.toString());
      }
    }
    after = docs.at(-1)!._id;
  }
  return report;
}

export const RESEAL_BATCH = 100;
