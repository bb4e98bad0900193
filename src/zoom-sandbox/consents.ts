import { randomUrlSafe } from './ids';

export interface AuthorizationRequest {
  clientId: string;
  redirectUri: string;
  state?: string;
  challenge?: string;
  scope?: string;
  loginHint?: string;
}

// How long a consent page may stay open before its Approve/Deny is refused.
const CONSENT_TTL_MS = 15 * 60 * 1000;

/** Authorization requests waiting on the consent page's decision, keyed by an unguessable id. */
export class ConsentStore {
  private readonly pending = new Map<string, AuthorizationRequest & { expiresAt: number }>();

  constructor(private readonly now: () => number) {}

  open(request: AuthorizationRequest): string {
    const id = randomUrlSafe(18);
    this.pending.set(id, { ...request, expiresAt: this.now() + CONSENT_TTL_MS });
    return id;
  }

  get(id: string): AuthorizationRequest | undefined {
    const entry = this.pending.get(id);
    if (!entry) return undefined;
    if (this.now() >= entry.expiresAt) {
      this.pending.delete(id);
      return undefined;
    }
    return entry;
  }

  close(id: string): void {
    this.pending.delete(id);
  }
}
