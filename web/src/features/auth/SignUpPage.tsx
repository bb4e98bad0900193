import { useState, type FormEvent } from 'react';
import { Link, navigate } from '../../app/router';
import { ErrorText } from '../../app/ui';
import { api } from '../../lib/api';
import { browserTimeZone } from '../../lib/time';
import { TimeZoneSelect } from './TimeZoneSelect';
import { homeFor, signIn } from './session';

export function SignUpPage() {
  const [role, setRole] = useState<'specialist' | 'customer'>('customer');
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [timezone, setTimezone] = useState(browserTimeZone);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const session = await api.register({ role, name, email, password, timezone });
      signIn(session);
      navigate(homeFor(session.user.role));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <h1>Create an account</h1>
      <form onSubmit={(e) => void submit(e)} className="card form" aria-describedby={error ? 'signup-error' : undefined}>
        <fieldset>
          <legend>I am a</legend>
          {(['specialist', 'customer'] as const).map((r) => (
            <label key={r} className="inline">
              <input type="radio" name="role" value={r} checked={role === r} onChange={() => setRole(r)} />
              {r === 'specialist' ? 'Specialist' : 'Customer'}
            </label>
          ))}
        </fieldset>
        <label htmlFor="signup-name">Name</label>
        <input id="signup-name" autoComplete="name" required maxLength={120} value={name} onChange={(e) => setName(e.target.value)} />
        <label htmlFor="signup-email">Email</label>
        <input id="signup-email" type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
        <label htmlFor="signup-password">Password</label>
        <input
          id="signup-password"
          type="password"
          autoComplete="new-password"
          required
          minLength={8}
          aria-describedby="signup-password-hint"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        <p id="signup-password-hint" className="hint">
          At least 8 characters.
        </p>
        <label htmlFor="signup-timezone">Time zone</label>
        <TimeZoneSelect id="signup-timezone" value={timezone} onChange={setTimezone} />
        <ErrorText error={error} id="signup-error" />
        <button type="submit" disabled={busy}>
          Create account
        </button>
      </form>
      <p>
        Already have an account? <Link to="/signin">Sign in here</Link>.
      </p>
    </>
  );
}
