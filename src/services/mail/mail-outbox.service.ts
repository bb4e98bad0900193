import { createHash } from 'node:crypto';
import { Types } from 'mongoose';
import type { Clock } from '../../lib/clock';
import type { Logger } from '../../lib/logger';
import { compareAndSet } from '../../db/compare-and-set';
import { OutboxMailModel, type OutboxMailRecord } from '../../models/outbox-mail.model';
import { transientBackoffMs } from '../jobs/backoff';
import type { JobQueue } from '../jobs/job-queue';
import { isPermanentMailError, type MailTransport } from './mail-transport';
import { isDuplicateKeyError } from '../../lib/errors';
import { mailLogIds } from './mail-log-ids';

export interface MailToSend {
  /** Same key, same logical mail: enqueuing it again is a no-op. */
  dedupeKey: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  ical?: { method: 'REQUEST' | 'CANCEL'; content: string };
}

type Claimed = Pick<
  OutboxMailRecord,
  | '_id'
  | 'to'
  | 'subject'
  | 'text'
  | 'html'
  | 'icalMethod'
  | 'icalContent'
  | 'messageId'
  | 'attempts'
  | 'refusals'
  | 'lockedUntil'
  | 'dedupeKey'
>;

/**
 * How long a claim holds a message: longer than one SMTP send with its time-outs (see createSmtpTransport), short
 * enough that a crashed sender's mail goes out about a minute later.
 */
const LOCK_MS = 60_000;
const lockFree = (t: Date) => [{ lockedUntil: null }, { lockedUntil: { $lte: t } }];

/** The bare address of a From header: `Booking <noreply@example.com>` → `noreply@example.com`. */
export function addressOf(from: string): string {
  return (/<([^>]+)>/.exec(from)?.[1] ?? from).trim();
}

/**
 * The documents of a batch that a duplicate key refused in part: which of them are stored now as ours. MongoDB
 * inserts the others of an unordered batch, jongodb may refuse the whole command, so ask rather than guess: ours are
 * those stored under our _id, and any still missing is upserted one by one (a rare path: a mail queued twice).
 */
async function insertedDespiteDuplicates<T extends { _id: Types.ObjectId; dedupeKey: string }>(docs: T[]) {
  const stored = await OutboxMailModel.find({ _id: { $in: docs.map((d) => d._id) } }, { _id: 1 }).lean();
  const ours = new Set(stored.map((d) => d._id.toString()));
  for (const doc of docs) {
    if (ours.has(doc._id.toString())) continue;
    const result = await OutboxMailModel.updateOne(
      { dedupeKey: doc.dedupeKey },
      { $setOnInsert: doc },
      { upsert: true },
    ).catch((error: unknown) => {
      if (isDuplicateKeyError(error)) return { upsertedId: null };
      throw error;
    });
    if (result.upsertedId) ours.add(doc._id.toString());
  }
  return docs.filter((d) => ours.has(d._id.toString()));
}

/**
 * Mail goes into a durable outbox first. Whoever inserts a message holds its claim (a lease in the document) and
 * delivers it right after the request: a delivery costs the send and a "sent" mark. A message whose claim lapsed
 * (its process died) or whose delivery failed is found by the outbox poller when it is due, and retried with backoff.
 */
