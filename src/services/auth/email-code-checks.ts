import { randomUUID } from 'node:crypto';
import { Types } from 'mongoose';
import { compareAndSet } from '../../db/compare-and-set';
import type { Clock } from '../../lib/clock';
import { ConflictError, UnprocessableError } from '../../lib/errors';
import { GuestEmailCodeModel, type GuestEmailCodeRecord } from '../../models/guest-email-code.model';

export const CODE_TTL_MINUTES = 10;
export const MAX_CODE_TRIES = 5;
/** Unused codes are purged a day after they were made, used ones (a replay shows them again) after 30 days. */
export const PURGE_UNUSED_MS = 86_400_000;
const PURGE_USED_MS = 30 * 86_400_000;
/** How long a request waits for its twin (same Idempotency-Key) holding the same code: the key's own wait. */
const TWIN_WAIT_MS = 15_000;

/**
 * Why a code was refused. Only a live code (the newest of the address, unexpired, unused) answers `wrong` with the
 * tries it has left, then `dead`; everything else (no code, the newest one expired or used) is the same
 * `invalid`, so the answer does not tell whether the address asked for a code or booked with one before.
 */
export type CodeProblem = 'invalid' | 'wrong' | 'dead';

const MESSAGES: Record<CodeProblem, string> = {
  invalid: 'This code does not work: it may be wrong, expired or already used. Ask for a new one',
  wrong: 'This code is wrong',
  dead: `This code was entered wrongly ${MAX_CODE_TRIES} times and no longer works: ask for a new one`,
};

/** 422 EMAIL_CODE_INVALID: `details.reason` says why, `details.triesLeft` how many tries the code has left. */
export class EmailCodeInvalidError extends UnprocessableError {
  constructor(reason: CodeProblem, triesLeft = 0) {
    const message = reason === 'wrong' ? `${MESSAGES.wrong}: ${triesLeft} tries left` : MESSAGES[reason];
    super(message, 'EMAIL_CODE_INVALID', { reason, triesLeft });
  }
}

const invalid = () => new EmailCodeInvalidError('invalid');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A code held by one booking request: given back if the booking is refused, or marked as having made it. */
export interface CodeClaim {
  release(): Promise<void>;
  consumed(bookingId: string): Promise<void>;
}

/**
 * Checking a guess against a stored code, and claiming the code for one booking request. A guess is compared only
 * under a try it took first (a compare-and-set on `tries`), so at most MAX_CODE_TRIES wrong guesses are ever compared
 * with a code, however many arrive at once; a right guess gives its try back. A booking claims the code with a
 * compare-and-set on `usedAt` (of two requests exactly one, its Idempotency-Key scope kept in `claimScope`), gives it
 * back when the booking is refused, and records the booking it made.
 */
