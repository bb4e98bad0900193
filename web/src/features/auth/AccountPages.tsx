import { useEffect, useState, type FormEvent } from 'react';
import { Link, useLocation } from '../../app/router';
import { ErrorText } from '../../app/ui';
import { api } from '../../lib/api';
import { sessionStore } from '../../lib/session-store';
import { loadSession, useSession } from './session';

// A link is single use: React's development double effects (and a re-render) must not post it twice.
const verifying = new Map<string, Promise<unknown>>();

/** The page the verification mail links to (`/verify-email?token=…`): it confirms the address on opening. */
export function VerifyEmailPage() {
  const { search } = useLocation();
  const linkToken = search.get('token') ?? '';
  const [state, setState] = useState<{ done?: boolean; error?: unknown }>({});
  useEffect(() => {
    if (!linkToken) return;
    let pending = verifying.get(linkToken);
    if (!pending) {
      pending = api.verifyEmail(linkToken);
      verifying.set(linkToken, pending);
    }
    let live = true;
    pending.then(
      () => {
        if (!live) return;
        setState({ done: true });
        if (sessionStore.get()) void loadSession();
      },
      (error: unknown) => live && setState({ error }),
    );
    return () => {
      live = false;
    };
  }, [linkToken]);
  return (
    <>
      <h1>Confirm your email</h1>
      {!linkToken && <p role="alert">This link is incomplete. Open the whole link from the email, or ask for a new one.</p>}
      {linkToken && !state.done && !state.error && (
        <p className="muted" role="status">
          Confirming your email address…
        </p>
      )}
      {state.done && (
        <p role="status" className="ok">
          Your email address is confirmed. <Link to="/">Continue</Link>
        </p>
      )}
      <ErrorText error={state.error} />
      {(state.error || !linkToken) && <ResendVerification />}
    </>
  );
}

/** "Resend": a new verification link to the given (or the signed-in) address; the answer never says whether it exists. */
export function ResendVerification({ email: known }: { email?: string }) {
  const [email, setEmail] = useState(known ?? '');
  const [sent, setSent] = useState(false);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await api.resendVerification(known ?? email);
      setSent(true);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={(e) => void submit(e)} className={known ? 'inline' : 'card form'}>
      {!known && (
        <>
          <label htmlFor="resend-email">Email</label>
          <input id="resend-email" type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
        </>
      )}
      <button type="submit" className={known ? 'secondary small' : undefined} disabled={busy}>
        Resend
      </button>
      <ErrorText error={error} />
      {sent && <span role="status"> We have sent a new link. It works for 24 hours.</span>}
    </form>
  );
}

/** Shown on every page until the signed-in person's address is confirmed. */
export function VerifyEmailBanner() {
  const user = useSession()?.user;
  if (!user || user.emailVerified) return null;
  return (
    <section className="card banner" aria-label="Email not confirmed">
      <p>
        Please confirm your email address: open the link we sent to <strong>{user.email}</strong>.
      </p>
      <ResendVerification email={user.email} />
    </section>
  );
}

export function ForgotPasswordPage() {
  const [email, setEmail] = useState('');
  const [sent, setSent] = useState(false);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await api.forgotPassword(email);
      setSent(true);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <h1>Forgot password</h1>
      <form onSubmit={(e) => void submit(e)} className="card form" aria-describedby={error ? 'forgot-error' : undefined}>
        <p className="hint">We will email you a link to set a new password.</p>
        <label htmlFor="forgot-email">Email</label>
        <input id="forgot-email" type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
        <ErrorText error={error} id="forgot-error" />
        <button type="submit" disabled={busy}>
          Send reset link
        </button>
      </form>
      {sent && (
        <p role="status">
          If an account uses that address, we have emailed it a link to set a new password. The link works for 30 minutes.
        </p>
      )}
      <p>
        <Link to="/signin">Back to sign in</Link>
      </p>
    </>
  );
}

/** The page the reset mail links to (`/reset-password?token=…`). */
export function ResetPasswordPage() {
  const { search } = useLocation();
  const linkToken = search.get('token') ?? '';
  const [password, setPassword] = useState('');
  const [done, setDone] = useState(false);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await api.resetPassword(linkToken, password);
      setDone(true);
      // A reset ends every session of the account, this browser's too.
      if (sessionStore.get()) sessionStore.set(null);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <h1>Set a new password</h1>
      {done ? (
        <p role="status" className="ok">
          Your new password is set and every signed-in device was signed out. <Link to="/signin">Sign in</Link>
        </p>
      ) : (
        <form onSubmit={(e) => void submit(e)} className="card form" aria-describedby={error ? 'reset-error' : undefined}>
          <label htmlFor="reset-password">New password</label>
          <input
            id="reset-password"
            type="password"
            autoComplete="new-password"
            required
            minLength={8}
            maxLength={256}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
          <ErrorText error={error} id="reset-error" />
          <button type="submit" disabled={busy || !linkToken}>
            Set password
          </button>
          {!linkToken && <p role="alert">This link is incomplete. Ask for a new one below.</p>}
        </form>
      )}
      {(error || !linkToken) && !done && (
        <p>
          <Link to="/forgot-password">Ask for a new link</Link>
        </p>
      )}
    </>
  );
}