export function createMailOutbox(deps: {
  transport: MailTransport;
  jobs: JobQueue;
  from: string;
  clock: Clock;
  logger: Logger;
  maxAttempts: number;
}) {
  const now = () => deps.clock.now();
  const domain = addressOf(deps.from).split('@')[1] || 'localhost';
  /** One Message-ID per logical mail (its dedupe key), on our own domain, the same on every delivery of it. */
  const messageIdOf = (dedupeKey: string) =>
    `<${createHash('sha256').update(dedupeKey).digest('hex').slice(0, 32)}.outbox@${domain}>`;

  /**
   * Each message is marked sent right after SMTP accepted it (not after the whole batch), so the window in which a
   * crash makes the message go out again, once its claim has lapsed, is one MongoDB write. That window cannot be
   * closed (SMTP has no idempotency): delivery is at least once, and every delivery carries the message's stored
   * Message-ID, so mail clients and tests recognise a repeat.
   */
  async function deliver(mails: Claimed[]): Promise<void> {
    await Promise.all(
      mails.map(async (mail) => {
        // Our claim lapsed (a stall longer than LOCK_MS): the poller may have handed the message to someone else.
        if (mail.lockedUntil && mail.lockedUntil <= now()) return;
        try {
          await deps.transport.send({
            from: deps.from,
            to: mail.to,
            subject: mail.subject,
            text: mail.text,
            html: mail.html,
            messageId: mail.messageId,
            ical:
              mail.icalMethod && mail.icalContent ? { method: mail.icalMethod, content: mail.icalContent } : undefined,
          });
        } catch (error) {
          // Transient failures (SMTP down, 4xx) never end the tries; MAIL_RETRY_MAX_ATTEMPTS 5xx refusals do.
          const message = (error as Error).message;
          const refusals = (mail.refusals ?? 0) + (isPermanentMailError(error) ? 1 : 0);
          const giveUp = refusals >= deps.maxAttempts;
          const at = new Date(now().getTime() + transientBackoffMs(mail.attempts));
          await OutboxMailModel.updateOne(
            { _id: mail._id },
            {
              $set: {
                lockedUntil: null,
                lastError: message,
                refusals,
                status: giveUp ? 'failed' : 'pending',
                nextAttemptAt: at,
              },
            },
          );
          deps.logger.warn(
            { mailId: mail._id, ...mailLogIds(mail.dedupeKey), attempts: mail.attempts, giveUp, err: message },
            'Mail delivery failed',
          );
          return;
        }
        await OutboxMailModel.updateOne(
          { _id: mail._id },
          { $set: { status: 'sent', sentAt: now(), lockedUntil: null, lastError: null } },
        );
      }),
    );
  }

  deps.jobs.addSource({
    name: 'mail',
    /** One due message whose claim is free: claim it (compare-and-set on its attempts) and deliver it. */
    async runNext() {
      const t = now();
      const due = await OutboxMailModel.find({ status: 'pending', nextAttemptAt: { $lte: t }, $or: lockFree(t) })
        .sort({ nextAttemptAt: 1 })
        .limit(10)
        .lean<OutboxMailRecord[]>();
      for (const mail of due) {
        const lockedUntil = new Date(t.getTime() + LOCK_MS);
        const won = await compareAndSet(
          OutboxMailModel,
          { _id: mail._id, status: 'pending', attempts: mail.attempts, $or: lockFree(t) },
          { $set: { lockedUntil }, $inc: { attempts: 1 } },
        );
        if (won) {
          await deliver([{ ...mail, attempts: mail.attempts + 1, lockedUntil }]);
          return true;
        }
      }
      return false;
    },
  });

  const outbox = {
    /**
     * Queues the messages in one write, each once per dedupe key, claimed by this process, and delivers them right
     * after the current request. Messages queued before under the same key are left to whoever holds them.
     */
    async enqueueMany(mails: MailToSend[]): Promise<void> {
      if (mails.length === 0) return;
      const t = now();
      const docs = mails.map((mail) => ({
        _id: new Types.ObjectId(),
        dedupeKey: mail.dedupeKey,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        icalMethod: mail.ical?.method ?? null,
        icalContent: mail.ical?.content ?? null,
        status: 'pending' as const,
        attempts: 1,
        refusals: 0,
        nextAttemptAt: t,
        lockedUntil: new Date(t.getTime() + LOCK_MS),
        lastError: null,
        sentAt: null,
        messageId: messageIdOf(mail.dedupeKey),
        createdAt: t,
        updatedAt: t,
      }));
      let inserted = docs;
      try {
        // Built complete above, so mongoose need not hydrate and validate each one (lean).
        await OutboxMailModel.insertMany(docs, { ordered: false, lean: true });
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
        inserted = await insertedDespiteDuplicates(docs);
      }
      if (inserted.length > 0) deps.jobs.soon(() => deliver(inserted));
    },

    enqueue(mail: MailToSend): Promise<void> {
      return outbox.enqueueMany([mail]);
    },
  };
  return outbox;
}

export type MailOutbox = ReturnType<typeof createMailOutbox>;
