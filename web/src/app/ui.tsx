import { useState, type ReactNode } from 'react';
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
  if (!asking) {
    return (
      <button type="button" className="secondary" aria-describedby={props.describedBy} disabled={props.disabled} onClick={() => setAsking(true)}>
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
      <button type="button" className="secondary" disabled={busy} onClick={() => setAsking(false)} autoFocus>
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
