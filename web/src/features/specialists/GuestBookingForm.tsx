import { useEffect, useRef, useState, type FormEvent } from 'react';
import { navigate } from '../../app/router';
import { ErrorText } from '../../app/ui';
import { api } from '../../lib/api';
import { browserTimeZone } from '../../lib/time';

/**
 * Booking without an account: "Your name", "Your email", a code mailed to that address, then **Book**. The booking's
 * manage page (the link in every mail) follows, where the meeting appears.
 */
export function GuestBookingForm(props: {
  specialistId: string;
  start: string;
  topic: string;
  /** One per chosen time (the page's): a retry after a lost answer never books twice. */
  idempotencyKey: string;
  /** The booking was refused (e.g. the time was taken): the page asks for the free times again. */
  onRefused: () => void;
}) {
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [code, setCode] = useState('');
  const [sentTo, setSentTo] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const codeInput = useRef<HTMLInputElement>(null);
  // Once the code is on its way, the next thing to do is type it.
  useEffect(() => {
    if (sentTo) codeInput.current?.focus();
  }, [sentTo]);

  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await action();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const sendCode = () =>
    run(async () => {
      const address = email.trim();
      await api.guestEmailCode(address);
      setSentTo(address);
      setCode('');
    });
  const book = () =>
    run(async () => {
      const topic = props.topic.trim();
      try {
        const answer = await api.guestBook(
          {
            specialistId: props.specialistId,
            start: props.start,
            name: name.trim(),
            email: sentTo ?? email.trim(),
            timezone: browserTimeZone(),
            ...(topic ? { topic } : {}),
            code: code.trim(),
          },
          props.idempotencyKey,
        );
        navigate(`/manage/${answer.manageToken}?booked=1`);
      } catch (e) {
        props.onRefused();
        throw e;
      }
    });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void (sentTo ? book() : sendCode());
  };

  return (
    <form className="card form" aria-labelledby="guest-heading" onSubmit={submit}>
      <h2 id="guest-heading">Book without an account</h2>
      <p className="hint">We email you a code to confirm your address. Every mail about the booking has a link to change or cancel it.</p>
      <label htmlFor="guest-name">Your name</label>
      <input id="guest-name" autoComplete="name" required maxLength={120} value={name} onChange={(e) => setName(e.target.value)} />
      <label htmlFor="guest-email">Your email</label>
      <input
        id="guest-email"
        type="email"
        autoComplete="email"
        required
        maxLength={254}
        value={email}
        onChange={(e) => {
          setEmail(e.target.value);
          // A code proves one address: another address needs its own.
          if (sentTo && e.target.value.trim() !== sentTo) setSentTo(undefined);
        }}
      />
      {sentTo ? (
        <>
          <p role="status">
            We have emailed a code to <strong>{sentTo}</strong>. It works for 10 minutes.
          </p>
          <label htmlFor="guest-code">Code from the email</label>
          <input
            id="guest-code"
            ref={codeInput}
            inputMode="numeric"
            autoComplete="one-time-code"
            pattern="[0-9]{6}"
            title="The 6 digits from the email"
            maxLength={6}
            required
            value={code}
            onChange={(e) => setCode(e.target.value.replace(/\D/g, ''))}
          />
          <ErrorText error={error} />
          <div className="actions">
            <button type="submit" disabled={busy}>
              Book
            </button>
            <button type="button" className="secondary" disabled={busy} onClick={() => void sendCode()}>
              Email me a new code
            </button>
          </div>
        </>
      ) : (
        <>
          <ErrorText error={error} />
          <button type="submit" disabled={busy}>
            Email me a code
          </button>
        </>
      )}
    </form>
  );
}
