import { useMemo, useState } from 'react';
import { ErrorText, Loading } from '../../app/ui';
import { useAsync } from '../../app/use-async';
import { api } from '../../lib/api';
import { formatDateTime, groupSlotsByDay, slotRange } from '../../lib/time';
import { SlotPicker } from './SlotPicker';

const DAYS_STEP = 7;
const DAYS_MAX = 56;

/** A specialist's free times, a week more at a time, grouped by day in the viewer's zone. */
export function useFreeSlots(specialistId: string, zone: string) {
  const [daysShown, setDaysShown] = useState(DAYS_STEP);
  const slots = useAsync(() => api.slots(specialistId, slotRange(new Date(), daysShown)), [specialistId, daysShown]);
  const days = useMemo(() => groupSlotsByDay(slots.data?.slots ?? [], zone), [slots.data, zone]);
  return { slots, days, daysShown, showLater: () => setDaysShown((d) => Math.min(DAYS_MAX, d + DAYS_STEP)) };
}

/** The slot list of the booking and reschedule forms: loading, errors, empty weeks, "Show later days", the choice. */
export function FreeTimes(props: {
  free: ReturnType<typeof useFreeSlots>;
  zone: string;
  selected: string | undefined;
  onSelect: (start: string) => void;
  /** Words before the chosen time ("Chosen:", "New time:"). */
  chosenLabel: string;
}) {
  const { slots, days, daysShown, showLater } = props.free;
  return (
    <>
      {slots.loading && !slots.data && <Loading what="free times" />}
      <ErrorText error={slots.error} />
      {slots.data && days.length === 0 && <p className="muted">No free times in the next {daysShown} days.</p>}
      <SlotPicker days={days} selected={props.selected} onSelect={props.onSelect} />
      {daysShown < DAYS_MAX && (
        <button type="button" className="secondary" onClick={showLater}>
          Show later days
        </button>
      )}
      {props.selected && (
        <p role="status">
          {props.chosenLabel} <strong>{formatDateTime(props.selected, props.zone)}</strong>
        </p>
      )}
    </>
  );
}
