import { createEvent } from 'ics';

export interface InvitationInput {
  uid: string;
  sequence: number;
  method: 'REQUEST' | 'CANCEL';
  start: Date;
  end: Date;
  title: string;
  description: string;
  url?: string | null;
  organizer: { name: string; email: string };
  attendees: Array<{ name: string; email: string }>;
}

/** An iTIP invitation (RFC 5546): stable UID per booking, SEQUENCE raised on every change. */
export function buildInvitation(input: InvitationInput): string {
  const { error, value } = createEvent({
    uid: input.uid,
    sequence: input.sequence,
    method: input.method,
    status: input.method === 'CANCEL' ? 'CANCELLED' : 'CONFIRMED',
    start: input.start.getTime(),
    startInputType: 'utc',
    startOutputType: 'utc',
    end: input.end.getTime(),
    endInputType: 'utc',
    endOutputType: 'utc',
    title: input.title,
    description: input.description,
    ...(input.url ? { url: input.url, location: input.url } : {}),
    organizer: input.organizer,
    attendees: input.attendees.map((a) => ({ ...a, rsvp: true, partstat: 'NEEDS-ACTION', role: 'REQ-PARTICIPANT' })),
    productId: 'specialist-booking/ics',
  });
  if (error || !value) throw new Error(`Could not build the calendar invitation: ${error?.message ?? 'unknown'}`);
  return value;
}
