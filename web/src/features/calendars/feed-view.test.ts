import { describe, expect, it } from 'vitest';
import { ago, feedView } from './feed-view';

const now = new Date('2026-12-03T15:00:00Z');
const before = (ms: number) => new Date(now.getTime() - ms).toISOString();

describe('feed view', () => {
  it('when ages are written, then each uses its largest whole unit', () => {
    expect(ago(before(20_000), now)).toBe('just now');
    expect(ago(before(60_000), now)).toBe('1 minute ago');
    expect(ago(before(59 * 60_000), now)).toBe('59 minutes ago');
    expect(ago(before(3 * 3_600_000 + 59 * 60_000), now)).toBe('3 hours ago');
    expect(ago(before(47 * 3_600_000), now)).toBe('47 hours ago');
    expect(ago(before(3 * 86_400_000), now)).toBe('3 days ago');
  });

  it('when a stale feed failed, then the failure, its date with the zone and age, and the stale warning are in words', () => {
    const view = feedView(
      {
        id: 'f1', label: 'Work', host: 'outlook.office365.com', hint: '….ics', lastSyncAt: before(2 * 86_400_000),
        lastError: 'No answer within 10000 ms', lastErrorAt: before(2 * 3_600_000), stale: true, busyCount: 1,
      },
      'Europe/Berlin',
      now,
    );
    expect(view).toEqual({
      source: 'From outlook.office365.com, address ending ….ics',
      synced: expect.stringMatching(/^Last synced: .*\(Europe\/Berlin\), 2 days ago$/),
      busy: '1 busy time ahead blocks your slots',
      error: expect.stringMatching(
        /^The last sync failed \(.*\(Europe\/Berlin\), 2 hours ago\): No answer within 10000 ms\. The busy times from the last good sync still block your slots\.$/,
      ),
      stale: expect.stringMatching(/^Out of date:/),
    });
  });

  it('when a feed was never synced and has no error, then it says so and nothing more', () => {
    const view = feedView(
      { id: 'f1', label: 'x', host: 'h', hint: '…abcd', lastSyncAt: null, lastError: null, lastErrorAt: null, stale: false, busyCount: 0 },
      'UTC',
      now,
    );
    expect(view).toEqual({ source: 'From h, address ending …abcd', synced: 'Not synced yet', busy: '0 busy times ahead block your slots' });
  });
});
