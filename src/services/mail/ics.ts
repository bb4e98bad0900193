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

// RFC 5545 §3.1 CONTROL: every C0 character but HTAB, and DEL; C1 controls and the Unicode line/paragraph
// separators go too, since some parsers break lines on them.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROLS = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029]/g;
/** Any line break: CRLF, a lone CR or a lone LF, and the Unicode separators. */
const LINE_BREAKS = /\r\n|[\r\n\u2028\u2029]/g;

/**
 * TEXT values (RFC 5545 §3.3.11): backslash, semicolon and comma escaped, every kind of line break written as `\n`,
 * other control characters dropped, so no value can end its content line and start a property of its own.
 */
export const text = (value: string) =>
  value
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(LINE_BREAKS, '\\n')
    .replace(CONTROLS, '');
/**
 * Quoted parameter values (RFC 5545 §3.2, QSAFE-CHAR): no double quote and no control character; a line break
 * becomes a space. `^` is written `^^` (RFC 6868), so parsers that decode RFC 6868 read it back as it was. Backslashes
 * are dropped: RFC 5545 gives them no meaning in a parameter, but common parsers (ical.js among them) decode `\,`,
 * `\;`, `\n` and `\\` there as in TEXT, so a display name with one would read differently from parser to parser.
 */
export const quoted = (value: string) =>
  `"${value
    .replace(/\\/g, '')
    .replace(/\^/g, '^^')
    .replace(/"/g, "'")
    .replace(LINE_BREAKS, ' ')
    .replace(CONTROLS, '')}"`;
/** Values written as they are (an address, a URL): controls and whitespace can only be an attack here. */
const bare = (value: string) => value.replace(LINE_BREAKS, '').replace(CONTROLS, '').replace(/\s/g, '');
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
    `UID:${bare(input.uid)}`,
    `SUMMARY:${text(input.title)}`,
    `DTSTAMP:${utc(input.stamp)}`,
    `DTSTART:${utc(input.start)}`,
    `DTEND:${utc(input.end)}`,
    `SEQUENCE:${input.sequence}`,
    `DESCRIPTION:${text(input.description)}`,
    ...(input.url ? [`URL:${bare(input.url)}`, `LOCATION:${text(bare(input.url))}`] : []),
    `STATUS:${input.method === 'CANCEL' ? 'CANCELLED' : 'CONFIRMED'}`,
    `ORGANIZER;CN=${quoted(input.organizer.name)}:mailto:${bare(input.organizer.email)}`,
    ...input.attendees.map(
      (a) =>
        `ATTENDEE;RSVP=TRUE;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;CN=${quoted(a.name)}:mailto:${bare(a.email)}`,
    ),
    'END:VEVENT',
    'END:VCALENDAR',
  ];
  return `${lines.map(fold).join('\r\n')}\r\n`;
}
