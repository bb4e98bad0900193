import { IANAZone } from 'luxon';

/** True for IANA zone names the runtime knows (e.g. "Europe/Berlin"); rejects abbreviations and offsets. */
export function isValidTimeZone(name: string): boolean {
  return /^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/.test(name) && IANAZone.isValidZone(name);
}
