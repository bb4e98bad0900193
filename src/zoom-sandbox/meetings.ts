import { DateTime, IANAZone } from 'luxon';
import {
  jwtLikeToken,
  nextUtcMidnight,
  randomAlnum,
  randomBase64,
  randomDigits,
  randomUrlSafe,
  utcDayKey,
  zoomTime,
} from './ids';
import type { MeetingCreateInput, MeetingUpdateInput } from './meeting-schemas';
import type { MeetingType, SandboxMeeting, SandboxUser } from './types';

const START_URL_TTL_MS = 2 * 3600 * 1000;

/** What Zoom returns in `settings` when the request leaves a field out. */
const DEFAULT_SETTINGS: Record<string, unknown> = {
  host_video: false,
  participant_video: false,
  cn_meeting: false,
  in_meeting: false,
  join_before_host: false,
  jbh_time: 0,
  mute_upon_entry: false,
  watermark: false,
  use_pmi: false,
  approval_type: 2,
  audio: 'voip',
  auto_recording: 'none',
  enforce_login: false,
  enforce_login_domains: '',
  alternative_hosts: '',
  alternative_hosts_email_notification: true,
  close_registration: false,
  show_share_button: false,
  allow_multiple_devices: false,
  registrants_confirmation_email: true,
  waiting_room: false,
  registrants_email_notification: true,
  meeting_authentication: false,
  encryption_type: 'enhanced_encryption',
  approved_or_denied_countries_or_regions: { enable: false },
  breakout_room: { enable: false },
  global_dial_in_countries: [],
  global_dial_in_numbers: [],
  private_meeting: false,
  email_notification: true,
};

export type MeetingFieldError = { field: string };
export type WriteQuota = { allowed: true } | { allowed: false; limit: number; resetAt: number };

export class MeetingStore {
  private readonly byId = new Map<number, SandboxMeeting>();
  private readonly writes = new Map<string, { day: string; count: number }>();
  private readonly zaks = new Map<string, { meetingId: number; expiresAt: number }>();

  constructor(private readonly deps: { now: () => number; baseUrl: () => string; dailyWriteLimit: number }) {}

  create(host: SandboxUser, input: MeetingCreateInput): SandboxMeeting | MeetingFieldError {
    const type: MeetingType = input.type ?? 2;
    const timezone = input.timezone ?? host.timezone;
    if (!IANAZone.isValidZone(timezone)) return { field: 'timezone' };
    const now = this.deps.now();
    const start = this.startTime(type, input.start_time, timezone, now);
    if (start === null) return { field: 'start_time' };
    const id = this.newId();
    const password = input.password ?? randomAlnum(6);
    const encrypted = randomUrlSafe(24);
    const meeting: SandboxMeeting = {
      id,
      uuid: randomBase64(16),
      host_id: host.id,
      host_email: host.email,
      topic: input.topic ?? 'Zoom Meeting',
      type,
      status: 'waiting',
      ...(start === undefined ? {} : { start_time: start }),
      duration: input.duration ?? 60,
      timezone,
      ...(input.agenda === undefined ? {} : { agenda: input.agenda }),
      created_at: zoomTime(now),
      join_url: `${this.deps.baseUrl()}/j/${id}?pwd=${encrypted}`,
      password,
      h323_password: numericPassword(password),
      pstn_password: numericPassword(password),
      encrypted_password: encrypted,
      settings: { ...DEFAULT_SETTINGS, ...input.settings },
      ...(input.recurrence ? { recurrence: input.recurrence } : {}),
      ...(input.tracking_fields ? { tracking_fields: input.tracking_fields } : {}),
      pre_schedule: false,
    };
    this.byId.set(id, meeting);
    return meeting;
  }

