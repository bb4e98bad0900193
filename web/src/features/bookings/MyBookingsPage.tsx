import { useMemo, useState } from 'react';
import { ErrorText, Loading } from '../../app/ui';
import { useAsync } from '../../app/use-async';
import { api } from '../../lib/api';
import { browserTimeZone } from '../../lib/time';
import { BookingSummary } from './BookingSummary';

export function MyBookingsPage() {
  const bookings = useAsync(() => api.bookings({ from: new Date(Date.now() - 2 * 3600_000).toISOString(), pageSize: 50 }), []);
  const specialists = useAsync(() => api.specialists(), []);
  const names = useMemo(() => new Map(specialists.data?.items.map((s) => [s.id, s.name])), [specialists.data]);
  const [error, setError] = useState<unknown>();
  const zone = browserTimeZone();

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
      <h1>My bookings</h1>
      <p className="muted">Times are shown in your time zone: {zone}.</p>
      <ErrorText error={error} />
      {bookings.loading && !bookings.data && <Loading what="your bookings" />}
      <ErrorText error={bookings.error} />
      {bookings.data && bookings.data.items.length === 0 && <p className="muted">No upcoming bookings.</p>}
      <ul className="list">
        {bookings.data?.items.map((b) => (
          <li key={b.id}>
            <BookingSummary booking={b} specialistName={names.get(b.specialistId)} timeZone={zone} onCancel={cancel} />
          </li>
        ))}
      </ul>
    </>
  );
}
