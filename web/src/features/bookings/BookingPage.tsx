import { useEffect, useState } from 'react';
import { Link } from '../../app/router';
import { ErrorText, Loading } from '../../app/ui';
import { useAsync } from '../../app/use-async';
import { api } from '../../lib/api';
import { browserTimeZone } from '../../lib/time';
import { BookingSummary } from './BookingSummary';
import { POLL_MS, shouldPoll } from './meeting-state';

/** A booking right after it is made: polls until Zoom has answered and the join link exists. */
export function BookingPage({ id }: { id: string }) {
  const booking = useAsync(() => api.booking(id), [id]);
  const specialist = useAsync(() => (booking.data ? api.specialist(booking.data.specialistId) : Promise.resolve(undefined)), [booking.data?.specialistId]);
  const [error, setError] = useState<unknown>();

  const pending = shouldPoll(booking.data);
  useEffect(() => {
    if (!pending) return;
    const timer = window.setInterval(() => void booking.reload(), POLL_MS);
    return () => window.clearInterval(timer);
  }, [pending, booking.reload]);

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
      {!booking.data && (booking.loading ? <Loading what="the booking" /> : <ErrorText error={booking.error} />)}
      {booking.data && (
        <BookingSummary booking={booking.data} specialistName={specialist.data?.name} timeZone={browserTimeZone()} onCancel={cancel} />
      )}
      <ErrorText error={error} />
      <p>
        <Link to="/bookings">My bookings</Link>
      </p>
    </>
  );
}
