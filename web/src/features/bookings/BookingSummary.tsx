import { Link } from '../../app/router';
import { ConfirmButton } from '../../app/ui';
import type { Booking } from '../../lib/api-types';
import { formatDateTime } from '../../lib/time';
import { MeetingState } from './MeetingState';
import { canChange, withWhom } from './meeting-state';

/** One booking as its party sees it: when, with whom, the meeting, and what can be done. */
export function BookingSummary(props: {
  booking: Booking;
  timeZone: string;
  onCancel: (id: string) => Promise<unknown>;
  headingLevel?: 'h2' | 'h3';
}) {
  const { booking: b, timeZone } = props;
  const Heading = props.headingLevel ?? 'h2';
  const whenId = `when-${b.id}`;
  return (
    <article className="booking card" aria-labelledby={whenId}>
      <Heading id={whenId}>{formatDateTime(b.start, timeZone)}</Heading>
      <p>
        {b.durationMinutes} minutes{withWhom(b) && <> {withWhom(b)}</>}
        {b.topic && <> · Topic: {b.topic}</>}
      </p>
      <MeetingState booking={b} />
      <div className="actions">
        {b.status === 'confirmed' && b.meeting.joinUrl && (
          <a className="button" href={b.meeting.joinUrl} target="_blank" rel="noopener noreferrer">
            Join meeting
          </a>
        )}
        {canChange(b, new Date()) && (
          <>
            <Link className="button secondary" to={`/specialists/${b.specialistId}?reschedule=${b.id}`} aria-describedby={whenId}>
              Reschedule
            </Link>
            <ConfirmButton
              label="Cancel"
              question="Cancel this booking? Both of you will be emailed."
              confirmLabel="Yes, cancel it"
              keepLabel="Keep booking"
              describedBy={whenId}
              onConfirm={() => props.onCancel(b.id)}
            />
          </>
        )}
      </div>
    </article>
  );
}
