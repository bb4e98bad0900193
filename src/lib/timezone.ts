import { IANAZone } from 'luxon';

/** The canonical spelling of a valid zone ("europe/berlin" → "Europe/Berlin"), as stored and sent to Zoom. */
export function canonicalTimeZone(name: string): string {
  return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
}

/** True for IANA zone names the runtime knows (e.g. "Europe/Berlin"); rejects abbreviations and offsets. */
export function isValidTimeZone(name: string): boolean {
  return /^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/.test(name) && IANAZone.isValidZone(name);
}
