import { useState } from 'react';
import { useLocation } from '../../app/router';
import { ConfirmButton, ErrorText, Loading, Section } from '../../app/ui';
import { useAsync } from '../../app/use-async';
import { api } from '../../lib/api';
import { formatDateTime } from '../../lib/time';
import { accountChangeMessage, callbackErrorMessage, connectionView, REAUTH_REASON } from './zoom-messages';

/** Connect, see and disconnect the specialist's Zoom account. Zoom sends the browser back with ?zoom=… */
export function ZoomConnection({ timeZone }: { timeZone: string }) {
  const { search } = useLocation();
  const status = useAsync(() => api.zoomStatus(), []);
  const [error, setError] = useState<unknown>();
  const [redirecting, setRedirecting] = useState(false);
  const outcome = search.get('zoom');

  const connect = async () => {
    setError(undefined);
    setRedirecting(true);
    try {
      const { authorizeUrl } = await api.zoomConnect();
      window.location.assign(authorizeUrl);
    } catch (e) {
      setError(e);
      setRedirecting(false);
    }
  };
  const disconnect = async () => {
    setError(undefined);
    try {
      await api.zoomDisconnect();
      await status.reload();
    } catch (e) {
      setError(e);
    }
  };

  if (!status.data) {
    return (
      <Section title="Zoom">
        {status.loading ? <Loading what="your Zoom connection" /> : <ErrorText error={status.error} />}
      </Section>
    );
  }
  const view = connectionView(status.data);
  const accountChange = accountChangeMessage(status.data.accountChange);
  return (
    <Section title="Zoom">
      {outcome === 'error' && (
        <div className="notice error-box" role="alert">
          <p>{callbackErrorMessage(search.get('reason'))}</p>
          <button type="button" onClick={() => void connect()} disabled={redirecting}>
            Try again
          </button>
        </div>
      )}
      {view === 'connected' && (
        <>
          <p className="ok" role={outcome === 'connected' ? 'status' : undefined}>
            Zoom connected{' '}
            <span className="emoji" data-fallback="✔">
              ✅
            </span>
          </p>
          <p>
            Zoom account: <strong>{status.data.zoomEmail}</strong>
            <br />
            <span className="muted">Connected since {formatDateTime(status.data.authorizedAt, timeZone)}</span>
          </p>
          {accountChange && <p className="notice">{accountChange}</p>}
          <p className="hint" id="disconnect-hint">
            Customers can book you while Zoom is connected; each booking gets a meeting in your Zoom account.
          </p>
          <ConfirmButton
            label="Disconnect Zoom"
            question="Disconnect Zoom? New bookings will not get meetings until you connect again."
            confirmLabel="Yes, disconnect"
            keepLabel="Keep connected"
            describedBy="disconnect-hint"
            onConfirm={disconnect}
          />
        </>
      )}
      {view === 'needs_reauth' && (
        <>
          <p className="warning">{REAUTH_REASON}</p>
          <button type="button" onClick={() => void connect()} disabled={redirecting}>
            Reconnect Zoom
          </button>
        </>
      )}
      {view === 'not_connected' && (
        <>
          <p>Connect your Zoom account once; every booking then gets its own Zoom meeting automatically.</p>
          <button type="button" onClick={() => void connect()} disabled={redirecting}>
            Connect Zoom
          </button>
        </>
      )}
      <ErrorText error={error} />
    </Section>
  );
}
