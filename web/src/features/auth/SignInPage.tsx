import { useState, type FormEvent } from 'react';
import { Link, navigate, safeNext, useLocation } from '../../app/router';
import { ErrorText } from '../../app/ui';
import { api } from '../../lib/api';
import { homeFor, signIn } from './session';

export function SignInPage() {
  const { search } = useLocation();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const session = await api.login({ email, password });
      signIn(session);
      navigate(safeNext(search.get('next')) ?? homeFor(session.user.role));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <h1>Sign in</h1>
      <form onSubmit={(e) => void submit(e)} className="card form" aria-describedby={error ? 'signin-error' : undefined}>
        <label htmlFor="signin-email">Email</label>
        <input id="signin-email" type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
        <label htmlFor="signin-password">Password</label>
        <input
          id="signin-password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        <ErrorText error={error} id="signin-error" />
        <button type="submit" disabled={busy}>
          Sign in
        </button>
      </form>
      <p>
        <Link to="/forgot-password">Forgot password?</Link>
      </p>
      <p>
        New here? <Link to="/signup">Create an account</Link>.
      </p>
    </>
  );
}
