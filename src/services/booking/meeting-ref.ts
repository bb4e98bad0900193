import { meetingRef } from './meeting-input';

const [BEFORE = '', AFTER = ''] = meetingRef('\u0000').split('\u0000');
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** Built from meetingRef itself, so it follows whatever marker meeting-input writes. */
const REF = new RegExp(`${escape(BEFORE)}([0-9a-f]{24})${escape(AFTER)}`);

interface Described {
  topic?: string | null;
  agenda?: string | null;
}

/** The booking a Zoom meeting was made for, by the marker in its agenda (where it lives) or its topic (older ones). */
export function bookingIdOfMeeting(m: Described): string | undefined {
  return REF.exec(m.agenda ?? '')?.[1] ?? REF.exec(m.topic ?? '')?.[1];
}

/** Whether a Zoom meeting carries this booking's marker. */
export function isMeetingOf(m: Described, bookingId: string): boolean {
  const ref = meetingRef(bookingId);
  return Boolean(m.agenda?.includes(ref) || m.topic?.includes(ref));
}
