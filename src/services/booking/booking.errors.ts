import { ConflictError, ForbiddenError, GoneError } from '../../lib/errors';

export class BookingConflictError extends ConflictError {
  constructor() {
    super('This time overlaps another booking of the specialist', 'BOOKING_CONFLICT');
  }
}

export class BookingGoneError extends GoneError {
  constructor() {
    super('This booking was cancelled', 'BOOKING_CANCELLED');
  }
}

export class MeetingPendingError extends ConflictError {
  constructor() {
    super('The Zoom meeting is not created yet; try again shortly', 'MEETING_PENDING');
  }
}

/** The specialist turned guest booking off (`allowGuests: false`): only signed-in customers may book them. */
export class GuestsNotAllowedError extends ForbiddenError {
  constructor() {
    super(
      'This specialist takes bookings from signed-in customers only: sign in or create an account',
      'GUESTS_NOT_ALLOWED',
    );
  }
}
