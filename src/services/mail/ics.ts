export interface InvitationInput {
  uid: string;
  sequence: number;
  method: 'REQUEST' | 'CANCEL';
  start: Date;
  end: Date;
  /** DTSTAMP: when this version of the invitation was made (the injected clock). */
  stamp: Date;
  title: string;
  description: string;
  url?: string | null;
  organizer: { name: string; email: string };
  attendees: Array<{ name: string; email: string }>;
}

/** TEXT values (RFC 5545 §3.3.11): backslash, semicolon, comma and newlines escaped. */
const text = (value: string) =>
  value.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r?\n/g, '\\n');
/** Quoted parameter values (RFC 5545 §3.2) cannot contain a double quote. */
const quoted = (value: string) => `"${value.replace(/"/g, "'")}"`;
/** UTC DATE-TIME, e.g. 20261124T080000Z. */
const utc = (d: Date) =>
  d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');

/** Content lines longer than 75 octets are folded (RFC 5545 §3.1), never inside a UTF-8 character. */
function fold(line: string): string {
  if (Buffer.byteLength(line) <= 75) return line;
  const parts: string[] = [];
  let part = '';
  let size = 0;
  let limit = 75;
  for (const ch of line) {
    const n = Buffer.byteLength(ch);
    if (size + n > limit) {
      parts.push(part);
      [part, size, limit] = ['', 0, 74]; // a continuation line starts with one space
    }
    part += ch;
    size += n;
  }
  parts.push(part);
  return parts.join('\r\n ');
}

/**
 * An iTIP invitation (RFC 5546): stable UID per booking, SEQUENCE raised on every change. Written by hand: the `ics`
 * package validated every event with yup, which cost more CPU than everything else in a confirmation mail.
 */
export function buildInvitation(input: InvitationInput): string {
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'CALSCALE:GREGORIAN',
    'PRODID:-//specialist-booking//bookings//EN',
    `METHOD:${input.method}`,
    'BEGIN:VEVENT',
    `UID:${input.uid}`,
    `SUMMARY:${text(input.title)}`,
    `DTSTAMP:${utc(input.stamp)}`,
    `DTSTART:${utc(input.start)}`,
    `DTEND:${utc(input.end)}`,
    `SEQUENCE:${input.sequence}`,
    `DESCRIPTION:${text(input.description)}`,
    ...(input.url ? [`URL:${input.url}`, `LOCATION:${text(input.url)}`] : []),
    `STATUS:${input.method === 'CANCEL' ? 'CANCELLED' : 'CONFIRMED'}`,
    `ORGANIZER;CN=${quoted(input.organizer.name)}:mailto:${input.organizer.email}`,
    ...input.attendees.map(
      (a) => `ATTENDEE;RSVP=TRUE;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;CN=${quoted(a.name)}:mailto:${a.email}`,
    ),
    'END:VEVENT',
    'END:VCALENDAR',
  ];
  return `${lines.map(fold).join('\r\n')}\r\n`;
}
