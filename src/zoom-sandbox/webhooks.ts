import { createHmac } from 'node:crypto';
import type { SandboxMeeting, SandboxWebhookDelivery } from './types';

export interface WebhookConfig {
  url?: string;
  secretToken?: string;
  /** Drop meeting events instead of delivering them (Zoom gives up after its retries: exercises reconciliation). */
  dropEvents: boolean;
}

/** The fields a `meeting.updated` event reports when they change. */
const TRACKED = ['topic', 'start_time', 'duration', 'timezone', 'agenda', 'type', 'password'] as const;
type Tracked = Partial<Pick<SandboxMeeting, (typeof TRACKED)[number]>>;

export const snapshotOf = (m: SandboxMeeting): Tracked => Object.fromEntries(TRACKED.map((k) => [k, m[k]])) as Tracked;

/**
 * Zoom's event notifications for meetings (https://developers.zoom.us/docs/api/webhooks/): signed with the app's
 * secret token, `meeting.deleted` with `payload.object`, `meeting.updated` with the changed fields in
 * `payload.object` and their previous values in `payload.old_object`. Changes made through the REST API produce
 * them too, as Zoom's do. Delivery is fire-and-forget like Zoom's (no retries here); `settled()` waits for it.
 */
export class WebhookSender {
  readonly config: WebhookConfig = { dropEvents: false };
  private readonly log: SandboxWebhookDelivery[] = [];
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly deps: { now: () => number; accountId: string; log: (line: string) => void }) {}

  configure(patch: Partial<WebhookConfig>): WebhookConfig {
    Object.assign(this.config, patch);
    return { ...this.config };
  }

  deliveries(): SandboxWebhookDelivery[] {
    return structuredClone(this.log);
  }

  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  meetingDeleted(m: SandboxMeeting, operator: { email: string; id: string }): void {
    const object = {
      id: m.id,
      uuid: m.uuid,
      host_id: m.host_id,
      topic: m.topic,
      type: m.type,
      ...(m.start_time === undefined ? {} : { start_time: m.start_time }),
      duration: m.duration,
      timezone: m.timezone,
    };
    this.send('meeting.deleted', m.id, {
      operator: operator.email,
      operator_id: operator.id,
      operation: 'single',
      object,
    });
  }

  meetingUpdated(before: Tracked, m: SandboxMeeting, operator: { email: string; id: string }): void {
    const after = snapshotOf(m);
    const changed = TRACKED.filter((k) => before[k] !== after[k]);
    if (changed.length === 0) return;
    const pick = (s: Tracked) => Object.fromEntries(changed.map((k) => [k, s[k]]));
    const ids = { id: m.id, uuid: m.uuid, host_id: m.host_id };
    this.send('meeting.updated', m.id, {
      operator: operator.email,
      operator_id: operator.id,
      operation: 'single',
      time_stamp: this.deps.now(),
      object: { ...ids, ...pick(after) },
      old_object: { ...ids, ...pick(before) },
    });
  }

  private send(event: string, meetingId: number, payload: Record<string, unknown>): void {
    const { url, secretToken, dropEvents } = this.config;
    if (!url || !secretToken) return;
    const entry: SandboxWebhookDelivery = { event, meetingId: String(meetingId), at: this.deps.now(), status: null };
    this.log.push(entry);
    if (dropEvents) {
      entry.dropped = true;
      return;
    }
    const body = JSON.stringify({
      event,
      event_ts: this.deps.now(),
      payload: { account_id: this.deps.accountId, ...payload },
    });
    const timestamp = String(Math.floor(this.deps.now() / 1000));
    const signature = `v0=${createHmac('sha256', secretToken).update(`v0:${timestamp}:${body}`).digest('hex')}`;
    const delivery = fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-zm-request-timestamp': timestamp, 'x-zm-signature': signature },
      body,
      signal: AbortSignal.timeout(10_000),
    })
      .then(async (res) => {
        entry.status = res.status;
        await res.arrayBuffer();
      })
      .catch((error: unknown) => {
        entry.error = error instanceof Error ? error.message : String(error);
        this.deps.log(`webhook ${event} to ${url} failed: ${entry.error}`);
      })
      .finally(() => this.inFlight.delete(delivery));
    this.inFlight.add(delivery);
  }
}
