/** Public types of the Zoom sandbox (see zoom-sandbox.ts for the factory). */

export interface SandboxClock {
  now(): number; // epoch ms; tests advance it to expire tokens without sleeping
}

export interface ZoomSandboxOptions {
  host?: string;
  port?: number;
  clock?: SandboxClock;
  accessTokenTtlSeconds?: number;
  authorizationCodeTtlSeconds?: number;
  autoApprove?: boolean;
  dailyMeetingWriteLimit?: number;
  userManagedApps?: Array<{ clientId: string; clientSecret: string; redirectUris?: string[] }>;
  s2sApps?: Array<{ accountId: string; clientId: string; clientSecret: string }>;
  defaultUserEmail?: string;
  logger?: (line: string) => void;
  /** Where meeting events (`meeting.updated`, `meeting.deleted`) are posted, signed with `secretToken`. */
  webhook?: { url: string; secretToken: string };
}

export interface InjectedFault {
  route: string;
  status?: number;
  body?: unknown;
  retryAfter?: string;
  headers?: Record<string, string>;
  delayMs?: number;
  hang?: boolean;
  times?: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  at: number;
}

export interface SandboxUser {
  id: string;
  email: string;
  first_name: string;
  last_name: string;
  display_name: string;
  type: number;
  pmi: number;
  timezone: string;
  verified: number;
  dept: string;
  created_at: string;
  last_login_time: string;
  pic_url: string;
  language: string;
  phone_number: string;
  status: 'active';
  role_name: string;
  role_id: string;
  account_id: string;
  account_number: number;
  personal_meeting_url: string;
  use_pmi: boolean;
}

export type MeetingType = 1 | 2 | 3 | 8;

export interface SandboxMeeting {
  id: number;
  uuid: string;
  host_id: string;
  host_email: string;
  topic: string;
  type: MeetingType;
  status: 'waiting';
  /** UTC `yyyy-MM-ddTHH:mm:ssZ`; absent for recurring meetings with no fixed time (type 3). */
  start_time?: string;
  duration: number;
  timezone: string;
  agenda?: string;
  created_at: string;
  join_url: string;
  password: string;
  h323_password: string;
  pstn_password: string;
  encrypted_password: string;
  settings: Record<string, unknown>;
  recurrence?: Record<string, unknown>;
  tracking_fields?: Array<{ field: string; value?: string }>;
  pre_schedule: false;
}

/** One meeting event the sandbox sent (or dropped). `status`: our endpoint's answer, null until it came. */
export interface SandboxWebhookDelivery {
  event: string;
  meetingId: string;
  at: number;
  status: number | null;
  dropped?: boolean;
  error?: string;
}

/** Fields a host can change in Zoom's own app (the sandbox's host-side update). */
export interface HostMeetingUpdate {
  topic?: string;
  start_time?: string;
  duration?: number;
  timezone?: string;
  agenda?: string;
}

export interface ZoomSandbox {
  readonly url: string;
  readonly oauthBaseUrl: string;
  readonly apiBaseUrl: string;
  close(): Promise<void>;
  calls(route?: string): number;
  requests(route: string): RecordedRequest[];
  resetCalls(): void;
  inject(fault: InjectedFault): void;
  clearFaults(): void;
  meetings(): SandboxMeeting[];
  users(): SandboxUser[];
  ensureUser(email: string): SandboxUser;
  revokeUserGrants(zoomUserId: string): void;
  /** The host changes a meeting in Zoom's own app: a `meeting.updated` event follows. False if unknown. */
  hostUpdateMeeting(meetingId: string, update: HostMeetingUpdate): boolean;
  /** The host deletes a meeting in Zoom's own app: a `meeting.deleted` event follows. False if unknown. */
  hostDeleteMeeting(meetingId: string): boolean;
  /** Sets where events go, the secret that signs them, and whether they are dropped. */
  configureWebhook(patch: { url?: string; secretToken?: string; dropEvents?: boolean }): void;
  webhookDeliveries(): SandboxWebhookDelivery[];
  /** Resolves when every event sent so far has been answered (or failed). */
  webhooksSettled(): Promise<void>;
}
