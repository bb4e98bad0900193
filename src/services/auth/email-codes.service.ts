import { createHmac, randomBytes, randomInt, randomUUID, timingSafeEqual } from 'node:crypto';
import { Types } from 'mongoose';
import { compareAndSet } from '../../db/compare-and-set';
import type { Clock } from '../../lib/clock';
import { ConflictError, UnprocessableError } from '../../lib/errors';
import { GuestEmailCodeModel, type GuestEmailCodeRecord } from '../../models/guest-email-code.model';
import { guestCodeMail } from '../mail/account-mail.templates';
import type { MailOutbox } from '../mail/mail-outbox.service';
import { normaliseEmail } from './accounts';
import type { RateLimiter } from './rate-limiter';

export const CODE_TTL_MINUTES = 10;
export const MAX_CODE_TRIES = 5;
/** Unused codes are purged a day after they were made, used ones (a replay shows them again) after 30 days. */
const PURGE_UNUSED_MS = 86_400_000;
const PURGE_USED_MS = 30 * 86_400_000;
/** How long a request waits for its twin (same Idempotency-Key) holding the same code: the key's own wait. */
const TWIN_WAIT_MS = 15_000;

export type CodeProblem = 'missing' | 'expired' | 'wrong' | 'used' | 'dead';

const MESSAGES: Record<CodeProblem, string> = {
  missing: 'No code is waiting for this address: ask for a new one',
  expired: `This code has expired (codes work for ${CODE_TTL_MINUTES} minutes): ask for a new one`,
  wrong: 'This code is wrong',
  used: 'This code has already been used: ask for a new one',
  dead: `This code was entered wrongly ${MAX_CODE_TRIES} times and no longer works: ask for a new one`,
};

/** 422 EMAIL_CODE_INVALID: `details.reason` says why, `details.triesLeft` how many tries the code has left. */
export class EmailCodeInvalidError extends UnprocessableError {
  constructor(reason: CodeProblem, triesLeft = 0) {
    const message = reason === 'wrong' ? `${MESSAGES.wrong}: ${triesLeft} tries left` : MESSAGES[reason];
    super(message, 'EMAIL_CODE_INVALID', { reason, triesLeft });
  }
}

/** A code held by one booking request: given back if the booking is refused, or marked as having made it. */
export interface CodeClaim {
  release(): Promise<void>;
  consumed(bookingId: string): Promise<void>;
}

/**
 * The 6-digit codes that prove an address for a guest booking. A code is stored as an HMAC (JWT_SECRET, a salt of its
 * own), works for 10 minutes on the injected clock, and only the newest one of an address counts. Every wrong try is
 * counted with a compare-and-set on `tries` (so concurrent guesses cannot share one count); after MAX_CODE_TRIES the
 * code is dead. A booking claims the code with a compare-and-set on `usedAt` (of two requests exactly one), gives it
 * back when the booking is refused, and records the booking it made.
 */
