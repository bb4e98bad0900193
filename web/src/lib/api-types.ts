/**
 * Names for the API's schemas. Every shape comes from `api-schema.gen.ts`, generated from the server's OpenAPI
 * document (`npm run api-types`), so a server change that breaks the app is a compile error, not a surprise.
 */
import type { components } from './api-schema.gen';

type Schemas = components['schemas'];

export type User = Schemas['User'];
export type Role = User['role'];
export type AuthResponse = Schemas['AuthResponse'];
export type ZoomStatus = Schemas['ZoomConnectionStatus'];
export type AvailabilityRequest = Schemas['AvailabilityRequest'];
/** What was saved (GET answers it with every default filled in). */
export type Availability = Schemas['Availability'];
export type Day = AvailabilityRequest['weekly'][number]['day'];
export type Specialist = Schemas['Specialist'];
export type Slot = Schemas['Slots']['slots'][number];
export type Booking = Schemas['Booking'];
export type MeetingStatus = Booking['meeting']['status'];
/** What a customer's manage link (`/manage/:token`) shows; `token` is null once the booking is cancelled. */
export type ManagedBooking = Schemas['ManagedBooking'];
/** Booking without an account (`POST /api/guest/bookings`): the answer carries the manage link. */
export type GuestBookingRequest = Schemas['GuestBookingRequest'];
export type GuestBooking = Schemas['GuestBooking'];
export type ZoomConnectionPage = Schemas['ZoomConnectionPage'];
export type ZoomConnectionRow = Schemas['ZoomConnectionRow'];
export type ConnectionState = ZoomConnectionRow['state'];
export type RefreshEvent = Schemas['RefreshEvent'];
/** The admins' meeting view (`/api/admin/meetings`). */
export type MeetingTroublePage = Schemas['MeetingTroublePage'];
export type MeetingTroubleRow = MeetingTroublePage['items'][number];
export type MeetingTroubleState = MeetingTroubleRow['state'];
/** A specialist's calendar feed (busy times): its host and a hint, never the secret address. */
export type CalendarFeed = Schemas['CalendarFeed'];
/** The secret address of a user's bookings as a calendar feed. */
export type CalendarSubscription = Schemas['CalendarSubscription'];
/** The admins' S2S hosts (`/api/admin/s2s-hosts`, MEETING_PROVIDER=s2s). */
export type S2SHostPage = Schemas['S2SHostPage'];
export type S2SHostRow = Schemas['S2SHostRow'];
export type S2SHostState = S2SHostRow['state'];
