import { useState, type FormEvent } from 'react';
import { ConfirmButton, ErrorText, Loading, Section } from '../../app/ui';
import { useAsync } from '../../app/use-async';
import { api } from '../../lib/api';
import type { CalendarFeed } from '../../lib/api-types';
import { feedView, MAX_FEEDS, sentence } from './feed-view';

const HEADING_ID = 'calendars-heading';

/** The specialist's other calendars (secret iCal addresses), whose busy times block their slots. */
export function CalendarFeeds({ timeZone }: { timeZone: string }) {
  const feeds = useAsync(() => api.calendars(), []);
  const [url, setUrl] = useState('');
  const [label, setLabel] = useState('');
  const [addError, setAddError] = useState<unknown>();
  const [actionError, setActionError] = useState<unknown>();
  // One polite live region for what just happened (added, synced, removed), so it is heard without moving focus.
  const [status, setStatus] = useState('');
  const [working, setWorking] = useState(false);

  const add = async (event: FormEvent) => {
    event.preventDefault();
    if (working) return;
    setAddError(undefined);
    setWorking(true);
    setStatus('Checking the calendar…');
    try {
      const feed = await api.addCalendar({ url: url.trim(), label: label.trim() });
      setUrl('');
      setLabel('');
      setStatus(`Calendar “${feed.label}” added. ${feedView(feed, timeZone, new Date()).busy}.`);
      await feeds.reload();
    } catch (e) {
      setStatus('');
      setAddError(e);
    } finally {
      setWorking(false);
    }
  };

  const sync = async (feed: CalendarFeed) => {
    if (working) return;
    setActionError(undefined);
    setWorking(true);
    setStatus(`Syncing “${feed.label}”…`);
    try {
      const after = await api.syncCalendar(feed.id);
      setStatus(after.lastError ? `“${after.label}” could not sync: ${sentence(after.lastError)}` : `“${after.label}” synced.`);
      await feeds.reload();
    } catch (e) {
      setStatus('');
      setActionError(e);
    } finally {
      setWorking(false);
    }
  };

  const remove = async (feed: CalendarFeed) => {
    setActionError(undefined);
    try {
      await api.removeCalendar(feed.id);
      setStatus(`Calendar “${feed.label}” removed.`);
      // Its buttons go with it: focus moves to the section's heading rather than falling to the page's start.
      const heading = document.getElementById(HEADING_ID);
      if (heading) {
        heading.tabIndex = -1;
        heading.focus();
      }
      await feeds.reload();
    } catch (e) {
      setActionError(e);
    }
  };

  const items = feeds.data?.items;
  const now = new Date();
  return (
    <Section title="Calendars" id="calendars">
      <p>Times when your other calendars say you are busy are blocked here, so customers cannot book them.</p>
      {feeds.loading && !feeds.data && <Loading what="your calendars" />}
      <ErrorText error={feeds.error} />
      <p className="live" role="status" aria-live="polite">
        {status}
      </p>
      <ErrorText error={actionError} />
      {items && items.length === 0 && <p className="muted">No calendars added yet.</p>}
      {items && items.length > 0 && (
        <ul className="list feeds">
          {items.map((feed) => {
            const view = feedView(feed, timeZone, now);
            const headingId = `feed-${feed.id}`;
            return (
              <li key={feed.id}>
                <article className="feed" aria-labelledby={headingId}>
                  <h3 id={headingId}>{feed.label}</h3>
                  <p className="muted">{view.source}</p>
                  <p>{view.synced}</p>
                  <p>{view.busy}</p>
                  {view.error && <p className="error">{view.error}</p>}
                  {view.stale && <p className="warning">{view.stale}</p>}
                  <div className="actions">
                    <button type="button" className="secondary" aria-describedby={headingId} onClick={() => void sync(feed)}>
                      Sync now
                    </button>
                    <ConfirmButton
                      label="Remove"
                      question={`Remove the calendar “${feed.label}”? Its busy times stop blocking your slots at once.`}
                      confirmLabel="Yes, remove it"
                      keepLabel="Keep calendar"
                      describedBy={headingId}
                      onConfirm={() => remove(feed)}
                    />
                  </div>
                </article>
              </li>
            );
          })}
        </ul>
      )}
      {items && items.length >= MAX_FEEDS && (
        <p className="notice">
          You have {MAX_FEEDS} calendars, the most you can add. Remove one to add another.
        </p>
      )}
      {items && items.length < MAX_FEEDS && (
        <form className="form" aria-labelledby="add-calendar-heading" onSubmit={(e) => void add(e)}>
          <h3 id="add-calendar-heading">Add a calendar</h3>
          <p className="hint" id="cal-url-hint">
            Paste the calendar’s secret iCal address (it starts with https:// or webcal://). We only read when you are
            busy, and we never show the address again.
          </p>
          <ul className="hint where">
            <li>Google Calendar: Settings → your calendar → Integrate calendar → “Secret address in iCal format”.</li>
            <li>Outlook: Settings → Calendar → Shared calendars → Publish a calendar → the ICS link.</li>
            <li>Apple iCloud: share the calendar as a Public Calendar and copy its webcal:// link.</li>
          </ul>
          <label htmlFor="cal-url">Calendar address</label>
          <input
            id="cal-url"
            type="url"
            inputMode="url"
            autoComplete="off"
            spellCheck={false}
            required
            maxLength={2000}
            placeholder="https://… or webcal://…"
            aria-describedby={addError ? 'cal-url-hint cal-add-error' : 'cal-url-hint'}
            aria-invalid={addError ? true : undefined}
            value={url}
            onChange={(e) => setUrl(e.target.value)}
          />
          <label htmlFor="cal-label">Label</label>
          <input id="cal-label" required maxLength={80} placeholder="e.g. Personal" value={label} onChange={(e) => setLabel(e.target.value)} />
          <ErrorText error={addError} id="cal-add-error" />
          <button type="submit">Add calendar</button>
        </form>
      )}
    </Section>
  );
}
