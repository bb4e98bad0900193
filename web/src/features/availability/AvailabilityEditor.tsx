import { useState, type FormEvent } from 'react';
import { ErrorText, Loading, Section } from '../../app/ui';
import { useAsync } from '../../app/use-async';
import { api, ApiError } from '../../lib/api';
import { TimeZoneSelect } from '../auth/TimeZoneSelect';
import { DAYS, defaultAvailability, fromAvailability, newWindow, toAvailabilityRequest, type AvailabilityForm, type WindowRow } from './availability-form';

const NUMBER_FIELDS: Array<{ key: keyof AvailabilityForm; label: string; min: number; step: number; optional?: string }> = [
  { key: 'slotMinutes', label: 'Slot length (minutes)', min: 5, step: 5 },
  { key: 'bufferMinutes', label: 'Buffer (minutes)', min: 0, step: 5 },
  { key: 'minNoticeMinutes', label: 'Minimum notice (minutes)', min: 0, step: 1 },
  { key: 'maxDaysAhead', label: 'Book up to (days ahead)', min: 1, step: 1 },
  { key: 'cancelNoticeMinutes', label: 'Cancellation notice (minutes)', min: 0, step: 1 },
  { key: 'maxBookingsPerDay', label: 'Max bookings per day', min: 1, step: 1, optional: 'Leave empty for no limit.' },
];

export function AvailabilityEditor({ timeZone }: { timeZone: string }) {
  const [form, setForm] = useState(() => defaultAvailability(timeZone));
  const [problems, setProblems] = useState<string[]>([]);
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  // Start from what was saved; nothing saved yet (404) means the defaults.
  const saved0 = useAsync(() => api.availability(), []);
  // Adjusted while rendering (not in an effect), once per answer: React's pattern for state derived from a load.
  const [loadedFrom, setLoadedFrom] = useState<typeof saved0.data>();
  if (saved0.data && saved0.data !== loadedFrom) {
    setLoadedFrom(saved0.data);
    setForm(fromAvailability(saved0.data));
  }
  const notSavedYet = saved0.error instanceof ApiError && saved0.error.status === 404;

  const update = (patch: Partial<AvailabilityForm>) => {
    setSaved(false);
    setForm((f) => ({ ...f, ...patch }));
  };
  const updateWindow = (key: number, patch: Partial<WindowRow>) =>
    update({ windows: form.windows.map((w) => (w.key === key ? { ...w, ...patch } : w)) });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    const { body, problems: found } = toAvailabilityRequest(form);
    setProblems(found);
    if (!body) return;
    setBusy(true);
    try {
      await api.saveAvailability(body);
      setSaved(true);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  if (saved0.loading && !saved0.data) return <Section title="Availability"><Loading what="your availability" /></Section>;
  return (
    <Section title="Availability">
      {saved0.error !== undefined && !notSavedYet && <ErrorText error={saved0.error} />}
      {notSavedYet && <p className="hint">Not saved yet: customers can book you once you save your hours.</p>}
      <form className="form" onSubmit={(e) => void submit(e)}>
        <label htmlFor="av-headline">Headline</label>
        <input id="av-headline" maxLength={200} placeholder="e.g. Career mentoring" value={form.headline} onChange={(e) => update({ headline: e.target.value })} />
        <label htmlFor="av-timezone">Time zone</label>
        <TimeZoneSelect id="av-timezone" value={form.timezone} onChange={(timezone) => update({ timezone })} />
        <fieldset>
          <legend>Weekly hours (in your time zone)</legend>
          <ul className="windows">
            {form.windows.map((w, i) => (
              <li key={w.key} className="window-row">
                <select aria-label={`Hours ${i + 1}: day`} value={w.day} onChange={(e) => updateWindow(w.key, { day: e.target.value as WindowRow['day'] })}>
                  {DAYS.map((d) => (
                    <option key={d.day} value={d.day}>
                      {d.label}
                    </option>
                  ))}
                </select>
                <input type="time" step={300} aria-label={`Hours ${i + 1}: from`} value={w.start} onChange={(e) => updateWindow(w.key, { start: e.target.value })} />
                <input type="time" step={300} aria-label={`Hours ${i + 1}: until`} value={w.end} onChange={(e) => updateWindow(w.key, { end: e.target.value })} />
                <button type="button" className="secondary" aria-label={`Remove hours ${i + 1}`} onClick={() => update({ windows: form.windows.filter((x) => x.key !== w.key) })}>
                  Remove
                </button>
              </li>
            ))}
          </ul>
          <button type="button" className="secondary" onClick={() => update({ windows: [...form.windows, newWindow()] })}>
            Add hours
          </button>
        </fieldset>
        <div className="grid-2">
          {NUMBER_FIELDS.map((f) => (
            <div key={f.key}>
              <label htmlFor={`av-${f.key}`}>{f.label}</label>
              <input
                id={`av-${f.key}`}
                type="number"
                inputMode="numeric"
                min={f.min}
                step={f.step}
                required={!f.optional}
                aria-describedby={f.optional ? `av-${f.key}-hint` : undefined}
                value={form[f.key] as string}
                onChange={(e) => update({ [f.key]: e.target.value } as Partial<AvailabilityForm>)}
              />
              {f.optional && (
                <p className="hint" id={`av-${f.key}-hint`}>
                  {f.optional}
                </p>
              )}
            </div>
          ))}
        </div>
        <Switch
          id="av-zoomMeetingsBusy"
          label="My other Zoom meetings block bookings"
          checked={form.zoomMeetingsBusy}
          onChange={(zoomMeetingsBusy) => update({ zoomMeetingsBusy })}
          hint="While your Zoom account is connected, the times of your scheduled Zoom meetings that were not booked here are not offered to customers. They are read from Zoom regularly."
        />
        <Switch
          id="av-allowGuests"
          label="Guests can book without an account"
          checked={form.allowGuests}
          onChange={(allowGuests) => update({ allowGuests })}
          hint="A visitor gives their name and email and types the code we email them; they manage the booking from the link in their mails. Turned off, only signed-in customers can book you."
        />
        {problems.length > 0 && (
          <ul className="error" role="alert">
            {problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        )}
        <ErrorText error={error} />
        {saved && (
          <p className="ok" role="status">
            Availability saved.
          </p>
        )}
        <button type="submit" disabled={busy}>
          Save availability
        </button>
      </form>
    </Section>
  );
}

/** A labelled checkbox with its explanation (read out with it through aria-describedby). */
function Switch(props: { id: string; label: string; hint: string; checked: boolean; onChange: (on: boolean) => void }) {
  return (
    <>
      <div className="check">
        <input
          id={props.id}
          type="checkbox"
          aria-describedby={`${props.id}-hint`}
          checked={props.checked}
          onChange={(e) => props.onChange(e.target.checked)}
        />
        <label htmlFor={props.id}>{props.label}</label>
      </div>
      <p className="hint" id={`${props.id}-hint`}>
        {props.hint}
      </p>
    </>
  );
}
