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
}

export interface InjectedFault {
  route: string;
  status?: number;
  body?: unknown;
  retryAfter?: string;
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
}
