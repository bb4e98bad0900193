import type { SlotDay } from '../../lib/time';

/** Free times grouped by the viewer's local day; each time is a toggle button (aria-pressed) in a labelled group. */
export function SlotPicker({ days, selected, onSelect }: { days: SlotDay[]; selected?: string; onSelect: (start: string) => void }) {
  return (
    <div className="slot-days">
      {days.map((day) => (
        <div key={day.date} role="group" aria-labelledby={`day-${day.date}`} className="slot-day">
          <h3 id={`day-${day.date}`}>{day.label}</h3>
          <div className="slots">
            {day.slots.map((slot) => (
              <button
                key={slot.start}
                type="button"
                className="slot"
                aria-pressed={selected === slot.start}
                onClick={() => onSelect(slot.start)}
              >
                {slot.label}
              </button>
            ))}
          </div>
        </div>
      ))}
    </div>
  );
}
