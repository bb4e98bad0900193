import { ErrorText, Loading, Section } from '../../app/ui';
import { useAsync } from '../../app/use-async';
import { api } from '../../lib/api';
import { formatDateTime } from '../../lib/time';
import { meetingStateText } from './meeting-state';
import { StartMeetingLink } from './StartMeetingLink';

/** The specialist's upcoming bookings, in the specialist's own zone. */
export function SpecialistBookings({ timeZone }: { timeZone: string }) {
  const bookings = useAsync(() => api.bookings({ status: 'confirmed', from: new Date(Date.now() - 2 * 3600_000).toISOString(), pageSize: 50 }), []);
  return (
    <Section title="Your bookings">
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
              Customer: <span className="mono">{b.customerId.slice(-6)}</span>
              {b.topic && <> · Topic: {b.topic}</>}
            </p>
            <p className="state">{meetingStateText(b)}</p>
            {b.meeting.startUrl && <StartMeetingLink bookingId={b.id} href={b.meeting.startUrl} />}
          </li>
        ))}
      </ul>
    </Section>
  );
}
