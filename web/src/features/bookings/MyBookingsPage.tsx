import { useState } from 'react';
import { ErrorText, Loading, TimeZoneNote } from '../../app/ui';
import { useAsync, usePoll } from '../../app/use-async';
import { api } from '../../lib/api';
import { useSession } from '../auth/session';
import { browserTimeZone } from '../../lib/time';
import { BookingSubscription } from '../calendars/BookingSubscription';
import { BookingSummary } from './BookingSummary';
import { POLL_MS, shouldPoll } from './meeting-state';

/** The caller's bookings (admins: everybody's, each naming both people). */
export function MyBookingsPage() {
  const admin = useSession()?.user.role === 'admin';
  const bookings = useAsync(() => api.bookings({ from: new Date(Date.now() - 2 * 3600_000).toISOString(), pageSize: 50 }), []);
  const [error, setError] = useState<unknown>();
  const zone = browserTimeZone();
  // Like the booking page: while any meeting is pending, the list asks again until Zoom has answered.
  usePoll(Boolean(bookings.data?.items.some(shouldPoll)), bookings.reload, POLL_MS);

  const cancel = async (id: string) => {
    setError(undefined);
    try {
      await api.cancel(id);
      await bookings.reload();
    } catch (e) {
      setError(e);
    }
  };

  return (
    <>
      <h1>{admin ? 'All bookings' : 'My bookings'}</h1>
      <TimeZoneNote zone={zone} />
      <ErrorText error={error} />
      {bookings.loading && !bookings.data && <Loading what="your bookings" />}
      <ErrorText error={bookings.error} />
      {bookings.data && bookings.data.items.length === 0 && <p className="muted">No upcoming bookings.</p>}
      <ul className="list">
        {bookings.data?.items.map((b) => (
          <li key={b.id}>
            <BookingSummary booking={b} timeZone={zone} onCancel={cancel} />
          </li>
        ))}
      </ul>
      <BookingSubscription />
    </>
  );
}
