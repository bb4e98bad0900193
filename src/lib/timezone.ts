import { getTimezone } from 'countries-and-timezones';
import { IANAZone } from 'luxon';

/**
 * IANA zone names in their current spelling. Node's ICU canonicalizes to CLDR's *old* names (Asia/Kolkata →
 * Asia/Calcutta, Europe/Kyiv → Europe/Kiev), so the runtime only fixes letter case; tzdb's `backward` links
 * (via countries-and-timezones) give the current name. Links that merge zones of different countries
 * (Europe/Oslo → Europe/Berlin) are not followed: a Norwegian specialist keeps Europe/Oslo.
 */

const REGION_NAME = /^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)+$/;

/** Why a name is not accepted as a time zone, or undefined when it is. */
export function timeZoneProblem(name: string): string | undefined {
  if (name === 'UTC') return undefined;
  if (/^[A-Za-z0-9:+-]+$/.test(name)) {
    return `"${name.slice(0, 40)}" is an abbreviation or offset, which is ambiguous; use a region name such as America/New_York or Europe/Berlin`;
  }
  if (!REGION_NAME.test(name) || !IANAZone.isValidZone(name)) return 'must be an IANA time zone such as Europe/Berlin';
  return undefined;
}

// Checking a zone builds an Intl.DateTimeFormat (tens of µs), and every booking checks its specialist's zone: the
// answers for valid names are kept (there are a few hundred such names, so this stays small).
const known = new Set<string>();

/** True for IANA region names the runtime knows (e.g. "Europe/Berlin") and "UTC"; rejects abbreviations and offsets. */
export function isValidTimeZone(name: string): boolean {
  if (known.has(name)) return true;
  const valid = timeZoneProblem(name) === undefined;
  if (valid && known.size < 1000) known.add(name);
  return valid;
}

/** The canonical spelling of a valid zone ("europe/berlin" → "Europe/Berlin", "Asia/Calcutta" → "Asia/Kolkata"). */
export function canonicalTimeZone(name: string): string {
  const spelled = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  if (name === 'UTC') return 'UTC';
  const zone = getTimezone(spelled);
  const target = zone?.aliasOf ? getTimezone(zone.aliasOf) : null;
  if (!zone || !target || !IANAZone.isValidZone(target.name)) return spelled;
  const sameCountries = [...zone.countries].sort().join() === [...target.countries].sort().join();
  return zone.countries.length === 0 || sameCountries ? target.name : spelled;
}
