import { useState } from 'react';
import { Link } from '../../app/router';
import { ErrorText, Loading, TimeZoneNote } from '../../app/ui';
import { useAsync, usePoll } from '../../app/use-async';
import { api } from '../../lib/api';
import { browserTimeZone } from '../../lib/time';
import { BookingSummary } from './BookingSummary';
import { POLL_MS, shouldPoll } from './meeting-state';

/** A booking right after it is made: polls until Zoom has answered and the join link exists. */
export function BookingPage({ id }: { id: string }) {
  const booking = useAsync(() => api.booking(id), [id]);
  const [error, setError] = useState<unknown>();
  usePoll(shouldPoll(booking.data), booking.reload, POLL_MS);

  const cancel = async (bookingId: string) => {
    setError(undefined);
    try {
      await api.cancel(bookingId);
      await booking.reload();
    } catch (e) {
      setError(e);
    }
  };

  return (
    <>
      <h1>Your booking</h1>
      <TimeZoneNote zone={browserTimeZone()} />
      {!booking.data && (booking.loading ? <Loading what="the booking" /> : <ErrorText error={booking.error} />)}
      {booking.data && <BookingSummary booking={booking.data} timeZone={browserTimeZone()} onCancel={cancel} />}
      <ErrorText error={error} />
      <p>
        <Link to="/bookings">My bookings</Link>
      </p>
    </>
  );
}
