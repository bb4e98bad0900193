import { AppError, ConflictError, ForbiddenError, GoneError } from '../../lib/errors';

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

/** s2s: a meeting of the shared ZOOM_S2S_HOST_USER starts as that account; only admins and that host may. */
export class SharedHostStartError extends AppError {
  constructor() {
    super(
      403,
      'START_LINK_SHARED_HOST',
      "This meeting is hosted by the platform's shared Zoom user (ZOOM_S2S_HOST_USER): only admins and that host " +
        'can start it. Join it with the join link.',
    );
  }
}

/** s2s: the meeting's host is a Zoom user this specialist is not (or no longer) approved to host as. */
export class S2SHostNotApprovedError extends AppError {
  constructor() {
    super(
      403,
      'S2S_HOST_NOT_APPROVED',
      "You are not approved (or no longer) to host as this meeting's Zoom user of the platform account; an admin " +
        'can start it, or approve you again.',
    );
  }
}
