import { useState } from 'react';
import { Section, TimeZoneNote } from '../../app/ui';
import { useAsync } from '../../app/use-async';
import { api } from '../../lib/api';
import { browserTimeZone, formatDateTime } from '../../lib/time';
import type { ConnectionState } from '../../lib/api-types';
import { adminLoadError, STATES, stateLabel } from './admin-view';
import { AdminMeetings } from './AdminMeetings';
import { AdminS2SHosts } from './AdminS2SHosts';

const PAGE_SIZE = 25;

function LoadError({ error }: { error: unknown }) {
  return error ? (
    <p className="error" role="alert">
      {adminLoadError(error)}
    </p>
  ) : null;
}


/** Why a grant needs reconnecting, in words (README "Grant health"). */
const REAUTH_REASONS: Record<'lost_response' | 'revoked' | 'invalid_grant', string> = {
  lost_response: "Lost by the platform (Zoom's answer to a refresh never arrived)",
  revoked: 'Revoked in Zoom',
  invalid_grant: 'Refused by Zoom',
};

/** A grant's lifetime figures, roughly: "3 d 4 h", "5 h 20 min", "40 s". */
function span(seconds: number): string {
  const d = Math.floor(seconds / 86_400);
  const h = Math.floor((seconds % 86_400) / 3_600);
  const m = Math.floor((seconds % 3_600) / 60);
  if (d > 0) return `${d} d${h ? ` ${h} h` : ''}`;
  if (h > 0) return `${h} h${m ? ` ${m} min` : ''}`;
  return m > 0 ? `${m} min` : `${Math.round(seconds)} s`;
}
export function AdminPage() {
  const zone = browserTimeZone();
  const [state, setState] = useState<ConnectionState | ''>('');
  const [page, setPage] = useState(1);
  const [logPage, setLogPage] = useState(1);
  const connections = useAsync(() => api.zoomConnections({ state: state || undefined, page, pageSize: PAGE_SIZE }), [state, page]);
  const events = useAsync(() => api.refreshEvents({ page: logPage, pageSize: PAGE_SIZE }), [logPage]);
  const when = (iso: string | null) => formatDateTime(iso, zone);
  const c = connections.data;
  const e = events.data;

  return (
    <>
      <h1>Admin</h1>
      <TimeZoneNote zone={zone} />
      <Section title="Zoom connections">
        <label htmlFor="state-filter">State</label>
        <select id="state-filter" value={state} onChange={(ev) => { setState(ev.target.value as ConnectionState | ''); setPage(1); }}>
          {STATES.map((s) => (
            <option key={s.value} value={s.value}>
              {s.label}
              {c && s.value ? ` (${c.counts[s.value]})` : ''}
            </option>
          ))}
        </select>
        <LoadError error={connections.error} />
        {c && (
          <div className="table-wrap" tabIndex={0} role="region" aria-label="Zoom connections table">
            <table>
              <thead>
                <tr>
                  <th scope="col">Specialist</th><th scope="col">State</th><th scope="col">Zoom email</th><th scope="col">Last refresh</th>
                  <th scope="col">Token expires</th><th scope="col">Errors</th><th scope="col">Pending meetings</th>
                </tr>
              </thead>
              <tbody>
                {c.items.map((r) => (
                  <tr key={r.specialistId}>
                    <td>{r.name}<br /><span className="muted">{r.email}</span></td>
                    <td>
                      {stateLabel(r.state)}
                      {r.reauthReason && <><br /><span className="muted">{REAUTH_REASONS[r.reauthReason]}</span></>}
                      {typeof r.grantAgeSeconds === 'number' && (
                        <><br /><span className="muted">Grant lived {span(r.grantAgeSeconds)}{typeof r.sinceLastRefreshSeconds === 'number' ? `, ${span(r.sinceLastRefreshSeconds)} after its last refresh` : ''}</span></>
                      )}
                    </td>
                    <td>{r.zoomEmail ?? '—'}</td>
                    <td>{when(r.lastRefreshedAt)}</td>
                    <td>{when(r.accessTokenExpiresAt)}</td>
                    <td>{r.refreshErrorCount > 0 ? `${r.refreshErrorCount}: ${r.lastRefreshError ?? ''} (${when(r.lastRefreshErrorAt)})` : 'None'}</td>
                    <td>{r.pendingMeetings}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {c && <Pager page={c.page} pageSize={c.pageSize} total={c.total} onPage={setPage} what="connections" />}
      </Section>
      <AdminS2SHosts />
      <AdminMeetings zone={zone} />
      <Section title="Token refresh log">
        <LoadError error={events.error} />
        {e && (
          <div className="table-wrap" tabIndex={0} role="region" aria-label="Token refresh log table">
            <table>
              <thead>
                <tr><th scope="col">When</th><th scope="col">Specialist</th><th scope="col">Trigger</th><th scope="col">Outcome</th><th scope="col">Duration</th><th scope="col">Error</th></tr>
              </thead>
              <tbody>
                {e.items.map((ev, i) => (
                  <tr key={`${ev.at}-${ev.specialistId}-${i}`}>
                    <td>{when(ev.at)}</td><td className="mono">{ev.specialistId}</td><td>{ev.trigger}</td><td>{ev.outcome}</td>
                    <td>{ev.durationMs} ms</td><td>{ev.error ?? '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {e && <Pager page={e.page} pageSize={e.pageSize} total={e.total} onPage={setLogPage} what="log entries" />}
      </Section>
    </>
  );
}

function Pager({ page, pageSize, total, onPage, what }: { page: number; pageSize: number; total: number; onPage: (p: number) => void; what: string }) {
  const last = Math.max(1, Math.ceil(total / pageSize));
  return (
    <nav className="pager" aria-label={`Pages of ${what}`}>
      <button type="button" className="secondary" disabled={page <= 1} onClick={() => onPage(page - 1)}>Previous</button>
      <span>Page {page} of {last} ({total} {what})</span>
      <button type="button" className="secondary" disabled={page >= last} onClick={() => onPage(page + 1)}>Next</button>
    </nav>
  );
}
