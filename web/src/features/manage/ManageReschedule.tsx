import { useState, type FormEvent } from 'react';
import { ErrorText, TimeZoneNote } from '../../app/ui';
import type { ManagedBooking } from '../../lib/api-types';
import { FreeTimes, useFreeSlots } from '../specialists/FreeTimes';

/** Pick a new time from the specialist's free slots (in the viewer's zone) and move the booking there. */
export function ManageReschedule(props: {
  view: ManagedBooking;
  zone: string;
  onMove: (start: string) => Promise<void>;
  onClose: () => void;
}) {
  const { specialist } = props.view;
  const free = useFreeSlots(specialist.id, props.zone);
  const [selected, setSelected] = useState<string>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!selected) return;
    setBusy(true);
    setError(undefined);
    try {
      await props.onMove(selected);
    } catch (e) {
      setError(e);
      void free.slots.reload();
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="card form" onSubmit={(e) => void submit(e)} aria-labelledby="manage-new-time">
      <h2 id="manage-new-time">Pick a new time</h2>
      <p className="muted">Free times of {specialist.name}.</p>
      <TimeZoneNote zone={props.zone} />
      <FreeTimes free={free} zone={props.zone} selected={selected} onSelect={setSelected} chosenLabel="New time:" />
      <ErrorText error={error} />
      <button type="submit" disabled={!selected || busy}>
        Move booking
      </button>
      <button type="button" className="secondary" onClick={props.onClose}>
        Keep the current time
      </button>
    </form>
  );
}
