import { ErrorText, Loading, Section, TimeZoneNote } from '../../app/ui';
import { useAsync, usePoll } from '../../app/use-async';
import { api } from '../../lib/api';
import { formatDateTime } from '../../lib/time';
import { MeetingState } from './MeetingState';
import { POLL_MS, shouldPoll } from './meeting-state';
import { StartMeetingLink } from './StartMeetingLink';

/** The specialist's upcoming bookings, in the specialist's own zone, with who booked them. */
export function SpecialistBookings({ timeZone }: { timeZone: string }) {
  const bookings = useAsync(() => api.bookings({ status: 'confirmed', from: new Date(Date.now() - 2 * 3600_000).toISOString(), pageSize: 50 }), []);
  // While a meeting is pending the list asks again, so "Start meeting" appears without a reload.
  usePoll(Boolean(bookings.data?.items.some(shouldPoll)), bookings.reload, POLL_MS);
  return (
    <Section title="Your bookings">
      <TimeZoneNote zone={timeZone} />
      <button type="button" className="secondary small" onClick={() => void bookings.reload()}>
        Refresh bookings
      </button>
      {bookings.loading && !bookings.data && <Loading what="bookings" />}
      <ErrorText error={bookings.error} />
      {bookings.data && bookings.data.items.length === 0 && <p className="muted">No upcoming bookings yet.</p>}
      <ul className="list">
        {bookings.data?.items.map((b) => (
          <li key={b.id} className="booking">
            <p>
              <strong>{formatDateTime(b.start, timeZone)}</strong> · {b.durationMinutes} min
            </p>
            <p>
              Customer: {b.customerName ?? 'an account that no longer exists'}
              {b.customerEmail && (
                <>
                  {' '}
                  (<a href={`mailto:${b.customerEmail}`}>{b.customerEmail}</a>)
                </>
              )}
              {b.topic && <> · Topic: {b.topic}</>}
            </p>
            <MeetingState booking={b} />
            {b.meeting.startUrl && <StartMeetingLink bookingId={b.id} href={b.meeting.startUrl} />}
            {/* No start link for a live meeting: the platform's shared Zoom host holds it (s2s); they join. */}
            {!b.meeting.startUrl && b.status === 'confirmed' && b.meeting.joinUrl && (
              <>
                <a className="button" href={b.meeting.joinUrl} target="_blank" rel="noopener noreferrer">
                  Join meeting
                </a>
                <span className="muted"> An admin starts this meeting: it is hosted by the platform's shared Zoom host.</span>
              </>
            )}
          </li>
        ))}
      </ul>
    </Section>
  );
}
