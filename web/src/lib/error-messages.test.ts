import { describe, expect, it } from 'vitest';
import { ApiError } from './api';
import { describeError } from './error-messages';

describe('describeError', () => {
  it('when the API says the email is taken, then the person is told to sign in instead', () => {
    expect(describeError(new ApiError(409, 'EMAIL_TAKEN', 'Email already registered'))).toBe(
      'An account with this email already exists. Sign in instead.',
    );
  });

  it('when validation fails, then each problem names the field as the form labels it', () => {
    const error = new ApiError(400, 'VALIDATION_FAILED', 'Request validation failed', [
      { in: 'body', path: ['password'], message: 'Too small: expected string to have >=8 characters' },
      { in: 'body', path: ['email'], message: 'Invalid email address' },
    ]);
    expect(describeError(error)).toBe('Password must be at least 8 characters. Email must be a valid email address.');
  });

  it('when a service rejects availability without a field path, then its own sentence is shown', () => {
    const error = new ApiError(400, 'VALIDATION_FAILED', 'Invalid availability', [{ message: 'mon windows overlap' }]);
    expect(describeError(error)).toBe('mon windows overlap.');
  });

  it('when logins are rate limited, then the wait is given in minutes', () => {
    expect(describeError(new ApiError(429, 'RATE_LIMITED', 'Too many', undefined, 600))).toBe('Too many attempts. Please try again in 10 minute(s).');
  });

  it('when an emailed code does not work, then the sentence says why and what to do', () => {
    const code = (reason: string, triesLeft = 0) => describeError(new ApiError(422, 'EMAIL_CODE_INVALID', 'x', { reason, triesLeft }));
    expect(code('wrong', 3)).toBe('That code is not right. Check the email and try again (3 tries left).');
    expect(code('wrong', 1)).toBe('That code is not right. Check the email and try again (1 try left).');
    expect(code('dead')).toBe('That code was entered wrongly 5 times and no longer works. Ask for a new code.');
    const invalid =
      'That code does not work: it may be mistyped, older than 10 minutes, already used, or not the newest one sent. Ask for a new code.';
    expect(code('invalid')).toBe(invalid);
    // Reasons older servers gave, and none at all, read the same.
    for (const reason of ['expired', 'used', 'missing', '']) expect(code(reason)).toBe(invalid);
  });

  it('when a slot was just taken, then the person is asked to pick another', () => {
    expect(describeError(new ApiError(409, 'BOOKING_CONFLICT', 'conflict'))).toBe('Someone has just booked this time. Please pick another one.');
  });

  it('when the server cannot be reached or fails, then the message says so without technical detail', () => {
    expect(describeError(new ApiError(0, 'NETWORK', 'Could not reach the server (Failed to fetch)'))).toMatch(/can't reach the server/);
    expect(describeError(new ApiError(500, 'INTERNAL', 'Internal error'))).toBe('Something went wrong on our side. Please try again in a moment.');
    expect(describeError(new Error('boom'))).toBe('Something went wrong. Please try again.');
  });

  it('when a calendar is refused, then the server’s reason is given as a sentence, and the limit says what to do', () => {
    const refused = new ApiError(422, 'CALENDAR_FEED_INVALID', 'This calendar could not be added: …', {
      reason: 'The calendar server answered HTTP 404',
    });
    expect(describeError(refused)).toBe('This calendar could not be added: the calendar server answered HTTP 404.');
    expect(describeError(new ApiError(422, 'CALENDAR_FEED_INVALID', 'x'))).toMatch(/whole secret address/);
    expect(describeError(new ApiError(422, 'CALENDAR_FEED_LIMIT', 'At most 5 calendars'))).toBe(
      'You have 5 calendars already, the most you can add. Remove one to add another.',
    );
  });

  it('when the code is unknown and not a server failure, then the API’s own message is shown', () => {
    expect(describeError(new ApiError(422, 'SOMETHING_NEW', 'A new rule said no'))).toBe('A new rule said no');
  });

  it('when an s2s specialist cannot host yet, then the customer is told the platform has not set it up, not to connect Zoom', () => {
    const error = new ApiError(422, 'ZOOM_NOT_CONNECTED', 'an admin must approve', { missingStep: 'admin_approval' });
    expect(describeError(error)).toBe("This specialist can't take bookings yet: the platform has not set up their Zoom hosting.");
    expect(describeError(new ApiError(422, 'ZOOM_NOT_CONNECTED', 'x'))).toMatch(/Zoom account isn't connected/);
  });

  it('when a specialist presses Start on a meeting of the shared host, then they are told an admin starts it', () => {
    expect(describeError(new ApiError(403, 'START_LINK_SHARED_HOST', 'x'))).toMatch(/an admin starts it/);
  });
});
