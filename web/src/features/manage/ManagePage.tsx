import { useState } from 'react';
import { Link, navigate, useLocation } from '../../app/router';
import { ConfirmButton, ErrorText, Loading, TimeZoneNote } from '../../app/ui';
import { useAsync, usePoll } from '../../app/use-async';
import { api } from '../../lib/api';
import type { ManagedBooking } from '../../lib/api-types';
import { browserTimeZone, formatDateTime } from '../../lib/time';
import { MeetingState } from '../bookings/MeetingState';
import { POLL_MS, shouldPoll } from '../bookings/meeting-state';
import { ManageReschedule } from './ManageReschedule';
import { canChangeViaLink, hasNotice } from './manage-view';

/** The page behind the link in a customer's mail: the booking, its meeting, and Cancel / Reschedule without signing in. */
export function ManagePage({ token }: { token: string }) {
  const zone = browserTimeZone();
  // A guest arrives here straight from booking (?booked=1).
  const justBooked = useLocation().search.get('booked') === '1';
  const loaded = useAsync(() => api.manage(token), [token]);
  // After a cancel the link is dead, so the page keeps the answer instead of asking again.
  const [changed, setChanged] = useState<{ view: ManagedBooking; message: string }>();
  const [picking, setPicking] = useState(false);
  const [error, setError] = useState<unknown>();
  const view = changed?.view ?? loaded.data;

  usePoll(Boolean(view?.token) && shouldPoll(view?.booking), loaded.reload, POLL_MS);

  if (!view) {
    return (
      <>
        <h1>Your booking</h1>
        {loaded.loading ? <Loading what="your booking" /> : <ErrorText error={loaded.error} />}
        <p>
          <Link to="/">Find a specialist</Link>
        </p>
      </>
    );
  }

  const cancel = async () => {
    setError(undefined);
    try {
      setChanged({ view: await api.manageCancel(token), message: 'Your booking is cancelled. We have emailed you both.' });
    } catch (e) {
      setError(e);
    }
  };
  const move = async (start: string) => {
    const moved = await api.manageReschedule(token, start);
    setPicking(false);
    setChanged({ view: moved, message: 'Your booking is moved. We have emailed you both the new time.' });
    // The move issued a new link: the address bar follows it, so a reload keeps working.
    if (moved.token) navigate(`/manage/${moved.token}`, { replace: true });
  };

  const b = view.booking;
  const changeable = canChangeViaLink(view, new Date());
  return (
    <>
      <h1>Your booking with {view.specialist.name}</h1>
      <TimeZoneNote zone={zone} />
      {changed ? (
        <p className="ok" role="status">
          {changed.message}
        </p>
      ) : (
        justBooked && (
          <p className="ok" role="status">
            You are booked. We have emailed you a confirmation with the link to this page: keep it to change or cancel the booking.
          </p>
        )
      )}
      <article className="booking card" aria-labelledby="manage-when">
        <h2 id="manage-when">{formatDateTime(b.start, zone)}</h2>
        <p>
          {b.durationMinutes} minutes with {view.specialist.name}
          {b.topic && <> · Topic: {b.topic}</>}
        </p>
        <MeetingState booking={b} />
        {b.status === 'confirmed' && hasNotice(view) && (
          <p className="hint">Changes here are possible until {formatDateTime(view.changeableUntil, zone)}.</p>
        )}
        {b.status === 'confirmed' && !changeable && view.token && (
          <p className="warning">It is too close to the start to change this booking here. Please contact {view.specialist.name}.</p>
        )}
        <div className="actions">
          {b.status === 'confirmed' && b.meeting.joinUrl && (
            <a className="button" href={b.meeting.joinUrl} target="_blank" rel="noopener noreferrer">
              Join meeting
            </a>
          )}
          {changeable && !picking && (
            <>
              <button type="button" className="secondary" aria-describedby="manage-when" onClick={() => setPicking(true)}>
                Reschedule
              </button>
              <ConfirmButton
                label="Cancel"
                question="Cancel this booking? Both of you will be emailed."
                confirmLabel="Yes, cancel it"
                keepLabel="Keep booking"
                describedBy="manage-when"
                onConfirm={cancel}
              />
            </>
          )}
        </div>
        <ErrorText error={error} />
      </article>
      {changeable && picking && <ManageReschedule view={view} zone={zone} onMove={move} onClose={() => setPicking(false)} />}
      {b.status === 'cancelled' && (
        <p>
          <Link to={`/specialists/${view.specialist.id}`}>Book another time with {view.specialist.name}</Link>
        </p>
      )}
    </>
  );
}
