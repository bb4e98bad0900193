/**
 * The booking or specialist a mail is about, read from its dedupe key (`booking:<id>:…`, `zoom-reauth:<id>:…`), so
 * its log lines carry `bookingId` / `specialistId` like every other line about them.
 */
export function mailLogIds(dedupeKey: string): { bookingId?: string; specialistId?: string } {
  const [kind, id] = dedupeKey.split(':');
  if (kind === 'booking' && id) return { bookingId: id };
  if (kind === 'zoom-reauth' && id) return { specialistId: id };
  return {};
}
