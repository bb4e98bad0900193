import { useState, type MouseEvent } from 'react';
import { ErrorText } from '../../app/ui';
import { api } from '../../lib/api';

/**
 * Zoom's start_url expires after 2 hours and needs the specialist's login, so the link asks the API for a fresh one
 * on click (a plain navigation could not carry the bearer token).
 */
export function StartMeetingLink({ bookingId, href }: { bookingId: string; href: string }) {
  const [error, setError] = useState<unknown>();
  const start = async (event: MouseEvent<HTMLAnchorElement>) => {
    event.preventDefault();
    setError(undefined);
    try {
      const { url } = await api.startUrl(bookingId);
      window.open(url, '_blank', 'noopener,noreferrer');
    } catch (e) {
      setError(e);
    }
  };
  return (
    <>
      <a href={href} className="button" onClick={(e) => void start(e)}>
        Start meeting
      </a>
      <ErrorText error={error} />
    </>
  );
}
