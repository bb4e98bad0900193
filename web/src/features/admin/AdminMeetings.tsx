import { useState } from 'react';
import { Section } from '../../app/ui';
import { useAsync } from '../../app/use-async';
import { api, ApiError } from '../../lib/api';
import { describeError } from '../../lib/error-messages';
import { formatDateTime } from '../../lib/time';
import type { MeetingTroubleState } from '../../lib/api-types';

const PAGE_SIZE = 25;

export const MEETING_STATES: Array<{ value: MeetingTroubleState | ''; label: string }> = [
  { value: '', label: 'All' },
  { value: 'pending', label: 'Pending' },
  { value: 'failed', label: 'Failed' },
  { value: 'waiting_for_quota', label: 'Waiting for Zoom quota' },
  { value: 'orphaned', label: 'Orphaned' },
  { value: 'repaired', label: 'Repaired (7 days)' },
];

const CAUSES: Record<string, string> = {
  zoom_deleted: 'deleted in Zoom',
  zoom_changed: 'changed in Zoom',
  reconnect_moved: 'moved to a new Zoom account',
  verify_before_session: 'checked before the session',
  reconcile: 'found by reconciliation',
};

const meetingStateLabel = (state: string) => MEETING_STATES.find((s) => s.value === state)?.label ?? state;

function loadError(error: unknown): string {
  if (error instanceof ApiError && error.status === 404 && error.code === 'ROUTE_NOT_FOUND') {
    return 'This server does not have the admin API for meetings yet (it comes with the meeting-integrity update).';
  }
  return describeError(error);
}

/** Meetings in trouble (and those repaired lately), with "Retry now" per booking. */
export function AdminMeetings({ zone }: { zone: string }) {
  const [state, setState] = useState<MeetingTroubleState | ''>('');
  const [page, setPage] = useState(1);
  const [notice, setNotice] = useState<string | null>(null);
  const meetings = useAsync(() => api.adminMeetings({ state: state || undefined, page, pageSize: PAGE_SIZE }), [state, page]);
  const m = meetings.data;
  const last = m ? Math.max(1, Math.ceil(m.total / m.pageSize)) : 1;

  async function retry(bookingId: string) {
    try {
      await api.retryMeeting(bookingId);
      setNotice(`Booking ${bookingId}: the next attempt runs now.`);
      await meetings.reload();
    } catch (error) {
      setNotice(`Booking ${bookingId}: ${describeError(error)}`);
    }
  }

  return (
    <Section title="Meetings">
      <label htmlFor="meeting-state-filter">Show meetings</label>
      <select id="meeting-state-filter" value={state} onChange={(ev) => { setState(ev.target.value as MeetingTroubleState | ''); setPage(1); }}>
        {MEETING_STATES.map((s) => (
          <option key={s.value} value={s.value}>
            {s.label}
            {m && s.value ? ` (${m.counts[s.value]})` : ''}
          </option>
        ))}
      </select>
      {meetings.error ? <p className="error" role="alert">{loadError(meetings.error)}</p> : null}
      {notice && <p role="status">{notice}</p>}
      {m && (
        <div className="table-wrap" tabIndex={0} role="region" aria-label="Meetings table">
          <table>
            <thead>
              <tr>
                <th scope="col">Start</th><th scope="col">Specialist</th><th scope="col">State</th><th scope="col">Zoom meeting</th>
                <th scope="col">Last error</th><th scope="col">Last repair</th><th scope="col">Booking</th>
              </tr>
            </thead>
            <tbody>
              {m.items.map((r) => (
                <tr key={`${r.bookingId}-${r.state}-${r.zoomMeetingId ?? ''}`}>
                  <td>{formatDateTime(r.start, zone)}</td>
                  <td>{r.specialist.name}</td>
                  <td>{meetingStateLabel(r.state)}</td>
                  <td className="mono">{r.zoomMeetingId ?? '—'}</td>
                  <td>{r.lastError ?? '—'}</td>
                  <td>{r.lastRepair ? `${CAUSES[r.lastRepair.cause] ?? r.lastRepair.cause} (${formatDateTime(r.lastRepair.at, zone)})` : '—'}</td>
                  <td>
                    <span className="mono">{r.bookingId}</span>{' '}
                    <button type="button" className="secondary" aria-label={`Retry now: booking ${r.bookingId}`} onClick={() => void retry(r.bookingId)}>
                      Retry now
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {m && (
        <nav className="pager" aria-label="Pages of meetings">
          <button type="button" className="secondary" disabled={page <= 1} onClick={() => setPage(page - 1)}>Previous</button>
          <span>Page {m.page} of {last} ({m.total} meetings)</span>
          <button type="button" className="secondary" disabled={page >= last} onClick={() => setPage(page + 1)}>Next</button>
        </nav>
      )}
    </Section>
  );
}
