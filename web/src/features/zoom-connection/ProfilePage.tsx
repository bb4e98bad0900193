import type { User } from '../../lib/api-types';
import { AvailabilityEditor } from '../availability/AvailabilityEditor';
import { MeetingSettingsEditor } from '../availability/MeetingSettingsEditor';
import { SpecialistBookings } from '../bookings/SpecialistBookings';
import { CalendarFeeds } from '../calendars/CalendarFeeds';
import { ZoomConnection } from './ZoomConnection';

export function ProfilePage({ user }: { user: User }) {
  return (
    <>
      <h1>Your profile</h1>
      <p>
        {user.name} · {user.email} · time zone {user.timezone}
      </p>
      <ZoomConnection timeZone={user.timezone} />
      <AvailabilityEditor timeZone={user.timezone} />
      <MeetingSettingsEditor />
      <CalendarFeeds timeZone={user.timezone} />
      <SpecialistBookings timeZone={user.timezone} />
    </>
  );
}
