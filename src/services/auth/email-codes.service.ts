import { createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { Types } from 'mongoose';
import type { Clock } from '../../lib/clock';
import { GuestEmailCodeModel, type GuestEmailCodeRecord } from '../../models/guest-email-code.model';
import { guestCodeMail } from '../mail/account-mail.templates';
import type { MailOutbox } from '../mail/mail-outbox.service';
import { normaliseEmail } from './accounts';
import {
  CODE_TTL_MINUTES,
  createCodeChecks,
  EmailCodeInvalidError,
  PURGE_UNUSED_MS,
  type CodeClaim,
} from './email-code-checks';
import type { RateLimiter } from './rate-limiter';

export { CODE_TTL_MINUTES, EmailCodeInvalidError, MAX_CODE_TRIES, type CodeClaim } from './email-code-checks';

/**
 * The 6-digit codes that prove an address for a guest booking. A code is stored as an HMAC (JWT_SECRET, a salt of its
 * own), works for 10 minutes on the injected clock, and only the newest one of an address counts; how a guess is
 * checked and a code claimed is in email-code-checks. Codes are limited per address and per IP, and so are the
 * refused guesses from one IP.
 */
export function createEmailCodes(deps: {
  secret: string;
  clock: Clock;
  mail: Pick<MailOutbox, 'enqueue'>;
  perEmail: RateLimiter;
  perIp: RateLimiter;
  /** Refused guesses per IP (GUEST_CODE_FAILURES_MAX_PER_IP): bounds guessing across addresses, and killing codes. */
  failuresPerIp: RateLimiter;
}) {
  const now = () => deps.clock.now();
  const hashOf = (salt: string, code: string) =>
    createHmac('sha256', deps.secret).update(`guest-email-code:${salt}:${code}`).digest();
  const checks = createCodeChecks({
    clock: deps.clock,
    matches: (doc: GuestEmailCodeRecord, code: string) =>
      timingSafeEqual(hashOf(doc.salt, code), Buffer.from(doc.codeHash, 'hex')),
  });

  /**
   * Every guess from an IP takes a point of its hourly failures first (429 RATE_LIMITED once they are spent: nothing
   * is compared), and gives it back unless the code was refused; so a burst cannot pass the limit either.
   */
  async function guessFrom<T>(ip: string, guess: () => Promise<T>): Promise<T> {
    await deps.failuresPerIp.consume(ip);
    try {
      const result = await guess();
      await deps.failuresPerIp.refund(ip);
      return result;
    } catch (error) {
      if (!(error instanceof EmailCodeInvalidError)) await deps.failuresPerIp.refund(ip);
      throw error;
    }
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
    claim(email: string, code: string, ip: string, scope?: string): Promise<CodeClaim | { replayOf: string }> {
      return guessFrom(ip, () => checks.claim(normaliseEmail(email), code, scope));
    },

    /** A replay (same Idempotency-Key) shows a booking only to the code that made it. */
    assertMadeBy(input: { email: string; bookingId: string; code: string; scope: string; ip: string }): Promise<void> {
      const { email, bookingId, code, scope } = input;
      return guessFrom(input.ip, () => checks.madeBy(normaliseEmail(email), bookingId, code, scope));
    },

    async forgetEmail(email: string): Promise<void> {
      await GuestEmailCodeModel.deleteMany({ email });
    },
  };
}

export type EmailCodes = ReturnType<typeof createEmailCodes>;
