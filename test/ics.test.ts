import ICAL from 'ical.js';
import { buildInvitation } from '../src/services/mail/ics';

const invitation = (title: string) =>
  buildInvitation({
    uid: 'booking-1@specialist-booking',
    sequence: 3,
    method: 'REQUEST',
    start: new Date('2026-11-24T08:00:00Z'),
    end: new Date('2026-11-24T09:00:00Z'),
    stamp: new Date('2026-11-23T08:00:00Z'),
    title,
    description: 'Join Zoom: https://zoom.test/j/1\nsecond line',
    url: 'https://zoom.test/j/1',
    organizer: { name: 'Specialist booking', email: 'noreply@example.com' },
    attendees: [{ name: 'Cleo "C" Customer', email: 'cleo@example.com' }],
  });

/** Undoes RFC 5545 folding: a CRLF followed by one space joins the lines. */
const unfold = (ics: string) => ics.replace(/\r\n /g, '');

describe('calendar invitations', () => {
  it('when built, then the event carries UID, SEQUENCE, times in UTC and escaped text, with CRLF line ends', () => {
    const ics = invitation('CV review; part 1, with \\ care');
    expect(ics).toContain('\r\nMETHOD:REQUEST\r\n');
    expect(ics).toContain('\r\nUID:booking-1@specialist-booking\r\n');
    expect(ics).toContain('\r\nSEQUENCE:3\r\n');
    expect(ics).toContain('\r\nDTSTART:20261124T080000Z\r\nDTEND:20261124T090000Z\r\n');
    expect(ics).toContain('\r\nDTSTAMP:20261123T080000Z\r\n');
    expect(ics).toContain('\r\nSUMMARY:CV review\\; part 1\\, with \\\\ care\r\n');
    expect(ics).toContain('DESCRIPTION:Join Zoom: https://zoom.test/j/1\\nsecond line\r\n');
    expect(unfold(ics)).toContain('CN="Cleo \'C\' Customer":mailto:cleo@example.com');
    expect(ics.startsWith('BEGIN:VCALENDAR\r\n') && ics.endsWith('END:VCALENDAR\r\n')).toBe(true);
  });

  it('when a line is longer than 75 octets, then it is folded without splitting a character', () => {
    const title = 'Größenübergreifende Beratung für Überblick über Änderungen — ünïcødé everywhere ✓✓✓';
    const lines = invitation(title).split('\r\n');
    expect(lines.every((line) => Buffer.byteLength(line) <= 75)).toBe(true);
    const unfolded = unfold(lines.join('\r\n'))
      .split('\r\n')
      .find((l) => l.startsWith('SUMMARY:'));
    expect(unfolded).toBe(`SUMMARY:${title}`);
  });
});

describe('calendar invitations with hostile values', () => {
  const hostile = (name: string, title: string, url: string | null = 'https://zoom.test/j/1') =>
    buildInvitation({
      uid: 'booking-2@specialist-booking',
      sequence: 0,
      method: 'REQUEST',
      start: new Date('2026-11-24T08:00:00Z'),
      end: new Date('2026-11-24T09:00:00Z'),
      stamp: new Date('2026-11-23T08:00:00Z'),
      title,
      description: 'Join',
      url,
      organizer: { name: 'Specialist booking', email: 'noreply@example.com' },
      attendees: [{ name, email: 'cleo@example.com' }],
    });

  it('when a name carries CRLF and a property, then no property is injected and the parser sees one attendee name', () => {
    const ics = hostile('Cleo\r\nLOCATION:https://evil.test/phish\r\nX:"', 'CV review', null);
    const event = new ICAL.Component(ICAL.parse(ics)).getFirstSubcomponent('vevent')!;
    expect(event.getAllProperties('location')).toHaveLength(0);
    expect(event.getFirstProperty('attendee')!.getParameter('cn')).toBe("Cleo LOCATION:https://evil.test/phish X:'");
    expect(
      unfold(ics)
        .split('\r\n')
        .filter((l) => l.startsWith('LOCATION')),
    ).toEqual([]);
  });

  it('when a topic carries a lone CR, a lone LF and other controls, then no lone CR is left and the text reads back', () => {
    const ics = hostile('Cleo', 'one\rtwo\nthree\r\nfour\u0000\u0007\u2028five');
    expect(ics.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    const event = new ICAL.Component(ICAL.parse(ics)).getFirstSubcomponent('vevent')!;
    expect(event.getFirstPropertyValue('summary')).toBe('one\ntwo\nthree\nfour\nfive');
  });
});
