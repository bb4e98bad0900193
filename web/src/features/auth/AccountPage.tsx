import { useState, type FormEvent } from 'react';
import { navigate } from '../../app/router';
import { ConfirmButton, ErrorText, Loading, Section } from '../../app/ui';
import { useAsync } from '../../app/use-async';
import { api } from '../../lib/api';
import type { User } from '../../lib/api-types';
import { sessionStore } from '../../lib/session-store';
import { formatDateTime } from '../../lib/time';
import { signIn } from './session';

/** Every role's account page: password, signed-in devices, the data export and deletion. */
export function AccountPage({ user }: { user: User }) {
  const sessions = useAsync(() => api.sessions(), []);
  return (
    <>
      <h1>Your account</h1>
      <p>
        {user.name} · {user.email} {user.emailVerified ? '(confirmed)' : '(not confirmed yet)'} · time zone {user.timezone}
      </p>
      <NameAndEmail user={user} />
      <ChangePassword onChanged={() => void sessions.reload()} />
      <Section title="Signed-in devices" id="devices">
        {sessions.loading && !sessions.data && <Loading what="your devices" />}
        <ErrorText error={sessions.error} />
        {sessions.data && (
          <ul>
            {sessions.data.items.map((s) => (
              <li key={s.id}>
                {s.userAgent ?? 'Unknown browser'}
                {s.ip ? ` · ${s.ip}` : ''} · signed in {formatDateTime(s.createdAt, user.timezone)}
                {s.current && <strong> (this device)</strong>}
              </li>
            ))}
          </ul>
        )}
        <ConfirmButton
          label="Sign out everywhere"
          question="Sign out on every device, this one too?"
          confirmLabel="Yes, sign out everywhere"
          keepLabel="Stay signed in"
          onConfirm={async () => {
            await api.logoutEverywhere();
            sessionStore.set(null);
            navigate('/signin');
          }}
        />
      </Section>
      <DownloadData />
      <DeleteAccount />
    </>
  );
}

/** Name at once; a new email needs the password and takes effect when the link mailed to it is opened. */
function NameAndEmail({ user }: { user: User }) {
  const [name, setName] = useState(user.name);
  const [email, setEmail] = useState(user.email);
  const [currentPassword, setCurrent] = useState('');
  const [saved, setSaved] = useState(false);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const emailChanges = email.trim().toLowerCase() !== user.email.toLowerCase();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    setSaved(false);
    try {
      const updated = await api.updateMe(emailChanges ? { name, email, currentPassword } : { name });
      sessionStore.set({ user: updated });
      setCurrent('');
      setSaved(true);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Section title="Your details" id="identity">
      <form onSubmit={(e) => void submit(e)} className="form" aria-describedby={error ? 'identity-error' : undefined}>
        <label htmlFor="account-name">Name</label>
        <input id="account-name" autoComplete="name" required value={name} onChange={(e) => setName(e.target.value)} />
        <label htmlFor="account-email">Email</label>
        <input id="account-email" type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
        {emailChanges && (
          <>
            <label htmlFor="account-email-password">Current password (to change the email)</label>
            <input
              id="account-email-password"
              type="password"
              autoComplete="current-password"
              required
              value={currentPassword}
              onChange={(e) => setCurrent(e.target.value)}
            />
          </>
        )}
        <ErrorText error={error} id="identity-error" />
        <button type="submit" disabled={busy}>
          Save
        </button>
        {saved && (
          <p role="status" className="ok">
            Saved.
            {user.pendingEmail
              ? ` We have sent a link to ${user.pendingEmail}: your email changes when you open it.`
              : ''}
          </p>
        )}
        {!saved && user.pendingEmail && (
          <p className="hint">Waiting for you to open the link sent to {user.pendingEmail}.</p>
        )}
      </form>
    </Section>
  );
}

function ChangePassword({ onChanged }: { onChanged: () => void }) {
  const [currentPassword, setCurrent] = useState('');
  const [newPassword, setNew] = useState('');
  const [done, setDone] = useState(false);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    setDone(false);
    try {
      // The answer sets this device's new session cookies; every other session has ended.
      signIn(await api.changePassword({ currentPassword, newPassword }));
      setCurrent('');
      setNew('');
      setDone(true);
      onChanged();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Section title="Change password" id="password">
      <form onSubmit={(e) => void submit(e)} className="form" aria-describedby={error ? 'password-error' : undefined}>
        <label htmlFor="current-password">Current password</label>
        <input
          id="current-password"
          type="password"
          autoComplete="current-password"
          required
          value={currentPassword}
          onChange={(e) => setCurrent(e.target.value)}
        />
        <label htmlFor="new-password">New password</label>
        <input
          id="new-password"
          type="password"
          autoComplete="new-password"
          required
          minLength={8}
          maxLength={256}
          value={newPassword}
          onChange={(e) => setNew(e.target.value)}
        />
        <ErrorText error={error} id="password-error" />
        <button type="submit" disabled={busy}>
          Change password
        </button>
        {done && (
          <p role="status" className="ok">
            Password changed. Every other device was signed out.
          </p>
        )}
      </form>
    </Section>
  );
}

function DownloadData() {
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const download = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const blob = await api.exportData();
      const url = URL.createObjectURL(blob);
      const link = document.createElement('a');
      link.href = url;
      link.download = 'my-data.json';
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Section title="Your data" id="data">
      <p className="hint">Everything we hold about you, as a JSON file: account, bookings, availability and Zoom connection.</p>
      <button type="button" className="secondary" disabled={busy} onClick={() => void download()}>
        Download my data
      </button>
      <ErrorText error={error} />
    </Section>
  );
}

function DeleteAccount() {
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>();
  const remove = async () => {
    setError(undefined);
    try {
      await api.deleteAccount(password);
      sessionStore.set(null);
      navigate('/account-deleted');
    } catch (e) {
      setError(e);
    }
  };
  return (
    <Section title="Delete account" id="delete">
      <p id="delete-hint" className="hint">
        Upcoming bookings are cancelled (the other party is told), your Zoom connection is removed, and your account and
        personal data are deleted. This cannot be undone.
      </p>
      <div className="form">
        <label htmlFor="delete-password">Password to confirm</label>
        <input
          id="delete-password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
      </div>
      <ConfirmButton
        label="Delete account"
        question="Delete your account for good?"
        confirmLabel="Yes, delete my account"
        keepLabel="Keep my account"
        describedBy="delete-hint"
        disabled={!password}
        onConfirm={remove}
      />
      <ErrorText error={error} />
    </Section>
  );
}

export function AccountDeletedPage() {
  return (
    <>
      <h1>Account deleted</h1>
      <p role="status">Your account is deleted. Upcoming bookings were cancelled and the other parties told.</p>
    </>
  );
}
