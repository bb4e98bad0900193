import { randomUUID } from 'node:crypto';
import type { Clock } from '../../lib/clock';
import type { Logger } from '../../lib/logger';
import { compareAndSet } from '../../db/compare-and-set';
import { OutboxMailModel, type OutboxMailRecord } from '../../models/outbox-mail.model';
import { backoffMs } from '../jobs/backoff';
import type { JobQueue } from '../jobs/job-queue';
import type { MailTransport } from './mail-transport';
import { isDuplicateKeyError } from '../../lib/errors';

export interface MailToSend {
  /** Same key, same logical mail: enqueuing it again is a no-op. */
  dedupeKey: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  ical?: { method: 'REQUEST' | 'CANCEL'; content: string };
}

export type DeliveryOutcome = { status: 'sent' | 'failed' | 'skipped' } | { status: 'retry'; at: Date };

export const JOB_DELIVER_MAIL = 'deliver-mail';
const LOCK_MS = 5 * 60_000;

/** The bare address of a From header: `Booking <noreply@example.com>` → `noreply@example.com`. */
export function addressOf(from: string): string {
  return (/<([^>]+)>/.exec(from)?.[1] ?? from).trim();
}

/** Mail goes into a durable outbox first; a job per message delivers it, retrying with backoff. */
export function createMailOutbox(deps: {
  transport: MailTransport;
  jobs: JobQueue;
  from: string;
  clock: Clock;
  logger: Logger;
  maxAttempts: number;
}) {
  const now = () => deps.clock.now();
  const schedule = (mailId: string, at: Date) => deps.jobs.schedule(JOB_DELIVER_MAIL, `mail:${mailId}`, { mailId }, at);

  deps.jobs.define(JOB_DELIVER_MAIL, async ({ mailId }) => {
    const outcome = await outbox.deliver(mailId!);
    if (outcome.status === 'retry') return { retryAt: outcome.at };
  });

  const outbox = {
    async enqueue(mail: MailToSend): Promise<void> {
      const t = now();
      const result = await OutboxMailModel.updateOne(
        { dedupeKey: mail.dedupeKey },
        {
          $setOnInsert: {
            dedupeKey: mail.dedupeKey,
            to: mail.to,
            subject: mail.subject,
            text: mail.text,
            html: mail.html,
            icalMethod: mail.ical?.method ?? null,
            icalContent: mail.ical?.content ?? null,
            status: 'pending',
            attempts: 0,
            nextAttemptAt: t,
            messageId: `<${randomUUID()}@specialist-booking>`,
          },
        },
        { upsert: true },
      ).catch((error: unknown) => {
        if (isDuplicateKeyError(error)) return { upsertedId: null };
        throw error;
      });
      if (result.upsertedId) await schedule(result.upsertedId.toString(), t);
    },

    /** Delivers one message if it is still due; claims it first so two workers never send it twice at once. */
    async deliver(mailId: string): Promise<DeliveryOutcome> {
      const t = now();
      const claimed = await compareAndSet(
        OutboxMailModel,
        { _id: mailId, status: 'pending', $or: [{ lockedUntil: null }, { lockedUntil: { $lte: t } }] },
        { $set: { lockedUntil: new Date(t.getTime() + LOCK_MS) }, $inc: { attempts: 1 } },
      );
      const mail = claimed ? await OutboxMailModel.findById(mailId).lean<OutboxMailRecord>() : null;
      if (!mail) return { status: 'skipped' };
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
        const message = (error as Error).message;
        const giveUp = mail.attempts >= deps.maxAttempts;
        const at = new Date(now().getTime() + backoffMs(mail.attempts));
        await OutboxMailModel.updateOne(
          { _id: mail._id },
          { $set: { lockedUntil: null, lastError: message, status: giveUp ? 'failed' : 'pending', nextAttemptAt: at } },
        );
        deps.logger.warn({ mailId, attempts: mail.attempts, giveUp, err: message }, 'Mail delivery failed');
        return giveUp ? { status: 'failed' } : { status: 'retry', at };
      }
      await OutboxMailModel.updateOne(
        { _id: mail._id },
        { $set: { status: 'sent', sentAt: now(), lockedUntil: null, lastError: null } },
      );
      return { status: 'sent' };
    },

    /** Schedules delivery of pending mail whose time has come, in case its job was lost; returns how many. */
    async requeueDue(limit = 100): Promise<number> {
      const docs = await OutboxMailModel.find({ status: 'pending', nextAttemptAt: { $lte: now() } })
        .sort({ nextAttemptAt: 1 })
        .limit(limit)
        .lean<OutboxMailRecord[]>();
      for (const doc of docs) await schedule(doc._id.toString(), now());
      return docs.length;
    },
  };
  return outbox;
}

export type MailOutbox = ReturnType<typeof createMailOutbox>;
