import { IANAZone } from 'luxon';

/** The canonical spelling of a valid zone ("europe/berlin" → "Europe/Berlin"), as stored and sent to Zoom. */
export function canonicalTimeZone(name: string): string {
  return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
}

// Checking a zone builds an Intl.DateTimeFormat (tens of µs), and every booking checks its specialist's zone: the
// answers for valid names are kept (there are a few hundred such names, so this stays small).
const known = new Set<string>();

/** True for IANA zone names the runtime knows (e.g. "Europe/Berlin"); rejects abbreviations and offsets. */
export function isValidTimeZone(name: string): boolean {
  if (known.has(name)) return true;
  const valid = /^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/.test(name) && IANAZone.isValidZone(name);
  if (valid && known.size < 1000) known.add(name);
  return valid;
}