  update(meeting: SandboxMeeting, input: MeetingUpdateInput): MeetingFieldError | undefined {
    const timezone = input.timezone ?? meeting.timezone;
    if (!IANAZone.isValidZone(timezone)) return { field: 'timezone' };
    const type: MeetingType = input.type ?? meeting.type;
    let start = meeting.start_time;
    if (input.start_time !== undefined || type !== meeting.type) {
      const resolved = this.startTime(type, input.start_time ?? meeting.start_time, timezone, this.deps.now());
      if (resolved === null) return { field: 'start_time' };
      start = resolved;
    }
    if (input.topic !== undefined) meeting.topic = input.topic;
    if (input.duration !== undefined) meeting.duration = input.duration;
    if (input.agenda !== undefined) meeting.agenda = input.agenda;
    if (input.password !== undefined) {
      meeting.password = input.password;
      meeting.h323_password = meeting.pstn_password = numericPassword(input.password);
    }
    if (input.recurrence !== undefined) meeting.recurrence = input.recurrence;
    if (input.tracking_fields !== undefined) meeting.tracking_fields = input.tracking_fields;
    if (input.settings !== undefined) meeting.settings = { ...meeting.settings, ...input.settings };
    meeting.type = type;
    meeting.timezone = timezone;
    if (start === undefined) delete meeting.start_time;
    else meeting.start_time = start;
    return undefined;
  }

  delete(id: number): boolean {
    return this.byId.delete(id);
  }

  /** By meeting number, or by UUID (Zoom accepts both on GET). */
  find(idOrUuid: string): SandboxMeeting | undefined {
    if (/^\d{1,16}$/.test(idOrUuid)) return this.byId.get(Number(idOrUuid));
    for (const meeting of this.byId.values()) if (meeting.uuid === idOrUuid) return meeting;
    return undefined;
  }

  forHost(hostId: string): SandboxMeeting[] {
    return this.all().filter((m) => m.host_id === hostId);
  }

  all(): SandboxMeeting[] {
    return [...this.byId.values()];
  }

  /** A fresh start_url on every read; its zak lives two hours, like Zoom's. */
  startUrl(meeting: SandboxMeeting): string {
    const zak = jwtLikeToken({ aud: 'clientsm', uid: meeting.host_id, iss: 'web', sk: '0', sty: 100, exp: 0 });
    this.zaks.set(zak, { meetingId: meeting.id, expiresAt: this.deps.now() + START_URL_TTL_MS });
    return `${this.deps.baseUrl()}/s/${meeting.id}?zak=${zak}`;
  }

  zakValid(meetingId: number, zak: string): boolean {
    const entry = this.zaks.get(zak);
    return !!entry && entry.meetingId === meetingId && this.deps.now() < entry.expiresAt;
  }

  /** Zoom's per-user daily create/update limit, reset at 00:00 UTC. */
  checkWriteQuota(hostId: string): WriteQuota {
    const now = this.deps.now();
    const entry = this.writes.get(hostId);
    const used = entry && entry.day === utcDayKey(now) ? entry.count : 0;
    if (used < this.deps.dailyWriteLimit) return { allowed: true };
    return { allowed: false, limit: this.deps.dailyWriteLimit, resetAt: nextUtcMidnight(now) };
  }

  recordWrite(hostId: string): void {
    const day = utcDayKey(this.deps.now());
    const entry = this.writes.get(hostId);
    this.writes.set(hostId, { day, count: entry && entry.day === day ? entry.count + 1 : 1 });
  }

  /** undefined: no start time (type 3); null: unparsable. Instant meetings start now. */
  private startTime(
    type: MeetingType,
    raw: string | undefined,
    timezone: string,
    now: number,
  ): string | undefined | null {
    if (type === 3) return undefined;
    if (type === 1 || raw === undefined) return zoomTime(now);
    const parsed = DateTime.fromISO(raw, { zone: timezone });
    return parsed.isValid ? zoomTime(parsed.toMillis()) : null;
  }

  private newId(): number {
    for (;;) {
      const id = Number(randomDigits(11));
      if (!this.byId.has(id)) return id;
    }
  }
}

/** Zoom derives numeric H.323/PSTN passcodes from the meeting passcode. */
function numericPassword(password: string): string {
  if (/^\d+$/.test(password)) return password;
  let digits = '';
  for (const char of password) digits += String(char.charCodeAt(0) % 10);
  return digits.padEnd(6, '0').slice(0, 10);
}
