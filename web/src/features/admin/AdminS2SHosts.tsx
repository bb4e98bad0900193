import { useState } from 'react';
import { ConfirmButton, Section } from '../../app/ui';
import { useAsync } from '../../app/use-async';
import { api, ApiError } from '../../lib/api';
import { describeError } from '../../lib/error-messages';
import type { S2SHostRow, S2SHostState } from '../../lib/api-types';

const PAGE_SIZE = 25;

/** Each state in words (README "Server-to-Server OAuth mode"). */
export const S2S_HOST_STATES: Record<S2SHostState, string> = {
  approved: 'Approved: hosts as this Zoom user',
  fallback_host: 'Hosted by the shared host (ZOOM_S2S_HOST_USER)',
  email_not_verified: 'Email not confirmed: cannot be booked',
  not_in_zoom_account: 'Not a user of the Zoom account: cannot be booked',
  awaiting_approval: 'Awaiting approval: cannot be booked',
  zoom_unavailable: 'Zoom could not be asked: cannot be booked',
};

function loadError(error: unknown): string {
  if (error instanceof ApiError && error.status === 404 && error.code === 'ROUTE_NOT_FOUND') {
    return 'This server does not have the admin API for S2S hosts yet (it comes with the S2S host approval update).';
  }
  if (error instanceof ApiError && error.status === 403) return 'Only admins can see this page.';
  return describeError(error);
}

const zoomUserOf = (r: S2SHostRow) => {
  if (r.zoomUser) return r.zoomUser.email;
  if (r.zoomUserLookup === 'not_found') return 'None with this email';
  if (r.zoomUserLookup === 'unavailable') return 'Zoom could not be asked';
  return '—';
};

/**
 * MEETING_PROVIDER=s2s: who hosts as which Zoom user of the platform account, with Approve per approvable row and
 * Revoke approval (asked first) per approved one.
 */
export function AdminS2SHosts() {
  const [page, setPage] = useState(1);
  const [notice, setNotice] = useState<string | null>(null);
  const hosts = useAsync(() => api.s2sHosts({ page, pageSize: PAGE_SIZE }), [page]);
  const h = hosts.data;
  const last = h ? Math.max(1, Math.ceil(h.total / h.pageSize)) : 1;
  // A server in user mode has no S2S hosts: said as a fact, not as an error.
  const modeOff = hosts.error instanceof ApiError && hosts.error.code === 'S2S_MODE_OFF';

  async function approve(row: S2SHostRow) {
    try {
      const approved = await api.approveS2SHost(row.specialistId);
      setNotice(`${row.name} is approved: their meetings are hosted as ${approved.zoomUser?.email ?? 'their Zoom user'}.`);
      await hosts.reload();
    } catch (error) {
      setNotice(`${row.name}: ${describeError(error)}`);
    }
  }

  async function revoke(row: S2SHostRow) {
    try {
      const after = await api.revokeS2SHostApproval(row.specialistId);
      setNotice(
        after.state === 'fallback_host'
          ? `${row.name}'s approval is revoked: new bookings are hosted by the shared host. Meetings already made keep their host.`
          : `${row.name}'s approval is revoked: they cannot be booked until approved again. Meetings already made keep their host.`,
      );
      await hosts.reload();
    } catch (error) {
      setNotice(`${row.name}: ${describeError(error)}`);
    }
  }

  return (
    <Section title="S2S hosts">
      {modeOff ? <p>{describeError(hosts.error)}</p> : hosts.error ? <p className="error" role="alert">{loadError(hosts.error)}</p> : null}
      {h && (
        <p>
          {h.fallbackHost
            ? `Specialists who are not approved are hosted by the shared host ${h.fallbackHost}; only admins and that host can start those meetings.`
            : 'No shared host (ZOOM_S2S_HOST_USER) is set: specialists who are not approved cannot be booked.'}
        </p>
      )}
      {h && !h.zoomReachable && <p className="error" role="alert">Zoom could not be asked about some specialists: {h.zoomError}</p>}
      {notice && <p role="status">{notice}</p>}
      {h && (
        <div className="table-wrap" tabIndex={0} role="region" aria-label="S2S hosts table">
          <table>
            <thead>
              <tr>
                <th scope="col">Specialist</th><th scope="col">Email confirmed</th><th scope="col">Zoom user</th>
                <th scope="col">State</th><th scope="col">Action</th>
              </tr>
            </thead>
            <tbody>
              {h.items.map((r) => (
                <tr key={r.specialistId}>
                  <td id={`s2s-host-${r.specialistId}`}>{r.name}<br /><span className="muted">{r.email}</span></td>
                  <td>{r.emailVerified ? 'Yes' : 'No'}</td>
                  <td>{zoomUserOf(r)}</td>
                  <td>{S2S_HOST_STATES[r.state]}</td>
                  <td>
                    {r.approvable ? (
                      <button type="button" className="secondary" aria-label={`Approve ${r.name} as ${r.zoomUser?.email ?? 'their Zoom user'}`} onClick={() => void approve(r)}>
                        Approve
                      </button>
                    ) : r.state === 'approved' ? (
                      <ConfirmButton
                        label="Revoke approval"
                        describedBy={`s2s-host-${r.specialistId}`}
                        question={`Revoke ${r.name}'s approval? New bookings stop being hosted as ${r.zoomUser?.email ?? 'their Zoom user'}.`}
                        confirmLabel="Revoke approval"
                        keepLabel="Keep approval"
                        onConfirm={() => revoke(r)}
                      />
                    ) : (
                      '—'
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {h && (
        <nav className="pager" aria-label="Pages of S2S hosts">
          <button type="button" className="secondary" disabled={page <= 1} onClick={() => setPage(page - 1)}>Previous</button>
          <span>Page {h.page} of {last} ({h.total} specialists)</span>
          <button type="button" className="secondary" disabled={page >= last} onClick={() => setPage(page + 1)}>Next</button>
        </nav>
      )}
    </Section>
  );
}
