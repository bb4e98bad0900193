import { MeetingUpdateInput } from './meeting-schemas';
import type { SandboxState } from './state';
import type { HostMeetingUpdate, SandboxMeeting } from './types';
import { snapshotOf } from './webhooks';

/** Who acted, as Zoom names them in events: the host, or the calling user / the account for API changes. */
function operatorOf(state: SandboxState, m: SandboxMeeting, userId?: string) {
  const user = state.users.find(userId ?? m.host_id);
  return { email: user?.email ?? m.host_email, id: user?.id ?? m.host_id };
}

/** A change to a meeting (from the API or the host's own Zoom app), followed by its `meeting.updated` event. */
export function updateMeeting(state: SandboxState, m: SandboxMeeting, input: MeetingUpdateInput, actorId?: string) {
  const before = snapshotOf(m);
  const invalid = state.meetings.update(m, input);
  if (!invalid) state.webhooks.meetingUpdated(before, m, operatorOf(state, m, actorId));
  return invalid;
}

/** A deletion (from the API or the host's own Zoom app), followed by its `meeting.deleted` event. */
export function deleteMeeting(state: SandboxState, m: SandboxMeeting, actorId?: string): void {
  state.meetings.delete(m.id);
  state.webhooks.meetingDeleted(m, operatorOf(state, m, actorId));
}

/** Host-side edit: no quota, no token; only the fields a host edits in Zoom's app. */
export function hostUpdate(state: SandboxState, meetingId: string, update: HostMeetingUpdate) {
  const m = state.meetings.find(meetingId);
  if (!m) return { found: false as const };
  const parsed = MeetingUpdateInput.safeParse(update);
  if (!parsed.success) return { found: true as const, invalid: parsed.error.issues[0]?.path.join('.') ?? 'body' };
  const invalid = updateMeeting(state, m, parsed.data);
  return { found: true as const, invalid: invalid?.field };
}

export function hostDelete(state: SandboxState, meetingId: string): boolean {
  const m = state.meetings.find(meetingId);
  if (!m) return false;
  deleteMeeting(state, m);
  return true;
}
