import type { Booking } from '../../lib/api-types';
import { meetingStateText } from './meeting-state';

/**
 * The meeting's state, in a polite live region: when polling turns "Meeting link pending" into "Zoom meeting ready"
 * (and Join meeting appears), screen readers announce it without the person moving focus.
 */
export function MeetingState({ booking }: { booking: Booking }) {
  return (
    <p className="state" aria-live="polite" aria-atomic="true">
      {meetingStateText(booking)}
    </p>
  );
}
