import { useState, type FormEvent } from 'react';
import { Link, navigate, useLocation } from '../../app/router';
import { ErrorText, Loading, TimeZoneNote } from '../../app/ui';
import { useAsync } from '../../app/use-async';
import { api, newIdempotencyKey } from '../../lib/api';
import { browserTimeZone } from '../../lib/time';
import { useSession, useSessionKnown } from '../auth/session';
import { FreeTimes, useFreeSlots } from './FreeTimes';
import { GuestBookingForm } from './GuestBookingForm';

/** A specialist's free times; books one, or moves an existing booking there (?reschedule=<bookingId>). */
export function SpecialistPage({ id }: { id: string }) {
  const session = useSession();
  const sessionKnown = useSessionKnown();
  const { search, pathname } = useLocation();
  const rescheduleId = search.get('reschedule');
  const zone = browserTimeZone();
  const specialist = useAsync(() => api.specialist(id), [id]);
  const free = useFreeSlots(id, zone);
  const [selected, setSelected] = useState<string>();
  const [topic, setTopic] = useState('');
  // One key per chosen time: a double click or a retry after a lost answer never books twice.
  const [idempotencyKey, setIdempotencyKey] = useState(() => newIdempotencyKey());
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  const choose = (start: string) => {
    setSelected(start);
    setIdempotencyKey(newIdempotencyKey());
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!selected) return;
    setBusy(true);
    setError(undefined);
    try {
      const booking = rescheduleId
        ? await api.reschedule(rescheduleId, selected)
        : await api.book({ specialistId: id, start: selected, ...(topic.trim() ? { topic: topic.trim() } : {}) }, idempotencyKey);
      navigate(`/bookings/${booking.id}`);
    } catch (e) {
      setError(e);
      void free.slots.reload();
    } finally {
      setBusy(false);
    }
  };

  if (!specialist.data) {
    return (
      <>
        <h1>Specialist</h1>
        {specialist.loading ? <Loading what="the specialist" /> : <ErrorText error={specialist.error} />}
        <p>
          <Link to="/">Go to the specialists</Link>
        </p>
      </>
    );
  }
  const s = specialist.data;
  const canBook = session?.user.role === 'customer' || session?.user.role === 'admin';
  // A visitor who is not signed in books as a guest, unless the specialist takes signed-in customers only.
  const asGuest = sessionKnown && !session && !rescheduleId && s.allowGuests;
  const signIn = <Link to={`/signin?next=${encodeURIComponent(pathname)}`}>Sign in</Link>;
  return (
    <>
      <h1>{rescheduleId ? `Reschedule with ${s.name}` : s.name}</h1>
      {s.headline && <p className="lead">{s.headline}</p>}
      {!s.zoomConnected && <p className="warning">{s.name} is not taking bookings right now.</p>}
      <form className="card form" onSubmit={(e) => void submit(e)}>
        <h2>Free times</h2>
        <TimeZoneNote zone={zone} />
        <FreeTimes free={free} zone={zone} selected={selected} onSelect={choose} chosenLabel="Chosen:" />
        {!rescheduleId && (
          <>
            <label htmlFor="book-topic">Topic</label>
            <input id="book-topic" maxLength={150} placeholder="Optional: what you would like to talk about" value={topic} onChange={(e) => setTopic(e.target.value)} />
          </>
        )}
        <ErrorText error={error} />
        {canBook ? (
          <button type="submit" disabled={!selected || busy}>
            {rescheduleId ? 'Reschedule' : 'Book'}
          </button>
        ) : asGuest ? (
          <p className="hint">
            {selected ? 'Book below without an account' : 'Pick a time, then book below without an account'}, or {signIn} to book with yours.
          </p>
        ) : (
          <p>
            <Link to={`/signin?next=${encodeURIComponent(pathname)}`}>Sign in as a customer</Link> to book.
          </p>
        )}
      </form>
      {asGuest && selected && (
        <GuestBookingForm specialistId={id} start={selected} topic={topic} idempotencyKey={idempotencyKey} onRefused={() => void free.slots.reload()} />
      )}
    </>
  );
}
