import { useMemo, useState, type FormEvent } from 'react';
import { ErrorText, Loading } from '../../app/ui';
import { useAsync } from '../../app/use-async';
import { api } from '../../lib/api';
import type { ManagedBooking } from '../../lib/types';
import { formatDateTime, groupSlotsByDay, slotRange } from '../../lib/time';
import { SlotPicker } from '../specialists/SlotPicker';

const DAYS_STEP = 7;
const DAYS_MAX = 56;

/** Pick a new time from the specialist's free slots (in the viewer's zone) and move the booking there. */
export function ManageReschedule(props: {
  view: ManagedBooking;
  zone: string;
  onMove: (start: string) => Promise<void>;
  onClose: () => void;
}) {
  const { specialist } = props.view;
  const [daysShown, setDaysShown] = useState(DAYS_STEP);
  const slots = useAsync(() => api.slots(specialist.id, slotRange(new Date(), daysShown)), [specialist.id, daysShown]);
  const days = useMemo(() => groupSlotsByDay(slots.data?.slots ?? [], props.zone), [slots.data, props.zone]);
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
      void slots.reload();
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="card form" onSubmit={(e) => void submit(e)} aria-labelledby="manage-new-time">
      <h2 id="manage-new-time">Pick a new time</h2>
      <p className="muted">Free times of {specialist.name}, shown in your time zone: {props.zone}.</p>
      {slots.loading && !slots.data && <Loading what="free times" />}
      <ErrorText error={slots.error} />
      {slots.data && days.length === 0 && <p className="muted">No free times in the next {daysShown} days.</p>}
      <SlotPicker days={days} selected={selected} onSelect={setSelected} />
      {daysShown < DAYS_MAX && (
        <button type="button" className="secondary" onClick={() => setDaysShown((d) => d + DAYS_STEP)}>
          Show later days
        </button>
      )}
      {selected && (
        <p role="status">
          New time: <strong>{formatDateTime(selected, props.zone)}</strong>
        </p>
      )}
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