export function createCodeChecks(deps: { clock: Clock; matches(doc: GuestEmailCodeRecord, code: string): boolean }) {
  const now = () => deps.clock.now();

  /**
   * One comparison under one try. The try is taken before the comparison, with a compare-and-set on the count read
   * (and on the state the caller expects, `state`), so each try has a number of its own; the caller checked that
   * tries are left. 'match' gives the try back; a number is the tries left after this wrong guess; 'lost': the count
   * or the state changed meanwhile (read again).
   */
  async function compare(
    doc: GuestEmailCodeRecord,
    code: string,
    state: Record<string, unknown>,
  ): Promise<'match' | 'lost' | number> {
    const took = await compareAndSet(
      GuestEmailCodeModel,
      { ...state, _id: doc._id, tries: doc.tries },
      { $inc: { tries: 1 } },
    );
    if (!took) return 'lost';
    if (!deps.matches(doc, code)) return MAX_CODE_TRIES - doc.tries - 1;
    await GuestEmailCodeModel.updateOne({ _id: doc._id, tries: { $gt: 0 } }, { $inc: { tries: -1 } });
    return 'match';
  }

  const newest = (email: string) =>
    GuestEmailCodeModel.findOne({ email }).sort({ createdAt: -1, _id: -1 }).lean<GuestEmailCodeRecord>();

  /**
   * The twin request (same Idempotency-Key scope) holding the code: its booking once it recorded it, or undefined when
   * it gave the code back (its booking was refused: this request may claim it).
   */
  async function twinsBooking(id: Types.ObjectId, scope: string, waitUntil: number): Promise<string | undefined> {
    for (;;) {
      const doc = await GuestEmailCodeModel.findById(id).lean<GuestEmailCodeRecord>();
      if (!doc?.usedAt) return undefined;
      if (doc.claimScope !== scope) throw invalid();
      if (doc.bookingId) return doc.bookingId.toString();
      if (Date.now() > waitUntil) {
        throw new ConflictError('A request with this Idempotency-Key is still in progress', 'IDEMPOTENCY_KEY_IN_USE');
      }
      await sleep(100);
    }
  }

  function claimOf(doc: GuestEmailCodeRecord, owner: string): CodeClaim {
    return {
      async release() {
        await GuestEmailCodeModel.updateOne(
          { _id: doc._id, claim: owner, bookingId: null },
          {
            $set: {
              usedAt: null,
              claim: null,
              claimScope: null,
              purgeAt: new Date(doc.createdAt.getTime() + PURGE_UNUSED_MS),
            },
          },
        );
      },
      async consumed(bookingId: string) {
        await GuestEmailCodeModel.updateOne(
          { _id: doc._id, claim: owner },
          { $set: { bookingId: new Types.ObjectId(bookingId) } },
        );
      },
    };
  }

  return {
    /**
     * Claims the newest code of the address for one booking request. A request whose twin (same Idempotency-Key
     * scope) holds the code waits for it and gets `{ replayOf }`, the booking the twin made.
     */
    async claim(email: string, code: string, scope?: string): Promise<CodeClaim | { replayOf: string }> {
      const waitUntil = Date.now() + TWIN_WAIT_MS; // real time: the injected clock may stand still
      let proven: string | undefined; // the code this request's guess matched (compared once)
      for (;;) {
        const doc = await newest(email);
        if (!doc || doc.expiresAt <= now()) throw invalid();
        const twin = Boolean(scope && doc.usedAt && doc.claimScope === scope);
        if (doc.usedAt && !twin) throw invalid();
        // Dead for every guess, even one that matched before the fifth wrong try was counted (it had given its try
        // back); a twin's code is used: its count no longer matters to the claim.
        if (doc.tries >= MAX_CODE_TRIES && !twin) throw new EmailCodeInvalidError('dead');
        if (proven !== doc._id.toString()) {
          if (doc.tries >= MAX_CODE_TRIES) throw invalid();
          const live = { usedAt: null, expiresAt: { $gt: now() } };
          const verdict = await compare(doc, code, twin ? { claimScope: scope } : live);
          if (verdict === 'lost') continue;
          if (verdict !== 'match') {
            if (twin) throw invalid(); // a used code says nothing more
            throw verdict > 0 ? new EmailCodeInvalidError('wrong', verdict) : new EmailCodeInvalidError('dead');
          }
          proven = doc._id.toString();
        }
        if (twin) {
          const replayOf = await twinsBooking(doc._id, scope!, waitUntil);
          if (replayOf) return { replayOf };
          continue; // the twin gave the code back: claim it
        }
        const owner = randomUUID();
        const won = await compareAndSet(
          GuestEmailCodeModel,
          { _id: doc._id, usedAt: null, tries: { $lt: MAX_CODE_TRIES }, expiresAt: { $gt: now() } },
          {
            $set: {
              usedAt: now(),
              claim: owner,
              claimScope: scope ?? null,
              purgeAt: new Date(now().getTime() + PURGE_USED_MS),
            },
          },
        );
        if (won) return claimOf(doc, owner);
        // Claimed by someone else (or 5 wrong tries counted) meanwhile: look again.
      }
    },

    /**
     * A replay (same Idempotency-Key) shows a booking only to the code that made it: compared under a try of that
     * code, like a claim. The code is found by the booking it recorded or, while the request that made the booking
     * has not recorded it yet (its inline Zoom create, or it died then), by the key's scope it was claimed under.
     */
    async madeBy(email: string, bookingId: string, code: string, scope: string): Promise<void> {
      if (!Types.ObjectId.isValid(bookingId)) throw invalid();
      let doc =
        (await GuestEmailCodeModel.findOne({
          email,
          bookingId: new Types.ObjectId(bookingId),
        }).lean<GuestEmailCodeRecord>()) ??
        (await GuestEmailCodeModel.findOne({ email, claimScope: scope, bookingId: null, usedAt: { $ne: null } })
          .sort({ createdAt: -1, _id: -1 })
          .lean<GuestEmailCodeRecord>());
      for (;;) {
        if (!doc || doc.tries >= MAX_CODE_TRIES) throw invalid();
        const verdict = await compare(doc, code, {});
        if (verdict === 'match') return;
        if (verdict !== 'lost') throw invalid(); // a used code says nothing more (the try is counted)
        doc = await GuestEmailCodeModel.findById(doc._id).lean<GuestEmailCodeRecord>();
      }
    },
  };
}
