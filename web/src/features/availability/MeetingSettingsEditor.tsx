import { useState, type FormEvent } from 'react';
import { ErrorText, Loading, Section } from '../../app/ui';
import { useAsync } from '../../app/use-async';
import { api, ApiError } from '../../lib/api';
import type { AvailabilityRequest } from '../../lib/api-types';

/** The overrides as the API takes them (each `zoom_default` or a value), from the generated schema. */
type MeetingSettings = NonNullable<AvailabilityRequest['meetingSettings']>;
type Choice = MeetingSettings[keyof MeetingSettings];

const ZOOM_DEFAULT = 'zoom_default';
const ON_OFF = [
  { value: 'true', label: 'On' },
  { value: 'false', label: 'Off' },
];
const FIELDS: Array<{ key: keyof MeetingSettings; label: string; options: Array<{ value: string; label: string }> }> = [
  {
    key: 'autoRecording',
    label: 'Recording',
    options: [
      { value: 'none', label: 'Do not record' },
      { value: 'local', label: 'Record on my computer' },
      { value: 'cloud', label: 'Record to the cloud' },
    ],
  },
  { key: 'waitingRoom', label: 'Waiting room', options: ON_OFF },
  { key: 'joinBeforeHost', label: 'Participants may join before me', options: ON_OFF },
  { key: 'muteUponEntry', label: 'Mute participants when they join', options: ON_OFF },
];
const DEFAULTS: MeetingSettings = {
  autoRecording: ZOOM_DEFAULT,
  waitingRoom: ZOOM_DEFAULT,
  joinBeforeHost: ZOOM_DEFAULT,
  muteUponEntry: ZOOM_DEFAULT,
};

const asText = (v: Choice) => String(v);
/** A select's text as the API's value: recording keeps its word; the on/off settings become booleans. */
const fromText = (key: keyof MeetingSettings, v: string): Choice =>
  key === 'autoRecording' || v === ZOOM_DEFAULT ? (v as Choice) : v === 'true';

/** The specialist's overrides of their own Zoom settings for booked meetings ("As in my Zoom settings" sends nothing). */
export function MeetingSettingsEditor() {
  const saved = useAsync(() => api.availability(), []);
  // Unedited, the form shows what was saved; the first change starts a draft from it.
  const [draft, setDraft] = useState<MeetingSettings>();
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);
  const form: MeetingSettings = draft ?? (saved.data?.meetingSettings as MeetingSettings | undefined) ?? DEFAULTS;
  const notSavedYet = saved.error instanceof ApiError && saved.error.status === 404;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    setBusy(true);
    try {
      // Saved with the availability: the rest is read fresh (the availability form may have just saved it) and sent
      // back as it is.
      const fresh = await api.availability();
      await api.saveAvailability({ ...fresh, meetingSettings: form } as AvailabilityRequest);
      setDone(true);
      await saved.reload();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  if (saved.loading && !saved.data)
    return (
      <Section title="Zoom meeting settings">
        <Loading what="your Zoom meeting settings" />
      </Section>
    );
  return (
    <Section title="Zoom meeting settings">
      <p className="hint">Booked meetings follow your own Zoom settings unless you choose otherwise here.</p>
      {notSavedYet && <p className="hint">Save your availability first.</p>}
      {saved.error !== undefined && !notSavedYet && <ErrorText error={saved.error} />}
      <form className="form" onSubmit={(e) => void submit(e)}>
        <div className="grid-2">
          {FIELDS.map((f) => (
            <div key={f.key}>
              <label htmlFor={`ms-${f.key}`}>{f.label}</label>
              <select
                id={`ms-${f.key}`}
                value={asText(form[f.key])}
                onChange={(e) => {
                  setDone(false);
                  setDraft({ ...form, [f.key]: fromText(f.key, e.target.value) });
                }}
              >
                <option value={ZOOM_DEFAULT}>As in my Zoom settings</option>
                {f.options.map((o) => (
                  <option key={o.value} value={o.value}>
                    {o.label}
                  </option>
                ))}
              </select>
            </div>
          ))}
        </div>
        <ErrorText error={error} />
        {done && (
          <p className="ok" role="status">
            Zoom meeting settings saved.
          </p>
        )}
        <button type="submit" disabled={busy}>
          Save Zoom meeting settings
        </button>
      </form>
    </Section>
  );
}
