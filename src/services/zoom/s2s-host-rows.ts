import type { S2SHostApprovalRecord, S2SHostState } from '../../models/s2s-host-approval.model';

/** What Zoom answered for a specialist's email (GET /users/{email} with the account token). */
export type ZoomUserLookup =
  | { result: 'found'; user: { id: string; email: string } }
  | { result: 'not_found' }
  | { result: 'unavailable'; error: string };

export interface SpecialistAccount {
  _id: { toString(): string };
  name: string;
  email: string;
  emailVerified?: boolean | null;
}

export type ApprovalVoidReason = 'email_changed' | 'email_not_verified';

/** An approval is for one verified address: a changed or unverified address voids it. */
export function approvalVoidReason(
  user: SpecialistAccount,
  approval: S2SHostApprovalRecord,
): ApprovalVoidReason | null {
  if (user.email.toLowerCase() !== approval.approvedEmail.toLowerCase()) return 'email_changed';
  return user.emailVerified === true ? null : 'email_not_verified';
}

export interface S2SHostRow {
  specialistId: string;
  name: string;
  email: string;
  emailVerified: boolean;
  /** The Zoom user they are (or would be) hosted as: the approval's, else the one their email matches. */
  zoomUser: { id: string; email: string } | null;
  /** How `zoomUser` was found: null when the approval names it (Zoom is not asked). */
  zoomUserLookup: 'found' | 'not_found' | 'unavailable' | null;
  state: S2SHostState;
  /** POST …/approve would make them `approved` now. */
  approvable: boolean;
  approval: {
    zoomUserId: string;
    zoomEmail: string;
    approvedEmail: string;
    approvedBy: { id: string; name: string | null };
    approvedAt: string;
    valid: boolean;
    voidReason: ApprovalVoidReason | null;
  } | null;
}

export function s2sHostRow(input: {
  user: SpecialistAccount;
  approval: S2SHostApprovalRecord | null;
  lookup: ZoomUserLookup | null;
  approverName: string | null;
  fallbackHost: string | undefined;
}): S2SHostRow {
  const { user, approval, lookup } = input;
  const voided = approval ? approvalVoidReason(user, approval) : null;
  const valid = Boolean(approval) && !voided;
  const verified = user.emailVerified === true;
  let state: S2SHostState;
  if (valid) state = 'approved';
  else if (input.fallbackHost) state = 'fallback_host';
  else if (!verified) state = 'email_not_verified';
  else if (lookup?.result === 'not_found') state = 'not_in_zoom_account';
  else if (lookup?.result === 'unavailable') state = 'zoom_unavailable';
  else state = 'awaiting_approval';
  return {
    specialistId: user._id.toString(),
    name: user.name,
    email: user.email,
    emailVerified: verified,
    zoomUser: valid
      ? { id: approval!.zoomUserId, email: approval!.zoomEmail }
      : lookup?.result === 'found'
        ? lookup.user
        : null,
    zoomUserLookup: valid ? null : (lookup?.result ?? null),
    state,
    approvable: !valid && verified && lookup?.result === 'found',
    approval: approval
      ? {
          zoomUserId: approval.zoomUserId,
          zoomEmail: approval.zoomEmail,
          approvedEmail: approval.approvedEmail,
          approvedBy: { id: approval.approvedBy.toString(), name: input.approverName },
          approvedAt: approval.approvedAt.toISOString(),
          valid,
          voidReason: voided,
        }
      : null,
  };
}
