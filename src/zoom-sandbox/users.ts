import { randomDigits, randomUrlSafe, zoomTime } from './ids';
import type { SandboxUser } from './types';

/** Zoom users of the sandbox's single account, looked up by id or (case-insensitive) email. */
export class UserStore {
  private readonly byId = new Map<string, SandboxUser>();
  private nextAccountNumber = 0;

  constructor(private readonly deps: { accountId: string; now: () => number; baseUrl: () => string }) {}

  ensure(email: string): SandboxUser {
    const existing = this.find(email);
    if (existing) return existing;
    const now = zoomTime(this.deps.now());
    const [first, last] = namesFrom(email);
    const pmi = Number(randomDigits(10));
    const user: SandboxUser = {
      // Zoom user ids are 22-character URL-safe strings.
      id: randomUrlSafe(16).slice(0, 22),
      email: email.trim().toLowerCase(),
      first_name: first,
      last_name: last,
      display_name: `${first} ${last}`.trim(),
      type: 1,
      pmi,
      timezone: 'UTC',
      verified: 1,
      dept: '',
      created_at: now,
      last_login_time: now,
      pic_url: '',
      language: 'en-US',
      phone_number: '',
      status: 'active',
      role_name: 'Owner',
      role_id: '0',
      account_id: this.deps.accountId,
      account_number: 10000000 + ++this.nextAccountNumber,
      personal_meeting_url: `${this.deps.baseUrl()}/j/${pmi}`,
      use_pmi: false,
    };
    this.byId.set(user.id, user);
    return user;
  }

  find(idOrEmail: string): SandboxUser | undefined {
    const direct = this.byId.get(idOrEmail);
    if (direct) return direct;
    const email = idOrEmail.trim().toLowerCase();
    for (const user of this.byId.values()) if (user.email === email) return user;
    return undefined;
  }

  list(): SandboxUser[] {
    return [...this.byId.values()];
  }
}

function namesFrom(email: string): [string, string] {
  const local = email.split('@')[0] ?? 'user';
  const parts = local
    .split(/[._+-]+/)
    .filter(Boolean)
    .map((p) => p.charAt(0).toUpperCase() + p.slice(1));
  return [parts[0] ?? 'Sandbox', parts.slice(1).join(' ') || 'User'];
}
