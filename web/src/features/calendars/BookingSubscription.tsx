import { useRef, useState } from 'react';
import { ConfirmButton, ErrorText, Loading, Section } from '../../app/ui';
import { useAsync } from '../../app/use-async';
import { api } from '../../lib/api';

/** The same address for calendar apps that open webcal:// links (Apple Calendar, Outlook) as subscriptions. */
const webcal = (url: string) => url.replace(/^https?:/, 'webcal:');

/** Copies through the Clipboard API; without it (plain http, an old browser) the text is selected for Ctrl+C. */
async function copyText(text: string, input: HTMLInputElement | null): Promise<boolean> {
  try {
    if (!navigator.clipboard?.writeText) throw new Error('No Clipboard API');
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    input?.focus();
    input?.select();
    return false;
  }
}

/** The secret address of the signed-in person's bookings as a calendar feed, to subscribe to in a calendar app. */
export function BookingSubscription() {
  const feed = useAsync(() => api.bookingFeed(), []);
  const [rotated, setRotated] = useState<string>();
  const [status, setStatus] = useState('');
  const [error, setError] = useState<unknown>();
  const input = useRef<HTMLInputElement>(null);
  const url = rotated ?? feed.data?.url;

  const copy = async () => {
    if (!url) return;
    setStatus('');
    const copied = await copyText(url, input.current);
    setStatus(copied ? 'Copied.' : 'The link is selected: press Ctrl+C (⌘C on a Mac) to copy it.');
  };
  const rotate = async () => {
    setError(undefined);
    setStatus('');
    try {
      const next = await api.rotateBookingFeed();
      setRotated(next.url);
      setStatus('New link ready. The old link no longer works: subscribe again with this one.');
    } catch (e) {
      setError(e);
    }
  };

  return (
    <Section title="Subscribe to your bookings">
      <p id="feed-url-hint">
        Add this link to your calendar app to see your bookings there, kept up to date: in Google Calendar, Other
        calendars → “From URL”; in Outlook, Add calendar → “Subscribe from web”; in Apple Calendar, File → “New Calendar
        Subscription”. Keep it to yourself: anyone with the link can see your bookings.
      </p>
      {feed.loading && !feed.data && <Loading what="your calendar link" />}
      <ErrorText error={feed.error} />
      {url && (
        <div className="form">
          <label htmlFor="feed-url">Your calendar link</label>
          <input
            ref={input}
            id="feed-url"
            type="url"
            className="mono"
            readOnly
            aria-describedby="feed-url-hint"
            value={url}
            onFocus={(e) => e.target.select()}
          />
          <div className="actions">
            <button type="button" onClick={() => void copy()}>
              Copy link
            </button>
            <a className="button secondary" href={webcal(url)}>
              Open in calendar app
            </a>
            <ConfirmButton
              label="Get a new link"
              question="Get a new link? The current one stops working at once, and calendars subscribed to it stop updating."
              confirmLabel="Yes, get a new link"
              keepLabel="Keep this link"
              onConfirm={rotate}
            />
          </div>
        </div>
      )}
      <p className="live ok" role="status" aria-live="polite">
        {status}
      </p>
      <ErrorText error={error} />
    </Section>
  );
}