export function createEmailCodes(deps: {
  secret: string;
  clock: Clock;
  mail: Pick<MailOutbox, 'enqueue'>;
  perEmail: RateLimiter;
  perIp: RateLimiter;
}) {
  const now = () => deps.clock.now();
  const hashOf = (salt: string, code: string) =>
    createHmac('sha256', deps.secret).update(`guest-email-code:${salt}:${code}`).digest();
  const matches = (doc: GuestEmailCodeRecord, code: string) =>
    timingSafeEqual(hashOf(doc.salt, code), Buffer.from(doc.codeHash, 'hex'));

  /** Counts a wrong try (compare-and-set on the count read); false when a concurrent try changed it first. */
  async function countWrong(doc: GuestEmailCodeRecord): Promise<boolean> {
    return compareAndSet(GuestEmailCodeModel, { _id: doc._id, tries: doc.tries }, { $inc: { tries: 1 } });
  }

  /** Checks the code against the loaded one, counting a wrong try; throws EMAIL_CODE_INVALID unless it matches. */
  async function check(
    load: () => Promise<GuestEmailCodeRecord | null>,
    code: string,
    expiryCounts: boolean,
  ): Promise<GuestEmailCodeRecord> {
    for (;;) {
      const doc = await load();
      if (!doc) throw new EmailCodeInvalidError('missing');
      if (expiryCounts && doc.expiresAt <= now()) throw new EmailCodeInvalidError('expired');
      if (doc.tries >= MAX_CODE_TRIES) throw new EmailCodeInvalidError('dead');
      if (matches(doc, code)) return doc;
      if (!(await countWrong(doc))) continue; // another try counted meanwhile: count this one on the new value
      const left = MAX_CODE_TRIES - doc.tries - 1;
      throw left > 0 ? new EmailCodeInvalidError('wrong', left) : new EmailCodeInvalidError('dead');
    }
  }

  const newest = (email: string) =>
    GuestEmailCodeModel.findOne({ email }).sort({ createdAt: -1, _id: -1 }).lean<GuestEmailCodeRecord>();

  function claimOf(doc: GuestEmailCodeRecord, owner: string): CodeClaim {
    return {
      async release() {
        await GuestEmailCodeModel.updateOne(
          { _id: doc._id, claim: owner, bookingId: null },
          { $set: { usedAt: null, claim: null, claimScope: null } },
        );
      },
      async consumed(bookingId: string) {
        await GuestEmailCodeModel.updateOne(
          { _id: doc._id, claim: owner },
          { $set: { bookingId: new Types.ObjectId(bookingId), purgeAt: new Date(now().getTime() + PURGE_USED_MS) } },
        );
      },
    };
  }

  return {
    /**
     * Mails a new code to the address (whatever it is: the caller always answers the same 202). The limits count
     * first, so a refusal (429 RATE_LIMITED) stores nothing.
     */
    async send(input: { email: string; ip: string }): Promise<void> {
      const email = normaliseEmail(input.email);
      await deps.perIp.consume(input.ip);
      await deps.perEmail.consume(email);
      const code = randomInt(0, 1_000_000).toString().padStart(6, '0');
      const salt = randomBytes(16).toString('hex');
      const t = now();
      const _id = new Types.ObjectId();
      await GuestEmailCodeModel.insertMany(
        [
          {
            _id,
            email,
            salt,
            codeHash: hashOf(salt, code).toString('hex'),
            createdAt: t,
            expiresAt: new Date(t.getTime() + CODE_TTL_MINUTES * 60_000),
            tries: 0,
            usedAt: null,
            claim: null,
            claimScope: null,
            bookingId: null,
            purgeAt: new Date(t.getTime() + PURGE_UNUSED_MS),
          },
        ],
        { lean: true },
      );
      await deps.mail.enqueue(guestCodeMail({ id: _id.toString(), to: email, code, minutes: CODE_TTL_MINUTES }));
    },

    /**
     * Claims the newest code of the address for one booking request. A request whose twin (same Idempotency-Key
     * scope) holds the code waits for it and gets `{ replayOf }`, the booking the twin made.
     */
    async claim(emailInput: string, code: string, scope?: string): Promise<CodeClaim | { replayOf: string }> {
      const email = normaliseEmail(emailInput);
      const waitUntil = Date.now() + TWIN_WAIT_MS; // real time: the injected clock may stand still
      for (;;) {
        const doc = await check(() => newest(email), code, true);
        if (doc.usedAt) {
          if (!scope || doc.claimScope !== scope) throw new EmailCodeInvalidError('used');
          if (doc.bookingId) return { replayOf: doc.bookingId.toString() };
          if (Date.now() > waitUntil) {
            throw new ConflictError(
              'A request with this Idempotency-Key is still in progress',
              'IDEMPOTENCY_KEY_IN_USE',
            );
          }
          await new Promise((resolve) => setTimeout(resolve, 100));
          continue;
        }
        const owner = randomUUID();
        const won = await compareAndSet(
          GuestEmailCodeModel,
          { _id: doc._id, usedAt: null, tries: { $lt: MAX_CODE_TRIES }, expiresAt: { $gt: now() } },
          { $set: { usedAt: now(), claim: owner, claimScope: scope ?? null } },
        );
        if (won) return claimOf(doc, owner);
        // Claimed by someone else (or a try counted) meanwhile: look again.
      }
    },

    /**
     * A replay (same Idempotency-Key) shows a booking only to the code that made it: the same check, wrong tries
     * counted on that code.
     */
    async assertMadeBy(emailInput: string, bookingId: string, code: string): Promise<void> {
      const email = normaliseEmail(emailInput);
      if (!Types.ObjectId.isValid(bookingId)) throw new EmailCodeInvalidError('used');
      await check(
        () =>
          GuestEmailCodeModel.findOne({
            email,
            bookingId: new Types.ObjectId(bookingId),
          }).lean<GuestEmailCodeRecord>(),
        code,
        false,
      );
    },

    async forgetEmail(email: string): Promise<void> {
      await GuestEmailCodeModel.deleteMany({ email });
    },
  };
}

export type EmailCodes = ReturnType<typeof createEmailCodes>;
