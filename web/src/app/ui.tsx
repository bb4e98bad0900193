import { useEffect, useRef, useState, type ReactNode } from 'react';
import { describeError } from '../lib/error-messages';

/** An API failure in words, announced to screen readers. */
export function ErrorText({ error, id }: { error: unknown; id?: string }) {
  if (!error) return null;
  return (
    <p className="error" role="alert" id={id}>
      {describeError(error)}
    </p>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p className="muted" role="status">
      Loading {what}…
    </p>
  );
}

/** A destructive action that asks first, inline (no browser dialog): the question and two buttons. */
export function ConfirmButton(props: {
  label: string;
  question: string;
  confirmLabel: string;
  keepLabel: string;
  onConfirm: () => Promise<unknown> | void;
  describedBy?: string;
  disabled?: boolean;
}) {
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const keep = useRef<HTMLButtonElement>(null);
  const ask = useRef<HTMLButtonElement>(null);
  const wasAsking = useRef(false);
  // Keyboard users land on the safe choice when asked, and back on the button when the question closes.
  useEffect(() => {
    if (asking) keep.current?.focus();
    else if (wasAsking.current) ask.current?.focus();
    wasAsking.current = asking;
  }, [asking]);
  if (!asking) {
    return (
      <button ref={ask} type="button" className="secondary" aria-describedby={props.describedBy} disabled={props.disabled} onClick={() => setAsking(true)}>
        {props.label}
      </button>
    );
  }
  const confirm = async () => {
    setBusy(true);
    try {
      await props.onConfirm();
    } finally {
      setBusy(false);
      setAsking(false);
    }
  };
  return (
    <div className="confirm" role="group" aria-label={props.question}>
      <p>{props.question}</p>
      <button type="button" className="danger" disabled={busy} onClick={() => void confirm()}>
        {props.confirmLabel}
      </button>
      <button ref={keep} type="button" className="secondary" disabled={busy} onClick={() => setAsking(false)}>
        {props.keepLabel}
      </button>
    </div>
  );
}

export function Section({ title, children, id }: { title: string; children: ReactNode; id?: string }) {
  const headingId = `${id ?? title.toLowerCase().replace(/\W+/g, '-')}-heading`;
  return (
    <section aria-labelledby={headingId} className="card">
      <h2 id={headingId}>{title}</h2>
      {children}
    </section>
  );
}

/** The one sentence every page with dates uses to name their zone (each date also ends with it, see formatDateTime). */
export function TimeZoneNote({ zone }: { zone: string }) {
  return <p className="muted">Times are shown in your time zone: {zone}.</p>;
}
