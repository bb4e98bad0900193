import type { CalendarFeed } from '../../lib/api-types';
import { formatDateTime } from '../../lib/time';

/** The server's limit (README "Calendars"); at the limit the form gives way to a sentence. */
export const MAX_FEEDS = 5;

/** How long ago, in its largest whole unit: "just now", "5 minutes ago", "3 hours ago", "2 days ago". */
export function ago(iso: string, now: Date): string {
  const minutes = Math.floor((now.getTime() - Date.parse(iso)) / 60_000);
  if (minutes < 1) return 'just now';
  const [n, unit] = minutes < 60 ? [minutes, 'minute'] : minutes < 48 * 60 ? [Math.floor(minutes / 60), 'hour'] : [Math.floor(minutes / 1440), 'day'];
  return `${n} ${unit}${n === 1 ? '' : 's'} ago`;
}

/** The text with a full stop, unless it ends with one already. */
export const sentence = (text: string) => (/[.!?]$/.test(text.trim()) ? text.trim() : `${text.trim()}.`);

/** What the profile says about one feed, each line in words with its date, zone and age. */
export interface FeedView {
  source: string;
  synced: string;
  busy: string;
  /** Why the last sync failed, when, and that the last good copy still blocks. */
  error?: string;
  stale?: string;
}

export function feedView(feed: CalendarFeed, timeZone: string, now: Date): FeedView {
  const when = (iso: string) => `${formatDateTime(iso, timeZone)}, ${ago(iso, now)}`;
  const failedAt = feed.lastErrorAt ? ` (${when(feed.lastErrorAt)})` : '';
  return {
    source: `From ${feed.host}, address ending ${feed.hint}`,
    synced: feed.lastSyncAt ? `Last synced: ${when(feed.lastSyncAt)}` : 'Not synced yet',
    busy: feed.busyCount === 1 ? '1 busy time ahead blocks your slots' : `${feed.busyCount} busy times ahead block your slots`,
    ...(feed.lastError
      ? {
          error: `The last sync failed${failedAt}: ${sentence(feed.lastError)} The busy times from the last good sync still block your slots.`,
        }
      : {}),
    ...(feed.stale
      ? { stale: 'Out of date: this calendar has not synced for a long time. Check its address, or remove it and add it again.' }
      : {}),
  };
}
